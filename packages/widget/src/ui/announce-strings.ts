/**
 * The English words of the live region's call announcements. They live here, in the announcer's lazy chunk,
 * rather than in strings.ts, so that the script-tag bundle does not carry them.
 */
import type { AnnounceStrings, Strings } from './strings.js';

export const announceEn: AnnounceStrings = {
  joinedCall: (n) =>
    `You joined the call. ${n === 0 ? 'Nobody else is here yet.' : n === 1 ? 'One other person is here.' : `${n} other people are here.`}`,
  participantJoined: (name) => `${name} joined`,
  participantLeft: (name) => `${name} left`,
  participantMicrophone: (name, on) => `${name} turned their microphone ${on ? 'on' : 'off'}`,
  participantCamera: (name, on) => `${name} turned their camera ${on ? 'on' : 'off'}`,
  ownMicrophone: (on) => `Your microphone is ${on ? 'on' : 'off'}`,
  ownCamera: (on) => `Your camera is ${on ? 'on' : 'off'}`,
  chatFrom: (name, text) => `Message from ${name}: ${text}`,
};

/** `strings` (a resolved table, overrides applied) completed with these words; the other languages' win. */
export const withAnnounceStrings = (strings: Strings): Strings & AnnounceStrings => ({ ...announceEn, ...strings });
