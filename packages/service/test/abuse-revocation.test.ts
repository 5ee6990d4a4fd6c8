/**
 * Finding 3 of the abuse review: what admitted a connection must keep holding while it lives. Revoking its key
 * or removing its origin with the admin CLI (another process, on the same store) ends it within a second,
 * with `session:closed` and the code a new connection would get; a dropped connection that comes back is
 * checked again before it resumes.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ErrorBody, JoinResult, SessionInfo } from '@vcw/shared';
import { openSqlite, SQLITE_FILE_NAME } from '../src/store/database.js';
import { cli, createProject } from './helpers/cli.js';
import { serviceOver } from './helpers/partner.js';
import { buildService, command, connect, next, reconnectingClient, type Client } from './helpers/service.js';

const ORIGIN = 'https://acme.example';

/** The service over the CLI's store, and a page of the CLI's project in a call. */
async function callOnCliProject(t: Parameters<typeof cli>[0]) {
  const c = await cli(t);
  const created = await createProject(c, 'Acme', [ORIGIN, 'https://shop.acme.example']);
  const service = await serviceOver(t, await openSqlite(path.join(c.dir, SQLITE_FILE_NAME)));
  const page = await connect(t, service, { apiKey: created.publishableKey.plaintext, origin: ORIGIN });
  assert.ok((await command<JoinResult>(page, 'room:join', { room: 'desk' })).ok);
  return { c, created, service, page };
}

/** Resolves with the `session:closed` the client gets and when it came, once it is disconnected too. */
async function closing(client: Client): Promise<{ body: ErrorBody; at: number }> {
  const gone = new Promise((resolve) => client.once('disconnect', resolve));
  const body = (await next(client, 'session:closed', 10_000)) as ErrorBody;
  const at = Date.now();
  await gone;
  return { body, at };
}

describe('revocation ends live connections', () => {
  it('a key revoked with the CLI closes the connections it opened within a second, with api_key_invalid', async (t) => {
    const { c, created, page } = await callOnCliProject(t);
    const closed = closing(page);
    const outcome = await c.run('keys', 'revoke', created.publishableKey.id);
    const revokedAt = Date.now(); // the CLI process has exited: its write is in the store (it may be closed already)
    assert.equal(outcome.code, 0, outcome.stderr);
    const { body, at } = await closed;
    assert.equal(body.code, 'api_key_invalid');
    assert.ok(at - revokedAt < 1000, `closed ${at - revokedAt} ms after the CLI returned`);
  });

  it('an origin removed with the CLI closes the pages on it, and only those', async (t) => {
    const { c, created, service, page } = await callOnCliProject(t);
    const shop = await connect(t, service, {
      apiKey: created.publishableKey.plaintext,
      origin: 'https://shop.acme.example',
    });
    const closed = closing(page);
    const outcome = await c.run('origins', 'remove', '--project', created.project.id, ORIGIN);
    const removedAt = Date.now();
    assert.equal(outcome.code, 0, outcome.stderr);
    const { body, at } = await closed;
    assert.equal(body.code, 'origin_not_allowed');
    assert.ok(at - removedAt < 1000, `closed ${at - removedAt} ms after the CLI returned`);
    assert.ok((await command(shop, 'ice:servers', {})).ok, 'a page on an origin still allowed stays');
  });
});

describe('a recovered connection is checked again', () => {
  it('a connection that drops, and whose key is revoked meanwhile, is refused when it comes back, not resumed', async (t) => {
    const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: '10' } });
    const { client } = await reconnectingClient(t, service);
    assert.ok((await command<JoinResult>(client, 'room:join', { room: 'desk' })).ok);
    client.io.reconnection(false);
    const dropped = new Promise((resolve) => client.once('disconnect', resolve));
    client.io.engine.close();
    await dropped;
    const [key] = await service.app.projects.listKeys(service.projectId);
    assert.ok(key && (await service.app.projects.revokeKey(key.id)));
    const refusal = new Promise<ErrorBody>((resolve) =>
      client.once('connect_error', (error: Error & { data?: ErrorBody }) => resolve(error.data!)),
    );
    let resumed: SessionInfo | undefined;
    client.once('session', (session) => (resumed = session));
    client.connect();
    assert.equal((await refusal).code, 'api_key_invalid');
    assert.equal(resumed, undefined);
  });

  it('a connection that drops and comes back with its key still valid resumes as before', async (t) => {
    const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: '10' } });
    const { client, session } = await reconnectingClient(t, service);
    assert.ok((await command<JoinResult>(client, 'room:join', { room: 'desk' })).ok);
    const back = next(client, 'session');
    client.io.engine.close();
    const resumed = await back;
    assert.deepEqual([resumed.resumed, resumed.peerId], [true, session.peerId]);
  });
});
