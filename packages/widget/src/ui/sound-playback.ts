/**
 * Remote sound under the browsers' autoplay rules (Safari's are the strictest). Sound may start only from a
 * visitor's gesture, or while the page captures camera or microphone:
 * - the Join click starts the page's audio (`startSoundFromGesture` in media/gesture-audio.ts): an AudioContext
 *   resumed inside the gesture, which recording's mix reuses (one created later, outside a gesture, would stay suspended);
 * - a remote video refused sound plays muted (its picture still shows) and is listed here, so the element can
 *   offer "Turn sound on", whose click (a gesture again) plays them all with sound.
 */

const refused = new Set<HTMLVideoElement>();
const listeners = new Set<() => void>();

const changed = () => listeners.forEach((listener) => listener());

/** `@loadedmetadata` of a remote video: plays it with sound, else muted and listed as refused. */
export function playWithSound(event: Event): void {
  const video = event.target as HTMLVideoElement;
  video.play().then(
    () => refused.delete(video) && changed(),
    () => {
      video.muted = true;
      void video.play().catch(() => undefined);
      refused.add(video);
      changed();
    },
  );
}

/** Whether a remote video inside `root` plays muted because the browser refused its sound. */
export function soundRefused(root: ParentNode): boolean {
  return [...refused].some((video) => video.isConnected && root.contains(video));
}

/** Call inside a click: plays every refused video inside `root` with sound. */
export function playRefusedSound(root: ParentNode): void {
  for (const video of [...refused].filter((v) => !v.isConnected || root.contains(v))) {
    refused.delete(video);
    if (!video.isConnected) continue;
    video.muted = false;
    video.play().catch(() => {
      video.muted = true;
      refused.add(video);
      changed();
    });
  }
  changed();
}

/** Calls `listener` whenever the refused list changes; returns the unsubscribe. */
export function onSoundRefusal(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
