/**
 * Call recording: the composed call (tiles and mixed audio) as one WebM. The element reaches this module only
 * through `import()`; the consent protocol lives in the element and engine, not here.
 */
export { CallRecorder, recordingMimeType, type CallRecorderOptions, type Recording } from './call-recorder.js';
