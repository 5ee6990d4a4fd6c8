/**
 * Recording consent shared by the nodes (Redis): each change of a room's recording is one script
 * (`recording-scripts.ts`), reading the room's seats on every node and Redis's clock in the same step.
 */
import type { Redis } from 'ioredis';
import type { RecordingBook, RecordingChange, RoomRecording } from '../rooms/recording-book.js';
import {
  ANSWER_RECORDING,
  CANCEL_RECORDING,
  CURRENT_RECORDING,
  JOINED_RECORDING,
  LEFT_RECORDING,
  REQUEST_RECORDING,
  START_RECORDING,
  STOP_RECORDING,
} from './recording-scripts.js';
import { untilTaken, type Retries } from './retries.js';
import { watchedBy } from './watched.js';

/** The recording scripts, as `defineCommand` adds them (each answers JSON), and the one plain command. */
export interface RecordingCommands {
  vcwRequestRecording(
    recording: string,
    seats: string,
    expiryMs: number,
    peerId: string,
    displayName: string,
    requestId: string,
  ): Promise<string>;
  vcwAnswerRecording(
    recording: string,
    expiryMs: number,
    peerId: string,
    requestId: string,
    accept: '1' | '0',
  ): Promise<string>;
  vcwCancelRecording(recording: string, expiryMs: number, peerId: string, requestId: string): Promise<string>;
  vcwStartRecording(recording: string, expiryMs: number, peerId: string, requestId: string): Promise<string>;
  vcwStopRecording(recording: string, expiryMs: number, peerId: string): Promise<string>;
  vcwCurrentRecording(recording: string, expiryMs: number): Promise<string>;
  vcwJoinedRecording(recording: string, seats: string, expiryMs: number, peerId: string): Promise<string>;
  vcwLeftRecording(recording: string, seats: string, peerId: string): Promise<string>;
  del(key: string): Promise<number>;
}

/** Adds the recording scripts to `client` (loaded with EVALSHA on first use): the commands the book runs. */
export function defineRecordingScripts(client: Redis): RecordingCommands {
  client.defineCommand('vcwRequestRecording', { numberOfKeys: 2, lua: REQUEST_RECORDING });
  client.defineCommand('vcwAnswerRecording', { numberOfKeys: 1, lua: ANSWER_RECORDING });
  client.defineCommand('vcwCancelRecording', { numberOfKeys: 1, lua: CANCEL_RECORDING });
  client.defineCommand('vcwStartRecording', { numberOfKeys: 1, lua: START_RECORDING });
  client.defineCommand('vcwStopRecording', { numberOfKeys: 1, lua: STOP_RECORDING });
  client.defineCommand('vcwCurrentRecording', { numberOfKeys: 1, lua: CURRENT_RECORDING });
  client.defineCommand('vcwJoinedRecording', { numberOfKeys: 2, lua: JOINED_RECORDING });
  client.defineCommand('vcwLeftRecording', { numberOfKeys: 2, lua: LEFT_RECORDING });
  return client as unknown as RecordingCommands;
}

/** A list as a script answers it: Lua's JSON encoder writes an empty one as `{}`. */
const list = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : []);

/**
 * The recording book on Redis, every key under `prefix` (a room's seats are `<prefix>seats:<room key>`, as the
 * seat book keeps them); requests expire after `expiryMs`; `failed` hears of each script that failed (then
 * thrown). The changes no command waits for, a leave's and an ended room's, are tried again by `retries` until
 * Redis takes them (both are idempotent), so that a recording does not outlive its recorder.
 */
export function redisRecordingBook(
  run: RecordingCommands,
  prefix: string,
  expiryMs: number,
  failed: () => void,
  retries: Retries,
): RecordingBook {
  const recording = (roomKey: string) => `${prefix}recording:${roomKey}`;
  const seats = (roomKey: string) => `${prefix}seats:${roomKey}`;
  const watched = watchedBy(failed);
  /** The script's answer, decoded; a failure is told to `failed`, then thrown on. */
  const answered = async <T extends object>(answer: Promise<string>): Promise<T> =>
    JSON.parse(await watched(answer)) as T;
  return {
    async request(roomKey, by, requestId) {
      const change = await answered<RecordingChange<{ asked: unknown }>>(
        run.vcwRequestRecording(recording(roomKey), seats(roomKey), expiryMs, by.peerId, by.displayName, requestId),
      );
      return change.refused ? change : { ...change, asked: list(change.asked) };
    },
    answer(roomKey, peerId, requestId, accept) {
      return answered(run.vcwAnswerRecording(recording(roomKey), expiryMs, peerId, requestId, accept ? '1' : '0'));
    },
    cancel(roomKey, peerId, requestId) {
      return answered(run.vcwCancelRecording(recording(roomKey), expiryMs, peerId, requestId));
    },
    start(roomKey, peerId, requestId) {
      return answered(run.vcwStartRecording(recording(roomKey), expiryMs, peerId, requestId));
    },
    stop(roomKey, peerId) {
      return answered(run.vcwStopRecording(recording(roomKey), expiryMs, peerId));
    },
    async current(roomKey) {
      const change = await answered<{ expired?: string; recording?: RoomRecording }>(
        run.vcwCurrentRecording(recording(roomKey), expiryMs),
      );
      return { ...change, recording: change.recording ?? null };
    },
    joined(roomKey, peerId) {
      return answered(run.vcwJoinedRecording(recording(roomKey), seats(roomKey), expiryMs, peerId));
    },
    async left(roomKey, peerId) {
      const { ended } = await untilTaken(retries, () =>
        answered<{ ended?: RoomRecording }>(run.vcwLeftRecording(recording(roomKey), seats(roomKey), peerId)),
      );
      return { ended: ended ?? null };
    },
    async clear(roomKey) {
      await untilTaken(retries, () => watched(run.del(recording(roomKey))));
    },
  };
}
