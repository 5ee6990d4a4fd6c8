/**
 * The Redis bus, for several nodes (`REDIS_URL`): the one file that opens Redis connections. Room fan-out and
 * connection state recovery go through Socket.io's Redis Streams adapter (the one adapter that recovers
 * sessions across nodes); shared counters and leases are Lua scripts (`scripts.ts`) run with EVALSHA.
 * Every key and channel starts with `REDIS_KEY_PREFIX`, so several deployments can share one Redis.
 *
 * Two kinds of connection, because they must fail differently:
 * - the adapter's (a publisher, and the subscriber and stream reader it duplicates from it) queue commands
 *   while Redis is briefly away, so a blip delays fan-out rather than losing it;
 * - the scripts' connection never queues and gives up after `SCRIPT_TIMEOUT_MS`, so a rate limit or a lease
 *   never makes a request wait on a Redis that is gone: the caller falls back at once. The seats' connection
 *   (`seat-book.ts`) does the same with a longer timeout: a seat has nowhere to fall back to, so a join fails
 *   only when Redis is really away, not when it is slow.
 */
import { randomUUID } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { RECORDING_REQUEST_EXPIRY_MS } from '@vcw/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { SharedRateLimiterFactory } from '../limits/shared-rate-limiter.js';
import type { Bus, BusOperation, BusTrouble } from './bus.js';
import { FanoutProgress } from './fanout-progress.js';
import { deliverToRecipientsAtSend } from './recipients-at-send.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { defineRecordingScripts, redisRecordingBook } from './redis-recording-book.js';
import { Retries } from './retries.js';
import { HOLD_LEASE, TAKE_TOKEN } from './scripts.js';
import { redisKnockBook, type KnockCommands } from './knock-book.js';
import { defineMatchScripts, redisMatchBook } from './match-book.js';
import { ANSWER_KNOCK, CLAIM_DEAD_KNOCKS, KNOCK, WITHDRAW_KNOCK } from './knock-scripts.js';
import { beatsKey, redisSeatBook, type SeatCommands } from './seat-book.js';
import {
  BEAT,
  CLAIM_DEAD,
  CLEAR_SEATS,
  LEAVE_SEAT,
  RESUME_SEAT,
  SET_MEDIA,
  TAKE_OVER_SEAT,
  TAKE_SEAT,
} from './seat-scripts.js';

/** A script (one round trip) that takes longer than this counts as failed: the caller falls back. */
const SCRIPT_TIMEOUT_MS = 500;
/** The seats' scripts wait longer: a seat cannot fall back to the node, and a join may wait a little. */
const SEAT_TIMEOUT_MS = 5000;

/** The scripts, as `defineCommand` adds them to the scripts' connection. */
interface ScriptCommands {
  vcwTakeToken(bucket: string, capacity: number, perSecond: number): Promise<[number, number]>;
  vcwHoldLease(lease: string, holder: string, ttlMs: number): Promise<number>;
}

/**
 * Commands whose promise the adapter drops, on its publisher and on its subscriber: a failure (Redis away, or
 * the connection closed under a queued command) is counted here instead of becoming an unhandled rejection.
 */
const PUBLISHED = ['xadd', 'publish', 'set'];
const SUBSCRIBED = ['subscribe', 'ssubscribe'];

function countFailures(client: Redis, commands: string[], count: () => void): void {
  const loose = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of commands) {
    const send = loose[name]!.bind(client);
    loose[name] = (...args: unknown[]) => {
      const sent = send(...args);
      sent.catch(count);
      return sent;
    };
  }
}

export type RedisBusConfig = Pick<Config, 'redisKeyPrefix' | 'redisStreamMaxLength'> & { redisUrl: string };

export function openRedisBus(config: RedisBusConfig, log: FastifyBaseLogger): Bus {
  const prefix = config.redisKeyPrefix;
  const node = randomUUID();
  const listeners = new Set<(trouble: BusTrouble) => void>();
  const report = (trouble: BusTrouble) => {
    for (const listener of listeners) listener(trouble);
  };
  const failed = (operation: BusOperation) => report({ kind: 'error', operation });

  /** The adapter's subscriber and stream reader (the reader may sit in a blocking read: it is cut, not quit). */
  const copies = new Set<Redis>();
  let healthy = true;
  const watch = (client: Redis): Redis => {
    client.on('error', (err: Error) => {
      failed('connection');
      // Once per outage, not once per reconnection attempt; never the URL (it may carry a password).
      if (healthy) log.warn({ err: { message: err.message } }, 'redis bus unavailable');
      healthy = false;
    });
    client.on('ready', () => {
      if (!healthy) log.info('redis bus available again');
      healthy = true;
    });
    return client;
  };

  const publisher = watch(new Redis(config.redisUrl, { connectionName: `vcw-${node}` }));
  // The adapter makes its subscriber and stream reader as copies of the publisher: watch those too.
  const duplicate = publisher.duplicate.bind(publisher);
  publisher.duplicate = ((override?: object) => {
    const copy = watch(duplicate(override));
    countFailures(copy, SUBSCRIBED, () => failed('connection'));
    copies.add(copy);
    return copy;
  }) as typeof publisher.duplicate;
  countFailures(publisher, PUBLISHED, () => failed('publish'));

  const scripts = watch(
    new Redis(config.redisUrl, {
      connectionName: `vcw-${node}-scripts`,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: SCRIPT_TIMEOUT_MS,
    }),
  );
  scripts.defineCommand('vcwTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN });
  scripts.defineCommand('vcwHoldLease', { numberOfKeys: 1, lua: HOLD_LEASE });
  const run = scripts as unknown as ScriptCommands;
  const seatScripts = watch(
    new Redis(config.redisUrl, {
      connectionName: `vcw-${node}-seats`,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: SEAT_TIMEOUT_MS,
    }),
  );
  seatScripts.defineCommand('vcwTakeSeat', { numberOfKeys: 5, lua: TAKE_SEAT });
  seatScripts.defineCommand('vcwLeaveSeat', { numberOfKeys: 1, lua: LEAVE_SEAT });
  seatScripts.defineCommand('vcwResumeSeat', { numberOfKeys: 4, lua: RESUME_SEAT });
  seatScripts.defineCommand('vcwTakeOverSeat', { numberOfKeys: 4, lua: TAKE_OVER_SEAT });
  seatScripts.defineCommand('vcwClearSeats', { numberOfKeys: 1, lua: CLEAR_SEATS });
  seatScripts.defineCommand('vcwBeat', { numberOfKeys: 1, lua: BEAT });
  seatScripts.defineCommand('vcwClaimDead', { numberOfKeys: 1, lua: CLAIM_DEAD });
  seatScripts.defineCommand('vcwSetMedia', { numberOfKeys: 1, lua: SET_MEDIA });
  // Knocks share the seats' connection: they read the seats, and have nowhere to fall back to either.
  seatScripts.defineCommand('vcwKnock', { numberOfKeys: 6, lua: KNOCK });
  seatScripts.defineCommand('vcwWithdrawKnock', { numberOfKeys: 3, lua: WITHDRAW_KNOCK });
  seatScripts.defineCommand('vcwAnswerKnock', { numberOfKeys: 3, lua: ANSWER_KNOCK });
  seatScripts.defineCommand('vcwClaimDeadKnocks', { numberOfKeys: 2, lua: CLAIM_DEAD_KNOCKS });
  // Recording consent rides the seats' connection: it has nowhere to fall back to either, and a node's seat and
  // recording scripts then run in the order it sent them (a newcomer is asked before its own `recording:sync`).
  const recordingScripts = defineRecordingScripts(seatScripts);
  // Changes no command waits for, tried again until Redis takes them; they stop with the bus.
  const retries = new Retries();
  // Matching too: a pair has nowhere to fall back to. Its news for this node come on a subscription of its own.
  defineMatchScripts(seatScripts);
  const fanout = new FanoutProgress();
  const fanoutStream = `${prefix}socket.io`;
  const matchBook = redisMatchBook(
    seatScripts,
    () => publisher.duplicate(),
    prefix,
    node,
    () => failed('matching'),
    {
      beats: beatsKey(prefix),
      flush: () => publisher.ping(),
      stream: fanoutStream,
      progress: fanout,
    },
  );

  const rateLimiter: SharedRateLimiterFactory = (name, limit, now) =>
    new RedisRateLimiter(
      limit,
      `${prefix}rate:${name}:`,
      (bucket, capacity, perSecond) => run.vcwTakeToken(bucket, capacity, perSecond),
      () => {
        failed('rate-limit');
        report({ kind: 'fallback', limit: name });
      },
      now,
    );

  const streams = createAdapter(publisher, {
    streamName: fanoutStream,
    channelPrefix: `${prefix}socket.io`,
    sessionKeyPrefix: `${prefix}sio:session:`,
    maxLen: config.redisStreamMaxLength,
  });

  return {
    kind: 'redis',
    // Socket.io calls it with `new`: a function (not an arrow) whose returned object stands for the instance.
    adapter: function redisStreamsAdapter(nsp: unknown) {
      return deliverToRecipientsAtSend(streams(nsp), fanout);
    },
    rateLimiter,
    seatBook: redisSeatBook(seatScripts as unknown as SeatCommands, prefix, node, () => failed('seats')),
    knockBook: redisKnockBook(seatScripts as unknown as KnockCommands, prefix, node, () => failed('knocks')),
    matchBook,
    recordingBook: redisRecordingBook(
      recordingScripts,
      prefix,
      RECORDING_REQUEST_EXPIRY_MS,
      () => failed('recording'),
      retries,
    ),
    async holdLease(name, ttlMs) {
      try {
        return (await run.vcwHoldLease(`${prefix}lease:${name}`, node, ttlMs)) === 1;
      } catch {
        failed('lease');
        return false;
      }
    },
    async reachable() {
      if (scripts.status !== 'ready') return false;
      try {
        return (await scripts.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    onTrouble(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      retries.stop();
      // After Socket.io closed (its adapter publishes nothing more): what was sent is answered before the quit.
      for (const copy of copies) copy.disconnect();
      matchBook.close();
      await Promise.all(
        [publisher, scripts, seatScripts].map(async (client) => {
          if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
          else client.disconnect();
        }),
      );
      listeners.clear();
    },
  };
}
