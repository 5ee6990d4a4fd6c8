/**
 * Who is speaking, from audio levels sampled a few times a second: a level above the threshold marks a
 * speaker, who stays one for a short hangover so the highlight does not flicker between words.
 */

/** Audio level (0–1, linear) above which someone counts as speaking: about −30 dBov. */
const SPEAKING_LEVEL = 0.03;
const HANGOVER_MS = 800;

export class SpeakerDetector {
  private readonly lastHeard = new Map<string, { at: number; level: number }>();

  /** Records a level (`key` is a peer id, or `self`). */
  hear(key: string, level: number | null, now: number): void {
    if (level !== null && level > SPEAKING_LEVEL) this.lastHeard.set(key, { at: now, level });
  }

  isSpeaking(key: string, now: number): boolean {
    const heard = this.lastHeard.get(key);
    return heard !== undefined && now - heard.at < HANGOVER_MS;
  }

  /** The loudest of `keys` that is speaking now, if any: the active speaker. */
  loudest(keys: string[], now: number): string | null {
    let best: string | null = null;
    let bestLevel = 0;
    for (const key of keys) {
      const heard = this.lastHeard.get(key);
      if (heard && now - heard.at < HANGOVER_MS && heard.level > bestLevel) [best, bestLevel] = [key, heard.level];
    }
    return best;
  }

  forget(key: string): void {
    this.lastHeard.delete(key);
  }
}
