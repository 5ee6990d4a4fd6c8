/**
 * Recording consent across several real nodes on one real Redis (TEST_REDIS_URL): who is asked is everyone
 * seated on every node, the answers given on one node reach the requester on another, a decline, a requester
 * leaving or a request expiring ends it on every node, a newcomer on another node is asked too, and of two
 * requests at once from two nodes exactly one wins.
 * Absences are proved with an ordering barrier: a chat message sent from each node after the fact, which
 * reaches every other participant through the same stream as anything that node sent to the room before.
 * Without TEST_REDIS_URL the suite is skipped, except under CI=true where that is a failure.
 */
import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import {
  RECORDING_REQUEST_EXPIRY_MS,
  type JoinResult,
  type RecordingRequestResult,
  type RecordingSync,
  type ServerToClientEvents,
} from '@vcw/shared';
import { busesUp, describeWithRedis, keysUnder, metric, REDIS_URL, startNodes } from './helpers/redis-nodes.js';
import { partnerAuth } from './helpers/partner.js';
import { command, connect, next, type Client, type TestService } from './helpers/service.js';
import { record, until } from './helpers/toolkit.js';
import { webhookReceiver } from './helpers/webhook-receiver.js';

const RECORDING_EVENTS = [
  'recording:requested',
  'recording:answered',
  'recording:cancelled',
  'recording:state',
] as const satisfies ReadonlyArray<keyof ServerToClientEvents>;

interface Joined {
  name: string;
  client: Client;
  peerId: string;
  /** Every recording message this participant received, in order. */
  heard: Array<{ event: string; payload: unknown }>;
}

async function joined(t: TestContext, node: TestService, room: string, name: string): Promise<Joined> {
  const client = await connect(t, node);
  const reply = await command<JoinResult>(client, 'room:join', { room, displayName: name });
  assert.ok(reply.ok, `${name} seated: ${JSON.stringify(reply)}`);
  return { name, client, peerId: reply.peerId, heard: record(client, RECORDING_EVENTS) };
}

/** Three nodes, and Ada on A, Grace on B, Linus on C, in one room. */
async function trio(t: TestContext, room: string) {
  const { nodes, prefix } = await startNodes(t, 3);
  await busesUp(nodes);
  const [a, b, c] = nodes as [TestService, TestService, TestService];
  const ada = await joined(t, a, room, 'Ada');
  const grace = await joined(t, b, room, 'Grace');
  const linus = await joined(t, c, room, 'Linus');
  return { nodes: [a, b, c] as const, prefix, ada, grace, linus };
}

async function request(who: Joined): Promise<RecordingRequestResult> {
  const reply = await command<RecordingRequestResult>(who.client, 'recording:request', {});
  assert.ok(reply.ok, `${who.name}'s request: ${JSON.stringify(reply)}`);
  return reply;
}

async function refused(reply: Promise<{ ok: boolean; error?: { code: string } }>, code: string): Promise<void> {
  const answer = await reply;
  assert.equal(answer.ok, false, `expected ${code}, got ${JSON.stringify(answer)}`);
  assert.equal(answer.error?.code, code);
}

async function sync(who: Joined): Promise<RecordingSync> {
  const reply = await command<RecordingSync>(who.client, 'recording:sync', {});
  assert.ok(reply.ok, `${who.name}'s sync: ${JSON.stringify(reply)}`);
  return reply;
}

const events = (who: Joined, event: string) => who.heard.filter((h) => h.event === event).map((h) => h.payload);

/**
 * An ordering barrier across nodes: each of `senders` (one per node) sends a chat message, and every other
 * participant waits for it. A node's broadcasts go into one stream in the order it sent them, so once each has
 * arrived, so has everything any of those nodes sent to the room before.
 */
async function barrier(senders: Joined[], everyone: Joined[] = senders): Promise<void> {
  for (const sender of senders) {
    const text = `barrier from ${sender.name}`;
    const heard = everyone
      .filter((who) => who !== sender)
      .map(
        (who) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`${who.name} did not hear "${text}"`)), 5000);
            const listen = (message: { text: string }) => {
              if (message.text !== text) return;
              clearTimeout(timer);
              who.client.off('chat:message', listen);
              resolve();
            };
            who.client.on('chat:message', listen);
          }),
      );
    assert.ok((await command(sender.client, 'chat:send', { text })).ok);
    await Promise.all(heard);
  }
}

describeWithRedis('recording consent across nodes (Redis)', () => {
  it('asks everyone on every node; answers given on B and C reach the requester on A; it starts only then, and all three see it run and stop', async (t) => {
    const { ada, grace, linus } = await trio(t, 'all-accept');
    const toGrace = next(grace.client, 'recording:requested');
    const toLinus = next(linus.client, 'recording:requested');
    const { requestId, asked } = await request(ada);
    assert.deepEqual(asked, [grace.peerId, linus.peerId], 'everyone else, on every node, in order of arrival');
    const by = { peerId: ada.peerId, displayName: 'Ada' };
    assert.deepEqual(await toGrace, { requestId, by });
    assert.deepEqual(await toLinus, { requestId, by });

    const fromGrace = next(ada.client, 'recording:answered');
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    assert.deepEqual(
      await fromGrace,
      { requestId, peerId: grace.peerId, accept: true },
      'A hears the answer given on B',
    );
    await refused(command(ada.client, 'recording:state', { active: true, requestId }), 'recording_not_consented');
    await refused(command(linus.client, 'recording:request', {}), 'recording_busy');

    const fromLinus = next(ada.client, 'recording:answered');
    assert.ok((await command(linus.client, 'recording:answer', { requestId, accept: true })).ok);
    assert.deepEqual(await fromLinus, { requestId, peerId: linus.peerId, accept: true }, 'and the one given on C');

    const atGrace = next(grace.client, 'recording:state');
    const atLinus = next(linus.client, 'recording:state');
    const before = Date.now();
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
    const started = await atGrace;
    assert.deepEqual(await atLinus, started);
    assert.equal(started.active, true);
    assert.deepEqual(started.by, by);
    // Stamped with Redis's clock, the machine's here.
    assert.ok(started.since! >= before - 1000 && started.since! <= Date.now() + 1000, `since ${started.since}`);
    for (const who of [ada, grace, linus])
      assert.deepEqual((await sync(who)).recording, { active: true, by, since: started.since }, `${who.name} sees it`);
    await refused(command(grace.client, 'recording:request', {}), 'recording_busy');
    await refused(command(grace.client, 'recording:state', { active: false }), 'recording_not_found');

    const stoppedAtGrace = next(grace.client, 'recording:state');
    const stoppedAtLinus = next(linus.client, 'recording:state');
    assert.ok((await command(ada.client, 'recording:state', { active: false })).ok);
    assert.deepEqual(await stoppedAtGrace, { active: false, by });
    assert.deepEqual(await stoppedAtLinus, { active: false, by });
    await request(linus); // the room may record again, from another node
  });

  it('one decline ends the request on every node: nobody ever sees it run, and it can no longer start', async (t) => {
    const { ada, grace, linus } = await trio(t, 'decline');
    const { requestId } = await request(ada);
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    const cancelled = [ada, grace].map((who) => next(who.client, 'recording:cancelled'));
    assert.ok((await command(linus.client, 'recording:answer', { requestId, accept: false })).ok);
    for (const heard of await Promise.all(cancelled)) assert.deepEqual(heard, { requestId, reason: 'declined' });
    await refused(command(ada.client, 'recording:state', { active: true, requestId }), 'recording_not_found');
    await refused(command(grace.client, 'recording:answer', { requestId, accept: true }), 'recording_not_found');

    await barrier([ada, grace, linus]);
    for (const who of [ada, grace, linus]) {
      assert.deepEqual(events(who, 'recording:state'), [], `${who.name}: no recording state, ever`);
      assert.deepEqual(events(who, 'recording:cancelled'), [{ requestId, reason: 'declined' }], who.name);
    }
    assert.deepEqual(events(ada, 'recording:answered'), [
      { requestId, peerId: grace.peerId, accept: true },
      { requestId, peerId: linus.peerId, accept: false },
    ]);
    for (const who of [ada, grace, linus])
      assert.deepEqual(await sync(who), { ok: true, recording: null, request: null });
  });

  it('a newcomer on another node while a request waits is asked too: it waits for their answer, and they see it start', async (t) => {
    const { nodes } = await startNodes(t, 3);
    await busesUp(nodes);
    const [a, b, c] = nodes as [TestService, TestService, TestService];
    const ada = await joined(t, a, 'newcomer', 'Ada');
    const grace = await joined(t, b, 'newcomer', 'Grace');
    const { requestId, asked } = await request(ada);
    assert.deepEqual(asked, [grace.peerId]);
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);

    const early = await joined(t, c, 'newcomer', 'Early');
    const by = { peerId: ada.peerId, displayName: 'Ada' };
    assert.deepEqual(await sync(early), { ok: true, recording: null, request: { requestId, by } }, 'asked, on node C');
    await refused(command(ada.client, 'recording:state', { active: true, requestId }), 'recording_not_consented');
    const answered = next(ada.client, 'recording:answered');
    assert.ok((await command(early.client, 'recording:answer', { requestId, accept: true })).ok);
    assert.deepEqual(await answered, { requestId, peerId: early.peerId, accept: true });
    const toEarly = next(early.client, 'recording:state');
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
    assert.equal((await toEarly).active, true, 'who came during the request sees it start');

    // Late comes on node B while it runs: asked, sees it running; a no leaves Late out, the recording goes on.
    const late = await joined(t, b, 'newcomer', 'Late');
    const seen = await sync(late);
    assert.deepEqual(seen.request, { requestId, by });
    assert.equal(seen.recording?.active, true);
    const no = next(ada.client, 'recording:answered');
    assert.ok((await command(late.client, 'recording:answer', { requestId, accept: false })).ok);
    assert.deepEqual(await no, { requestId, peerId: late.peerId, accept: false });
    assert.equal((await sync(grace)).recording?.active, true, "a newcomer's no does not stop the others' recording");
  });

  it('the requester leaving cancels its request on every node; the recorder leaving ends the recording on every node', async (t) => {
    const { ada, grace, linus } = await trio(t, 'leaving');
    const { requestId } = await request(ada);
    const gone = [grace, linus].map((who) => next(who.client, 'recording:cancelled'));
    assert.ok((await command(ada.client, 'room:leave', {})).ok);
    for (const heard of await Promise.all(gone)) assert.deepEqual(heard, { requestId, reason: 'left' });
    await refused(command(grace.client, 'recording:answer', { requestId, accept: true }), 'recording_not_found');

    const second = await request(grace);
    assert.deepEqual(second.asked, [linus.peerId], 'who left is not asked');
    assert.ok((await command(linus.client, 'recording:answer', { requestId: second.requestId, accept: true })).ok);
    const started = next(linus.client, 'recording:state');
    assert.ok((await command(grace.client, 'recording:state', { active: true, requestId: second.requestId })).ok);
    assert.equal((await started).active, true);
    const ended = next(linus.client, 'recording:state');
    grace.client.disconnect(); // closing on purpose: a hang-up, on node B
    assert.deepEqual(await ended, { active: false, by: { peerId: grace.peerId, displayName: 'Grace' } });
    assert.deepEqual(await sync(linus), { ok: true, recording: null, request: null });
    await request(linus);
  });

  it('a recorder whose node stops, and who never comes back, ends the recording for the others when its seat is freed', async (t) => {
    const { nodes } = await startNodes(t, 2, { env: { RESUME_GRACE_SECONDS: '1' } });
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const ada = await joined(t, a, 'stopped', 'Ada');
    const grace = await joined(t, b, 'stopped', 'Grace');
    const { requestId } = await request(ada);
    const started = next(grace.client, 'recording:state');
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
    assert.equal((await started).active, true);
    ada.client.io.reconnection(false); // it never comes back (as after SIGKILL: nothing to resume)
    const ended = next(grace.client, 'recording:state', 15_000);
    await a.app.close(); // it beats no more: node B frees its seat once it is taken for stopped (5 s)
    assert.deepEqual(await ended, { active: false, by: { peerId: ada.peerId, displayName: 'Ada' } });
    assert.deepEqual(await sync(grace), { ok: true, recording: null, request: null });
    await request(grace);
  });

  it('no longer waits for an asked participant who left on another node', async (t) => {
    const { ada, grace, linus } = await trio(t, 'asked-left');
    const { requestId } = await request(ada);
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    await refused(command(ada.client, 'recording:state', { active: true, requestId }), 'recording_not_consented');
    const left = next(ada.client, 'peer:left');
    assert.ok((await command(linus.client, 'room:leave', {})).ok);
    await left;
    // Node C sent the script that frees Linus from the request before it answered his leave.
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
  });

  it('two requests at once from two nodes: exactly one wins, the other is recording_busy (30 rounds)', async (t) => {
    const { ada, grace, linus } = await trio(t, 'race');
    for (let round = 0; round < 30; round++) {
      // Sent in one tick: the two requests reach nodes A and B together.
      const answers = await Promise.all(
        [ada, grace].map((who) => command<RecordingRequestResult>(who.client, 'recording:request', {})),
      );
      const winners = answers.flatMap((reply, i) => (reply.ok ? [{ who: [ada, grace][i]!, reply }] : []));
      assert.deepEqual(
        answers.map((reply) => (reply.ok ? 'ok' : reply.error.code)).sort(),
        ['ok', 'recording_busy'],
        `round ${round}: ${JSON.stringify(answers)}`,
      );
      const { who, reply } = winners[0]!;
      assert.deepEqual(
        reply.asked,
        [ada, grace, linus].filter((other) => other !== who).map((other) => other.peerId),
      );
      assert.ok((await command(who.client, 'recording:cancel', { requestId: reply.requestId })).ok);
    }
  });

  it('a request unanswered past its expiry (by Redis clock) is cancelled by whichever node looks next, for every node', async (t) => {
    const { prefix, nodes, ada, grace, linus } = await trio(t, 'expiry');
    const { requestId } = await request(ada);
    // The request was made RECORDING_REQUEST_EXPIRY_MS ago: its stamp moved back as far (the scripts read Redis's clock).
    const key = `${prefix}recording:${nodes[0].projectId}/expiry`;
    const redis = new Redis(REDIS_URL);
    t.after(() => redis.disconnect());
    const stored = JSON.parse((await redis.get(key))!) as { requestedAt: number };
    stored.requestedAt -= RECORDING_REQUEST_EXPIRY_MS;
    await redis.set(key, JSON.stringify(stored));

    const expired = [ada, grace].map((who) => next(who.client, 'recording:cancelled'));
    assert.deepEqual(await sync(linus), { ok: true, recording: null, request: null }, 'node C finds it expired');
    for (const heard of await Promise.all(expired)) assert.deepEqual(heard, { requestId, reason: 'expired' });
    await refused(command(grace.client, 'recording:answer', { requestId, accept: true }), 'recording_not_found');
    const fresh = await request(grace);
    assert.notEqual(fresh.requestId, requestId);
    await barrier([ada, grace, linus]);
    for (const who of [ada, grace, linus])
      assert.deepEqual(
        events(who, 'recording:cancelled'),
        [{ requestId, reason: 'expired' }],
        `${who.name}: told once`,
      );
  });

  it('a room ended on one node takes its recording with it on every node; the last one out leaves no key behind', async (t) => {
    const { prefix, nodes, ada, grace, linus } = await trio(t, 'ended');
    const { requestId } = await request(ada);
    for (const who of [grace, linus])
      assert.ok((await command(who.client, 'recording:answer', { requestId, accept: true })).ok);
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
    const ended = [ada, grace, linus].map((who) => next(who.client, 'room:ended'));
    await nodes[1].app.endRoomCall(nodes[1].projectId, 'ended');
    await Promise.all(ended);
    const back = await joined(t, nodes[2], 'ended', 'Back');
    assert.deepEqual(await sync(back), { ok: true, recording: null, request: null }, 'no recording in the room now');
    await request(back);
    assert.ok((await command(back.client, 'room:leave', {})).ok);
    assert.deepEqual(
      (await keysUnder(prefix)).filter((key) => key.startsWith(`${prefix}recording:`)),
      [],
      'no recording key left',
    );
  });

  it("a recorder's leave Redis could not take is tried again until it does: then the others hear the recording end", async (t) => {
    const { prefix, nodes, ada, grace, linus } = await trio(t, 'retried');
    const { requestId } = await request(ada);
    for (const who of [grace, linus])
      assert.ok((await command(who.client, 'recording:answer', { requestId, accept: true })).ok);
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
    // The recording's key holds what no script can read (as a Redis that fails for a while): the leave fails.
    const key = `${prefix}recording:${nodes[0].projectId}/retried`;
    const redis = new Redis(REDIS_URL);
    t.after(() => redis.disconnect());
    const running = (await redis.get(key))!;
    await redis.set(key, 'not json');
    const failures = () => metric(nodes[0].app, 'vcw_bus_errors_total{operation="recording"}');
    const before = await failures();
    const ended = [grace, linus].map((who) => next(who.client, 'recording:state'));
    assert.ok((await command(ada.client, 'room:leave', {})).ok, 'the leave is answered at once');
    await until(async () => (await failures()) > before, 'the leave failed in Redis');
    await redis.set(key, running); // Redis takes it again
    for (const heard of await Promise.all(ended))
      assert.deepEqual(heard, { active: false, by: { peerId: ada.peerId, displayName: 'Ada' } });
    assert.deepEqual(await sync(linus), { ok: true, recording: null, request: null });
    await request(grace); // the room may record again
  });

  it('a recording script Redis fails is an internal error, counted as recording in the bus errors', async (t) => {
    const { prefix, nodes, ada } = await trio(t, 'broken');
    const redis = new Redis(REDIS_URL);
    t.after(() => redis.disconnect());
    await redis.set(`${prefix}recording:${nodes[0].projectId}/broken`, 'not json');
    const before = await metric(nodes[0].app, 'vcw_bus_errors_total{operation="recording"}');
    await refused(command(ada.client, 'recording:request', {}), 'internal_error');
    assert.equal(await metric(nodes[0].app, 'vcw_bus_errors_total{operation="recording"}'), before + 1);
  });

  it("a recorder who is the last to leave: recording.stopped goes out before the call's end, as on one node (regression: the end went first)", async (t) => {
    const { nodes } = await startNodes(t, 1, { webhookTimings: { retryDelaysMs: [100], attemptTimeoutMs: 2_000 } });
    await busesUp(nodes);
    const [node] = nodes as [TestService];
    const receiver = await webhookReceiver(t);
    const registered = await node.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: await partnerAuth(node),
      payload: { url: receiver.url, events: ['recording.started', 'recording.stopped', 'room.session.ended'] },
    });
    assert.equal(registered.statusCode, 201, registered.body);
    const ada = await joined(t, node, 'studio', 'Ada');
    const grace = await joined(t, node, 'studio', 'Grace');
    const { requestId } = await request(ada);
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
    assert.ok((await command(grace.client, 'room:leave', {})).ok);
    assert.ok((await command(ada.client, 'room:leave', {})).ok);
    assert.deepEqual(
      (await receiver.until(3)).map((r) => r.payload.type),
      ['recording.started', 'recording.stopped', 'room.session.ended'],
    );
  });
});
