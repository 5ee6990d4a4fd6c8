/**
 * Consent for call recording (see schemas/recording.ts for the exchange). The recording is made in the
 * requester's browser; the service makes sure it only starts once everyone asked accepted, and keeps the
 * room's recording state so that everyone, newcomers too, can show it. Nothing about it is stored.
 */
import { randomBytes } from 'node:crypto';
import {
  RECORDING_REQUEST_EXPIRY_MS,
  RecordingAnswerRequest,
  RecordingCancelRequest,
  RecordingRequest,
  RecordingStateRequest,
  RecordingSyncRequest,
  type RecordingRequestResult,
  type RecordingSync,
} from '@vcw/shared';
import { ServiceError } from '../errors.js';
import type { RoomRecording } from '../rooms/room-registry.js';
import { broadcastRoom, type SignalingContext, type SignalingSocket } from './context.js';
import { command } from './guards.js';

/** The room this connection sits in, and who it is there. */
function seated(socket: SignalingSocket, ctx: SignalingContext) {
  const { roomKey, peerId, displayName } = socket.data;
  if (!roomKey || !ctx.rooms.seat(roomKey, peerId)) throw new ServiceError('not_in_room');
  return { roomKey, room: broadcastRoom(roomKey), self: { peerId, displayName: displayName ?? '' } };
}

/** The room's request `requestId`, while it waits for answers. */
function pending(ctx: SignalingContext, roomKey: string, requestId: string): RoomRecording | undefined {
  const recording = current(ctx, roomKey);
  return recording && recording.since === undefined && recording.requestId === requestId ? recording : undefined;
}

export const recordingCommands = [
  command('recording:request', RecordingRequest, (_request, socket, ctx): RecordingRequestResult => {
    const { roomKey, room, self } = seated(socket, ctx);
    // Consent is kept on the requester's node: it could not ask, or know of, participants on the others.
    if (ctx.seats.acrossNodes)
      throw new ServiceError(
        'recording_busy',
        'Recording is not available yet when the service runs on several nodes.',
      );
    if (current(ctx, roomKey)) throw new ServiceError('recording_busy');
    // Those present now are asked; so is anyone who joins later (see `recordingAfterJoin`).
    const asked = ctx.rooms
      .seats(roomKey)
      .map((seat) => seat.peerId)
      .filter((peerId) => peerId !== self.peerId);
    const requestId = `rec_${randomBytes(12).toString('base64url')}`;
    ctx.rooms.setRecording(roomKey, {
      requestId,
      by: self,
      requestedAt: Date.now(),
      asked: new Set(asked),
      accepted: new Set(),
    });
    socket.to(room).emit('recording:requested', { requestId, by: self });
    ctx.log.info({ roomKey, peer: self.peerId, requestId, asked: asked.length }, 'recording requested');
    return { requestId, asked };
  }),

  command('recording:answer', RecordingAnswerRequest, ({ requestId, accept }, socket, ctx) => {
    const { roomKey, room, self } = seated(socket, ctx);
    const request = current(ctx, roomKey);
    if (request?.requestId !== requestId || !request.asked.has(self.peerId))
      throw new ServiceError('recording_not_found');
    socket.to(room).emit('recording:answered', { requestId, peerId: self.peerId, accept });
    if (accept) {
      request.accepted.add(self.peerId);
    } else if (request.since !== undefined) {
      // No while it runs (a newcomer declining, or someone who had agreed withdrawing): the recorder leaves this
      // participant out from now on, the others go on. A yes later takes them back in.
      request.accepted.delete(self.peerId);
      ctx.log.info({ roomKey, peer: self.peerId, requestId }, 'recording goes on without a participant');
    } else {
      // One refusal is enough: the request ends for everyone, before anything was recorded.
      ctx.rooms.setRecording(roomKey, undefined);
      ctx.io.to(room).emit('recording:cancelled', { requestId, reason: 'declined' });
      ctx.log.info({ roomKey, peer: self.peerId, requestId }, 'recording declined');
    }
    return {};
  }),

  command('recording:cancel', RecordingCancelRequest, ({ requestId }, socket, ctx) => {
    const { roomKey, room, self } = seated(socket, ctx);
    if (pending(ctx, roomKey, requestId)?.by.peerId !== self.peerId) throw new ServiceError('recording_not_found');
    ctx.rooms.setRecording(roomKey, undefined);
    socket.to(room).emit('recording:cancelled', { requestId, reason: 'withdrawn' });
    return {};
  }),

  command('recording:state', RecordingStateRequest, (request, socket, ctx) => {
    const { roomKey, room, self } = seated(socket, ctx);
    const recording = current(ctx, roomKey);
    if (recording?.by.peerId !== self.peerId) throw new ServiceError('recording_not_found');
    if (request.active) {
      if (recording.since !== undefined || recording.requestId !== request.requestId)
        throw new ServiceError('recording_not_found');
      if ([...recording.asked].some((peerId) => !recording.accepted.has(peerId)))
        throw new ServiceError('recording_not_consented');
      recording.since = Date.now();
      socket.to(room).emit('recording:state', { active: true, by: recording.by, since: recording.since });
      publishRecording(ctx, roomKey, 'recording.started', recording, {});
      ctx.log.info({ roomKey, peer: self.peerId, requestId: recording.requestId }, 'recording started');
    } else {
      if (recording.since === undefined) throw new ServiceError('recording_not_found');
      ctx.rooms.setRecording(roomKey, undefined);
      socket.to(room).emit('recording:state', { active: false, by: recording.by });
      publishRecording(ctx, roomKey, 'recording.stopped', recording, { reason: 'stopped' });
      ctx.log.info({ roomKey, peer: self.peerId, requestId: recording.requestId }, 'recording stopped');
    }
    return {};
  }),

  command('recording:sync', RecordingSyncRequest, (_request, socket, ctx): RecordingSync => {
    const { roomKey, self } = seated(socket, ctx);
    const recording = current(ctx, roomKey);
    if (!recording) return { recording: null, request: null };
    const waiting = recording.asked.has(self.peerId) && !recording.accepted.has(self.peerId);
    return {
      recording: recording.since !== undefined ? { active: true, by: recording.by, since: recording.since } : null,
      request: waiting ? { requestId: recording.requestId, by: recording.by } : null,
    };
  }),
];

/** Consent follows the seats: newcomers are asked too, and whoever leaves no longer is (see below). */
export function followSeatsWithRecording(ctx: SignalingContext): void {
  ctx.seats.follow('seated', ({ roomKey, seat }) => recordingAfterJoin(ctx, roomKey, seat.peerId));
  ctx.seats.follow('vacated', ({ roomKey, seat, recording }) =>
    recordingAfterLeave(ctx, roomKey, seat.peerId, recording, seat.roomId),
  );
}

/**
 * A participant took a seat while a recording is asked for or runs: they are asked too, through
 * `recording:sync`, which every widget sends once seated. A request then waits for their answer; a running
 * recording leaves them out until they accept (the recorder follows the answers).
 */
function recordingAfterJoin(ctx: SignalingContext, roomKey: string, peerId: string): void {
  const recording = current(ctx, roomKey);
  if (!recording || recording.by.peerId === peerId) return;
  recording.asked.add(peerId);
  recording.accepted.delete(peerId);
}

/**
 * A participant left the room: a request or recording of theirs ends (the others are told), and a request
 * no longer waits for their answer.
 */
function recordingAfterLeave(
  ctx: SignalingContext,
  roomKey: string,
  peerId: string,
  before: RoomRecording | undefined,
  roomId: string,
): void {
  // The last one out took the room, and its recording, with them: what it was is `before`.
  const recording = ctx.rooms.recording(roomKey) ?? before;
  if (!recording) return;
  if (recording.by.peerId !== peerId) {
    recording.asked.delete(peerId);
    return;
  }
  ctx.rooms.setRecording(roomKey, undefined);
  const room = ctx.io.to(broadcastRoom(roomKey));
  if (recording.since === undefined)
    room.emit('recording:cancelled', { requestId: recording.requestId, reason: 'left' });
  else {
    room.emit('recording:state', { active: false, by: recording.by });
    publishRecording(ctx, roomKey, 'recording.stopped', recording, { reason: 'recorder-left' }, roomId);
  }
  ctx.log.info({ roomKey, peer: peerId, requestId: recording.requestId }, 'recorder left');
}

/**
 * The room's request or recording. A request left unanswered past its expiry is cancelled here, when the room
 * next looks at it (no timer: a requester that hung must not keep the room from ever recording again).
 */
function current(ctx: SignalingContext, roomKey: string): RoomRecording | undefined {
  const recording = ctx.rooms.recording(roomKey);
  if (!recording || recording.since !== undefined || Date.now() - recording.requestedAt < RECORDING_REQUEST_EXPIRY_MS)
    return recording;
  ctx.rooms.setRecording(roomKey, undefined);
  ctx.io.to(broadcastRoom(roomKey)).emit('recording:cancelled', { requestId: recording.requestId, reason: 'expired' });
  return undefined;
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
