/** Builds the service (without listening): one Fastify plugin per concern. `server.ts` listens. */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import {
  ERROR_MESSAGES,
  ERROR_STATUS,
  MAX_ROOM_METADATA_DEPTH,
  MAX_ROOM_METADATA_KEYS,
  MAX_ROOM_PARTICIPANTS,
  MIN_ROOM_PARTICIPANTS,
  type ServiceErrorCode,
} from '@vcw/shared';
import { ResumeTokens } from './auth/resume-token.js';
import { JoinTokens } from './auth/join-token.js';
import type { Config } from './config.js';
import { isLoopbackUrl } from './dev-project.js';
import { ServiceError } from './errors.js';
import { lazySchemaCompilers } from './lazy-schema-compilers.js';
import { guardConnections } from './limits/connection-guard.js';
import { createLimits, type Limits } from './limits/limits.js';
import effectAssets from './plugins/effect-assets.js';
import demoPages from './plugins/demo-pages.js';
import operations from './plugins/operations.js';
import openapi from './plugins/openapi.js';
import rest from './plugins/rest/index.js';
import { jsonLimits } from './plugins/rest/json-limits.js';
import roomPruning from './plugins/room-pruning.js';
import signaling from './plugins/signaling.js';
import store from './plugins/store.js';
import webhooks from './plugins/webhooks.js';
import joinPage from './plugins/join-page.js';
import widgetScript from './plugins/widget-script.js';
import { ServiceEvents } from './events/service-events.js';
import type { Bus } from './bus/bus.js';
import { inProcessBus } from './bus/in-process-bus.js';
import type { WebhookTimings } from './webhooks/dispatcher.js';
import type { Clock } from './clock.js';
import type { Database } from './store/schema.js';
import type { MatchTimings } from './matching/local-coordinator.js';

export interface BuildOptions {
  config: Config;
  /** An open, migrated database; the app owns it from here and closes it on `close()`. */
  db: Kysely<Database>;
  /** Publishable key the demo pages embed (the dev project's); `null` leaves them without one. */
  demoPublishableKey?: string | null;
  /** The dev project, whose agent tokens the support demo's agent console gets; `null`: none. */
  demoProjectId?: string | null;
  logger?: FastifyServerOptions['logger'];
  widgetFile?: string;
  demoDir?: string;
  /** Signs and checks join tokens; a random one (tokens die with the process) when not given. */
  tokenSecret?: string;
  /** Matching's deadlines and pauses, when not the product's (tests shorten them). */
  matchTimings?: Partial<MatchTimings>;
  /** Webhook retries and timeouts, when not the product's (tests shorten them). */
  webhookTimings?: Partial<WebhookTimings>;
  /** The clock webhook retries are scheduled on (tests). */
  webhookClock?: Clock;
  /** The clock matching's deadlines, pauses and waits run on (tests). */
  matchClock?: Clock;
}

declare module 'fastify' {
  interface FastifyInstance {
    joinTokens: JoinTokens;
    /** What the nodes share beyond the store: this process alone, or Redis (`REDIS_URL`). */
    bus: Bus;
    limits: Limits;
    /** What happened (calls, recordings, queues, tickets), for subscribers such as webhooks. */
    serviceEvents: ServiceEvents;
  }
}

// Found through the package (always present), so a service started before the widget is built still starts
// and answers /widget.js with a clear 503.
export const DEFAULT_WIDGET_FILE = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@vcw/widget/package.json')),
  'dist/widget.js',
);
export const DEFAULT_DEMO_DIR = fileURLToPath(new URL('../../../../demo', import.meta.url));

export async function build(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    bodyLimit: 64 * 1024,
    // Set deliberately, so that silent or slow connections cannot pile up: headers must arrive within the
    // handshake timeout (checked every second), a whole request within 30 s, an idle keep-alive connection
    // closes after 5 s, and any connection silent for 30 s closes (websockets are pinged every 10 s, and a
    // long poll is answered within 10 s, so live ones never are).
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
    http: { headersTimeout: config.handshakeTimeoutSeconds * 1000, connectionsCheckingInterval: 1000 },
    // Unknown fields are an error for the partner to fix, not something to drop silently.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true }, plugins: [jsonLimits] },
    schemaController: lazySchemaCompilers(),
    // `info` is one line per lifecycle step; per-request lines only when debugging.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
  });

  app.setErrorHandler((error, request, reply) => {
    const { statusCode, code, message } = describeError(error);
    if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(statusCode).send({ statusCode, error: httpReason(statusCode), code, message });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      statusCode: 404,
      error: 'Not Found',
      code: 'not_found',
      message: `No route for ${request.method} ${request.url.split('?')[0]}.`,
    });
  });

  // Twice the signaling cap at the TCP level: a polling client holds two HTTP connections at once (its long poll
  // and a send), and the signaling handshake is where a client over the cap gets its readable `rate_limited`.
  guardConnections(app, config.handshakeTimeoutSeconds * 1000, 2 * config.caps.connectionsPerAddress);
  const tokenSecret = options.tokenSecret ?? randomBytes(32).toString('base64url');
  const joinTokens = new JoinTokens(tokenSecret);
  app.decorate('joinTokens', joinTokens);
  // Redis is loaded only when configured (ioredis and the adapter are several MB of a single node's memory).
  const bus = config.redisUrl
    ? (await import('./bus/redis.js')).openRedisBus(
        { ...config, redisUrl: config.redisUrl },
        app.log.child({ module: 'bus' }),
      )
    : inProcessBus;
  app.decorate('bus', bus);
  // Registered before every plugin, so it runs after theirs: Socket.io and the store are done with the bus.
  app.addHook('onClose', () => bus.close());
  app.decorate('limits', createLimits(config.rateLimits, Date.now, config.caps, bus.rateLimiter));
  const serviceEvents = new ServiceEvents(app.log);
  app.decorate('serviceEvents', serviceEvents);
  await app.register(store, { db: options.db });
  // Before signaling: it closes after the last calls' events are published, before the store closes.
  await app.register(webhooks, {
    db: options.db,
    events: serviceEvents,
    tokenSecret,
    serviceOnLoopback: isLoopbackUrl(config.publicUrl),
    ...(options.webhookTimings ? { timings: options.webhookTimings } : {}),
    ...(options.webhookClock ? { clock: options.webhookClock } : {}),
  });
  await app.register(operations);
  await app.register(signaling, {
    config,
    joinTokens,
    resumeTokens: new ResumeTokens(tokenSecret),
    ...(options.matchTimings ? { matchTimings: options.matchTimings } : {}),
    ...(options.matchClock ? { matchClock: options.matchClock } : {}),
  });
  await app.register(roomPruning, {
    adHocRoomIdleSeconds: config.adHocRoomIdleSeconds,
    ticketRetentionDays: config.ticketRetentionDays,
  });
  await app.register(joinPage, { db: options.db, publicUrl: config.publicUrl });
  await app.register(openapi);
  await app.register(rest);
  await app.register(effectAssets);
  await app.register(widgetScript, { widgetFile: options.widgetFile ?? DEFAULT_WIDGET_FILE });
  // The demo agent console hands out agent tokens to whoever loads it: only on a service that runs on this
  // machine (PUBLIC_URL on loopback), never on a deployment that happens to keep its first-start dev project.
  const demoProjectId = isLoopbackUrl(config.publicUrl) ? (options.demoProjectId ?? null) : null;
  await app.register(demoPages, {
    demoDir: options.demoDir ?? DEFAULT_DEMO_DIR,
    publishableKey: options.demoPublishableKey ?? null,
    agentToken: demoProjectId
      ? async (queue) =>
          (
            await joinTokens.mintAgent(
              { projectId: demoProjectId, queue, displayName: 'Demo agent' },
              DEMO_AGENT_TOKEN_TTL_SECONDS,
            )
          ).token
      : null,
  });
  return app;
}

/** Lifetime of the agent tokens the demo agent console gets. */
const DEMO_AGENT_TOKEN_TTL_SECONDS = 3600;

function describeError(error: unknown): { statusCode: number; code: ServiceErrorCode; message: string } {
  if (error instanceof ServiceError) return { statusCode: error.status, code: error.code, message: error.message };
  const fastifyError = error as { validation?: unknown; statusCode?: number; message?: string };
  if (fastifyError.validation)
    return { statusCode: 400, code: 'invalid_payload', message: validationMessage(fastifyError) };
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    const code =
      status === 404
        ? 'not_found'
        : status === 413
          ? 'payload_too_large'
          : status === 415
            ? 'unsupported_media_type'
            : 'invalid_payload';
    if (code === 'unsupported_media_type')
      return { statusCode: status, code, message: ERROR_MESSAGES.unsupported_media_type };
    return { statusCode: status, code, message: fastifyError.message ?? 'Bad request.' };
  }
  return { statusCode: ERROR_STATUS.internal_error, code: 'internal_error', message: ERROR_MESSAGES.internal_error };
}

/** Fastify's validation message, with the reason spelled out where a bare bound would puzzle a partner. */
function validationMessage(error: { validation?: unknown; message?: string }): string {
  const issues = Array.isArray(error.validation)
    ? (error.validation as Array<{ instancePath?: string; keyword?: string }>)
    : [];
  if (issues.some((issue) => issue.keyword === 'x-max-depth'))
    return `metadata may nest objects and arrays at most ${MAX_ROOM_METADATA_DEPTH} deep.`;
  if (issues.some((issue) => issue.keyword === 'x-max-keys'))
    return `metadata may hold at most ${MAX_ROOM_METADATA_KEYS} keys in all.`;
  if (issues.some((issue) => issue.instancePath === '/maxParticipants')) {
    return `maxParticipants must be from ${MIN_ROOM_PARTICIPANTS} to ${MAX_ROOM_PARTICIPANTS}: calls are a mesh, where every browser sends a stream to every other.`;
  }
  return error.message ?? ERROR_MESSAGES.invalid_payload;
}

function httpReason(status: number): string {
  return (
    (
      {
        400: 'Bad Request',
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'Not Found',
        409: 'Conflict',
        410: 'Gone',
        413: 'Payload Too Large',
        415: 'Unsupported Media Type',
        423: 'Locked',
        429: 'Too Many Requests',
      } as Record<number, string>
    )[status] ?? 'Internal Server Error'
  );
}
