/**
 * The recovery buffer: what a resuming connection gets back, and that what arrived is let go (the buffer does
 * not grow with the message rate). Real service, real socket.io clients; a ping's pong is the barrier.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JoinResult } from '@vcw/shared';
import { RecoveryBuffer, MAX_HELD_PER_SOCKET } from '../src/signaling/recovery-buffer.js';
import {
  buildService,
  command,
  connect,
  inProcessOnly,
  next,
  reconnectingClient,
  type Client,
  type TestService,
} from './helpers/service.js';

/** Why two of these hold in process only: on Redis the stream keeps what was sent (REDIS_STREAM_MAX_LENGTH). */
const ON_REDIS =
  "this buffer is the adapter of a service alone; on Redis the adapter's stream keeps the packets (redis-bus.test.ts)";
const bufferOf = (service: TestService) => service.app.io.of('/').adapter as unknown as RecoveryBuffer;
const dropTransport = (client: Client) => client.io.engine.close();

/** Resolves once the service has had the client's answer to its next ping (then a command's reply, after it). */
async function nextPong(client: Client, other: Client): Promise<void> {
  await new Promise<void>((resolve) => client.io.engine.once('ping', () => resolve()));
  // The pong is written when the ping arrives; a command from the same client, answered, comes after it.
  assert.ok((await command(client, 'ice:servers', {})).ok);
  assert.ok((await command(other, 'ice:servers', {})).ok);
}

async function pair(t: Parameters<typeof buildService>[0], service: TestService) {
  const sender = await connect(t, service);
  const { client: receiver, session } = await reconnectingClient(t, service);
  assert.ok((await command<JoinResult>(sender, 'room:join', { room: 'desk' })).ok);
  const joined = await command<JoinResult>(receiver, 'room:join', { room: 'desk' });
  assert.ok(joined.ok);
  return { sender, receiver, receiverId: session.peerId, senderId: joined.peers[0]!.peerId };
}

const candidate = (n: number) => ({
  candidate: {
    candidate: `candidate:${n} 1 udp 2122260223 192.0.2.1 5000${n % 10} typ host`,
    sdpMid: '0',
    sdpMLineIndex: 0,
  },
});

describe('the recovery buffer', () => {
  it(
    'lets go of signals once the receiver answered a later ping',
    { timeout: 60_000, ...inProcessOnly(ON_REDIS) },
    async (t) => {
      const service = await buildService(t, { env: { RATE_LIMIT_SIGNALS_PER_SECOND: '0' } });
      const { sender, receiver, receiverId } = await pair(t, service);
      const got: unknown[] = [];
      receiver.on('signal', (s) => got.push(s));
      for (let n = 0; n < 200; n++)
        assert.ok((await command(sender, 'signal', { to: receiverId, ...candidate(n) })).ok);
      assert.ok(bufferOf(service).heldCount >= 200, 'held until the receiver shows it has them');
      await nextPong(receiver, sender);
      assert.equal(got.length, 200);
      assert.ok(
        bufferOf(service).heldCount < 10,
        `let go after the pong (${bufferOf(service).heldCount} held: the room's own broadcasts)`,
      );
    },
  );

  it(
    "lets go of signals with the receiver's next signal, up to the offset it says it has seen",
    { timeout: 60_000, ...inProcessOnly(ON_REDIS) },
    async (t) => {
      const service = await buildService(t, { env: { RATE_LIMIT_SIGNALS_PER_SECOND: '0' } });
      const { sender, receiver, receiverId, senderId } = await pair(t, service);
      let pings = 0;
      receiver.io.engine.on('ping', () => pings++);
      let got = 0;
      const all = new Promise<void>((resolve) => receiver.on('signal', () => ++got === 200 && resolve()));
      for (let n = 0; n < 200; n++)
        assert.ok((await command(sender, 'signal', { to: receiverId, ...candidate(n) })).ok);
      await all;
      const lastOffset = (receiver as unknown as { _lastOffset: string })._lastOffset;
      const upTo = parseInt(lastOffset, 36);
      assert.ok(bufferOf(service).heldCount >= 200, 'held until the receiver shows it has them');
      // The receiver answers (its acknowledgement is the barrier): an offset never given out lets nothing go…
      const back = { to: senderId, ...candidate(0) };
      const future = (upTo + 1000).toString(36);
      assert.equal((await command(receiver, 'signal', { ...back, seen: future })).ok, true);
      assert.ok(bufferOf(service).heldCount >= 200, `${bufferOf(service).heldCount} held after an offset to come`);
      // …half of them, half; all of them, all.
      const half = (upTo - 100).toString(36);
      assert.equal((await command(receiver, 'signal', { ...back, seen: half })).ok, true);
      const held = bufferOf(service).heldCount;
      assert.ok(held >= 100 && held < 110, `${held} held after the receiver saw 100 of 200`);
      assert.equal((await command(receiver, 'signal', { ...back, seen: lastOffset })).ok, true);
      assert.ok(bufferOf(service).heldCount < 10, `${bufferOf(service).heldCount} held after it saw them all`);
      assert.equal(pings, 0, 'no pong let them go');
      // A malformed one is refused as a signal's payload is.
      const refused = await command(receiver, 'signal', { ...back, seen: 'NOT AN OFFSET' });
      assert.equal(refused.ok ? null : refused.error.code, 'invalid_payload');
    },
  );

  it(
    'a blip after signals were let go loses none of those sent while away, and repeats none',
    { timeout: 60_000 },
    async (t) => {
      const service = await buildService(t, {
        env: { RESUME_GRACE_SECONDS: '10', RATE_LIMIT_SIGNALS_PER_SECOND: '0' },
      });
      const { sender, receiver, receiverId } = await pair(t, service);
      const got: string[] = [];
      receiver.on('signal', (s) => 'candidate' in s && got.push(s.candidate.candidate));
      for (let n = 0; n < 20; n++) assert.ok((await command(sender, 'signal', { to: receiverId, ...candidate(n) })).ok);
      await nextPong(receiver, sender);
      const back = next(receiver, 'session');
      dropTransport(receiver);
      for (let n = 20; n < 50; n++)
        assert.ok((await command(sender, 'signal', { to: receiverId, ...candidate(n) })).ok, 'the seat is held');
      assert.equal((await back).resumed, true);
      // Then one more, after the resume: it comes after all of those sent while away (on Redis, some of those may
      // still be on their way when the session is back: the barrier is this one signal, not the next to arrive).
      const last = new Promise<void>((resolve) =>
        receiver.on(
          'signal',
          (s) => 'candidate' in s && s.candidate.candidate === candidate(50).candidate.candidate && resolve(),
        ),
      );
      assert.ok((await command(sender, 'signal', { to: receiverId, ...candidate(50) })).ok);
      await last;
      assert.deepEqual(
        got,
        Array.from({ length: 51 }, (_, n) => candidate(n).candidate.candidate),
      );
    },
  );

  it(
    `a connection that falls more than ${MAX_HELD_PER_SOCKET} signals behind starts over instead of resuming without some`,
    { timeout: 60_000, ...inProcessOnly(ON_REDIS) },
    async (t) => {
      const service = await buildService(t, {
        env: { RESUME_GRACE_SECONDS: '10', RATE_LIMIT_SIGNALS_PER_SECOND: '0' },
      });
      const { sender, receiver, receiverId } = await pair(t, service);
      receiver.io.reconnection(false); // away until all are sent
      const gone = new Promise<void>((resolve) => receiver.once('disconnect', () => resolve()));
      dropTransport(receiver);
      await gone;
      for (let n = 0; n <= MAX_HELD_PER_SOCKET; n++)
        assert.ok((await command(sender, 'signal', { to: receiverId, ...candidate(n) })).ok);
      const back = next(receiver, 'session');
      receiver.connect(); // with its session id and offset, as a reconnection would
      const session = await back;
      assert.equal(session.resumed, undefined, 'a fresh session: the widget joins again');
      assert.notEqual(session.peerId, receiverId);
      assert.equal(bufferOf(service).heldCount < 10, true, 'and nothing is kept for it');
    },
  );
  it(
    'news told to a room nobody else is in is not kept, and news for a participant who is away is',
    { timeout: 60_000, ...inProcessOnly(ON_REDIS) },
    async (t) => {
      const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: '10' } });
      const first = await connect(t, service);
      assert.ok((await command<JoinResult>(first, 'room:join', { room: 'desk' })).ok);
      assert.equal(bufferOf(service).heldCount, 0, 'its session and the news of it, to nobody, are not kept');
      const { client: away } = await reconnectingClient(t, service);
      assert.ok((await command<JoinResult>(away, 'room:join', { room: 'desk' })).ok);
      away.io.reconnection(false); // away until the message is sent
      const gone = new Promise<void>((resolve) => away.once('disconnect', () => resolve()));
      dropTransport(away);
      await gone;
      const sockets = service.app.io.of('/').sockets;
      while (sockets.size > 1) await new Promise((resolve) => setTimeout(resolve, 10)); // the service saw it go
      // The sender is the only one connected in the room: the message is kept for the one away.
      assert.ok((await command(first, 'chat:send', { text: 'still there?' })).ok);
      const message = next(away, 'chat:message');
      const back = next(away, 'session');
      away.connect(); // with its session id and offset, as a reconnection would
      assert.equal((await back).resumed, true);
      assert.equal((await message).text, 'still there?');
    },
  );
});
