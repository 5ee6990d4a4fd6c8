/**
 * The English words of host powers and knocking, the host's side. They live here, in the call views' lazy
 * chunk, rather than in strings.ts, so that the script-tag bundle does not carry them.
 */
import type { HostStrings, Strings } from './strings.js';

export const hostEn: HostStrings = {
  hostMutedYou: 'The host muted you. You can turn your microphone back on.',
  roomLockedNote: 'The host locked this call: nobody new can join.',
  lockRoom: 'Lock the call',
  endForEveryone: 'End the call for everyone',
  muteParticipant: (name) => `Mute ${name}`,
  removeParticipant: (name) => `Remove ${name}`,
  knockAsks: (name) => `${name} asks to join`,
  admit: 'Let in',
  deny: 'Deny',
  denyReason: 'The host cannot let you in right now.',
};

/** `strings` completed with these words; the other languages' tables and overrides already hold them and win. */
export const withHostStrings = (strings: Strings): Strings & HostStrings => ({ ...hostEn, ...strings });
