import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  RECORDING_REQUEST_EXPIRY_MS,
  type JoinResult,
  type RecordingAnswered,
  type RecordingCancelled,
  type RecordingRequested,
  type RecordingRequestResult,
  type RecordingState,
  type RecordingSync,
  type ServerToClientEvents,
} from '@vcw/shared';
import {
  buildService,
  command,
  connect,
  inProcessOnly,
  next,
  type Client,
  type TestService,
} from './helpers/service.js';
import { barrier, record } from './helpers/toolkit.js';

interface Joined {
  client: Client;
  peerId: string;
  /** Every recording message this client received, in order. */
  heard: Array<{ event: string; payload: unknown }>;
}

const RECORDING_EVENTS = [
  'recording:requested',
  'recording:answered',
  'recording:cancelled',
  'recording:state',
] as const satisfies ReadonlyArray<keyof ServerToClientEvents>;

async function joined(t: TestContext, service: TestService, room: string, displayName: string): Promise<Joined> {
  const client = await connect(t, service);
  const reply = await command<JoinResult>(client, 'room:join', { room, displayName });
  assert.ok(reply.ok, `join failed: ${JSON.stringify(reply)}`);
  return { client, peerId: reply.peerId, heard: record(client, RECORDING_EVENTS) };
}

/** Three participants of one room: Ada (who records), Grace and Linus. */
async function trio(t: TestContext, room: string) {
  const service = await buildService(t);
  const ada = await joined(t, service, room, 'Ada');
  const grace = await joined(t, service, room, 'Grace');
  const linus = await joined(t, service, room, 'Linus');
  return { service, ada, grace, linus };
}

async function request(who: Joined): Promise<RecordingRequestResult> {
  const reply = await command<RecordingRequestResult>(who.client, 'recording:request', {});
  assert.ok(reply.ok, `request failed: ${JSON.stringify(reply)}`);
  return reply;
}

async function expectError(reply: Promise<{ ok: boolean; error?: { code: string } }>, code: string): Promise<void> {
  const answer = await reply;
  assert.equal(answer.ok, false, `expected ${code}, got ${JSON.stringify(answer)}`);
  assert.equal(answer.error?.code, code);
}

const events = (who: Joined, event: string) => who.heard.filter((h) => h.event === event).map((h) => h.payload);

describe('recording consent', () => {
  it('asks everyone else in the room, naming the requester; the ack lists who must answer', async (t) => {
    const { ada, grace, linus } = await trio(t, 'ask');
    const toGrace = next(grace.client, 'recording:requested');
    const toLinus = next(linus.client, 'recording:requested');
    const { requestId, asked } = await request(ada);
    assert.match(requestId, /^rec_[A-Za-z0-9_-]{8,32}$/);
    assert.deepEqual(asked.sort(), [grace.peerId, linus.peerId].sort());
    const expected: RecordingRequested = { requestId, by: { peerId: ada.peerId, displayName: 'Ada' } };
    assert.deepEqual(await toGrace, expected);
    assert.deepEqual(await toLinus, expected);
    await barrier(ada.client);
    assert.deepEqual(ada.heard, [], 'the requester is not asked');
  });

  it('starts only once all accepted: the answers are relayed, then everyone hears the recording state until it stops', async (t) => {
    const { ada, grace, linus } = await trio(t, 'all-accept');
    const { requestId } = await request(ada);
    const graceAnswer = next(ada.client, 'recording:answered');
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    assert.deepEqual(await graceAnswer, { requestId, peerId: grace.peerId, accept: true } satisfies RecordingAnswered);
    // Linus has not answered: starting now is refused.
    await expectError(command(ada.client, 'recording:state', { active: true, requestId }), 'recording_not_consented');

    assert.ok((await command(linus.client, 'recording:answer', { requestId, accept: true })).ok);
    const before = Date.now();
    const atGrace = next(grace.client, 'recording:state');
    const atLinus = next(linus.client, 'recording:state');
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
    const started = await atGrace;
    assert.deepEqual(await atLinus, started);
    assert.equal(started.active, true);
    assert.deepEqual(started.by, { peerId: ada.peerId, displayName: 'Ada' });
    assert.ok(started.since! >= before && started.since! <= Date.now());

    // One recording at a time.
    await expectError(command(grace.client, 'recording:request', {}), 'recording_busy');
    // Only the recorder stops it.
    await expectError(command(grace.client, 'recording:state', { active: false }), 'recording_not_found');
    const stopped = next(grace.client, 'recording:state');
    assert.ok((await command(ada.client, 'recording:state', { active: false })).ok);
    assert.deepEqual(await stopped, {
      active: false,
      by: { peerId: ada.peerId, displayName: 'Ada' },
    } satisfies RecordingState);
    // The room may record again.
    await request(grace);
  });

  it('cancels for everyone on a single decline: nobody ever hears an active state, and it can no longer start', async (t) => {
    const { ada, grace, linus } = await trio(t, 'decline');
    const { requestId } = await request(ada);
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    const cancelled = next(ada.client, 'recording:cancelled');
    assert.ok((await command(linus.client, 'recording:answer', { requestId, accept: false })).ok);
    assert.deepEqual(await cancelled, { requestId, reason: 'declined' } satisfies RecordingCancelled);
    assert.deepEqual(events(ada, 'recording:answered'), [
      { requestId, peerId: grace.peerId, accept: true },
      { requestId, peerId: linus.peerId, accept: false },
    ]);
    await expectError(command(ada.client, 'recording:state', { active: true, requestId }), 'recording_not_found');
    await expectError(command(grace.client, 'recording:answer', { requestId, accept: true }), 'recording_not_found');
    await Promise.all([ada, grace, linus].map((who) => barrier(who.client)));
    for (const who of [ada, grace, linus]) {
      assert.deepEqual(events(who, 'recording:state'), [], 'no recording state, ever');
      assert.deepEqual(events(who, 'recording:cancelled'), [{ requestId, reason: 'declined' }]);
    }
  });

  it('lets the requester withdraw; the others close their prompt', async (t) => {
    const { ada, grace } = await trio(t, 'withdraw');
    const { requestId } = await request(ada);
    await expectError(command(grace.client, 'recording:cancel', { requestId }), 'recording_not_found');
    const withdrawn = next(grace.client, 'recording:cancelled');
    assert.ok((await command(ada.client, 'recording:cancel', { requestId })).ok);
    assert.deepEqual(await withdrawn, { requestId, reason: 'withdrawn' });
    await expectError(command(grace.client, 'recording:answer', { requestId, accept: true }), 'recording_not_found');
  });

  it('asks everyone who comes while a recording is asked for or runs: the request waits for them; a running one learns their answer', async (t) => {
    const service = await buildService(t);
    const ada = await joined(t, service, 'newcomer', 'Ada');
    const grace = await joined(t, service, 'newcomer', 'Grace');
    const { requestId, asked } = await request(ada);
    assert.deepEqual(asked, [grace.peerId]);
    const early = await joined(t, service, 'newcomer', 'Early');
    const sync = await command<RecordingSync>(early.client, 'recording:sync', {});
    assert.ok(sync.ok);
    assert.deepEqual(
      sync.request,
      { requestId, by: { peerId: ada.peerId, displayName: 'Ada' } },
      'who came during the request is asked too',
    );
    // Grace may have missed the request (her page was loading): sync hands it to her until she answers.
    const pendingForGrace = await command<RecordingSync>(grace.client, 'recording:sync', {});
    assert.ok(pendingForGrace.ok);
    assert.deepEqual(pendingForGrace.request, { requestId, by: { peerId: ada.peerId, displayName: 'Ada' } });
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    const answered = await command<RecordingSync>(grace.client, 'recording:sync', {});
    assert.ok(answered.ok);
    assert.equal(answered.request, null, 'answered: nothing left to answer');
    await expectError(command(ada.client, 'recording:state', { active: true, requestId }), 'recording_not_consented');
    assert.ok((await command(early.client, 'recording:answer', { requestId, accept: true })).ok);
    const toEarly = next(early.client, 'recording:state');
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
    assert.equal((await toEarly).active, true, 'who came during the request sees the recording start');

    // Late comes while it runs: asked, sees it running, and the recorder hears the answer (a no leaves Late out).
    const toAda = next(ada.client, 'recording:answered');
    const late = await joined(t, service, 'newcomer', 'Late');
    const seen = await command<RecordingSync>(late.client, 'recording:sync', {});
    assert.ok(seen.ok);
    assert.deepEqual(seen.request, { requestId, by: { peerId: ada.peerId, displayName: 'Ada' } });
    assert.deepEqual(seen.recording && { active: seen.recording.active, by: seen.recording.by }, {
      active: true,
      by: { peerId: ada.peerId, displayName: 'Ada' },
    });
    assert.equal(typeof seen.recording?.since, 'number');
    assert.ok((await command(late.client, 'recording:answer', { requestId, accept: false })).ok);
    assert.deepEqual(await toAda, { requestId, peerId: late.peerId, accept: false });
    const still = await command<RecordingSync>(grace.client, 'recording:sync', {});
    assert.ok(still.ok && still.recording?.active, "a newcomer saying no does not stop the others' recording");
  });

  it('lets someone who agreed leave themselves out while it runs, and come back in; the recording goes on', async (t) => {
    const service = await buildService(t);
    const ada = await joined(t, service, 'change-of-mind', 'Ada');
    const grace = await joined(t, service, 'change-of-mind', 'Grace');
    const { requestId } = await request(ada);
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);

    const withdrawn = next(ada.client, 'recording:answered');
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: false })).ok);
    assert.deepEqual(
      await withdrawn,
      { requestId, peerId: grace.peerId, accept: false },
      'the recorder hears it, to leave her out',
    );
    const meanwhile = await command<RecordingSync>(grace.client, 'recording:sync', {});
    assert.ok(meanwhile.ok && meanwhile.recording?.active, 'the recording goes on');
    assert.deepEqual(
      meanwhile.request,
      { requestId, by: { peerId: ada.peerId, displayName: 'Ada' } },
      'left out: her consent is open again',
    );

    const back = next(ada.client, 'recording:answered');
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    assert.deepEqual(await back, { requestId, peerId: grace.peerId, accept: true });
    const after = await command<RecordingSync>(grace.client, 'recording:sync', {});
    assert.ok(after.ok);
    assert.equal(after.request, null, 'back in: nothing left to answer');
    await barrier(grace.client);
    assert.deepEqual(
      events(grace, 'recording:state').map((state) => (state as RecordingState).active),
      [true],
      'it started once and never stopped',
    );
  });

  it('ends the recording when the recorder leaves, and a request when the requester leaves', async (t) => {
    const { service, ada, grace, linus } = await trio(t, 'leaving');
    const { requestId } = await request(ada);
    for (const who of [grace, linus])
      assert.ok((await command(who.client, 'recording:answer', { requestId, accept: true })).ok);
    const started = next(grace.client, 'recording:state');
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
    // The start is a broadcast: on the Redis bus it may reach Grace after Ada's ack.
    assert.equal((await started).active, true);
    const ended = next(grace.client, 'recording:state');
    ada.client.disconnect(); // closing on purpose: a hang-up
    assert.deepEqual(await ended, { active: false, by: { peerId: ada.peerId, displayName: 'Ada' } });
    const after = await command<RecordingSync>(linus.client, 'recording:sync', {});
    assert.ok(after.ok);
    assert.equal(after.recording, null);

    const second = await request(grace);
    const gone = next(linus.client, 'recording:cancelled');
    assert.ok((await command(grace.client, 'room:leave', {})).ok);
    assert.deepEqual(await gone, { requestId: second.requestId, reason: 'left' });
    // The room is free to record again.
    await joined(t, service, 'leaving', 'Someone');
    await request(linus);
  });

  it('no longer waits for an asked participant who left', async (t) => {
    const { ada, grace, linus } = await trio(t, 'asked-left');
    const { requestId } = await request(ada);
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    await expectError(command(ada.client, 'recording:state', { active: true, requestId }), 'recording_not_consented');
    const left = next(ada.client, 'peer:left');
    assert.ok((await command(linus.client, 'room:leave', {})).ok);
    await left;
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
  });

  it('lets a participant alone in the room record at once', async (t) => {
    const service = await buildService(t);
    const ada = await joined(t, service, 'alone', 'Ada');
    const { requestId, asked } = await request(ada);
    assert.deepEqual(asked, []);
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
  });

  it(
    'cancels a request left unanswered past its expiry, when the room next looks at it',
    inProcessOnly("the test moves this process's clock; on Redis, Redis's clock decides (redis-recording.test.ts)"),
    async (t) => {
      const service = await buildService(t);
      const ada = await joined(t, service, 'expiry', 'Ada');
      const grace = await joined(t, service, 'expiry', 'Grace');
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
      const { requestId } = await request(ada);
      await expectError(command(grace.client, 'recording:request', {}), 'recording_busy');
      t.mock.timers.tick(RECORDING_REQUEST_EXPIRY_MS);
      // Ada and Grace only listen from here: a client that writes after the clock jumped thinks its ping timed
      // out (socket.io-client reads Date.now). A newcomer's clock starts after the jump.
      // The fresh request reaching Ada is the ordering barrier: anything sent to her before it has arrived.
      const expired = [next(ada.client, 'recording:cancelled'), next(grace.client, 'recording:cancelled')];
      const freshToAda = next(ada.client, 'recording:requested');
      const linus = await joined(t, service, 'expiry', 'Linus');
      const fresh = await request(linus);
      assert.notEqual(fresh.requestId, requestId);
      for (const heard of await Promise.all(expired)) assert.deepEqual(heard, { requestId, reason: 'expired' });
      await freshToAda;
      assert.deepEqual(events(ada, 'recording:requested'), [
        { requestId: fresh.requestId, by: { peerId: linus.peerId, displayName: 'Linus' } },
      ]);
    },
  );

  it('refuses every recording command outside a room with not_in_room', async (t) => {
    const service = await buildService(t);
    const lonely = await connect(t, service);
    const requestId = 'rec_abcdefghijkl';
    for (const [event, payload] of [
      ['recording:request', {}],
      ['recording:answer', { requestId, accept: true }],
      ['recording:cancel', { requestId }],
      ['recording:state', { active: true, requestId }],
      ['recording:state', { active: false }],
      ['recording:sync', {}],
    ] as const) {
      await expectError(command(lonely, event, payload), 'not_in_room');
    }
  });

  it('refuses malformed payloads with invalid_payload, unknown requests with recording_not_found, and stays usable', async (t) => {
    const { ada, grace } = await trio(t, 'malformed');
    for (const [event, payload] of [
      ['recording:request', { extra: 1 }],
      ['recording:request', null],
      ['recording:answer', { requestId: 'rec_abcdefghijkl' }],
      ['recording:answer', { requestId: 'rec_abcdefghijkl', accept: 'yes' }],
      ['recording:answer', { requestId: 'nope', accept: true }],
      ['recording:answer', { requestId: `rec_${'x'.repeat(40)}`, accept: true }],
      ['recording:cancel', {}],
      ['recording:state', { active: true }],
      ['recording:state', { active: 'no' }],
      ['recording:state', { active: false, requestId: 'rec_abcdefghijkl' }],
      ['recording:sync', { all: true }],
    ] as const) {
      await expectError(command(grace.client, event, payload), 'invalid_payload');
    }
    await expectError(
      command(grace.client, 'recording:answer', { requestId: 'rec_abcdefghijkl', accept: true }),
      'recording_not_found',
    );
    await expectError(command(grace.client, 'recording:state', { active: false }), 'recording_not_found');
    const { requestId } = await request(ada);
    // The requester is not among those asked.
    await expectError(command(ada.client, 'recording:answer', { requestId, accept: true }), 'recording_not_found');
    await expectError(
      command(ada.client, 'recording:state', { active: true, requestId: 'rec_abcdefghijkl' }),
      'recording_not_found',
    );
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
  });

  it('keeps requests and states inside their room', async (t) => {
    const { service, ada, grace } = await trio(t, 'room-a');
    const neighbour = await joined(t, service, 'room-b', 'Neighbour');
    const { requestId } = await request(ada);
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: false })).ok);
    await expectError(
      command(neighbour.client, 'recording:answer', { requestId, accept: true }),
      'recording_not_found',
    );
    await barrier(neighbour.client);
    assert.deepEqual(neighbour.heard, []);
  });
});
