/**
 * Choices remembered for this site (camera, microphone, speaker, display name; random mode's visitor id) in `localStorage`, under keys
 * prefixed `vcw:` so they never collide with the host page's own. Storage may be blocked (private modes,
 * sandboxed frames): then nothing is remembered and nothing fails.
 */
const PREFIX = 'vcw:';

export type MemoryKey = 'camera' | 'microphone' | 'speaker' | 'display-name' | 'visitor-id';

export const siteMemory = {
  get(key: MemoryKey): string | null {
    try {
      return globalThis.localStorage?.getItem(PREFIX + key) ?? null;
    } catch {
      return null;
    }
  },

  set(key: MemoryKey, value: string | null): void {
    try {
      if (value === null || value === '') globalThis.localStorage?.removeItem(PREFIX + key);
      else globalThis.localStorage?.setItem(PREFIX + key, value);
    } catch {
      // blocked storage: the choice lasts for this page only
    }
  },
};
