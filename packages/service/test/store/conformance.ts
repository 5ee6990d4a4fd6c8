/**
 * The store contract: every ProjectStore behaviour the service relies on, run against each database it
 * supports (SQLite and PostgreSQL through the same Kysely code). Each test opens a fresh, empty database.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Kysely } from 'kysely';
import { mintApiKey } from '../../src/auth/api-key.js';
import { MAX_ROLL_OVERLAP_SECONDS, ProjectStore } from '../../src/store/project-store.js';
import type { Database } from '../../src/store/schema.js';
import { describeCallHistory } from './call-history-conformance.js';
import { describeQueueStore } from './queue-conformance.js';
import { describeRemovedTokens } from './removed-token-conformance.js';
import { describeRoomStore } from './room-conformance.js';
import { describeWebhookStore } from './webhook-conformance.js';

export interface StoreConformanceOptions {
  /** Runs after each test's database has been destroyed, e.g. to drop its PostgreSQL schema. */
  dispose?: (db: Kysely<Database>) => Promise<void>;
}

/** Where the fake clock starts; far from the real time so a test that forgot to freeze it would notice. */
const START = Date.parse('2030-01-01T00:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

/** Registers the conformance suite for one store implementation. */
export function describeStoreConformance(
  name: string,
  open: () => Promise<Kysely<Database>>,
  options: StoreConformanceOptions = {},
): void {
  async function freshStore(t: TestContext): Promise<{ db: Kysely<Database>; store: ProjectStore }> {
    const db = await open();
    t.after(async () => {
      try {
        await db.destroy();
      } finally {
        await options.dispose?.(db);
      }
    });
    return { db, store: new ProjectStore(db) };
  }

  /** Freezes `Date` at START; the returned function moves it on by some seconds. */
  function freezeClock(t: TestContext): (seconds: number) => void {
    t.mock.timers.enable({ apis: ['Date'], now: START });
    return (seconds) => t.mock.timers.tick(seconds * 1000);
  }

  describe(`store conformance: ${name}`, () => {
    describeRoomStore(async (t) => (await freshStore(t)).db);
    describeCallHistory(async (t) => (await freshStore(t)).db);
    describeQueueStore(async (t) => (await freshStore(t)).db);
    describeWebhookStore(async (t) => (await freshStore(t)).db);
    describeRemovedTokens(async (t) => (await freshStore(t)).db);
    describe('projects', () => {
      it('creates a project with its origins normalised and de-duplicated, and finds it again', async (t) => {
        const { store } = await freshStore(t);
        freezeClock(t);
        assert.equal(await store.hasProjects(), false);
        const origins = ['https://Acme.example:443/', 'https://acme.example', 'http://localhost:8080/path?q=1'];
        const project = await store.createProject({ name: 'Acme', allowedOrigins: origins });
        assert.match(project.id, /^prj_\w+$/);
        assert.equal(project.name, 'Acme');
        assert.equal(project.createdAt, iso(START));
        assert.deepEqual(project.allowedOrigins, ['https://acme.example', 'http://localhost:8080']);
        assert.deepEqual(await store.findProject(project.id), {
          ...project,
          allowedOrigins: ['http://localhost:8080', 'https://acme.example'],
        });
        assert.deepEqual(await store.findProjectByName('Acme'), await store.findProject(project.id));
        assert.equal(await store.hasProjects(), true);
      });

      it('creates a project without origins', async (t) => {
        const { store } = await freshStore(t);
        const project = await store.createProject({ name: 'Bare', allowedOrigins: [] });
        assert.deepEqual((await store.findProject(project.id))?.allowedOrigins, []);
      });

      it('refuses origins that are not http(s) and stores nothing', async (t) => {
        const { store } = await freshStore(t);
        await assert.rejects(
          store.createProject({ name: 'Evil', allowedOrigins: ['https://ok.example', 'javascript:alert(1)'] }),
          /Not an http\(s\) origin/,
        );
        await assert.rejects(
          store.createProject({ name: 'Ftp', allowedOrigins: ['ftp://files.example'] }),
          /Not an http\(s\) origin/,
        );
        assert.equal(await store.hasProjects(), false);
        assert.equal(await store.findProjectByName('Evil'), null);
      });

      it('finds nothing for an unknown id or name, and matches names exactly', async (t) => {
        const { store } = await freshStore(t);
        await store.createProject({ name: 'Acme', allowedOrigins: [] });
        assert.equal(await store.findProject('prj_unknown'), null);
        assert.equal(await store.findProjectByName('acme'), null);
        assert.equal(await store.findProjectByName('Nobody'), null);
      });

      it('finds the oldest of two projects with the same name', async (t) => {
        const { store } = await freshStore(t);
        const advance = freezeClock(t);
        const first = await store.createProject({ name: 'Shop', allowedOrigins: [] });
        advance(1);
        await store.createProject({ name: 'Shop', allowedOrigins: [] });
        assert.equal((await store.findProjectByName('Shop'))?.id, first.id);
      });

      it('lists projects oldest first, each with its origins', async (t) => {
        const { store } = await freshStore(t);
        const advance = freezeClock(t);
        assert.deepEqual(await store.listProjects(), []);
        const names = ['Zeta', 'Alpha', 'Mid'];
        for (const [i, projectName] of names.entries()) {
          await store.createProject({
            name: projectName,
            allowedOrigins: [`https://${projectName.toLowerCase()}.example`],
          });
          if (i < names.length - 1) advance(1);
        }
        const listed = await store.listProjects();
        assert.deepEqual(
          listed.map((p) => p.name),
          names,
        );
        assert.deepEqual(
          listed.map((p) => p.allowedOrigins),
          [['https://zeta.example'], ['https://alpha.example'], ['https://mid.example']],
        );
      });
    });

    describe('origins', () => {
      it('adds an origin once however often and however it is spelled', async (t) => {
        const { store } = await freshStore(t);
        const project = await store.createProject({ name: 'Shop', allowedOrigins: ['https://shop.example'] });
        await store.addOrigin(project.id, 'https://Staging.Shop.example:443/');
        await store.addOrigin(project.id, 'https://staging.shop.example');
        await store.addOrigin(project.id, 'https://shop.example/');
        assert.deepEqual(await store.originsOf(project.id), ['https://shop.example', 'https://staging.shop.example']);
        await assert.rejects(store.addOrigin(project.id, 'javascript:alert(1)'), /Not an http\(s\) origin/);
      });

      it('refuses an origin for a project that does not exist', async (t) => {
        const { store } = await freshStore(t);
        await assert.rejects(store.addOrigin('prj_unknown', 'https://shop.example'));
        assert.deepEqual(await store.originsOf('prj_unknown'), []);
      });

      it('removes an origin from one project only, and says whether it was there', async (t) => {
        const { store } = await freshStore(t);
        const shop = await store.createProject({
          name: 'Shop',
          allowedOrigins: ['https://shop.example', 'https://www.shop.example'],
        });
        const blog = await store.createProject({ name: 'Blog', allowedOrigins: ['https://shop.example'] });
        assert.equal(await store.removeOrigin(shop.id, 'https://SHOP.example:443/'), true);
        assert.equal(await store.removeOrigin(shop.id, 'https://shop.example'), false);
        assert.equal(await store.removeOrigin('prj_unknown', 'https://shop.example'), false);
        assert.deepEqual(await store.originsOf(shop.id), ['https://www.shop.example']);
        assert.deepEqual(await store.originsOf(blog.id), ['https://shop.example']);
      });

      it('lists origins in code-point order on every database', async (t) => {
        const { store } = await freshStore(t);
        // Locale collations ignore punctuation and would put ab before a.example and a-b.
        const project = await store.createProject({
          name: 'Order',
          allowedOrigins: ['https://ab.example', 'http://z.example', 'https://a.example', 'https://a-b.example'],
        });
        assert.deepEqual(await store.originsOf(project.id), [
          'http://z.example',
          'https://a-b.example',
          'https://a.example',
          'https://ab.example',
        ]);
      });
    });

    describe('API keys', () => {
      for (const type of ['publishable', 'secret'] as const) {
        for (const environment of ['test', 'live'] as const) {
          it(`mints a ${environment} ${type} key that authenticates as ${type} only`, async (t) => {
            const { store } = await freshStore(t);
            freezeClock(t);
            const project = await store.createProject({ name: 'Shop', allowedOrigins: ['https://shop.example'] });
            const { key, plaintext } = await store.createApiKey(project.id, type, environment);
            const prefix = `${type === 'publishable' ? 'pk' : 'sk'}_${environment}_`;
            assert.ok(plaintext.startsWith(prefix), plaintext.slice(0, 8));
            assert.deepEqual(key, {
              id: key.id,
              projectId: project.id,
              type,
              environment,
              displayPrefix: prefix,
              last4: plaintext.slice(-4),
              createdAt: iso(START),
              lastUsedAt: null,
              revokedAt: null,
              expiresAt: null,
              replacedBy: null,
            });
            assert.deepEqual(await store.findKey(key.id), key);
            assert.deepEqual(await store.authenticateKey(plaintext, type), {
              key,
              project: await store.findProject(project.id),
            });
            assert.equal(
              await store.authenticateKey(plaintext, type === 'publishable' ? 'secret' : 'publishable'),
              null,
            );
          });
        }
      }

      it('mints test keys unless told otherwise', async (t) => {
        const { store } = await freshStore(t);
        const project = await store.createProject({ name: 'Shop', allowedOrigins: [] });
        const { key, plaintext } = await store.createApiKey(project.id, 'publishable');
        assert.equal(key.environment, 'test');
        assert.ok(plaintext.startsWith('pk_test_'));
      });

      it('refuses a key for a project that does not exist', async (t) => {
        const { store } = await freshStore(t);
        await assert.rejects(store.createApiKey('prj_unknown', 'secret'));
        assert.deepEqual(await store.listKeys('prj_unknown'), []);
      });

      it('turns away malformed and unknown keys', async (t) => {
        const { store } = await freshStore(t);
        const project = await store.createProject({ name: 'Shop', allowedOrigins: [] });
        const { plaintext } = await store.createApiKey(project.id, 'publishable');
        const typo = plaintext.slice(0, 12) + (plaintext[12] === 'a' ? 'b' : 'a') + plaintext.slice(13);
        for (const candidate of [
          '',
          'pk_test_',
          plaintext.slice(0, -1),
          `${plaintext} `,
          typo,
          plaintext.replace('pk_test_', 'pk_live_'),
        ]) {
          assert.equal(await store.authenticateKey(candidate, 'publishable'), null, JSON.stringify(candidate));
        }
        assert.equal(
          await store.authenticateKey(mintApiKey('publishable', 'test').plaintext, 'publishable'),
          null,
          'a well-formed key this store never minted',
        );
      });

      it('revokes a key once: it stops authenticating and stays listed as revoked', async (t) => {
        const { store } = await freshStore(t);
        const advance = freezeClock(t);
        const project = await store.createProject({ name: 'Shop', allowedOrigins: [] });
        const { key, plaintext } = await store.createApiKey(project.id, 'secret', 'live');
        advance(60);
        assert.equal(await store.revokeKey(key.id), true);
        advance(60);
        assert.equal(await store.revokeKey(key.id), false);
        assert.equal(await store.revokeKey('key_unknown'), false);
        assert.equal(await store.authenticateKey(plaintext, 'secret'), null);
        assert.deepEqual(await store.listKeys(project.id), [{ ...key, revokedAt: iso(START + 60_000) }]);
      });

      it('tells which keys and projects live connections still stand on: revoked, rolled past, removed origins', async (t) => {
        const { store } = await freshStore(t);
        const advance = freezeClock(t);
        const project = await store.createProject({
          name: 'Live',
          allowedOrigins: ['https://a.example', 'https://b.example'],
        });
        const kept = (await store.createApiKey(project.id, 'publishable')).key;
        const revoked = (await store.createApiKey(project.id, 'publishable')).key;
        const rolled = (await store.createApiKey(project.id, 'publishable')).key;
        await store.revokeKey(revoked.id);
        await store.rollKey(rolled.id, 60);
        await store.removeOrigin(project.id, 'https://b.example');
        const before = await store.liveCredentials(
          [kept.id, revoked.id, rolled.id, 'key_unknown'],
          [project.id, 'prj_gone'],
        );
        assert.deepEqual(
          [...before.keys.keys()].sort(),
          [kept.id, rolled.id].sort(),
          'a rolled key works until its overlap ends',
        );
        assert.equal(before.keys.get(kept.id), project.id);
        assert.deepEqual(
          [...before.origins.entries()].map(([id, origins]) => [id, [...origins]]),
          [[project.id, ['https://a.example']]],
        );
        advance(61);
        assert.deepEqual([...(await store.liveCredentials([kept.id, rolled.id], [])).keys.keys()], [kept.id]);
      });

      it('records when a key was last used, to the minute', async (t) => {
        const { store } = await freshStore(t);
        const advance = freezeClock(t);
        const project = await store.createProject({ name: 'Shop', allowedOrigins: [] });
        const { key } = await store.createApiKey(project.id, 'publishable');
        advance(90);
        await store.markKeyUsed(key.id);
        assert.equal((await store.findKey(key.id))?.lastUsedAt, iso(START + 90_000));
        advance(30);
        await store.markKeyUsed(key.id);
        assert.equal(
          (await store.findKey(key.id))?.lastUsedAt,
          iso(START + 90_000),
          'a use within the minute is not written again',
        );
        advance(30);
        await store.markKeyUsed(key.id);
        assert.equal((await store.findKey(key.id))?.lastUsedAt, iso(START + 150_000));
        assert.equal(await store.findKey('key_unknown'), null);
      });

      it("lists a project's keys newest first, and never their plaintext", async (t) => {
        const { db, store } = await freshStore(t);
        const advance = freezeClock(t);
        const project = await store.createProject({ name: 'Shop', allowedOrigins: [] });
        const other = await store.createProject({ name: 'Other', allowedOrigins: [] });
        const minted = [];
        for (const [type, environment] of [
          ['publishable', 'test'],
          ['secret', 'test'],
          ['publishable', 'live'],
          ['secret', 'live'],
        ] as const) {
          minted.push(await store.createApiKey(project.id, type, environment));
          advance(1);
        }
        await store.createApiKey(other.id, 'secret');
        const listed = await store.listKeys(project.id);
        assert.deepEqual(listed, minted.map((m) => m.key).reverse());
        const stored = JSON.stringify([listed, await db.selectFrom('api_keys').selectAll().execute()]);
        for (const { key, plaintext } of minted) {
          assert.equal(stored.includes(plaintext), false, 'the key itself is stored nowhere');
          assert.equal(stored.includes(plaintext.slice(key.displayPrefix.length, -4)), false, 'nor its secret part');
        }
      });

      it('mints 20 keys at once, all distinct and all working', async (t) => {
        const { store } = await freshStore(t);
        const project = await store.createProject({ name: 'Busy', allowedOrigins: [] });
        const minted = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.createApiKey(project.id, i % 2 ? 'secret' : 'publishable')),
        );
        assert.equal(new Set(minted.map((m) => m.key.id)).size, 20);
        assert.equal(new Set(minted.map((m) => m.plaintext)).size, 20);
        assert.equal((await store.listKeys(project.id)).length, 20);
        for (const { key, plaintext } of minted)
          assert.equal((await store.authenticateKey(plaintext, key.type))?.key.id, key.id);
      });
    });

    describe('rolling keys', () => {
      it('the new key works at once and the old one until the overlap ends', async (t) => {
        const { store } = await freshStore(t);
        const advance = freezeClock(t);
        const project = await store.createProject({ name: 'Shop', allowedOrigins: [] });
        const old = await store.createApiKey(project.id, 'secret', 'live');
        advance(10);
        const rolled = await store.rollKey(old.key.id, 3600);
        assert.notEqual(rolled.plaintext, old.plaintext);
        assert.deepEqual(rolled.key, {
          ...old.key,
          id: rolled.key.id,
          last4: rolled.plaintext.slice(-4),
          createdAt: iso(START + 10_000),
        });
        assert.deepEqual(rolled.previous, { ...old.key, expiresAt: iso(START + 3_610_000), replacedBy: rolled.key.id });
        assert.deepEqual(await store.findKey(old.key.id), rolled.previous);
        assert.deepEqual(await store.listKeys(project.id), [rolled.key, rolled.previous]);
        assert.equal((await store.authenticateKey(rolled.plaintext, 'secret'))?.key.id, rolled.key.id);
        assert.deepEqual((await store.authenticateKey(old.plaintext, 'secret'))?.key, rolled.previous);
        advance(3599);
        assert.equal(
          (await store.authenticateKey(old.plaintext, 'secret'))?.key.id,
          old.key.id,
          'one second before the overlap ends',
        );
        advance(1);
        assert.equal(await store.authenticateKey(old.plaintext, 'secret'), null, 'when the overlap ends');
        assert.equal((await store.authenticateKey(rolled.plaintext, 'secret'))?.key.id, rolled.key.id);
      });

      it('with no overlap the old key stops at once', async (t) => {
        const { store } = await freshStore(t);
        freezeClock(t);
        const project = await store.createProject({ name: 'Shop', allowedOrigins: [] });
        const old = await store.createApiKey(project.id, 'publishable');
        const rolled = await store.rollKey(old.key.id, 0);
        assert.equal(await store.authenticateKey(old.plaintext, 'publishable'), null);
        assert.equal((await store.authenticateKey(rolled.plaintext, 'publishable'))?.key.id, rolled.key.id);
      });

      it('revoking a rolled key ends its overlap at once', async (t) => {
        const { store } = await freshStore(t);
        const project = await store.createProject({ name: 'Shop', allowedOrigins: [] });
        const old = await store.createApiKey(project.id, 'secret');
        const rolled = await store.rollKey(old.key.id, 3600);
        assert.equal(await store.revokeKey(old.key.id), true);
        assert.equal(await store.authenticateKey(old.plaintext, 'secret'), null);
        assert.equal((await store.authenticateKey(rolled.plaintext, 'secret'))?.key.id, rolled.key.id);
      });

      it('refuses to roll a rolled, revoked or unknown key, and mints nothing', async (t) => {
        const { store } = await freshStore(t);
        const project = await store.createProject({ name: 'Shop', allowedOrigins: [] });
        const rolledAway = await store.createApiKey(project.id, 'secret');
        await store.rollKey(rolledAway.key.id, 60);
        const revoked = await store.createApiKey(project.id, 'publishable');
        await store.revokeKey(revoked.key.id);
        const before = await store.listKeys(project.id);
        for (const id of [rolledAway.key.id, revoked.key.id, 'key_unknown'])
          await assert.rejects(store.rollKey(id, 60), RangeError, id);
        assert.deepEqual(await store.listKeys(project.id), before);
      });

      it('refuses an overlap that is not a whole number of seconds within the limit', async (t) => {
        const { store } = await freshStore(t);
        const project = await store.createProject({ name: 'Shop', allowedOrigins: [] });
        const { key } = await store.createApiKey(project.id, 'secret');
        for (const overlap of [-1, 1.5, Number.NaN, MAX_ROLL_OVERLAP_SECONDS + 1])
          await assert.rejects(store.rollKey(key.id, overlap), RangeError, String(overlap));
        assert.deepEqual(await store.listKeys(project.id), [key]);
        const rolled = await store.rollKey(key.id, MAX_ROLL_OVERLAP_SECONDS);
        assert.equal(rolled.previous.replacedBy, rolled.key.id);
      });

      it('two rolls of the same key at once: one wins, the other is refused', async (t) => {
        const { store } = await freshStore(t);
        const project = await store.createProject({ name: 'Shop', allowedOrigins: [] });
        const { key } = await store.createApiKey(project.id, 'secret');
        const results = await Promise.allSettled([store.rollKey(key.id, 60), store.rollKey(key.id, 60)]);
        assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        assert.equal((await store.listKeys(project.id)).length, 2, 'no orphaned replacement key');
      });
    });
  });
}
