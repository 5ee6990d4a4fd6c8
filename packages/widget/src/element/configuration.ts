/**
 * The element's attribute rules: what each `mode` needs, and which values are valid. Checked whenever the
 * widget starts; a broken configuration is a fatal `configuration_invalid`, with a message saying what to fix.
 */
import { NAME_PATTERN } from '@vcw/shared/protocol';

/** What joining means: a named room, or one of the matching modes. */
export const MODES = ['room', 'random', 'support', 'agent'] as const;
export type WidgetMode = (typeof MODES)[number];
export type MatchingMode = Exclude<WidgetMode, 'room'>;

/** A queue name, as the service takes it (the widget carries the rule, not the service's validator). */
const QUEUE_NAME = new RegExp(`^${NAME_PATTERN}$`);

export interface Configuration {
  apiKey: string;
  token: string;
  room: string;
  mode: string;
  queue: string;
}

/** What is wrong with the attributes, in words for the site owner; null when nothing is. */
export function configurationProblem({ apiKey, token, room, mode, queue }: Configuration): string | null {
  // Short messages: this module is in the script-tag bundle; docs/errors.md explains configuration_invalid.
  if (!MODES.includes(mode as WidgetMode)) return `mode="${mode}" is not one of ${MODES.join(', ')}.`;
  if (mode === 'agent' && !token) return 'mode="agent" needs an agent token.';
  // A join token names its room; a publishable key needs the room attribute in room mode.
  const missing = token
    ? null
    : !apiKey
      ? 'the api-key attribute (or a token)'
      : mode === 'room' && !room
        ? 'the room attribute'
        : null;
  if (missing) return `Set ${missing} on <video-chat-widget>.`;
  return mode === 'room' || QUEUE_NAME.test(queue) ? null : `queue="${queue}" is not a valid queue name.`;
}
