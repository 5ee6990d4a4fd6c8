/**
 * Version of the signaling protocol. A client sends it in the handshake; the service refuses versions it
 * does not speak with `protocol_unsupported`. Bump it only for breaking changes to the socket messages.
 */
export const PROTOCOL_VERSION = 1;

/** Path of the Socket.io endpoint on the service. */
export const SIGNALING_PATH = '/signal';

/** Seats in a room when nothing else says otherwise (a full mesh stays healthy up to about four). */
export const DEFAULT_ROOM_CAPACITY = 4;

/** Why a participant left a call, as reported in `peer:left` and the widget's `vc-participant-leave`. */
export const LeaveReason = {
  hangup: 'hangup',
  timeout: 'timeout',
  network: 'network',
  kicked: 'kicked',
  roomEnded: 'room-ended',
} as const;
export type LeaveReason = (typeof LeaveReason)[keyof typeof LeaveReason];

/** How long the widget waits for everyone to answer a request to record before it gives up. */
export const RECORDING_CONSENT_TIMEOUT_MS = 30_000;
/** A request to record still unanswered after this long is cancelled by the service (reason `expired`). */
export const RECORDING_REQUEST_EXPIRY_MS = 45_000;

/** A room or queue name: letters, digits, `_ . -`, 1–64 characters, starting with a letter or digit. */
export const NAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9_.-]{0,63}';

/** Longest chat message, in characters once trimmed. */
export const CHAT_TEXT_MAX_LENGTH = 2000;

/** Where the service serves the files of background-blur's segmentation model (from the npm package). */
export const EFFECT_ASSETS_PATH = '/models/selfie-segmentation/';
/** The files of `@mediapipe/selfie_segmentation` the widget loads from there: script, wasm (SIMD and fallback), graph, model. */
export const EFFECT_ASSET_FILES = [
  'selfie_segmentation.js',
  'selfie_segmentation_solution_simd_wasm_bin.js',
  'selfie_segmentation_solution_simd_wasm_bin.wasm',
  'selfie_segmentation_solution_wasm_bin.js',
  'selfie_segmentation_solution_wasm_bin.wasm',
  'selfie_segmentation.binarypb',
  'selfie_segmentation_landscape.tflite',
] as const;
