/**
 * Findings 4 and 6 of the abuse review: unknown events spend the connection's budget and end a connection
 * that keeps sending them; a connection that never finishes its handshake is closed; one address holds a
 * bounded number of connections open.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { Manager } from 'socket.io-client';
import { SIGNALING_PATH, type ErrorBody } from '@vcw/shared';
import { buildService, command, connect, next } from './helpers/service.js';
import { until } from './helpers/toolkit.js';

describe('unknown events', () => {
  it('are refused with unknown_event, and a connection that keeps sending them is closed', async (t) => {
    const service = await buildService(t);
    const client = await connect(t, service);
    const refused = await command(client, 'no:such-event', { x: 1 });
    assert.equal(!refused.ok && refused.error.code, 'unknown_event');
    assert.ok((await command(client, 'ice:servers', {})).ok, 'one unknown event does not end the connection');
    const closed = next(client, 'session:closed');
    const gone = new Promise<string>((resolve) => client.once('disconnect', resolve));
    const frame = 'x'.repeat(90_000);
    for (let i = 0; i < 60; i++) (client as unknown as { emit(e: string, p: unknown): void }).emit('flood', frame);
    assert.equal(((await closed) as ErrorBody).code, 'unknown_event');
    assert.equal(await gone, 'io server disconnect');
  });

  it('spend the same budget as commands: after a burst of them, a command is rate_limited', async (t) => {
    const service = await buildService(t, { env: { RATE_LIMIT_SIGNALS_PER_SECOND: '1' } });
    const client = await connect(t, service);
    // A budget of 6 (six seconds' worth of one per second); each unknown event spends one.
    for (let i = 0; i < 6; i++) assert.equal((await command(client, `probe:${i}`, {})).ok, false);
    const reply = await command(client, 'ice:servers', {});
    assert.equal(!reply.ok && reply.error.code, 'rate_limited');
  });
});

describe('connections', () => {
  it('a TCP connection that never sends a byte is closed within the handshake timeout', async (t) => {
    const service = await buildService(t, { env: { HANDSHAKE_TIMEOUT_SECONDS: '1' } });
    const { port } = new URL(service.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    t.after(() => socket.destroy());
    socket.resume(); // read, so the server's close is seen
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      socket.once('close', () => resolve());
      setTimeout(() => reject(new Error('the silent connection is still open after 10 s')), 10_000).unref();
    });
    assert.ok(Date.now() - started < 5000, `closed after ${Date.now() - started} ms`);
  });

  it('a transport opened without the socket.io connect is closed within the handshake timeout', async (t) => {
    const service = await buildService(t, { env: { HANDSHAKE_TIMEOUT_SECONDS: '1' } });
    const manager = new Manager(service.url, {
      path: SIGNALING_PATH,
      transports: ['websocket'],
      reconnection: false,
      autoConnect: false,
    });
    t.after(() => manager.engine?.close());
    await new Promise<void>((resolve, reject) => manager.open((err) => (err ? reject(err) : resolve())));
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      manager.engine.once('close', () => resolve());
      setTimeout(() => reject(new Error('still open after 10 s')), 10_000).unref();
    });
    assert.ok(Date.now() - started < 5000, `closed after ${Date.now() - started} ms`);
  });

  it('bare TCP connections from one address beyond twice the cap are closed at once, the others only when silent too long', async (t) => {
    const service = await buildService(t, {
      env: { MAX_CONNECTIONS_PER_ADDRESS: '3', HANDSHAKE_TIMEOUT_SECONDS: '30' },
    });
    const { port } = new URL(service.url);
    const sockets = Array.from({ length: 10 }, () => net.connect(Number(port), '127.0.0.1'));
    t.after(() => sockets.forEach((s) => s.destroy()));
    const closed = new Set<net.Socket>();
    for (const socket of sockets) {
      socket.resume();
      socket.once('close', () => closed.add(socket));
    }
    await Promise.all(
      sockets.map(
        (s) => new Promise((resolve) => (s.readyState === 'open' ? resolve(null) : s.once('connect', resolve))),
      ),
    );
    await until(() => closed.size >= 4, 'four connections to be refused');
    assert.equal(closed.size, 4, 'six held, four refused');
    // A marker from another address: once it is answered, the server has handled the connections opened before it.
    const answer = await new Promise<string>((resolve, reject) => {
      const other = net.connect({ port: Number(port), host: '127.0.0.1', localAddress: '127.0.0.2' }, () =>
        other.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
      let text = '';
      other.on('data', (chunk) => (text += String(chunk)));
      other.once('end', () => resolve(text));
      other.once('error', reject);
    });
    assert.match(answer, /^HTTP\/1.1 200/, 'another address is served meanwhile');
    assert.equal(closed.size, 4);
  });

  it('one address holds at most MAX_CONNECTIONS_PER_ADDRESS connections; the next is refused with rate_limited', async (t) => {
    const service = await buildService(t, { env: { MAX_CONNECTIONS_PER_ADDRESS: '3' } });
    const open = [await connect(t, service), await connect(t, service), await connect(t, service)];
    await assert.rejects(
      connect(t, service),
      (error: ErrorBody) => error.code === 'rate_limited' && /at most 3/.test(error.message),
    );
    const gone = new Promise((resolve) => open[0]!.once('disconnect', resolve));
    open[0]!.disconnect();
    await gone;
    // The server counts the close once it sees it: a new connection is admitted then.
    for (let attempt = 0; ; attempt++) {
      try {
        await connect(t, service);
        break;
      } catch (error) {
        if (attempt > 50 || (error as ErrorBody).code !== 'rate_limited') throw error;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });
});
