import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';
import { ensureDevProject } from '../src/dev-project.js';
import { openSqlite } from '../src/store/database.js';
import { ProjectStore } from '../src/store/project-store.js';

async function tempDir(t: import('node:test').TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vcw-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('SQLite store', () => {
  it('keeps projects, origins and keys across a restart, and never stores a key', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'vcw.sqlite');
    let db = await openSqlite(file);
    const store = new ProjectStore(db);
    const project = await store.createProject({
      name: 'Acme',
      allowedOrigins: ['https://Acme.example:443/', 'http://localhost:8080'],
    });
    assert.deepEqual(project.allowedOrigins, ['https://acme.example', 'http://localhost:8080']);
    const { plaintext } = await store.createApiKey(project.id, 'publishable');
    await db.destroy();

    db = await openSqlite(file); // migrations run again and are a no-op
    const reopened = new ProjectStore(db);
    const match = await reopened.authenticateKey(plaintext, 'publishable');
    assert.equal(match?.project.id, project.id);
    assert.deepEqual(match?.project.allowedOrigins.sort(), ['http://localhost:8080', 'https://acme.example']);
    assert.equal(await reopened.authenticateKey(plaintext, 'secret'), null, 'a key only works as its own type');
    await db.destroy();

    const bytes = await readFile(file);
    assert.equal(bytes.includes(plaintext), false, 'the key is not in the database file');
    assert.equal(bytes.includes(plaintext.slice(8, 30)), false, 'nor its secret part');
  });

  it('refuses origins that are not http(s)', async (t) => {
    const db = await openSqlite(':memory:');
    t.after(() => db.destroy());
    await assert.rejects(new ProjectStore(db).createProject({ name: 'x', allowedOrigins: ['javascript:alert(1)'] }));
  });

  it('creates the dev project on first start, reuses its key afterwards, and leaves its origins alone', async (t) => {
    const dir = await tempDir(t);
    const config = loadConfig({ DATA_DIR: dir, PORT: '4321' });
    const db = await openSqlite(path.join(dir, 'vcw.sqlite'));
    t.after(() => db.destroy());
    const store = new ProjectStore(db);
    const first = await ensureDevProject(store, config);
    assert.ok(first);
    assert.equal(first.minted, true);
    assert.equal((await readFile(path.join(dir, 'dev-publishable-key'), 'utf8')).trim(), first.publishableKey);
    const match = await store.authenticateKey(first.publishableKey, 'publishable');
    assert.deepEqual(match?.project.allowedOrigins, ['http://127.0.0.1:4321', 'http://localhost:4321']);

    await store.addOrigin(first.projectId, 'https://team.example');
    assert.match(
      first.secretKey ?? '',
      /^sk_test_/,
      'the start that makes the project mints it a secret key, on loopback',
    );
    assert.equal(
      (await store.authenticateKey(first.secretKey ?? '', 'secret'))?.project.id,
      first.projectId,
      'and it works',
    );
    const second = await ensureDevProject(store, loadConfig({ DATA_DIR: dir, PORT: '5555' }));
    assert.deepEqual(
      second,
      { ...first, minted: false, secretKey: null, allowedOrigins: [...first.allowedOrigins, 'https://team.example'] },
      'never a secret key again',
    );
    assert.deepEqual(await store.originsOf(first.projectId), [
      'http://127.0.0.1:4321',
      'http://localhost:4321',
      'https://team.example',
    ]);
  });

  it('creates DATA_DIR for the dev key file when the store does not live there (regression: PostgreSQL start)', async (t) => {
    const dir = path.join(await tempDir(t), 'not', 'yet');
    const db = await openSqlite(':memory:');
    t.after(() => db.destroy());
    const dev = await ensureDevProject(new ProjectStore(db), loadConfig({ DATA_DIR: dir }));
    assert.equal((await readFile(path.join(dir, 'dev-publishable-key'), 'utf8')).trim(), dev?.publishableKey);
  });

  it('mints no secret key for the dev project of a service that is not on loopback', async (t) => {
    const dir = await tempDir(t);
    const db = await openSqlite(':memory:');
    t.after(() => db.destroy());
    const dev = await ensureDevProject(
      new ProjectStore(db),
      loadConfig({ DATA_DIR: dir, PUBLIC_URL: 'https://video.example' }),
    );
    assert.equal(dev?.secretKey, null);
    assert.equal(dev?.minted, true);
  });

  it('makes no dev project in a store that already holds projects', async (t) => {
    const dir = await tempDir(t);
    const db = await openSqlite(path.join(dir, 'vcw.sqlite'));
    t.after(() => db.destroy());
    const store = new ProjectStore(db);
    await store.createProject({ name: 'Acme', allowedOrigins: ['https://acme.example'] });
    assert.equal(await ensureDevProject(store, loadConfig({ DATA_DIR: dir })), null);
    assert.equal(await store.findProjectByName('dev'), null);
  });
});
