import { Type, type Static } from '@sinclair/typebox';
import type { PeerId } from './common.js';

/** Which of a participant's media are on, as they say themselves (never guessed from the stream). */
export const MediaState = Type.Object(
  { microphone: Type.Boolean(), camera: Type.Boolean(), screen: Type.Boolean() },
  { additionalProperties: false },
);
export type MediaState = Static<typeof MediaState>;

/** `media:state` — this participant's media changed; the others get `peer:media`. */
export const MediaStateRequest = MediaState;
export type MediaStateRequest = MediaState;

/** `peer:media`: a participant of your room turned a microphone, camera or screen share on or off. */
export interface PeerMedia extends MediaState {
  peerId: PeerId;
}
