/**
 * Keys and tokens are secrets: after a busy session (keys minted, used, refused, rolled, tokens minted and
 * used) neither the SQLite files nor the service's logs — at the most verbose level — hold any of them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, SIGNALING_PATH, type JoinToken, type Room } from '@vcw/shared';
import { build } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openSqlite } from '../src/store/database.js';

describe('secrets at rest', () => {
  it('no key or token appears in the store files or the logs', async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vcw-secrets-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    let logs = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs += String(chunk);
        done();
      },
    });
    const config = loadConfig({ LOG_LEVEL: 'trace', PORT: '0', DATA_DIR: dir });
    const app = await build({
      config,
      db: await openSqlite(path.join(dir, 'vcw.sqlite')),
      logger: { level: 'trace', stream: sink },
    });
    t.after(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const secrets: string[] = [];
    const project = await app.projects.createProject({ name: 'Leaky?', allowedOrigins: ['https://site.example'] });
    const publishable = await app.projects.createApiKey(project.id, 'publishable');
    const secret = await app.projects.createApiKey(project.id, 'secret');
    const rolled = await app.projects.rollKey(secret.key.id, 60);
    secrets.push(publishable.plaintext, secret.plaintext, rolled.plaintext);
    const auth = { authorization: `Bearer ${rolled.plaintext}` };

    const room = (
      await app.inject({
        method: 'POST',
        url: '/v1/rooms',
        headers: auth,
        payload: { privacy: 'private', name: 'vault' },
      })
    ).json<Room>();
    const token = (
      await app.inject({ method: 'POST', url: `/v1/rooms/${room.id}/tokens`, headers: auth, payload: { role: 'host' } })
    ).json<JoinToken>();
    secrets.push(token.token);
    // Refused attempts are logged too: a wrong key must not be echoed either.
    const wrong = `${publishable.plaintext.slice(0, -1)}x`;
    secrets.push(wrong);
    await app.inject({ method: 'GET', url: '/v1/rooms', headers: { authorization: `Bearer ${wrong}` } });
    await app.inject({
      method: 'GET',
      url: '/v1/rooms',
      headers: { authorization: `Bearer ${publishable.plaintext}` },
    });

    // Webhook signing secrets: the service must keep them usable (it signs with them), yet never in plaintext.
    const hook = (
      await app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: auth,
        payload: { url: 'http://127.0.0.1:9/hooks', events: ['participant.joined'] },
      })
    ).json<{ id: string; secret: string }>();
    const rolledHook = (
      await app.inject({
        method: 'POST',
        url: `/v1/webhooks/${hook.id}/secret`,
        headers: auth,
        payload: { overlapSeconds: 60 },
      })
    ).json<{ secret: string }>();
    secrets.push(hook.secret, rolledHook.secret);

    for (const credential of [
      { apiKey: publishable.plaintext },
      { apiKey: wrong },
      { token: token.token },
      { token: `${token.token}x` },
    ]) {
      const client = io(url, {
        path: SIGNALING_PATH,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { protocol: PROTOCOL_VERSION, ...credential },
        extraHeaders: { origin: 'https://site.example' },
      });
      await new Promise<void>((resolve) => {
        client.once('session', () => client.emit('room:join', {}, () => resolve()));
        client.once('connect_error', () => resolve());
      });
      client.disconnect();
    }
    await app.close();

    assert.ok(logs.length > 1000, 'the service did log (at trace level)');
    const files = (await readdir(dir)).filter((f) => f.startsWith('vcw.sqlite'));
    assert.ok(files.includes('vcw.sqlite'));
    const stored = Buffer.concat(await Promise.all(files.map((f) => readFile(path.join(dir, f)))));
    for (const value of secrets) {
      // The secret part of a key is what follows its `pk_test_`/`sk_test_` prefix; a token is secret whole.
      const secretPart =
        value.startsWith('pk_') || value.startsWith('sk_')
          ? value.slice(8)
          : value.startsWith('whsec_')
            ? value.slice(6)
            : value;
      for (const probe of [secretPart, secretPart.slice(0, 16), secretPart.slice(-16)]) {
        assert.equal(stored.includes(probe), false, `the store files hold part of ${value.slice(0, 10)}…`);
        assert.equal(logs.includes(probe), false, `the logs hold part of ${value.slice(0, 10)}…`);
      }
    }
  });
});
