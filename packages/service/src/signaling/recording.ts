/**
 * Consent for call recording (see schemas/recording.ts for the exchange). The recording is made in the
 * requester's browser; the service makes sure it only starts once everyone asked accepted, and keeps the
 * room's recording state so that everyone, newcomers too, can show it. Nothing about it is stored.
 *
 * The state is the recording book's (`ctx.recordings`: this node's, or with several nodes Redis's, where who is
 * asked is everyone seated on every node); what the room hears goes to its broadcast room, which reaches its
 * participants on every node.
 */
import { randomBytes } from 'node:crypto';
import {
  RecordingAnswerRequest,
  RecordingCancelRequest,
  RecordingRequest,
  RecordingStateRequest,
  RecordingSyncRequest,
  type RecordingRequestResult,
  type RecordingSync,
} from '@vcw/shared';
import type { Awaitable } from '../awaitable.js';
import { ServiceError } from '../errors.js';
import { wasAsked, type RecordingChange, type RoomRecording } from '../rooms/recording-book.js';
import { broadcastRoom, type SignalingContext, type SignalingSocket } from './context.js';
import { command } from './guards.js';

/** The room this connection sits in, and who it is there. */
function seated(socket: SignalingSocket, ctx: SignalingContext) {
  const { roomKey, peerId, displayName } = socket.data;
  if (!roomKey || !ctx.rooms.seat(roomKey, peerId)) throw new ServiceError('not_in_room');
  return { roomKey, room: broadcastRoom(roomKey), self: { peerId, displayName: displayName ?? '' } };
}

/**
 * What a change did, once the room heard of a request it found expired on the way (cancelled, so a requester
 * that hung cannot keep the room from recording); a refusal is thrown as its error code.
 */
function settled<T extends object>(ctx: SignalingContext, roomKey: string, change: RecordingChange<T>): T {
  if (change.expired)
    ctx.io.to(broadcastRoom(roomKey)).emit('recording:cancelled', { requestId: change.expired, reason: 'expired' });
  if (change.refused) throw new ServiceError(change.refused);
  return change as T;
}

export const recordingCommands = [
  command('recording:request', RecordingRequest, async (_request, socket, ctx): Promise<RecordingRequestResult> => {
    const { roomKey, room, self } = seated(socket, ctx);
    const requestId = `rec_${randomBytes(12).toString('base64url')}`;
    // Those present now are asked; so is anyone who joins later (see `recordingAfterJoin`).
    const { asked } = settled(ctx, roomKey, await ctx.recordings.request(roomKey, self, requestId));
    socket.to(room).emit('recording:requested', { requestId, by: self });
    ctx.log.info({ roomKey, peer: self.peerId, requestId, asked: asked.length }, 'recording requested');
    return { requestId, asked };
  }),

  command('recording:answer', RecordingAnswerRequest, async ({ requestId, accept }, socket, ctx) => {
    const { roomKey, room, self } = seated(socket, ctx);
    const change = await ctx.recordings.answer(roomKey, self.peerId, requestId, accept);
    const { outcome } = settled(ctx, roomKey, change);
    socket.to(room).emit('recording:answered', { requestId, peerId: self.peerId, accept });
    if (outcome === 'left-out') {
      // No while it runs (a newcomer declining, or someone who had agreed withdrawing): the recorder leaves this
      // participant out from now on, the others go on. A yes later takes them back in.
      ctx.log.info({ roomKey, peer: self.peerId, requestId }, 'recording goes on without a participant');
    } else if (outcome === 'declined') {
      // One refusal is enough: the request ends for everyone, before anything was recorded.
      ctx.io.to(room).emit('recording:cancelled', { requestId, reason: 'declined' });
      ctx.log.info({ roomKey, peer: self.peerId, requestId }, 'recording declined');
    }
    return {};
  }),

  command('recording:cancel', RecordingCancelRequest, async ({ requestId }, socket, ctx) => {
    const { roomKey, room, self } = seated(socket, ctx);
    settled(ctx, roomKey, await ctx.recordings.cancel(roomKey, self.peerId, requestId));
    socket.to(room).emit('recording:cancelled', { requestId, reason: 'withdrawn' });
    return {};
  }),

  command('recording:state', RecordingStateRequest, async (request, socket, ctx) => {
    const { roomKey, room, self } = seated(socket, ctx);
    if (request.active) {
      const change = await ctx.recordings.start(roomKey, self.peerId, request.requestId);
      const { recording } = settled(ctx, roomKey, change);
      socket.to(room).emit('recording:state', { active: true, by: recording.by, since: recording.since });
      publishRecording(ctx, roomKey, 'recording.started', recording, {});
      ctx.log.info({ roomKey, peer: self.peerId, requestId: recording.requestId }, 'recording started');
    } else {
      const { recording } = settled(ctx, roomKey, await ctx.recordings.stop(roomKey, self.peerId));
      socket.to(room).emit('recording:state', { active: false, by: recording.by });
      publishRecording(ctx, roomKey, 'recording.stopped', recording, { reason: 'stopped' });
      ctx.log.info({ roomKey, peer: self.peerId, requestId: recording.requestId }, 'recording stopped');
    }
    return {};
  }),

  command('recording:sync', RecordingSyncRequest, async (_request, socket, ctx): Promise<RecordingSync> => {
    const { roomKey, self } = seated(socket, ctx);
    const { recording } = settled(ctx, roomKey, await ctx.recordings.current(roomKey));
    if (!recording) return { recording: null, request: null };
    const waiting = wasAsked(recording, self.peerId) && !recording.asked[self.peerId];
    return {
      recording: recording.since !== undefined ? { active: true, by: recording.by, since: recording.since } : null,
      request: waiting ? { requestId: recording.requestId, by: recording.by } : null,
    };
  }),
];

/** Consent follows the seats: newcomers are asked too, whoever leaves no longer is, and it ends with the room. */
export function followSeatsWithRecording(ctx: SignalingContext): void {
  ctx.seats.follow('seated', ({ roomKey, seat }) => recordingAfterJoin(ctx, roomKey, seat.peerId));
  ctx.seats.follow('vacated', ({ roomKey, seat }) => recordingAfterLeave(ctx, roomKey, seat.peerId, seat.roomId));
  ctx.seats.follow('ended', ({ roomKey }) => {
    void afterwards(ctx, ctx.recordings.clear(roomKey), () => undefined, "could not clear an ended room's recording");
  });
}

/**
 * A participant took a seat while a recording is asked for or runs: they are asked too, through
 * `recording:sync`, which every widget sends once seated. A request then waits for their answer; a running
 * recording leaves them out until they accept (the recorder follows the answers).
 */
function recordingAfterJoin(ctx: SignalingContext, roomKey: string, peerId: string): void {
  void afterwards(
    ctx,
    ctx.recordings.joined(roomKey, peerId),
    (change) => void settled(ctx, roomKey, change),
    'could not ask a newcomer about the recording',
  );
}

/**
 * A participant left the room: a request or recording of theirs ends (the others are told), and a request
 * no longer waits for their answer.
 */
function recordingAfterLeave(ctx: SignalingContext, roomKey: string, peerId: string, roomId: string): void {
  const told = afterwards(
    ctx,
    ctx.recordings.left(roomKey, peerId),
    ({ ended }) => ended && recorderLeft(ctx, roomKey, ended, roomId),
    'could not end the recording of a participant who left',
  );
  // The call's history of this leave (and the call's end, when it was the last) waits for it: the recording
  // stops before the call ends, on Redis as on one node (where the book answers at once).
  if (told) ctx.history.waitFor(roomId, told);
}

function recorderLeft(ctx: SignalingContext, roomKey: string, recording: RoomRecording, roomId: string): void {
  const room = ctx.io.to(broadcastRoom(roomKey));
  if (recording.since === undefined)
    room.emit('recording:cancelled', { requestId: recording.requestId, reason: 'left' });
  else {
    room.emit('recording:state', { active: false, by: recording.by });
    publishRecording(ctx, roomKey, 'recording.stopped', recording, { reason: 'recorder-left' }, roomId);
  }
  ctx.log.info({ roomKey, peer: recording.by.peerId, requestId: recording.requestId }, 'recorder left');
}

/**
 * Runs `then` on what a follower's change answered: at once when the book answered at once (one node: the room
 * hears of it in the same step as the seat changed), else once it does, and then answers when that is done; a
 * failure is logged (and, with Redis, counted in the bus's errors).
 */
function afterwards<T>(
  ctx: SignalingContext,
  answer: Awaitable<T>,
  then: (value: T) => void,
  what: string,
): Promise<void> | undefined {
  if (!(answer instanceof Promise)) return void then(answer);
  return answer.then(then).catch((err: unknown) => ctx.log.error({ err }, what));
}

/** Tells subscribers (webhooks) that a room's recording started or stopped. */
function publishRecording(
  ctx: SignalingContext,
  roomKey: string,
  type: 'recording.started' | 'recording.stopped',
  recording: RoomRecording,
  extra: Record<string, unknown>,
  roomId = ctx.rooms.seats(roomKey)[0]?.roomId ?? null,
): void {
  const slash = roomKey.indexOf('/');
  const at = new Date();
  ctx.events.publish({
    projectId: roomKey.slice(0, slash),
    type,
    at,
    data: {
      roomId,
      room: roomKey.slice(slash + 1),
      requestId: recording.requestId,
      by: recording.by,
      ...(type === 'recording.started'
        ? { startedAt: at.toISOString() }
        : {
            startedAt: recording.since === undefined ? null : new Date(recording.since).toISOString(),
            stoppedAt: at.toISOString(),
          }),
      ...extra,
    },
  });
}
