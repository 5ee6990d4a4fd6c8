/**
 * Codes raised by the widget's call recording, with their default messages. A module of its own, like
 * widget-errors.ts, but imported only by the widget's lazy recording chunk: the script-tag bundle does not
 * carry these messages.
 */
export const RECORDING_ERROR_MESSAGES = {
  recording_declined: 'A participant declined to be recorded; nothing was recorded.',
  recording_unanswered: 'Not everyone answered the request to record in time; nothing was recorded.',
  recording_failed: 'This browser could not record the call.',
} as const satisfies Record<string, string>;

export type RecordingErrorCode = keyof typeof RECORDING_ERROR_MESSAGES;
