/**
 * The service's configuration, parsed and validated once at boot from the environment. Nothing deeper
 * reads `process.env`: modules receive the typed `Config` (or the part they need).
 */
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** Base URL the service is reached at (origin of widget.js); derived from host and port when unset. */
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  /** Prefix of every Redis key and channel of this deployment, so that several can share one Redis. */
  redisKeyPrefix: string;
  /** Entries the Redis stream of room fan-out keeps (about): peak messages per second × the resume grace. */
  redisStreamMaxLength: number;
  stunUrls: string[];
  turnUrls: string[];
  turnSecret: string | null;
  turnTtlSeconds: number;
  iceTransportPolicy: 'all' | 'relay';
  resumeGraceSeconds: number;
  /** Per secret key on REST, per socket on signaling messages, per client IP on handshakes; 0 turns one off. */
  rateLimits: { restPerMinute: number; signalsPerSecond: number; handshakesPerMinute: number };
  /** A connection must finish its handshake (HTTP headers, then the socket.io connect) within this many seconds. */
  handshakeTimeoutSeconds: number;
  /**
   * Bounds on what visitors can fill, far above what a real site reaches; 0 turns one off. Connections open at
   * once per client address; waiting per queue and per project; support tickets per address per hour and per
   * queue; ad-hoc rooms (opened by a join by name) per project per hour and open at once.
   */
  caps: {
    connectionsPerAddress: number;
    waitingPerQueue: number;
    waitingPerProject: number;
    ticketsPerAddressPerHour: number;
    ticketsPerQueue: number;
    adHocRoomsPerHour: number;
    adHocRoomsAlive: number;
  };
  /** An ad-hoc room nobody is in closes after this many seconds (and its call history goes with it). */
  adHocRoomIdleSeconds: number;
  /** Support tickets are deleted this many days after they were left. */
  ticketRetentionDays: number;
  /** Signs join tokens; every node of one deployment needs the same. Null: the service keeps one in DATA_DIR. */
  tokenSecret: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Parses the environment; throws one `ConfigError` listing every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T | undefined, expected: string): T => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = parse(raw.trim());
    if (value === undefined) {
      problems.push(`${name}=${JSON.stringify(raw)} is not ${expected}`);
      return fallback;
    }
    return value;
  };
  const integer = (min: number, max: number) => (raw: string) => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
  };
  const oneOf =
    <T extends string>(values: readonly T[]) =>
    (raw: string) =>
      (values as readonly string[]).includes(raw) ? (raw as T) : undefined;
  const urlList = (schemes: string[]) => (raw: string) => {
    const urls = raw
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    return urls.every((u) => schemes.some((s) => u.startsWith(`${s}:`))) ? urls : undefined;
  };

  const port = read('PORT', 3000, integer(0, 65535), 'a port number (0-65535)');
  const host = read('HOST', '127.0.0.1', (raw) => raw, 'a host');
  const publicUrl = read('PUBLIC_URL', '', parseHttpUrl, 'an http(s) URL');
  const config: Config = {
    port,
    host,
    publicUrl: publicUrl || `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    dataDir: path.resolve(read('DATA_DIR', './data', (raw) => raw, 'a directory')),
    databaseUrl: read(
      'DATABASE_URL',
      null,
      (raw) => (/^postgres(ql)?:\/\//.test(raw) ? raw : undefined),
      'a postgres:// URL',
    ),
    redisUrl: read('REDIS_URL', null, (raw) => (/^rediss?:\/\//.test(raw) ? raw : undefined), 'a redis:// URL'),
    redisKeyPrefix: read(
      'REDIS_KEY_PREFIX',
      'vcw:',
      (raw) => (/^[A-Za-z0-9:_.{}-]{1,64}$/.test(raw) ? raw : undefined),
      'a key prefix of 1-64 letters, digits and :_.-{}',
    ),
    redisStreamMaxLength: read(
      'REDIS_STREAM_MAX_LENGTH',
      100_000,
      integer(1000, 100_000_000),
      'a number of entries (1000-100000000)',
    ),
    stunUrls: read('STUN_URLS', [], urlList(['stun', 'stuns']), 'a comma-separated list of stun: URLs'),
    turnUrls: read('TURN_URLS', [], urlList(['turn', 'turns']), 'a comma-separated list of turn: URLs'),
    turnSecret: read(
      'TURN_SECRET',
      null,
      (raw) => (raw.length >= 16 ? raw : undefined),
      'a secret of at least 16 characters',
    ),
    turnTtlSeconds: read('TURN_TTL_SECONDS', 3600, integer(60, 86_400), 'a number of seconds (60-86400)'),
    iceTransportPolicy: read(
      'ICE_TRANSPORT_POLICY',
      'all' as const,
      oneOf(['all', 'relay'] as const),
      '"all" or "relay"',
    ),
    tokenSecret: read(
      'TOKEN_SECRET',
      null,
      (raw) => (raw.length >= 32 ? raw : undefined),
      'a secret of at least 32 characters',
    ),
    resumeGraceSeconds: read('RESUME_GRACE_SECONDS', 30, integer(0, 3600), 'a number of seconds (0-3600)'),
    rateLimits: {
      restPerMinute: read(
        'RATE_LIMIT_REST_PER_MINUTE',
        600,
        integer(0, 10_000_000),
        'a number of requests per minute (0 = no limit)',
      ),
      signalsPerSecond: read(
        'RATE_LIMIT_SIGNALS_PER_SECOND',
        50,
        integer(0, 100_000),
        'a number of messages per second (0 = no limit)',
      ),
      handshakesPerMinute: read(
        'RATE_LIMIT_HANDSHAKES_PER_MINUTE',
        120,
        integer(0, 1_000_000),
        'a number of connections per minute (0 = no limit)',
      ),
    },
    handshakeTimeoutSeconds: read('HANDSHAKE_TIMEOUT_SECONDS', 5, integer(1, 60), 'a number of seconds (1-60)'),
    caps: {
      connectionsPerAddress: read(
        'MAX_CONNECTIONS_PER_ADDRESS',
        200,
        integer(0, 1_000_000),
        'a number of connections (0 = no limit)',
      ),
      waitingPerQueue: read(
        'MAX_WAITING_PER_QUEUE',
        500,
        integer(0, 10_000_000),
        'a number of waiting visitors (0 = no limit)',
      ),
      waitingPerProject: read(
        'MAX_WAITING_PER_PROJECT',
        2000,
        integer(0, 10_000_000),
        'a number of waiting visitors (0 = no limit)',
      ),
      ticketsPerAddressPerHour: read(
        'MAX_TICKETS_PER_ADDRESS_PER_HOUR',
        20,
        integer(0, 1_000_000),
        'a number of tickets (0 = no limit)',
      ),
      ticketsPerQueue: read(
        'MAX_TICKETS_PER_QUEUE',
        10_000,
        integer(0, 100_000_000),
        'a number of tickets (0 = no limit)',
      ),
      adHocRoomsPerHour: read(
        'MAX_AD_HOC_ROOMS_PER_HOUR',
        1000,
        integer(0, 100_000_000),
        'a number of rooms (0 = no limit)',
      ),
      adHocRoomsAlive: read(
        'MAX_AD_HOC_ROOMS_ALIVE',
        2000,
        integer(0, 100_000_000),
        'a number of rooms (0 = no limit)',
      ),
    },
    adHocRoomIdleSeconds: read(
      'AD_HOC_ROOM_IDLE_SECONDS',
      3600,
      integer(10, 30 * 86_400),
      'a number of seconds (10-2592000)',
    ),
    ticketRetentionDays: read('TICKET_RETENTION_DAYS', 90, integer(1, 3650), 'a number of days (1-3650)'),
    logLevel: read('LOG_LEVEL', 'info' as const, oneOf(LOG_LEVELS), `one of ${LOG_LEVELS.join(', ')}`),
  };
  if (config.turnUrls.length > 0 && !config.turnSecret) problems.push('TURN_URLS is set but TURN_SECRET is not');
  if (config.iceTransportPolicy === 'relay' && config.turnUrls.length === 0)
    problems.push('ICE_TRANSPORT_POLICY=relay needs a TURN server (TURN_URLS)');
  // Several nodes: a token minted on one is checked on another, and the store must be one they all reach.
  if (config.redisUrl && !config.tokenSecret)
    problems.push('REDIS_URL is set but TOKEN_SECRET is not: every node must sign join tokens with the same secret');
  if (config.redisUrl && !config.databaseUrl)
    problems.push(
      "REDIS_URL is set but DATABASE_URL is not: every node must share one PostgreSQL store (SQLite is one machine's file)",
    );
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

function parseHttpUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
