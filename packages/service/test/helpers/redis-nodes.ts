/**
 * Several service nodes on one real Redis (TEST_REDIS_URL), in this test process: each its own Fastify app,
 * Socket.io server and Redis connections, all under one key prefix unique to the test, deleted afterwards.
 * The nodes share a SQLite file as their store (what is under test here is the bus, not the store), or, asked
 * to, one PostgreSQL (TEST_DATABASE_URL) under a schema of their own, dropped afterwards, each node with its
 * own pool, as a deployment runs.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { build } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openPostgres, openSqlite } from '../../src/store/database.js';
import type { WebhookTimings } from '../../src/webhooks/dispatcher.js';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, SIGNALING_PATH, type SessionInfo } from '@vcw/shared';
import type { MatchTimings } from '../../src/matching/local-coordinator.js';
import { deleteKeysAt, keysAt } from './redis-keys.js';
import { next, SITE_ORIGIN, TEST_TOKEN_SECRET, type Client, type TestService } from './service.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? '';
export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? '';
/** Where the test PostgreSQL usually is, for the messages that ask for one. */
export const EXAMPLE_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** A Redis URL nothing listens on (port 1 on loopback needs root to bind, and nothing here does). */
export const CLOSED_REDIS_URL = 'redis://127.0.0.1:1';
/** Where the test Redis usually is, for the messages that ask for one. */
export const EXAMPLE_REDIS_URL = 'redis://127.0.0.1:6379';

export interface Nodes {
  nodes: TestService[];
  /** The key prefix of this test's deployment. */
  prefix: string;
  /** Starts one more node of the deployment (same Redis, prefix and store), as a deploy or a restart does. */
  addNode(): Promise<TestService>;
}

/**
 * Starts `count` nodes listening on free ports; `env` adds settings (limits); `redisUrl` overrides the Redis;
 * `postgres` puts their store in TEST_DATABASE_URL (see `describeWithRedis`); `webhookTimings` shortens retries;
 * `matchTimings` shortens matching's deadlines and pauses.
 */
export async function startNodes(
  t: TestContext,
  count: number,
  {
    env = {},
    redisUrl = REDIS_URL,
    postgres = false,
    webhookTimings,
    matchTimings,
  }: {
    env?: Record<string, string>;
    redisUrl?: string;
    postgres?: boolean;
    webhookTimings?: Partial<WebhookTimings>;
    matchTimings?: Partial<MatchTimings>;
  } = {},
): Promise<Nodes> {
  const prefix = `vcwtest:${process.pid}:${randomBytes(4).toString('hex')}:`;
  const dir = mkdtempSync(path.join(tmpdir(), 'vcw-nodes-'));
  const file = path.join(dir, 'store.sqlite');
  const schema = postgres ? `vcw_nodes_${process.pid}_${randomBytes(4).toString('hex')}` : null;
  const openStore = () => (schema ? openPostgres(DATABASE_URL, { schema }) : openSqlite(file));
  // The environment of a node, less DATABASE_URL: the SQLite file stands in for the PostgreSQL they would share.
  const config = {
    ...loadConfig({ LOG_LEVEL: 'silent', PORT: '0', TOKEN_SECRET: TEST_TOKEN_SECRET, ...env }),
    redisUrl,
    redisKeyPrefix: prefix,
  };
  const apps: FastifyInstance[] = [];
  t.after(async () => {
    await Promise.all(apps.map((app) => app.close()));
    rmSync(dir, { recursive: true, force: true });
    if (schema) await dropSchema(schema);
    if (redisUrl === REDIS_URL) await deleteKeys(prefix);
  });
  const startApp = async () => {
    const app = await build({
      config,
      db: await openStore(),
      logger: false,
      tokenSecret: TEST_TOKEN_SECRET,
      ...(webhookTimings ? { webhookTimings } : {}),
      ...(matchTimings ? { matchTimings } : {}),
    });
    apps.push(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app;
  };
  for (let i = 0; i < count; i++) await startApp();
  const project = await apps[0]!.projects.createProject({ name: 'test site', allowedOrigins: [SITE_ORIGIN] });
  const { plaintext } = await apps[0]!.projects.createApiKey(project.id, 'publishable');
  const node = (app: FastifyInstance): TestService => ({
    app,
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    projectId: project.id,
    publishableKey: plaintext,
  });
  return { nodes: apps.map(node), prefix, addNode: async () => node(await startApp()) };
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Asserts that what a stopped node held was taken over in time: a node is taken for stopped after 5 s without a
 * beat (beats come every second, whatever the grace), and the others look every second.
 */
export function assertClaimedInTime(stoppedAt: number, what: string): void {
  const afterMs = Date.now() - stoppedAt;
  assert.ok(afterMs >= 4_000 && afterMs <= 5_000 + 2_000, `${what} ${afterMs} ms after the node stopped`);
}

/** Resolves once `check` holds (asked every 20 ms), or throws naming `what` after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves once every node's bus answers, so that nothing a test does falls back to a node's own count. */
export async function busesUp(nodes: TestService[]): Promise<void> {
  for (const { app } of nodes) await eventually(() => app.bus.reachable(), `the Redis bus at ${REDIS_URL} answers`);
}

/** The Redis keys under `prefix`. */
export const keysUnder = (prefix: string): Promise<string[]> => keysAt(REDIS_URL, prefix);

/** How many entries the stream `key` holds. */
export async function streamEntries(key: string): Promise<number> {
  const redis = new Redis(REDIS_URL);
  try {
    return await redis.xlen(key);
  } finally {
    redis.disconnect();
  }
}

/** The members of the set `key`. */
export async function setMembers(key: string): Promise<string[]> {
  const redis = new Redis(REDIS_URL);
  try {
    return await redis.smembers(key);
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix`: Redis as it is after it lost its state (a restart without persistence). */
export const deleteKeys = (prefix: string): Promise<void> => deleteKeysAt(REDIS_URL, prefix);

/** The value of one Prometheus series in a node's `/metrics` (0 when absent). */
export async function metric(app: FastifyInstance, series: string): Promise<number> {
  const body = (await app.inject('/metrics')).body;
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/**
 * `describe(suite, body)` when TEST_REDIS_URL (and with `postgres`, TEST_DATABASE_URL) is set; else one skipped
 * test saying why, or under CI=true one failing test (the suite must not pass by being skipped).
 */
export function describeWithRedis(suite: string, body: () => void, { postgres = false } = {}): void {
  const missing = [
    ...(REDIS_URL ? [] : [`TEST_REDIS_URL (e.g. ${EXAMPLE_REDIS_URL})`]),
    ...(!postgres || DATABASE_URL ? [] : [`TEST_DATABASE_URL (e.g. ${EXAMPLE_DATABASE_URL})`]),
  ];
  if (missing.length === 0) return void describe(suite, body);
  const what = postgres ? 'Redis and PostgreSQL' : 'Redis';
  describe(suite, () => {
    if (process.env.CI === 'true')
      it(`needs ${missing.map((m) => m.split(' ')[0]).join(' and ')} under CI`, () => {
        assert.fail(`${missing.join(' and ')} required under CI=true; .ci/run sets them`);
      });
    // A skipped test rather than a skipped describe: node 20 leaves skipped suites out of its skip count.
    else it(`runs against ${what}`, { skip: `not set: ${missing.join(', ')}` });
  });
}

/**
 * A new client on `node` holding the session id and stream offset the dropped client `gone` had, as the
 * widget's reconnection through a balancer would; not connected yet (listen first, then `connect()`).
 */
export function recoveringClient(t: TestContext, node: TestService, gone: Client): Client {
  const { _pid: pid, _lastOffset: offset } = gone as unknown as { _pid?: string; _lastOffset?: string };
  assert.ok(pid && offset, 'the service offered recovery: a session id and a stream offset');
  const client: Client = io(node.url, {
    path: SIGNALING_PATH,
    transports: ['websocket'],
    autoConnect: false,
    reconnection: false,
    forceNew: true,
    auth: { protocol: PROTOCOL_VERSION, apiKey: node.publishableKey },
    extraHeaders: { origin: SITE_ORIGIN },
  });
  t.after(() => client.disconnect());
  Object.assign(client, { _pid: pid, _lastOffset: offset });
  return client;
}

/** The client's connection comes back on `node`, recovered from the session it had; its `session`. */
export async function recoveredOn(
  t: TestContext,
  node: TestService,
  gone: Client,
): Promise<{ client: Client; session: SessionInfo }> {
  const client = recoveringClient(t, node, gone);
  const session = next(client, 'session');
  client.connect();
  return { client, session: await session };
}
