/**
 * Every word the widget shows or announces, in one table per language. Site owners override any of them
 * (`widget.strings = {join: 'Enter'}`); the `lang` attribute picks the table. English is built in; the other
 * tables are lazy chunks (about 1 KiB gzip each), so a page pays only for the language it shows. The words of
 * the matching modes' screens (`QueueStrings`) are the exception: their English travels in the lazy chunk of
 * those screens (queue-strings.ts), so that a page in room mode does not download them.
 */

export interface Strings {
  /** BCP 47 tag of the table: formats times and numbers. */
  lang: string;

  // Pre-join screen
  preview: string;
  camera: string;
  microphone: string;
  /** The microphone and camera toggles say what pressing them does. */
  turnMicrophoneOff: string;
  turnMicrophoneOn: string;
  turnCameraOff: string;
  turnCameraOn: string;
  /** Shown when the browser refused to play the others' sound without a click. */
  turnSoundOn: string;
  speaker: string;
  yourName: string;
  join: string;
  /** The Join button in support mode (`mode="support"`). */
  callSupport: string;
  /** Join while a device problem is shown: the user joins with what works. */
  joinAnyway: string;
  joining: string;
  cameraOff: string;
  startingCamera: string;
  noDevice: string;
  /** Fallback label of an unnamed device (labels are empty before permission): "Camera 2". */
  deviceN: (kind: string, n: number) => string;

  // Call controls (toggles keep one label; `aria-pressed` tells their state)
  controls: string;
  shareScreen: string;
  chat: string;
  participants: string;
  stats: string;
  fullscreen: string;
  pictureInPicture: string;
  leave: string;
  close: string;
  unread: (n: number) => string;

  // Tiles
  /** The self tile's name: "Ada (you)". */
  you: (name: string) => string;
  connecting: string;
  microphoneOff: string;
  sharingScreen: string;
  textOnly: string;
  textOnlyBanner: string;
  /** Why the call is text only: no camera or microphone here. */
  textOnlyNoDevices: string;
  /** Why the call is text only: the media connection did not come up. */
  textOnlyNoConnection: string;
  /** The text-only banner's reason when this browser has no WebRTC. */
  textOnlyNoWebrtc: string;
  networkGood: string;
  networkFair: string;
  networkPoor: string;
  networkUnknown: string;

  // Chat
  message: string;
  send: string;
  noMessages: string;

  // Participants
  participantsCount: (n: number) => string;

  // Stats
  loading: string;
  noStats: string;
  bitrateIn: string;
  bitrateOut: string;
  frameRate: string;
  resolution: string;
  roundTrip: string;
  packetLoss: string;
  path: string;
  pathDirect: string;
  pathStun: string;
  pathRelay: string;

  // Call status, shown by the element
  joinedAs: (name: string) => string;
  reconnecting: string;
  youLeft: string;
  callEnded: string;
  joinAgain: string;
  waiting: string;
  // Added for real visitors: asking before opening devices, the More menu, the stage, plain notices
  /** Opens camera and microphone for a preview, before joining. */
  checkCamera: string;
  /** What the preview area says before the devices are asked for. */
  devicesClosed: string;
  tryAgain: string;
  /** The control bar's menu of the controls that do not fit. */
  more: string;
  /** Puts whoever speaks on the stage. */
  speakerView: string;
  /** Tile actions: put this participant on the stage, or take them off. */
  pin: string;
  unpin: string;
  /** Notices: short, plain words for the visitor; the detail goes to the site owner (`vc-error`). */
  noticeUnavailable: string;
  noticeFull: string;
  noticeOffline: string;
  noticeEnded: string;
  /** A locked call refused the join; removed by a host (also the screen after it). */
  noticeLocked: string;
  noticeRemoved: string;
  /** Knock to enter: the guest's wait and answer; the host's list of knocks. */
  knockWaiting: string;
  knockNoHost: string;
  knockDenied: (reason: string) => string;
  noticeBlocked: string;
  /** How to allow camera and microphone again, per browser family. */
  allowChromium: string;
  allowFirefox: string;
  allowSafari: string;
  noticeNoDevices: string;
  noticePeerFailed: string;
  noticeScreenShare: string;
  noticeEffect: string;
  noticeNoWebrtc: string;
  noticeMessage: string;
  noticeGeneric: string;
}

/**
 * The words of the random, support and agent screens (`mode` other than `room`). The other languages' tables
 * hold them too; English is in queue-strings.ts. Override them through `strings` like the others.
 */
export interface QueueStrings {
  // Random mode
  lookingForSomeone: string;
  /** Shown while waiting again after a pair ended. */
  chatEnded: string;
  cancel: string;
  next: string;
  report: string;
  /** The question of the report form. */
  reportReason: string;
  reasonAbuse: string;
  reasonNudity: string;
  reasonSpam: string;
  reasonUnderage: string;
  reasonOther: string;
  sendReport: string;

  // Support mode, the customer
  /** The optional message field of the pre-join screen. */
  helpMessage: string;
  joiningQueue: string;
  /** 1 is next in line. */
  queuePosition: (position: number) => string;
  /** Whole minutes, rounded up; 0 means under a minute. */
  estimatedWait: (minutes: number) => string;
  /** No estimate yet (no recent history). */
  waitUnknown: string;
  /** Matched: the agent's call is being set up. */
  agentJoining: string;
  noAgentOnline: string;
  leaveMessage: string;
  yourMessage: string;
  contact: string;
  sendMessage: string;
  ticketSent: string;
  /** An agent turned the request away; their reason follows. */
  declined: string;

  // Support mode, the agent
  supportQueue: string;
  /** The availability toggle (online when pressed, away when not). */
  available: string;
  agentsOnline: (n: number) => string;
  noOneWaiting: string;
  /** How long a customer has waited, e.g. "3:07". */
  waitedFor: (duration: string) => string;
  takeNext: string;
  take: string;
  decline: string;
  declineReason: string;
  /** Said by the live region to an agent when a customer starts waiting. */
  customerWaiting: (name: string) => string;
  /** The support pre-join, before any camera: whether someone is there to answer. */
  agentAvailable: string;
  noAgentLeaveMessage: string;
  /** The agent's tab title prefix while customers wait, e.g. "(1) waiting". */
  titleWaiting: (n: number) => string;
  /** The agent's browser notification when a customer starts waiting (the tab hidden). */
  notifyCustomerWaiting: (name: string) => string;
  /** The agent's header in the call: the customer's name and what they wrote. */
  customerWrote: string;
}

/**
 * The words of call recording: its control, the consent prompt, the indicator. Like `QueueStrings`, the other
 * languages' tables hold them, and English travels in the lazy chunk of those views (recording-strings.ts).
 */
/** Host powers and knocking, the host's side (English in ui/host-strings.ts, a lazy chunk's). */
export interface HostStrings {
  hostMutedYou: string;
  roomLockedNote: string;
  lockRoom: string;
  endForEveryone: string;
  muteParticipant: (name: string) => string;
  removeParticipant: (name: string) => string;
  knockAsks: (name: string) => string;
  admit: string;
  deny: string;
  denyReason: string;
}

export interface RecordingStrings {
  /** The record button (a toggle: pressed while this participant records). */
  record: string;
  /** The indicator everyone sees while the call is recorded. */
  recording: string;
  /** The indicator's full wording: who records. */
  recordingBy: (name: string) => string;
  recordingBySelf: string;
  /** The consent prompt: `name` asks to record. */
  recordingConsent: (name: string) => string;
  allowRecording: string;
  declineRecording: string;
  /** This participant's request waits for the others' answers. */
  askingConsent: string;
  /** While another records: leaves this participant out of the recording from now on, or takes them back in. */
  leaveOutOfRecording: string;
  includeInRecording: string;
  /** Said beside the indicator while this participant is left out. */
  leftOutOfRecording: string;
  /** The link to the file once a recording stopped (its duration follows). */
  downloadRecording: string;
  /** Said by the live region when the call stops being recorded. */
  recordingStopped: string;
}

/**
 * What the live region says during a call (joins, leaves, mutes, chat while the panel is closed). Like
 * `RecordingStrings`, the other languages' tables hold them; English travels in the announcer's lazy chunk
 * (announce-strings.ts).
 */
export interface AnnounceStrings {
  /** Said once this participant is in the room: `others` are there already. */
  joinedCall: (others: number) => string;
  participantJoined: (name: string) => string;
  participantLeft: (name: string) => string;
  participantMicrophone: (name: string, on: boolean) => string;
  participantCamera: (name: string, on: boolean) => string;
  ownMicrophone: (on: boolean) => string;
  ownCamera: (on: boolean) => string;
  /** A chat message that arrived while the chat panel was closed. */
  chatFrom: (name: string, text: string) => string;
}

export const en: Strings = {
  lang: 'en',
  preview: 'Camera preview',
  camera: 'Camera',
  microphone: 'Microphone',
  turnMicrophoneOff: 'Turn microphone off',
  turnMicrophoneOn: 'Turn microphone on',
  turnCameraOff: 'Turn camera off',
  turnCameraOn: 'Turn camera on',
  turnSoundOn: 'Turn sound on',
  speaker: 'Speaker',
  yourName: 'Your name',
  join: 'Join',
  callSupport: 'Call support',
  joinAnyway: 'Join anyway',
  joining: 'Joining…',
  cameraOff: 'Camera off',
  startingCamera: 'Starting camera…',
  noDevice: 'None found',
  deviceN: (kind, n) => `${kind} ${n}`,
  controls: 'Call controls',
  shareScreen: 'Share screen',
  chat: 'Chat',
  participants: 'Participants',
  stats: 'Statistics',
  fullscreen: 'Full screen',
  pictureInPicture: 'Picture in picture',
  leave: 'Leave call',
  close: 'Close',
  unread: (n) => `${n} unread`,
  you: (name) => `${name} (you)`,
  connecting: 'Connecting…',
  microphoneOff: 'Microphone off',
  sharingScreen: 'Sharing screen',
  textOnly: 'Chat only',
  textOnlyBanner: 'Text chat only',
  textOnlyNoDevices: 'No camera or microphone is available here; you can still chat.',
  textOnlyNoConnection: 'Video could not connect; you can still chat.',
  textOnlyNoWebrtc: "Video calls aren't supported in this browser; you can still chat.",
  networkGood: 'Good connection',
  networkFair: 'Fair connection',
  networkPoor: 'Poor connection',
  networkUnknown: 'Connection unknown',
  message: 'Message',
  send: 'Send',
  noMessages: 'No messages yet',
  participantsCount: (n) => `${n} in the call`,
  loading: 'Loading…',
  noStats: 'No one else is here yet',
  bitrateIn: 'Receiving',
  bitrateOut: 'Sending',
  frameRate: 'Frame rate',
  resolution: 'Resolution',
  roundTrip: 'Round trip',
  packetLoss: 'Packet loss',
  path: 'Path',
  pathDirect: 'Direct',
  pathStun: 'Direct (STUN)',
  pathRelay: 'Relayed (TURN)',
  joinedAs: (name) => `You joined as ${name}`,
  reconnecting: 'Reconnecting…',
  youLeft: 'You left the call.',
  callEnded: 'The call has been ended.',
  joinAgain: 'Join again',
  waiting: 'Waiting for others to join…',
  checkCamera: 'Check camera',
  devicesClosed: 'Your camera is off until you join.',
  tryAgain: 'Try again',
  more: 'More',
  speakerView: 'Speaker view',
  pin: 'Pin',
  unpin: 'Unpin',
  noticeUnavailable: "Video chat isn't available right now.",
  noticeFull: 'This call is full.',
  noticeOffline: "Can't reach video chat. Trying again…",
  noticeEnded: 'This call has ended.',
  noticeLocked: 'This call is locked: nobody new can join right now.',
  noticeRemoved: 'The host removed you from this call.',
  knockWaiting: 'Waiting for the host to let you in…',
  knockNoHost: 'No host is in the call yet: you will get in once one arrives and lets you in.',
  knockDenied: (reason) => `The host did not let you in: ${reason}`,
  noticeBlocked: 'Your camera and microphone are blocked.',
  allowChromium:
    'To allow them, click the icon at the left of the address bar, turn on Camera and Microphone (site settings), then Try again.',
  allowFirefox: 'To allow them, click the crossed-out camera in the address bar, clear the block, then Try again.',
  allowSafari:
    'To allow them, open Safari › Settings for this website, set Camera and Microphone to Allow, then Try again.',
  noticeNoDevices: "Your camera or microphone couldn't be opened. You can still join.",
  noticePeerFailed: "Video with someone couldn't connect. You can still chat.",
  noticeScreenShare: "Your screen couldn't be shared.",
  noticeEffect: "That video effect doesn't work in this browser.",
  noticeNoWebrtc: "Video calls aren't supported in this browser. You can still chat with the others.",
  noticeMessage: "That message couldn't be sent.",
  noticeGeneric: 'Something went wrong. Please try again.',
};

// Maps, so that a tag like 'constructor' cannot reach Object.prototype.
const tables = new Map<string, Strings>([['en', en]]);
const loaders = new Map<string, () => Promise<Strings>>([
  ['fr', () => import('./strings-fr.js').then((m) => m.fr)],
  ['de', () => import('./strings-de.js').then((m) => m.de)],
  ['es', () => import('./strings-es.js').then((m) => m.es)],
]);

/** The language subtag of a BCP 47 tag, which alone picks the table: 'fr-CA' → 'fr'. */
const languageOf = (lang: string | null) => (lang ?? '').split(/[-_]/)[0]!.toLowerCase();

/**
 * Fetches the table for this tag, so that `resolveStrings` returns it from then on. Resolves at once for English
 * and for languages without a table; rejects only if the chunk cannot be fetched (English stays in use).
 */
export async function loadStrings(lang: string | null): Promise<void> {
  const code = languageOf(lang);
  const load = loaders.get(code);
  if (load && !tables.has(code)) tables.set(code, await load());
}

/**
 * The table for a BCP 47 tag: its language subtag decides ('fr-CA' → French); unknown, missing, or not loaded yet
 * (see `loadStrings`) → English. Overrides win, key by key (undefined values are ignored).
 */
export function resolveStrings(lang: string | null, overrides?: Partial<Strings>): Strings {
  const strings = { ...(tables.get(languageOf(lang)) ?? en) };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value !== undefined) (strings as Record<string, unknown>)[key] = value;
  }
  return strings;
}
