/**
 * The service events of a call, built from what the call history recorded: who joined and left a session,
 * and the summary when it ended. Used by the call history writer as calls go, and at boot for the calls the last
 * process left open.
 */
import type { LeaveReason } from '@vcw/shared';
import { relayUsedIn, type CallSession } from '../store/call-history.js';
import type { ServiceEvent } from './service-events.js';

/** Where a call happens: the project, the stored room and its name, and whether it allows only relayed media. */
export interface CallPlace {
  projectId: string;
  roomId: string;
  room: string;
  relayOnly: boolean;
}

export function participantLeftEvent(
  place: CallPlace,
  sessionId: string,
  left: { peerId: string; displayName: string | null; reason: LeaveReason; leftAt: string },
): ServiceEvent {
  return {
    projectId: place.projectId,
    type: 'participant.left',
    at: new Date(left.leftAt),
    data: {
      roomId: place.roomId,
      room: place.room,
      sessionId,
      peerId: left.peerId,
      displayName: left.displayName,
      reason: left.reason,
      leftAt: left.leftAt,
    },
  };
}

/** `room.session.ended` with the call's summary. */
export function sessionEndedEvent(place: CallPlace, session: CallSession): ServiceEvent {
  const endedAt = session.endedAt ?? new Date().toISOString();
  return {
    projectId: place.projectId,
    type: 'room.session.ended',
    at: new Date(endedAt),
    data: {
      roomId: place.roomId,
      room: place.room,
      sessionId: session.id,
      startedAt: session.startedAt,
      endedAt,
      durationSeconds: Math.round((Date.parse(endedAt) - Date.parse(session.startedAt)) / 1000),
      participants: session.participants,
      // The service relays signaling, never media: what it knows of the network is what the widgets reported
      // (null when none did), and that a room allowing nothing but TURN relays every call.
      relayUsed: relayUsedIn(session, place.relayOnly),
      worstNetworkQuality: session.worstNetworkQuality,
    },
  };
}
