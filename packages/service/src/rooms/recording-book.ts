/**
 * Each room's recording consent (signaling/recording.ts runs the exchange): a request for everyone's consent,
 * then, once `since` is set, the recording itself. One at a time per room; it goes with the room's last seat.
 *
 * `RecordingBook` is the contract: every change is one step, which checks what it may and changes the room's
 * recording together, and answers what the handler tells the room. `LocalRecordingBook` keeps it on this node;
 * with several nodes, Redis keeps it (`bus/redis-recording-book.ts`), one script per change.
 */
import type { Awaitable } from '../awaitable.js';
import type { RoomRegistry } from './room-registry.js';

/** A room's recording: the request, and once it runs, when it started. Plain data, as the nodes share it. */
export interface RoomRecording {
  requestId: string;
  by: { peerId: string; displayName: string };
  /** When the request was made (it expires after a while unanswered). */
  requestedAt: number;
  /** Everyone asked who is still in the room, and whether they accept now; each must, before it starts. */
  asked: Record<string, boolean>;
  /** Set once the recording runs: when it started. */
  since?: number;
}

/** A recording that runs. */
export type RunningRecording = RoomRecording & { since: number };

/** Why a change was refused: the error code the command answers. */
export type RecordingRefusal = 'recording_busy' | 'recording_not_found' | 'recording_not_consented';

/**
 * What a change did: refused, or done with `T`. Either way, `expired` names a request found unanswered past its
 * expiry on the way, which the change cancelled (the room is told): no timer, so a requester that hung cannot
 * keep the room from recording, and every node agrees (with Redis, the expiry is read against Redis's clock).
 */
export type RecordingChange<T extends object = object> = { expired?: string } & (
  { refused: RecordingRefusal } | ({ refused?: undefined } & T)
);

/** How a `recording:answer` changed the room's recording. */
export type AnswerOutcome =
  /** A yes: counted (asked to start again, or taken back in to a running recording). */
  | 'accepted'
  /** A no while it runs: the recorder leaves them out from now on, the recording goes on. */
  | 'left-out'
  /** A no to a request: it ends for everyone. */
  | 'declined';

export interface RecordingBook {
  /**
   * Opens a request by `by` unless the room has one or a recording (`recording_busy`): everyone seated in the
   * room (on every node) but the requester is asked, in order of arrival.
   */
  request(roomKey: string, by: RoomRecording['by'], requestId: string): Awaitable<RecordingChange<{ asked: string[] }>>;
  /** `peerId` answers the room's request `requestId` (`recording_not_found` when it is over or did not ask them). */
  answer(
    roomKey: string,
    peerId: string,
    requestId: string,
    accept: boolean,
  ): Awaitable<RecordingChange<{ outcome: AnswerOutcome }>>;
  /** The requester withdraws its request while it waits (`recording_not_found` otherwise). */
  cancel(roomKey: string, peerId: string, requestId: string): Awaitable<RecordingChange>;
  /** The requester starts recording: once everyone asked accepted (`recording_not_consented` before). */
  start(
    roomKey: string,
    peerId: string,
    requestId: string,
  ): Awaitable<RecordingChange<{ recording: RunningRecording }>>;
  /** The recorder stops: the recording as it was. */
  stop(roomKey: string, peerId: string): Awaitable<RecordingChange<{ recording: RoomRecording }>>;
  /** The room's request or recording now, if any. */
  current(roomKey: string): Awaitable<RecordingChange<{ recording: RoomRecording | null }>>;
  /** `peerId` took a seat: while there is a request or recording (not theirs), they are asked too. */
  joined(roomKey: string, peerId: string): Awaitable<RecordingChange>;
  /**
   * `peerId` left: a request or recording of theirs ends (returned, for the room to be told); else it no
   * longer waits for them. The last one out takes the room's recording with them.
   */
  left(roomKey: string, peerId: string): Awaitable<{ ended: RoomRecording | null }>;
  /** The room's call was ended: its recording goes with it (the room is told `room:ended`, nothing else). */
  clear(roomKey: string): Awaitable<void>;
}

/** Whether everyone asked has accepted. */
export const consented = (recording: RoomRecording): boolean => Object.values(recording.asked).every(Boolean);

/** Whether `peerId` was asked (and is still in the room). */
export const wasAsked = (recording: RoomRecording, peerId: string): boolean => Object.hasOwn(recording.asked, peerId);

/** The recording consent of this node's rooms: every change is synchronous, so atomic. */
export class LocalRecordingBook implements RecordingBook {
  private readonly recordings = new Map<string, RoomRecording>();

  constructor(
    /** This node's seats (with one node, every seat). */
    private readonly rooms: RoomRegistry,
    private readonly expiryMs: number,
  ) {}

  request(roomKey: string, by: RoomRecording['by'], requestId: string): RecordingChange<{ asked: string[] }> {
    const { recording, ...found } = this.look(roomKey);
    if (recording) return { ...found, refused: 'recording_busy' };
    // Those present now are asked; so is anyone who joins later (see `joined`).
    const asked = this.rooms
      .seats(roomKey)
      .map((seat) => seat.peerId)
      .filter((peerId) => peerId !== by.peerId);
    this.recordings.set(roomKey, {
      requestId,
      by,
      requestedAt: Date.now(),
      asked: Object.fromEntries(asked.map((peerId) => [peerId, false])),
    });
    return { ...found, asked };
  }

  answer(
    roomKey: string,
    peerId: string,
    requestId: string,
    accept: boolean,
  ): RecordingChange<{ outcome: AnswerOutcome }> {
    const { recording, ...found } = this.look(roomKey);
    if (recording?.requestId !== requestId || !wasAsked(recording, peerId))
      return { ...found, refused: 'recording_not_found' };
    if (accept || recording.since !== undefined) {
      recording.asked[peerId] = accept;
      return { ...found, outcome: accept ? 'accepted' : 'left-out' };
    }
    this.recordings.delete(roomKey);
    return { ...found, outcome: 'declined' };
  }

  cancel(roomKey: string, peerId: string, requestId: string): RecordingChange {
    const { recording, ...found } = this.look(roomKey);
    if (
      !recording ||
      recording.since !== undefined ||
      recording.requestId !== requestId ||
      recording.by.peerId !== peerId
    )
      return { ...found, refused: 'recording_not_found' };
    this.recordings.delete(roomKey);
    return { ...found };
  }

  start(roomKey: string, peerId: string, requestId: string): RecordingChange<{ recording: RunningRecording }> {
    const { recording, ...found } = this.look(roomKey);
    if (recording?.by.peerId !== peerId || recording.since !== undefined || recording.requestId !== requestId)
      return { ...found, refused: 'recording_not_found' };
    if (!consented(recording)) return { ...found, refused: 'recording_not_consented' };
    return { ...found, recording: Object.assign(recording, { since: Date.now() }) };
  }

  stop(roomKey: string, peerId: string): RecordingChange<{ recording: RoomRecording }> {
    const { recording, ...found } = this.look(roomKey);
    if (recording?.by.peerId !== peerId || recording.since === undefined)
      return { ...found, refused: 'recording_not_found' };
    this.recordings.delete(roomKey);
    return { ...found, recording };
  }

  current(roomKey: string): RecordingChange<{ recording: RoomRecording | null }> {
    const { recording, ...found } = this.look(roomKey);
    return { ...found, recording: recording ?? null };
  }

  joined(roomKey: string, peerId: string): RecordingChange {
    const { recording, ...found } = this.look(roomKey);
    // A newcomer is asked through `recording:sync`, which every widget sends once seated. A request then waits
    // for their answer; a running recording leaves them out until they accept (the recorder follows the answers).
    if (recording && recording.by.peerId !== peerId) recording.asked[peerId] = false;
    return { ...found };
  }

  left(roomKey: string, peerId: string): { ended: RoomRecording | null } {
    const recording = this.recordings.get(roomKey);
    if (!recording) return { ended: null };
    if (recording.by.peerId === peerId) {
      this.recordings.delete(roomKey);
      return { ended: recording };
    }
    delete recording.asked[peerId];
    if (this.rooms.participantCount(roomKey) === 0) this.recordings.delete(roomKey);
    return { ended: null };
  }

  clear(roomKey: string): void {
    this.recordings.delete(roomKey);
  }

  /** The room's request or recording; a request unanswered past its expiry is dropped, and named as expired. */
  private look(roomKey: string): { recording: RoomRecording | undefined } | { recording: undefined; expired: string } {
    const recording = this.recordings.get(roomKey);
    if (!recording || recording.since !== undefined || Date.now() - recording.requestedAt < this.expiryMs)
      return { recording };
    this.recordings.delete(roomKey);
    return { recording: undefined, expired: recording.requestId };
  }
}
