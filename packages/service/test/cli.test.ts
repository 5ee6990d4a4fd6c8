/** The admin CLI, run as a user runs it: the compiled `vcw-admin` in a child process against a real SQLite store. */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { KeyCreated, KeyList, KeyRevoked, KeyRolled } from '../src/cli/commands/keys.js';
import type { OriginsChanged } from '../src/cli/commands/origins.js';
import type { ProjectBranded, ProjectCreated, ProjectList, ProjectUpdated } from '../src/cli/commands/projects.js';
import { ProjectBrandingStore } from '../src/store/project-branding-store.js';
import { openSqlite, SQLITE_FILE_NAME } from '../src/store/database.js';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assertUsageError, cli, createProject } from './helpers/cli.js';

describe('vcw-admin', () => {
  it('lists its commands with --help and explains each one, without creating a store', async (t) => {
    const c = await cli(t);
    const overview = await c.run('--help');
    assert.equal(overview.code, 0);
    for (const command of [
      'projects create',
      'projects list',
      'projects update',
      'projects brand',
      'origins add',
      'origins remove',
      'keys create',
      'keys list',
      'keys revoke',
      'keys roll',
    ]) {
      assert.ok(overview.stdout.includes(command), `--help lists ${command}`);
    }
    const roll = await c.run('keys', 'roll', '--help');
    assert.equal(roll.code, 0);
    assert.match(roll.stdout, /Usage: vcw-admin keys roll KEY_ID/);
    assert.match(roll.stdout, /--overlap SECONDS .*86400/);
    assert.deepEqual(await readdir(c.dir), [], 'help opens no store');
  });

  it('creates a project whose keys are shown once and work; later listings show only prefix…last4', async (t) => {
    const c = await cli(t);
    const created = await createProject(c, 'Acme', ['https://Acme.example:443/', 'http://localhost:8080']);
    assert.match(created.project.id, /^prj_/);
    assert.deepEqual(created.project.allowedOrigins, ['https://acme.example', 'http://localhost:8080']);
    assert.match(created.publishableKey.plaintext, /^pk_test_/);
    assert.match(created.secretKey.plaintext, /^sk_test_/);

    const store = await c.store();
    const match = await store.authenticateKey(created.publishableKey.plaintext, 'publishable');
    assert.equal(match?.project.id, created.project.id);
    assert.deepEqual(match?.project.allowedOrigins.sort(), ['http://localhost:8080', 'https://acme.example']);
    assert.equal((await store.authenticateKey(created.secretKey.plaintext, 'secret'))?.project.id, created.project.id);

    const human = await c.run(
      'projects',
      'create',
      '--name',
      'Beta',
      '--origin',
      'https://beta.example',
      '--environment',
      'live',
    );
    assert.equal(human.code, 0, human.stderr);
    const liveKeys = human.stdout.match(/\b(pk|sk)_live_[0-9A-Za-z]{28}\b/g) ?? [];
    assert.equal(liveKeys.length, 2, 'both keys are printed');
    c.minted(...liveKeys);
    assert.match(human.stdout, /shown this once/);
    assert.match(human.stdout, /hash/);

    const { projects } = await c.json<ProjectList>('projects', 'list');
    assert.deepEqual(
      projects.map((p) => p.name),
      ['Acme', 'Beta'],
    );
    const listed = await c.run('projects', 'list');
    assert.equal(listed.code, 0);
    assert.match(
      listed.stdout,
      new RegExp(`${created.project.id}\\s+Acme\\s+http://localhost:8080, https://acme.example`),
    );
    assert.match(listed.stdout, /Beta\s+https:\/\/beta\.example/);

    const keyList = await c.json<KeyList>('keys', 'list', '--project', created.project.id);
    assert.equal(keyList.keys.length, 2);
    for (const key of keyList.keys) assert.equal('plaintext' in key, false);
    const last4 = created.publishableKey.plaintext.slice(-4);
    assert.ok(keyList.keys.some((k) => k.display === `pk_test_…${last4}`));
    const keyText = await c.run('keys', 'list', '--project', created.project.id);
    assert.equal(keyText.code, 0);
    assert.ok(keyText.stdout.includes(`pk_test_…${last4}`));
    for (const outcome of [keyText, listed, { stdout: JSON.stringify(keyList) }]) {
      assert.equal(outcome.stdout.includes(created.publishableKey.plaintext), false, 'a listing never shows a key');
      assert.equal(outcome.stdout.includes(created.secretKey.plaintext), false, 'a listing never shows a key');
    }
    await c.assertNoKeyStored();
  });

  it("`npm run -s admin -- … --json` prints the JSON document alone, without npm's banner", async (t) => {
    const c = await cli(t);
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn('npm', ['--prefix', root, 'run', '-s', 'admin', '--', 'projects', 'list', '--json'], {
        env: { ...process.env, DATA_DIR: c.dir, DATABASE_URL: '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`npm exited with ${code}`))));
    });
    assert.deepEqual(JSON.parse(stdout), { projects: [] }, 'stdout parses as JSON whole');
  });

  it("brands a project's join page: name, accent colour, logo; 'none' clears; bad values refused", async (t) => {
    const c = await cli(t);
    const { project } = await createProject(c, 'Acme', ['https://acme.example']);
    const set = await c.run(
      'projects',
      'brand',
      '--project',
      project.id,
      '--display-name',
      'Acme Care',
      '--accent-color',
      '#0F766E',
      '--logo-url',
      'https://cdn.acme.example/logo.svg',
    );
    assert.equal(set.code, 0, set.stderr);
    assert.match(
      set.stdout,
      /name shown: Acme Care\n {2}accent colour: #0F766E\n {2}logo: https:\/\/cdn\.acme\.example\/logo\.svg/,
    );
    const cleared = await c.json<ProjectBranded>('projects', 'brand', '--project', project.id, '--logo-url', 'none');
    assert.deepEqual(cleared.branding, { displayName: 'Acme Care', accentColor: '#0F766E', logoUrl: null });
    assertUsageError(
      await c.run('projects', 'brand', '--project', project.id, '--accent-color', 'teal'),
      /--accent-color must be #rrggbb/,
    );
    assertUsageError(
      await c.run('projects', 'brand', '--project', project.id, '--logo-url', 'http://cdn.example/x.png'),
      /--logo-url must be an https:\/\/ URL/,
    );
    assertUsageError(await c.run('projects', 'brand', '--project', project.id), /give at least one of/);
    const refused = await c.run(
      'projects',
      'brand',
      '--project',
      'prj_000000000000000000000000',
      '--display-name',
      'X',
    );
    assert.equal(refused.code, 1);
    // What the service's join page reads.
    const db = await openSqlite(path.join(c.dir, SQLITE_FILE_NAME));
    t.after(() => db.destroy());
    assert.deepEqual(await new ProjectBrandingStore(db).get(project.id), {
      displayName: 'Acme Care',
      accentColor: '#0F766E',
      logoUrl: null,
    });
  });

  it('creates a project without ad-hoc rooms, lists the setting, and switches it with projects update', async (t) => {
    const c = await cli(t);
    const open = await createProject(c, 'Open', ['https://open.example']);
    const strict = await c.json<ProjectCreated>(
      'projects',
      'create',
      '--name',
      'Strict',
      '--origin',
      'https://strict.example',
      '--no-ad-hoc-rooms',
    );
    c.minted(strict.publishableKey.plaintext, strict.secretKey.plaintext);
    assert.deepEqual([open.project.allowAdHocRooms, strict.project.allowAdHocRooms], [true, false]);
    const store = await c.store();
    assert.equal((await store.findProject(strict.project.id))?.allowAdHocRooms, false);

    const listed = await c.run('projects', 'list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /AD-HOC ROOMS/);
    assert.match(listed.stdout, new RegExp(`${open.project.id}\\s+Open\\s+https://open\\.example\\s+on\\s`));
    assert.match(listed.stdout, new RegExp(`${strict.project.id}\\s+Strict\\s+https://strict\\.example\\s+off\\s`));
    const json = await c.json<ProjectList>('projects', 'list');
    assert.deepEqual(
      json.projects.map((p) => [p.name, p.allowAdHocRooms]),
      [
        ['Open', true],
        ['Strict', false],
      ],
    );

    const on = await c.run('projects', 'update', '--project', strict.project.id, '--ad-hoc-rooms', 'on');
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /now has ad-hoc rooms on/);
    assert.equal((await store.findProject(strict.project.id))?.allowAdHocRooms, true);
    const again = await c.json<ProjectUpdated>(
      'projects',
      'update',
      '--project',
      strict.project.id,
      '--ad-hoc-rooms',
      'on',
    );
    assert.deepEqual([again.changed, again.project.allowAdHocRooms], [false, true]);
    const off = await c.json<ProjectUpdated>(
      'projects',
      'update',
      '--project',
      open.project.id,
      '--ad-hoc-rooms',
      'off',
    );
    assert.deepEqual([off.changed, off.project.id, off.project.allowAdHocRooms], [true, open.project.id, false]);
    assert.equal((await store.findProject(open.project.id))?.allowAdHocRooms, false);

    assertUsageError(
      await c.run('projects', 'update', '--project', open.project.id, '--ad-hoc-rooms', 'maybe'),
      /--ad-hoc-rooms must be on or off/,
    );
    assertUsageError(await c.run('projects', 'update', '--project', open.project.id), /--ad-hoc-rooms is required/);
    assertUsageError(await c.run('projects', 'update', '--ad-hoc-rooms', 'on'), /--project is required/);
    assert.equal(
      (await store.findProject(open.project.id))?.allowAdHocRooms,
      false,
      'a refused update changes nothing',
    );
  });

  it('adds and removes allowed origins', async (t) => {
    const c = await cli(t);
    const { project } = await createProject(c);
    const added = await c.run('origins', 'add', '--project', project.id, 'HTTPS://Shop.Acme.example:443/');
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /now allows https:\/\/shop\.acme\.example/);
    const store = await c.store();
    assert.deepEqual(await store.originsOf(project.id), ['https://acme.example', 'https://shop.acme.example']);

    const again = await c.json<OriginsChanged>('origins', 'add', '--project', project.id, 'https://shop.acme.example');
    assert.equal(again.changed, false);
    const removed = await c.json<OriginsChanged>('origins', 'remove', '--project', project.id, 'https://acme.example');
    assert.deepEqual(removed.allowedOrigins, ['https://shop.acme.example']);
    const text = await c.run('origins', 'remove', '--project', project.id, 'https://shop.acme.example');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /no longer allows https:\/\/shop\.acme\.example/);
    assert.deepEqual(await store.originsOf(project.id), []);

    const absent = await c.run('origins', 'remove', '--project', project.id, 'https://acme.example');
    assert.equal(absent.code, 1);
    assert.match(absent.stderr, /does not allow https:\/\/acme\.example/);
    assertUsageError(
      await c.run('origins', 'add', '--project', project.id, 'javascript:alert(1)'),
      /not an http\(s\) origin/,
    );
    assertUsageError(await c.run('origins', 'add', '--project', project.id, 'https://acme.example/shop'), /no path/);
    assert.deepEqual(await store.originsOf(project.id), [], 'refused origins are not added');
  });

  it('mints a key for a project, and a revoked key stops working', async (t) => {
    const c = await cli(t);
    const { project } = await createProject(c);
    const store = await c.store();

    const secret = await c.run('keys', 'create', '--project', project.id, '--type', 'secret', '--environment', 'live');
    assert.equal(secret.code, 0, secret.stderr);
    const [plaintext] = secret.stdout.match(/\bsk_live_[0-9A-Za-z]{28}\b/) ?? [];
    assert.ok(plaintext, 'the key is printed');
    c.minted(plaintext);
    assert.match(secret.stdout, /shown this once/);
    assert.equal((await store.authenticateKey(plaintext, 'secret'))?.project.id, project.id);

    const { key } = await c.json<KeyCreated>('keys', 'create', '--project', project.id, '--type', 'publishable');
    c.minted(key.plaintext);
    assert.match(key.plaintext, /^pk_test_/);
    assert.ok(await store.authenticateKey(key.plaintext, 'publishable'));
    await store.markKeyUsed(key.id);

    const revoked = await c.run('keys', 'revoke', key.id);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /Revoked/);
    assert.equal(
      await store.authenticateKey(key.plaintext, 'publishable'),
      null,
      'a revoked key no longer authenticates',
    );
    const listed = (await c.json<KeyList>('keys', 'list', '--project', project.id)).keys.find((k) => k.id === key.id);
    assert.ok(listed?.revokedAt && listed.lastUsedAt, 'the listing shows when it was last used and revoked');

    const twice = await c.run('keys', 'revoke', key.id);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /already revoked/);
    const secretId = (await store.listKeys(project.id)).find((k) => k.environment === 'live')?.id ?? '';
    const json = await c.json<KeyRevoked>('keys', 'revoke', secretId);
    assert.ok(json.key.revokedAt);
    assert.equal(await store.authenticateKey(plaintext, 'secret'), null);
    await c.assertNoKeyStored();
  });

  it('rolls a key: the old one keeps working through the overlap, or stops at once with --overlap 0', async (t) => {
    const c = await cli(t);
    const { publishableKey: first } = await createProject(c);
    const store = await c.store();

    const rolled = await c.run('keys', 'roll', first.id);
    assert.equal(rolled.code, 0, rolled.stderr);
    const [second] = rolled.stdout.match(/\bpk_test_[0-9A-Za-z]{28}\b/) ?? [];
    assert.ok(second, 'the new key is printed');
    c.minted(second);
    assert.match(rolled.stdout, /keeps working until \d{4}-\d\d-\d\dT/);
    assert.ok(await store.authenticateKey(first.plaintext, 'publishable'), 'the old key works during the overlap');
    const secondRecord = await store.authenticateKey(second, 'publishable');
    assert.ok(secondRecord, 'the new key works');
    const old = await store.findKey(first.id);
    assert.equal(old?.replacedBy, secondRecord.key.id);
    assert.ok(
      Math.abs(Date.parse(old?.expiresAt ?? '') - (Date.now() + 86_400_000)) < 60_000,
      'the default overlap is a day',
    );

    const again = await c.json<KeyRolled>('keys', 'roll', secondRecord.key.id, '--overlap', '0');
    c.minted(again.key.plaintext);
    assert.equal(again.previous.id, secondRecord.key.id);
    assert.equal(
      await store.authenticateKey(second, 'publishable'),
      null,
      'with --overlap 0 the old key stops at once',
    );
    assert.ok(await store.authenticateKey(again.key.plaintext, 'publishable'));

    const twice = await c.run('keys', 'roll', secondRecord.key.id);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /already rolled/);
    for (const overlap of ['--overlap=-1', '--overlap=abc', '--overlap=1.5', '--overlap=2592001']) {
      assertUsageError(await c.run('keys', 'roll', again.key.id, overlap), /--overlap/);
    }
    assert.ok(await store.authenticateKey(again.key.plaintext, 'publishable'), 'a refused roll leaves the key alone');
    await c.assertNoKeyStored();
  });

  it('creates nothing when one origin or option is bad', async (t) => {
    const c = await cli(t);
    const badOrigin = await c.run(
      'projects',
      'create',
      '--name',
      'Acme',
      '--origin',
      'https://acme.example',
      '--origin',
      'ftp://files.acme.example',
    );
    assertUsageError(badOrigin, /ftp:\/\/files\.acme\.example.*not an http\(s\) origin/);
    assertUsageError(
      await c.run('projects', 'create', '--name', 'Acme', '--origin', 'https://acme.example', '--environment', 'prod'),
      /--environment must be test or live/,
    );
    assert.deepEqual((await c.json<ProjectList>('projects', 'list')).projects, []);
    assert.equal(await (await c.store()).hasProjects(), false);
  });

  it('refuses unknown commands, unknown flags and missing arguments with exit 2 and one message', async (t) => {
    const c = await cli(t);
    const cases: [string[], RegExp][] = [
      [[], /Missing command/],
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['keys', 'frob'], /Unknown command "keys frob"/],
      [['projects', 'list', '--bogus'], /Unknown option '--bogus'/],
      [['projects', 'list', 'extra'], /unexpected argument "extra"/],
      [['projects', 'create', '--origin', 'https://acme.example'], /--name is required/],
      [['keys', 'create', '--project', 'prj_x'], /--type is required/],
      [['keys', 'create', '--project', 'prj_x', '--type', 'public'], /--type must be publishable or secret/],
      [['keys', 'revoke'], /KEY_ID is required/],
    ];
    for (const [args, pattern] of cases) {
      const outcome = await c.run(...args);
      assertUsageError(outcome, pattern);
      assert.equal(outcome.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}`);
    }
  });

  it('exits 1 for an unknown project or key id', async (t) => {
    const c = await cli(t);
    const cases = [
      ['keys', 'list', '--project', 'prj_nope'],
      ['keys', 'create', '--project', 'prj_nope', '--type', 'secret'],
      ['origins', 'add', '--project', 'prj_nope', 'https://acme.example'],
      ['keys', 'revoke', 'key_nope'],
      ['keys', 'roll', 'key_nope'],
      ['projects', 'update', '--project', 'prj_nope', '--ad-hoc-rooms', 'off'],
    ];
    for (const args of cases) {
      const outcome = await c.run(...args);
      assert.equal(outcome.code, 1, `${args.join(' ')}: ${outcome.stderr}`);
      assert.equal(outcome.stdout, '');
      assert.match(outcome.stderr, /No (project|key) with id (prj|key)_nope/);
    }
  });
});
