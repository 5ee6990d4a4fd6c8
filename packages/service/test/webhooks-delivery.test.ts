/**
 * Webhook deliveries against a real receiver on loopback: a call's events in order, each signature checked
 * with the `standardwebhooks` package, retries with the same webhook-id, a restart in the middle of them,
 * a receiver that never answers while calls go on, the delivery log and a replay.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type {
  Delivery,
  DeliveryList,
  QueueStatus,
  TicketCreated,
  WebhookEventType,
  WebhookWithSecret,
} from '@vcw/shared';
import { build } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openSqlite } from '../src/store/database.js';
import { CallHistory } from '../src/store/call-history.js';
import { ProjectStore } from '../src/store/project-store.js';
import { RoomStore } from '../src/store/room-store.js';
import { WebhookStore } from '../src/store/webhook-store.js';
import { SecretBox } from '../src/webhooks/secret-box.js';
import { newWebhookSecret } from '../src/webhooks/signing.js';
import { agent, enter, visitor } from './helpers/matching.js';
import { partnerAuth } from './helpers/partner.js';
import { buildService, command, connect, sessionOf, TEST_TOKEN_SECRET, type TestService } from './helpers/service.js';
import { webhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './helpers/webhook-receiver.js';

/** Retries a test can wait for. */
const FAST = { retryDelaysMs: [100, 100, 100], attemptTimeoutMs: 2_000 };

async function register(
  service: Pick<TestService, 'app' | 'projectId'>,
  url: string,
  events: WebhookEventType[],
): Promise<WebhookWithSecret> {
  const res = await service.app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: await partnerAuth(service),
    payload: { url, events },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<WebhookWithSecret>();
}

async function deliveries(service: Pick<TestService, 'app' | 'projectId'>, webhookId: string): Promise<Delivery[]> {
  const res = await service.app.inject({
    method: 'GET',
    url: `/v1/webhooks/${webhookId}/deliveries?limit=100`,
    headers: await partnerAuth(service),
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<DeliveryList>().data;
}

/** The delivery log once `done` holds for it (the attempt is logged just after the receiver answered). */
async function logWhen(
  service: Pick<TestService, 'app' | 'projectId'>,
  webhookId: string,
  done: (log: Delivery[]) => boolean,
): Promise<Delivery[]> {
  let log: Delivery[] = [];
  for (let i = 0; i < 400; i++) {
    log = await deliveries(service, webhookId);
    if (done(log)) return log;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(
    `the delivery log never got there: ${JSON.stringify(log.map((d) => [d.status, d.attempts.map((a) => a.statusCode)]))}`,
  );
}

/** Checks the request's signature as a partner would, with the Standard Webhooks reference library. */
function verify(secret: string, request: ReceivedWebhook): unknown {
  return new StandardWebhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}

async function joined(t: TestContext, service: TestService, room: string, displayName: string) {
  const client = await connect(t, service);
  const reply = await command(client, 'room:join', { room, displayName });
  assert.ok(reply.ok, JSON.stringify(reply));
  return { client, peerId: sessionOf(client).peerId };
}

const ALL_CALL_EVENTS: WebhookEventType[] = [
  'room.session.started',
  'room.session.ended',
  'participant.joined',
  'participant.left',
  'recording.started',
  'recording.stopped',
];

describe('webhook deliveries', () => {
  it('a call produces its events in order, each signed so that standardwebhooks verifies it', async (t) => {
    const service = await buildService(t, { webhookTimings: FAST });
    const receiver = await webhookReceiver(t);
    const hook = await register(service, receiver.url, ALL_CALL_EVENTS);
    const onlyEnds = await webhookReceiver(t);
    await register(service, onlyEnds.url, ['room.session.ended']);

    const ada = await joined(t, service, 'standup', 'Ada');
    const grace = await joined(t, service, 'standup', 'Grace');
    const { requestId } = (await command<{ requestId: string }>(ada.client, 'recording:request', {})) as {
      requestId: string;
    };
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
    assert.ok((await command(ada.client, 'recording:state', { active: false })).ok);
    assert.ok((await command(grace.client, 'room:leave', {})).ok);
    assert.ok((await command(ada.client, 'room:leave', {})).ok);

    const got = await receiver.until(8);
    assert.deepEqual(
      got.map((r) => [r.payload.type, (r.payload.data as { peerId?: string }).peerId ?? null]),
      [
        ['room.session.started', null],
        ['participant.joined', ada.peerId],
        ['participant.joined', grace.peerId],
        ['recording.started', null],
        ['recording.stopped', null],
        ['participant.left', grace.peerId],
        ['participant.left', ada.peerId],
        ['room.session.ended', null],
      ],
    );
    for (const request of got) {
      assert.deepEqual(
        verify(hook.secret, request),
        JSON.parse(request.body),
        'the signature verifies and the body is intact',
      );
      assert.equal(request.headers['content-type'], 'application/json');
      assert.deepEqual(Object.keys(request.payload).sort(), ['data', 'timestamp', 'type']);
    }
    assert.equal(new Set(got.map((r) => r.id)).size, 8, 'every message has its own webhook-id');
    assert.throws(
      () => verify(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, got[0]!),
      'another secret does not verify',
    );

    const ended = got[7]!.payload.data as Record<string, unknown> & { participants: Array<Record<string, unknown>> };
    const started = got[0]!.payload.data as Record<string, unknown>;
    assert.equal(ended.sessionId, started.sessionId);
    assert.equal(ended.room, 'standup');
    assert.equal(typeof ended.durationSeconds, 'number');
    assert.deepEqual(
      ended.participants.map((p) => [p.peerId, p.displayName, p.leaveReason]),
      [
        [ada.peerId, 'Ada', 'hangup'],
        [grace.peerId, 'Grace', 'hangup'],
      ],
    );
    assert.equal(ended.relayUsed, null, 'a room that allows direct calls and no widget reported: unknown');
    assert.equal(ended.worstNetworkQuality, null, 'no widget reported its network quality');
    assert.deepEqual((got[3]!.payload.data as { by: unknown }).by, { peerId: ada.peerId, displayName: 'Ada' });

    // The endpoint that asked for session ends only hears that one; it matches the REST call history.
    const [end] = await onlyEnds.until(1);
    assert.equal(end!.payload.type, 'room.session.ended');
    const room = await service.app.roomStore.findByName(service.projectId, 'standup');
    const history = await service.app.inject({
      method: 'GET',
      url: `/v1/rooms/${room!.id}/sessions`,
      headers: await partnerAuth(service),
    });
    assert.equal(history.json<{ data: Array<{ id: string }> }>().data[0]?.id, ended.sessionId);
  });

  it('a recorder who is the last to leave stops the recording: recording.stopped with reason recorder-left', async (t) => {
    const service = await buildService(t, { webhookTimings: FAST });
    const receiver = await webhookReceiver(t);
    await register(service, receiver.url, ['recording.started', 'recording.stopped', 'room.session.ended']);
    const ada = await joined(t, service, 'studio', 'Ada');
    const grace = await joined(t, service, 'studio', 'Grace');
    const { requestId } = (await command<{ requestId: string }>(ada.client, 'recording:request', {})) as {
      requestId: string;
    };
    assert.ok((await command(grace.client, 'recording:answer', { requestId, accept: true })).ok);
    assert.ok((await command(ada.client, 'recording:state', { active: true, requestId })).ok);
    assert.ok((await command(grace.client, 'room:leave', {})).ok);
    assert.ok((await command(ada.client, 'room:leave', {})).ok);
    const got = await receiver.until(3);
    assert.deepEqual(
      got.map((r) => r.payload.type),
      ['recording.started', 'recording.stopped', 'room.session.ended'],
    );
    const stopped = got[1]!.payload.data as {
      reason: string;
      requestId: string;
      roomId: string | null;
      startedAt: string | null;
    };
    assert.deepEqual([stopped.reason, stopped.requestId], ['recorder-left', requestId]);
    assert.equal(stopped.roomId, (got[2]!.payload.data as { roomId: string }).roomId);
    assert.ok(stopped.startedAt);
  });

  it('a room ended over REST: everyone leaves with room-ended, then the session ends', async (t) => {
    const service = await buildService(t, { webhookTimings: FAST });
    const receiver = await webhookReceiver(t);
    await register(service, receiver.url, ['participant.left', 'room.session.ended']);
    const ada = await joined(t, service, 'townhall', 'Ada');
    await joined(t, service, 'townhall', 'Bob');
    const room = await service.app.roomStore.findByName(service.projectId, 'townhall');
    assert.equal(
      (
        await service.app.inject({
          method: 'DELETE',
          url: `/v1/rooms/${room!.id}`,
          headers: await partnerAuth(service),
        })
      ).statusCode,
      200,
    );
    const got = await receiver.until(3);
    assert.deepEqual(
      got.map((r) => [r.payload.type, (r.payload.data as { reason?: string }).reason ?? null]),
      [
        ['participant.left', 'room-ended'],
        ['participant.left', 'room-ended'],
        ['room.session.ended', null],
      ],
    );
    assert.equal((got[0]!.payload.data as { peerId: string }).peerId, ada.peerId);
  });

  it('a receiver that answers 500 twice gets the message a third time with the same webhook-id; the log shows every attempt', async (t) => {
    const service = await buildService(t, { webhookTimings: FAST });
    const receiver = await webhookReceiver(t);
    receiver.answerWith((_request, index) => (index < 2 ? 500 : 200));
    const hook = await register(service, receiver.url, ['participant.joined']);
    await joined(t, service, 'retry', 'Ada');
    const got = await receiver.until(3);
    assert.equal(new Set(got.map((r) => r.id)).size, 1, 'one webhook-id on every attempt');
    assert.equal(new Set(got.map((r) => r.body)).size, 1, 'the same body on every attempt');
    for (const request of got) verify(hook.secret, request);
    const [delivery] = await logWhen(service, hook.id, (log) => log[0]?.status !== 'pending');
    assert.equal(delivery?.id, got[0]!.id);
    assert.equal(delivery?.status, 'delivered');
    assert.equal(delivery?.nextAttemptAt, null);
    assert.deepEqual(
      delivery?.attempts.map((a) => a.statusCode),
      [500, 500, 200],
    );
    assert.equal(delivery?.payload, got[0]!.body);
  });

  it('gives up after the last retry (failed), and a replay sends the same message again', async (t) => {
    const service = await buildService(t, { webhookTimings: { retryDelaysMs: [50], attemptTimeoutMs: 2_000 } });
    const receiver = await webhookReceiver(t);
    receiver.answerWith(() => 503);
    const hook = await register(service, receiver.url, ['participant.joined']);
    await joined(t, service, 'flaky', 'Ada');
    await receiver.until(2);
    const log = await logWhen(service, hook.id, (entries) => entries[0]?.status !== 'pending');
    assert.equal(log[0]?.status, 'failed');
    assert.deepEqual(
      log[0]?.attempts.map((a) => a.statusCode),
      [503, 503],
    );

    receiver.answerWith(() => 204);
    const replay = await service.app.inject({
      method: 'POST',
      url: `/v1/webhooks/${hook.id}/deliveries/${log[0]!.id}/replay`,
      headers: await partnerAuth(service),
    });
    assert.equal(replay.statusCode, 202, replay.body);
    const got = await receiver.until(3);
    assert.equal(got[2]!.id, log[0]!.id, 'the replay carries the same webhook-id');
    verify(hook.secret, got[2]!);
    const after = await logWhen(service, hook.id, (entries) => entries[0]?.status !== 'pending');
    assert.equal(after[0]?.status, 'delivered');
    assert.deepEqual(
      after[0]?.attempts.map((a) => a.statusCode),
      [503, 503, 204],
    );
    const unknown = await service.app.inject({
      method: 'POST',
      url: `/v1/webhooks/${hook.id}/deliveries/msg_000000000000000000000000/replay`,
      headers: await partnerAuth(service),
    });
    assert.equal(unknown.json().code, 'delivery_not_found');
  });

  it('a service restarted in the middle of the retries still delivers, with the same webhook-id', async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vcw-webhooks-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'vcw.sqlite');
    const start = async (retryDelaysMs: number[]) => {
      const app = await build({
        config: loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }),
        db: await openSqlite(file),
        logger: false,
        tokenSecret: TEST_TOKEN_SECRET,
        webhookTimings: { retryDelaysMs, attemptTimeoutMs: 2_000 },
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return app;
    };
    const receiver = await webhookReceiver(t);
    let restarted = false;
    receiver.answerWith(() => (restarted ? 200 : 500));

    // First process: the first attempt fails; its retry is a while away when the process stops.
    const first = await start([1_500, 100, 100]);
    const project = await first.projects.createProject({ name: 'restart', allowedOrigins: ['https://site.example'] });
    const publishableKey = (await first.projects.createApiKey(project.id, 'publishable')).plaintext;
    const firstService = {
      app: first,
      url: `http://127.0.0.1:${(first.server.address() as AddressInfo).port}`,
      projectId: project.id,
      publishableKey,
    };
    const hook = await register(firstService, receiver.url, ['participant.joined']);
    const client = await connect(t, firstService);
    assert.ok((await command(client, 'room:join', { room: 'restart' })).ok);
    const [failed] = await receiver.until(1);
    client.disconnect();
    await first.close();

    // Second process over the same store: it picks the pending delivery up and delivers it.
    restarted = true;
    const second = await start([100, 100, 100]);
    t.after(() => second.close());
    const got = await receiver.until(1, (r) => r.id === failed!.id && r !== failed);
    verify(hook.secret, got[0]!);
    const log = await logWhen({ app: second, projectId: project.id }, hook.id, (entries) =>
      entries.some((d) => d.id === failed!.id && d.status !== 'pending'),
    );
    const delivery = log.find((d) => d.id === failed!.id);
    assert.equal(delivery?.status, 'delivered');
    assert.equal(delivery?.attempts[0]?.statusCode, 500);
    assert.equal(delivery?.attempts.at(-1)?.statusCode, 200);
  });

  it('calls a stopped process left open are ended at the next start, and their ends are delivered', async (t) => {
    const receiver = await webhookReceiver(t);
    // What a process that died mid-call leaves in the store: a call with two participants still in it.
    const db = await openSqlite(':memory:');
    const project = await new ProjectStore(db).createProject({ name: 'crashed', allowedOrigins: [] });
    const { room } = await new RoomStore(db).create(project.id, { name: 'cut-off', privacy: 'private' });
    const secret = newWebhookSecret();
    await new WebhookStore(db).createEndpoint({
      projectId: project.id,
      url: receiver.url,
      events: ['participant.left', 'room.session.ended'],
      description: null,
      secretSealed: new SecretBox(TEST_TOKEN_SECRET).seal(secret),
    });
    const history = new CallHistory(db);
    for (const peerId of ['peer-ada-1', 'peer-bob-2'])
      await history.participantJoined({
        projectId: project.id,
        roomId: room.id,
        peerId,
        displayName: peerId,
        role: 'guest',
        at: new Date(Date.now() - 60_000),
      });

    const app = await build({
      config: loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }),
      db,
      logger: false,
      tokenSecret: TEST_TOKEN_SECRET,
      webhookTimings: FAST,
    });
    t.after(() => app.close());
    await app.ready();
    const got = await receiver.until(3);
    assert.deepEqual(
      got.map((r) => [
        r.payload.type,
        (r.payload.data as { peerId?: string; reason?: string }).peerId ?? null,
        (r.payload.data as { reason?: string }).reason ?? null,
      ]),
      [
        ['participant.left', 'peer-ada-1', 'network'],
        ['participant.left', 'peer-bob-2', 'network'],
        ['room.session.ended', null, null],
      ],
    );
    for (const request of got) verify(secret, request);
    const ended = got[2]!.payload.data as {
      room: string;
      durationSeconds: number;
      participants: Array<{ leaveReason: string }>;
    };
    assert.equal(ended.room, 'cut-off');
    assert.ok(ended.durationSeconds >= 59, `${ended.durationSeconds} s`);
    assert.deepEqual(
      ended.participants.map((p) => p.leaveReason),
      ['network', 'network'],
    );
  });

  it('a receiver that never answers does not slow the calls: joins, chat and leaves go on meanwhile', async (t) => {
    const service = await buildService(t, { webhookTimings: { retryDelaysMs: [60_000], attemptTimeoutMs: 60_000 } });
    const receiver = await webhookReceiver(t);
    receiver.answerWith(() => 'hold');
    await register(service, receiver.url, [
      'participant.joined',
      'participant.left',
      'room.session.started',
      'room.session.ended',
    ]);
    const ada = await joined(t, service, 'busy', 'Ada');
    await receiver.until(1); // the receiver holds the first message open from now on
    for (let i = 0; i < 5; i++) {
      const guest = await joined(t, service, 'busy', `Guest ${i}`);
      assert.ok((await command(guest.client, 'chat:send', { text: `hello ${i}` })).ok);
      assert.ok((await command(guest.client, 'room:leave', {})).ok);
    }
    assert.ok((await command(ada.client, 'room:leave', {})).ok);
    // Still one request at the receiver, held open: everything above happened while it was.
    assert.equal(receiver.received.length, 1);
    // The events are published once the history has written them (behind the call's back; on Redis a leave's
    // also waits for the recording book's answer), then queued for delivery.
    await service.app.callHistoryWriter.flushed();
    await service.app.webhooks.dispatcher.settled();
    const pending = await service.app.webhooks.store.listDeliveries(
      (await service.app.webhooks.store.listEndpoints(service.projectId))[0]!.id,
      { limit: 100 },
    );
    assert.equal(pending.deliveries.length, 1 + 1 + 5 * 2 + 1 + 1, 'every event of the call is queued for it');
  });

  it('support queues and tickets: waiting, answered, abandoned, ticket.created', async (t) => {
    const service = await buildService(t, { webhookTimings: FAST });
    const receiver = await webhookReceiver(t);
    await register(service, receiver.url, [
      'queue.customer.waiting',
      'queue.customer.answered',
      'queue.customer.abandoned',
      'ticket.created',
    ]);
    const smith = await agent(t, service, 'help', 'Agent Smith');
    assert.ok((await command(smith.client, 'agent:status', { status: 'online' })).ok);
    const ann = await visitor(t, service);
    const waiting: QueueStatus = await enter(ann, {
      mode: 'support',
      queue: 'help',
      displayName: 'Ann',
      message: 'No sound',
    });
    assert.equal(waiting.status, 'waiting');
    const bob = await visitor(t, service);
    await enter(bob, { mode: 'support', queue: 'help', displayName: 'Bob' });
    assert.ok((await command(smith.client, 'agent:take', {})).ok);
    assert.ok((await command(bob.client, 'queue:leave', {})).ok);
    const ticket = await command<TicketCreated>(bob.client, 'ticket:create', {
      queue: 'help',
      message: 'Call me back',
      contact: 'bob@example.com',
      displayName: 'Bob',
    });
    assert.ok(ticket.ok);

    const got = await receiver.until(5);
    assert.deepEqual(
      got.map((r) => [r.payload.type, (r.payload.data as { displayName?: string }).displayName]),
      [
        ['queue.customer.waiting', 'Ann'],
        ['queue.customer.waiting', 'Bob'],
        ['queue.customer.answered', 'Ann'],
        ['queue.customer.abandoned', 'Bob'],
        ['ticket.created', 'Bob'],
      ],
    );
    assert.equal((got[0]!.payload.data as { message: string }).message, 'No sound');
    assert.deepEqual((got[2]!.payload.data as { agent: unknown }).agent, {
      peerId: smith.peerId,
      displayName: 'Agent Smith',
    });
    assert.equal((got[3]!.payload.data as { reason: string }).reason, 'left');
    assert.deepEqual(got[4]!.payload.data, {
      ticketId: ticket.ticketId,
      queue: 'help',
      displayName: 'Bob',
      message: 'Call me back',
      contact: 'bob@example.com',
      createdAt: (got[4]!.payload.data as { createdAt: string }).createdAt,
    });
  });
});

export type { WebhookReceiver };
