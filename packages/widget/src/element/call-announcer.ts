/**
 * What the live region says about a call, for one call engine: this participant joining, the others joining and
 * leaving, microphones and cameras turned on or off (this participant's and the others'), and chat messages that
 * arrive while the chat panel is closed. A lazy chunk, fetched when the widget starts (live-region.ts).
 */
import type { CallEngine } from '../engine/call-engine.js';
import type { Participant } from '../engine/peer-mesh.js';
import { withAnnounceStrings } from '../ui/announce-strings.js';
import type { Strings } from '../ui/strings.js';

/** What the announcer needs of the element. */
export interface AnnouncerContext {
  /** The UI's words now (language and overrides applied). */
  strings(): Strings;
  /** Whether the chat panel is open (its messages are then on screen, and not said again). */
  chatOpen(): boolean;
}

/** Starts announcing the call of `engine` through `say`; returns the function that stops it. */
export function announceCall(engine: CallEngine, context: AnnouncerContext, say: (text: string) => void): () => void {
  const words = () => withAnnounceStrings(context.strings());
  /** Each participant's name and devices as last said, to tell what changed. */
  const known = new Map<string, Pick<Participant, 'displayName' | 'microphone' | 'camera'>>();
  /** This participant's devices (null: not open), as last seen. */
  const devices = () => ({
    microphone: engine.media.audioTrack ? engine.media.microphoneEnabled : null,
    camera: engine.media.videoTrack ? engine.media.cameraEnabled : null,
  });
  let own = devices();
  /** In the room: the others already there at our join are summed up, not named one by one. */
  let inRoom = false;

  const remember = (p: Participant) =>
    known.set(p.peerId, { displayName: p.displayName, microphone: p.microphone, camera: p.camera });
  const unsubscribe = [
    engine.on('joined', () => {
      inRoom = true;
      for (const p of engine.participants) remember(p);
      say(words().joinedCall(engine.participants.length));
    }),
    engine.on('state', (state) => {
      if (state === 'connected' || state === 'reconnecting') return;
      inRoom = false;
      known.clear();
    }),
    engine.on('participant-join', (p) => {
      remember(p);
      if (inRoom) say(words().participantJoined(p.displayName));
    }),
    engine.on('participant-leave', ({ peerId }) => {
      const gone = known.get(peerId);
      known.delete(peerId);
      if (gone && inRoom) say(words().participantLeft(gone.displayName));
    }),
    engine.on('participant-update', (p) => {
      const before = known.get(p.peerId);
      remember(p);
      if (!before || !inRoom) return;
      const s = words();
      if (before.microphone !== p.microphone) say(s.participantMicrophone(p.displayName, p.microphone));
      if (before.camera !== p.camera) say(s.participantCamera(p.displayName, p.camera));
    }),
    engine.on('media', () => {
      // A device opening or closing (before joining, after leaving) is not the visitor's toggle: only on ↔ off is.
      const now = devices();
      const flipped = (was: boolean | null, is: boolean | null): is is boolean =>
        was !== null && is !== null && was !== is;
      if (flipped(own.microphone, now.microphone)) say(words().ownMicrophone(now.microphone));
      if (flipped(own.camera, now.camera)) say(words().ownCamera(now.camera));
      own = now;
    }),
    engine.chat.on('message', (message) => {
      if (!message.self && !context.chatOpen()) say(words().chatFrom(message.displayName, message.text));
    }),
  ];
  return () => unsubscribe.forEach((stop) => stop());
}
