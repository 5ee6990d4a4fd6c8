/** `{blob, mimeType, durationMs}`: the recorded call as one file. */
export interface VcRecordingReadyDetail {
  /** The composed call: every participant's video tiled, every participant's sound mixed (WebM in Chromium). */
  blob: Blob;
  /** The container and codecs, e.g. `video/webm;codecs=vp8,opus`. */
  mimeType: string;
  /** How long it recorded, in milliseconds. */
  durationMs: number;
}

/**
 * `vc-recording-ready`: a recording this widget made is complete — `stopRecording()` was called, or the call
 * ended while recording. Only the participant who recorded gets it.
 */
export class VcRecordingReadyEvent extends CustomEvent<VcRecordingReadyDetail> {
  static readonly eventName = 'vc-recording-ready';
  constructor(detail: VcRecordingReadyDetail) {
    super(VcRecordingReadyEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-recording-ready': VcRecordingReadyEvent;
  }
}
