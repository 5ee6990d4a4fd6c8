/**
 * Codes raised inside the widget itself (devices, network), with their default messages; they never cross
 * HTTP. A module of its own so that the widget bundles these few messages and not the service's table:
 * service errors reach the widget with their message.
 */
export const WIDGET_ERROR_MESSAGES = {
  media_permission_denied:
    "Camera and microphone access is blocked. Allow it in your browser's site settings and reload, or join without them.",
  media_unavailable: 'No camera or microphone was found. You can still join to see and hear the others.',
  connection_failed: 'Could not reach the video chat service.',
  peer_connection_failed: 'The call to a participant could not be connected.',
  configuration_invalid: 'The widget is missing a required attribute.',
  screen_share_failed: 'The screen could not be shared.',
  webrtc_unsupported: "Video calls aren't supported in this browser. You can still chat with the others.",
  knock_denied: 'The host did not let you in.',
  effect_unavailable: 'That video effect cannot run in this browser; the camera is sent as it is.',
} as const satisfies Record<string, string>;

export type WidgetErrorCode = keyof typeof WIDGET_ERROR_MESSAGES;
