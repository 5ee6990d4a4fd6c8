/**
 * The page's audio, started by a visitor's gesture. Browsers (Safari the strictest) let an AudioContext run
 * only when it was resumed inside a click: the Join click starts this one, and whatever needs audio later
 * (recording's mix, an agent's chime) reuses it, since one created outside a gesture would stay suspended.
 */

let context: AudioContext | null = null;

/** Call inside the Join click: starts the page's audio while the browser counts it as the visitor's doing. */
export function startSoundFromGesture(): void {
  const Context =
    globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Context) return;
  context ??= new Context();
  void context.resume().catch(() => undefined);
}

/** The AudioContext the Join click started (null before, or where there is none). */
export const gestureAudioContext = (): AudioContext | null => context;
