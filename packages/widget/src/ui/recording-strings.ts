/**
 * The English words of call recording. They live here, in the lazy chunk of the recording views, rather than in
 * strings.ts, so that the script-tag bundle does not carry them.
 */
import type { RecordingStrings, Strings } from './strings.js';

export const recordingEn: RecordingStrings = {
  record: 'Record the call',
  recording: 'Recording',
  recordingBy: (name) => `${name} is recording this call`,
  recordingBySelf: 'You are recording this call',
  recordingConsent: (name) => `${name} wants to record this call: everyone’s video and sound.`,
  allowRecording: 'Allow',
  declineRecording: 'Decline',
  askingConsent: 'Waiting for everyone to agree to the recording…',
  leaveOutOfRecording: 'Leave me out',
  includeInRecording: 'Include me',
  leftOutOfRecording: 'You are left out of the recording',
  downloadRecording: 'Download the recording',
  recordingStopped: 'The recording stopped',
};

/**
 * `strings` (a resolved table, overrides applied) completed with these words. The French, German and Spanish
 * tables already hold them, and so do overrides: those win over the English here.
 */
export const withRecordingStrings = (strings: Strings): Strings & RecordingStrings => ({ ...recordingEn, ...strings });
