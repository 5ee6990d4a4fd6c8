/** Test helpers for matching: visitors in queues, agents with their tokens, and the events they receive. */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import {
  PROTOCOL_VERSION,
  type AgentToken,
  type JoinResult,
  type MatchFound,
  type QueueEntered,
  type QueueSnapshot,
  type QueueStatus,
} from '@vcw/shared';
import { partnerAuth } from './partner.js';
import { command, connect, next, sessionOf, type Client, type ClientOptions, type TestService } from './service.js';

/** Short deadlines and pauses, so tests of them take a moment, not the product's seconds. */
export const FAST_MATCHING = { joinDeadlineMs: 400, rematchAfterMs: 150 };

export interface Visitor {
  client: Client;
  peerId: string;
}

/** A connected visitor (publishable key) and its peer id. */
export async function visitor(t: TestContext, service: TestService, options: ClientOptions = {}): Promise<Visitor> {
  const client = await connect(t, service, options);
  return { client, peerId: sessionOf(client).peerId };
}

/** Enters a queue and asserts it was accepted; its status (less the resume token several nodes give with it). */
export async function enter(who: Visitor, request: Record<string, unknown>): Promise<QueueStatus> {
  const reply = await command<QueueEntered>(who.client, 'queue:enter', request);
  assert.ok(reply.ok, `queue:enter refused: ${JSON.stringify(reply)}`);
  const { resume: _resume, ...status } = stripOk(reply);
  return status;
}

/** A visitor waiting in random queue `queue` (default `default`). */
export async function randomVisitor(
  t: TestContext,
  service: TestService,
  extra: Record<string, unknown> = {},
): Promise<Visitor> {
  const who = await visitor(t, service);
  await enter(who, { mode: 'random', queue: 'default', ...extra });
  return who;
}

/** Joins the room of a match and asserts it was admitted. */
export async function joinMatch(who: Visitor, match: MatchFound): Promise<JoinResult> {
  const reply = await command<JoinResult>(who.client, 'room:join', { room: match.room });
  assert.ok(reply.ok, `room:join refused: ${JSON.stringify(reply)}`);
  return reply;
}

/** Mints an agent token through REST, as a partner's server does. */
export async function agentToken(service: TestService, queue: string, displayName = 'Agent Smith'): Promise<string> {
  const res = await service.app.inject({
    method: 'POST',
    url: `/v1/queues/${queue}/agent-tokens`,
    headers: await partnerAuth(service),
    payload: { displayName },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<AgentToken>().token;
}

/** An agent connection for `queue` (any origin: the token is the credential). */
export async function agent(
  t: TestContext,
  service: TestService,
  queue = 'default',
  displayName?: string,
): Promise<Visitor> {
  return visitor(t, service, {
    auth: { protocol: PROTOCOL_VERSION, token: await agentToken(service, queue, displayName) },
    origin: 'https://partner-console.example',
  });
}

/** An agent's `agent:status` ack (the queue as it stands), without `ok`. */
export async function snapshotFor(who: Visitor, status: 'online' | 'away'): Promise<QueueSnapshot> {
  const reply = await command<QueueSnapshot>(who.client, 'agent:status', { status });
  assert.ok(reply.ok, `agent:status refused: ${JSON.stringify(reply)}`);
  return stripOk(reply);
}

/** The error code of a refused command, or 'ok'. */
export async function outcome(client: Client, event: string, payload: unknown): Promise<string> {
  const reply = await command(client, event, payload);
  return reply.ok ? 'ok' : reply.error.code;
}

function stripOk<T extends object>(reply: { ok: true } & T): T {
  const { ok: _ok, ...rest } = reply;
  return rest as unknown as T;
}

export { next };
