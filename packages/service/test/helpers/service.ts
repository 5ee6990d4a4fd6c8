/**
 * Test helpers: a real service on port 0 with a fresh in-memory store, and real socket.io clients. The suite runs
 * on either bus: in process, or, with TEST_SUITE_REDIS_URL set (`npm run test:redis`), on Redis.
 */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  SIGNALING_PATH,
  type Ack,
  type ClientToServerEvents,
  type ErrorBody,
  type ServerToClientEvents,
  type SessionInfo,
} from '@vcw/shared';
import { build, type BuildOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openSqlite } from '../../src/store/database.js';
import { deleteKeysAt } from './redis-keys.js';

/** The origin of the test "site" whose key the helper mints. */
export const SITE_ORIGIN = 'https://site.example';
/** The join-token signing secret of every test service, so tests can forge tokens the way an attacker would. */
export const TEST_TOKEN_SECRET = 'test-token-secret-0123456789abcdefghijklmnop';

/** The Redis every test service's bus runs on when set (TEST_SUITE_REDIS_URL); empty: each runs in process. */
export const SUITE_REDIS_URL = process.env.TEST_SUITE_REDIS_URL ?? '';

/**
 * Builds a test app (not listening) from `env` over the tests' defaults, closed after the test. On the suite's
 * Redis it is the one node of a deployment of its own: TOKEN_SECRET set, a key prefix of its own (deleted once
 * the app closed), and it is returned once its bus answers, as a balancer sends a node traffic once `/ready`
 * says so. A deployment on Redis also needs DATABASE_URL: the store given stands in for it, as in redis-nodes.ts.
 */
export async function buildTestApp(
  t: TestContext,
  { env = {}, ...options }: Omit<BuildOptions, 'config'> & { env?: Record<string, string> },
): Promise<FastifyInstance> {
  const config = testConfig(env);
  const app = await build({ config, tokenSecret: TEST_TOKEN_SECRET, ...options });
  t.after(async () => {
    await app.close();
    if (config.redisUrl) await deleteKeysAt(config.redisUrl, config.redisKeyPrefix);
  });
  if (config.redisUrl) await busAnswers(app);
  return app;
}

function testConfig(env: Record<string, string>): Config {
  const onRedis = SUITE_REDIS_URL ? { TOKEN_SECRET: TEST_TOKEN_SECRET } : {};
  const config = loadConfig({ LOG_LEVEL: 'silent', PORT: '0', ...onRedis, ...env });
  if (!SUITE_REDIS_URL) return config;
  const redisKeyPrefix = `vcwsuite:${process.pid}:${randomBytes(4).toString('hex')}:`;
  return { ...config, redisUrl: SUITE_REDIS_URL, redisKeyPrefix };
}

async function busAnswers(app: FastifyInstance, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await app.bus.reachable())) {
    if (Date.now() > deadline)
      throw new Error(`the Redis bus at TEST_SUITE_REDIS_URL does not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The options of a test that holds for a service alone in its process only, skipped on the suite's Redis bus
 * with `why` (what holds there instead, and which test shows it).
 */
export function inProcessOnly(why: string): { skip: string | false } {
  return { skip: SUITE_REDIS_URL ? `in process only: ${why}` : false };
}

export interface TestService {
  app: FastifyInstance;
  url: string;
  projectId: string;
  publishableKey: string;
}

/** Builds the app over an in-memory store; `listen` also binds it to 127.0.0.1 on a free port. */
export async function buildService(
  t: TestContext,
  {
    listen = true,
    env = {},
    demoPublishableKey = null,
    demoProjectId = null,
    matchTimings,
    matchClock,
    webhookTimings,
  }: {
    listen?: boolean;
    env?: Record<string, string>;
    demoPublishableKey?: string | null;
    demoProjectId?: string | null;
    matchTimings?: BuildOptions['matchTimings'];
    /** Matching's clock: tests move it by hand instead of sleeping. */
    matchClock?: BuildOptions['matchClock'];
    webhookTimings?: BuildOptions['webhookTimings'];
  } = {},
): Promise<TestService> {
  const app = await buildTestApp(t, {
    env,
    db: await openSqlite(':memory:'),
    logger: false,
    demoPublishableKey,
    demoProjectId,
    ...(matchTimings ? { matchTimings } : {}),
    ...(matchClock ? { matchClock } : {}),
    ...(webhookTimings ? { webhookTimings } : {}),
  });
  const project = await app.projects.createProject({ name: 'test site', allowedOrigins: [SITE_ORIGIN] });
  const { plaintext } = await app.projects.createApiKey(project.id, 'publishable');
  let url = '';
  if (listen) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }
  return { app, url, projectId: project.id, publishableKey: plaintext };
}

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ClientOptions {
  apiKey?: string;
  origin?: string | null;
  transport?: 'websocket' | 'polling';
  auth?: Record<string, unknown>;
  /** More request headers, as a browser would set them. */
  headers?: Record<string, string>;
}

const sessions = new WeakMap<Client, SessionInfo>();
const servicesOf = new WeakMap<Client, TestService>();

/** The service a client of these helpers connected to. */
export function serviceOf(client: Client): TestService | undefined {
  return servicesOf.get(client);
}

/** The `session` the service pushed to this accepted client. */
export function sessionOf(client: Client): SessionInfo {
  const session = sessions.get(client);
  if (!session) throw new Error('no session received');
  return session;
}

/** A client that reconnects by itself, as the widget's does, so Socket.io can recover its session. */
export async function reconnectingClient(
  t: TestContext,
  service: TestService,
): Promise<{ client: Client; session: SessionInfo }> {
  const client: Client = io(service.url, {
    path: SIGNALING_PATH,
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 100,
    auth: { protocol: PROTOCOL_VERSION, apiKey: service.publishableKey },
    extraHeaders: { origin: SITE_ORIGIN },
  });
  t.after(() => client.disconnect());
  servicesOf.set(client, service);
  const session = await next(client, 'session');
  return { client, session };
}

/**
 * Opens a socket.io client like a page on `origin` would; resolves once the service accepted it and pushed
 * its session, rejects with the refusal's `{code, message}`.
 */
export function connect(t: TestContext, service: TestService, options: ClientOptions = {}): Promise<Client> {
  const origin = options.origin === undefined ? SITE_ORIGIN : options.origin;
  const client: Client = io(service.url, {
    path: SIGNALING_PATH,
    transports: [options.transport ?? 'websocket'],
    upgrade: false,
    reconnection: false,
    forceNew: true,
    auth: options.auth ?? { protocol: PROTOCOL_VERSION, apiKey: options.apiKey ?? service.publishableKey },
    extraHeaders: { ...(origin === null ? {} : { origin }), ...options.headers },
  });
  t.after(() => client.disconnect());
  servicesOf.set(client, service);
  return new Promise((resolve, reject) => {
    client.once('session', (session) => {
      sessions.set(client, session);
      resolve(client);
    });
    client.once('connect_error', (error: Error & { data?: ErrorBody }) => {
      client.disconnect();
      reject(error.data ?? error);
    });
  });
}

/** Sends a command and resolves with its acknowledgement. */
export function command<R extends object = Record<never, never>>(
  client: Client,
  event: string,
  payload: unknown,
): Promise<Ack<R>> {
  return new Promise((resolve, reject) => {
    const loose = client.timeout(5000) as unknown as {
      emit(e: string, p: unknown, ack: (err: Error | null, reply: Ack<R>) => void): void;
    };
    loose.emit(event, payload, (err, reply) => (err ? reject(err) : resolve(reply)));
  });
}

/** Resolves with the next `event` the client receives. */
export function next<E extends keyof ServerToClientEvents>(
  client: Client,
  event: E,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (client as unknown as { once(e: string, fn: (v: never) => void): void }).once(event, (value: never) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
