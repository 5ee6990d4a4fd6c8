/**
 * What the views render: plain data and callbacks, built by the element from the call engine. The views
 * never import the engine, so they can be rendered (and tested) from any state.
 */
import type { QueueStatus, ReportReason } from '@vcw/shared';
import type { QueueStrings, RecordingStrings, Strings } from './strings.js';

/** A camera, microphone or speaker the user can pick. */
export interface DeviceChoice {
  id: string;
  label: string;
}

export interface DevicesView {
  cameras: DeviceChoice[];
  microphones: DeviceChoice[];
  /** Empty where the browser cannot choose the audio output (`setSinkId`). */
  speakers: DeviceChoice[];
  cameraId: string | null;
  microphoneId: string | null;
  speakerId: string | null;
  onSelectCamera(id: string): void;
  onSelectMicrophone(id: string): void;
  onSelectSpeaker(id: string): void;
}

/** This participant's own media. */
export interface LocalMediaView {
  /** What the self-view shows: the camera, or the shared screen while sharing. */
  stream: MediaStream | null;
  hasMicrophone: boolean;
  hasCamera: boolean;
  microphoneOn: boolean;
  cameraOn: boolean;
  screenSharing: boolean;
  /** The browser can share a screen (`getDisplayMedia`). */
  canShareScreen: boolean;
  /** Audio level above the speaking threshold. */
  speaking: boolean;
  /** Camera and microphone were asked for (Join, "Check camera" or `preview`); nothing is opened before. */
  asked: boolean;
}

export type NetworkQuality = 'good' | 'fair' | 'poor' | 'unknown';

/** One remote participant's tile. */
export interface TileView {
  peerId: string;
  displayName: string;
  stream: MediaStream | null;
  /** No media connection yet (or it broke): show "Connecting…". */
  connecting: boolean;
  /** As signaled by the participant, never guessed from the stream. */
  microphoneOn: boolean;
  cameraOn: boolean;
  screenSharing: boolean;
  /** The active speaker (loudest above threshold) gets highlighted. */
  speaking: boolean;
  quality: NetworkQuality;
  /** This participant is reachable by chat only (no media path or no devices). */
  textOnly: boolean;
}

export interface ChatMessageView {
  id: string;
  fromSelf: boolean;
  displayName: string;
  /** Plain text: render as text, never as HTML. */
  text: string;
  /** Milliseconds since the epoch, stamped by the service. */
  ts: number;
}

/** The stats panel's row for one remote participant. */
export interface PeerStatsView {
  peerId: string;
  displayName: string;
  bitrateInKbps: number | null;
  bitrateOutKbps: number | null;
  frameRate: number | null;
  width: number | null;
  height: number | null;
  roundTripMs: number | null;
  /** Inbound packets lost, percent over the last sample. */
  packetLossPercent: number | null;
  path: 'direct' | 'stun' | 'relay' | 'unknown';
}

export type PanelName = 'chat' | 'participants' | 'stats';

/** The user-facing notice (device problems, errors), in the visitor's words (ui/notice.ts). */
export interface NoticeView {
  code: string;
  text: string;
  /** How to fix it, where the visitor can (allow the camera in this browser). */
  help?: string;
  /** The label of the notice's button ("Try again"), if it has one. */
  action?: string;
  /** A passing state (reconnecting) rather than a failure. */
  info?: boolean;
}

export interface PrejoinView {
  strings: Strings;
  local: LocalMediaView;
  devices: DevicesView;
  displayName: string;
  joining: boolean;
  /** Permission denied or no device: say so, and the Join button still works ("join anyway"). */
  issue: NoticeView | null;
  /** The name comes from the join token: shown, not editable. */
  nameFromToken?: boolean;
  /** Replaces "Join" (and "Join anyway"): "Call support" in support mode. */
  joinLabel?: string;
  /** More fields after the name, rendered by a lazily loaded view (support mode: the message to the agents). */
  extraFields?: unknown;
  onDisplayNameInput(name: string): void;
  onToggleMicrophone(): void;
  onToggleCamera(): void;
  onJoin(): void;
  /** "Check camera": opens the devices for the preview before joining. */
  onCheckCamera(): void;
  /** The notice's action ("Try again"). */
  onRetry(): void;
}

/** The id that stands for this participant's own tile where a peer id would (stage, pin). */
export const SELF_TILE = 'self';

export interface CallView {
  strings: Strings;
  local: LocalMediaView;
  selfName: string;
  tiles: TileView[];
  devices: DevicesView;
  chat: ChatMessageView[];
  /** Messages received while the chat panel was closed. */
  unread: number;
  panel: PanelName | null;
  /** Rows of the stats panel (only filled while it is open). */
  stats: PeerStatsView[];
  /**
   * The stats panel's body, `renderStatsPanel(stats, strings)` from the lazily imported `ui/stats-panel.js`
   * (a Lit `TemplateResult`); "Loading…" until the element has it. Kept out of call-view so the eager bundle
   * does not carry the stats panel.
   */
  statsPanel?: unknown;
  /**
   * More control-bar buttons, before Leave, rendered by a lazily loaded view (random mode: Next and Report,
   * `renderMatchControls` of ui/match-controls.ts).
   */
  matchControls?: unknown;
  /** Above the tiles, for the whole call: the agent's header with the customer's name and message. */
  matchHeader?: unknown;
  /**
   * Call recording, rendered by lazily loaded views (ui/recording-view.ts): its control-bar button, and the bar
   * above the tiles (indicator, consent prompt, download).
   */
  recording?: { control: unknown; status: unknown };
  /** Host powers (element/host-controls.ts): what a host or the host's doing shows. */
  host?: HostView;
  /** Set while the call runs as a text chat: why, for the banner. */
  textOnly: { reason: string } | null;
  fullscreen: boolean;
  pictureInPicture: boolean;
  /** The browser supports picture-in-picture for video. */
  canPictureInPicture: boolean;
  /** The browser can show an element full screen (not Safari on iPhone). */
  canFullscreen: boolean;
  /** The tile on the stage (a peer id, or `SELF_TILE`), or null: every tile in the grid. */
  stageId: string | null;
  /** The tile the visitor pinned to the stage, if any. */
  pinnedId: string | null;
  /** Whoever speaks takes the stage. */
  speakerView: boolean;
  /** The control bar's "More" menu is open (narrow widgets). */
  moreOpen: boolean;
  onTogglePin(id: string): void;
  onToggleSpeakerView(): void;
  onToggleMore(): void;
  onTogglePanel(panel: PanelName): void;
  onToggleMicrophone(): void;
  onToggleCamera(): void;
  onToggleScreenShare(): void;
  onSendChat(text: string): void;
  onToggleFullscreen(): void;
  onTogglePictureInPicture(): void;
  onLeave(): void;
}

/** Host powers in the call: a host's buttons (`moderate`), and what everyone is told. */
export interface HostView {
  /** This participant holds a host token: remove and mute buttons in the participants panel, lock and end in the bar. */
  moderate: boolean;
  locked: boolean;
  /** A line above the tiles: muted by the host, or the room locked (to the others), else null. */
  note: 'muted' | 'locked' | null;
  /** Guests knocking to enter, oldest first. */
  knocks: Array<{ peerId: string; displayName: string }>;
  onAdmit(peerId: string): void;
  onDeny(peerId: string, reason: string): void;
  onRemove(peerId: string): void;
  onMute(peerId: string): void;
  onToggleLock(): void;
  onEndCall(): void;
}

// Matching modes (random, support, agent). These views are lazy chunks: the element loads them with the mode.

/** What the waiting screens show of `QueueStatus`. */
export type QueueStatusView = Pick<QueueStatus, 'status' | 'position' | 'waiting' | 'agentsOnline' | 'estimatedWaitMs'>;

/** Support mode, no agent online: leave a message instead of waiting (it becomes a ticket). */
export interface TicketFormView {
  message: string;
  contact: string;
  sending: boolean;
  onMessageInput(text: string): void;
  onContactInput(text: string): void;
  /** Sends the message (trimmed, never blank) and the contact (trimmed, maybe empty), as the form holds them. */
  onSend(message: string, contact: string): void;
}

/** Random mode and the support customer while `state` is `connecting`: waiting in a queue to be matched. */
export interface WaitingView {
  strings: Strings & QueueStrings;
  mode: 'random' | 'support';
  /** The service's latest word on this visitor's place; null until it answered. */
  status: QueueStatusView | null;
  /** Random mode: the last pair just ended (said until the next one starts). */
  chatEnded: boolean;
  /** Support mode: the message sent with the request (empty if none). */
  message: string;
  ticket: TicketFormView;
  onCancel(): void;
}

/** Support mode, the pre-join screen's extra field. */
export interface SupportPrejoinView {
  strings: Strings & QueueStrings;
  /** Agents online on the line, known before any camera; null until the service said. */
  agentsOnline: number | null;
  message: string;
  onMessageInput(text: string): void;
}

/** Support mode, after the visit ended: a message was left, an agent declined, or the call with the agent ended. */
export interface QueueOutcomeView {
  strings: Strings & QueueStrings;
  outcome: { kind: 'ticket-sent' } | { kind: 'declined'; reason: string } | { kind: 'call-ended' };
  onCallAgain(): void;
}

/** Random mode: the call's Next and Report buttons, and the report form while it is open. */
export interface MatchControlsView {
  strings: Strings & QueueStrings;
  reportOpen: boolean;
  onNext(): void;
  onToggleReport(): void;
  onReport(reason: ReportReason): void;
}

/** A waiting customer as the agent console lists them. */
export interface QueuedCustomerView {
  customerId: string;
  displayName: string;
  /** How long they have waited, now. */
  waitedMs: number;
  message: string | null;
}

/** Agent mode, while not in a call: availability, the live queue, taking and declining customers. */
/** Agent mode, in the call: the customer's name and what they wrote before waiting. */
export interface CustomerHeaderView {
  strings: Strings & QueueStrings;
  displayName: string;
  message: string | null;
}

export interface AgentConsoleView {
  strings: Strings & QueueStrings;
  /** Online (customers may be given to this agent) or away. */
  available: boolean;
  agentsOnline: number;
  customers: QueuedCustomerView[];
  /** A take is under way, or its call is being set up: nobody else can be taken meanwhile. */
  busy: boolean;
  /** The customer whose decline form is open, if any, and the reason typed there. */
  declining: string | null;
  declineReason: string;
  onToggleAvailable(): void;
  onTakeNext(): void;
  onTake(customerId: string): void;
  onStartDecline(customerId: string): void;
  onDeclineReasonInput(text: string): void;
  /** Declines the customer of the open form with `reason` (trimmed, never blank), as the form holds it. */
  onDecline(reason: string): void;
  onCancelDecline(): void;
}

/** Call recording, as its lazily loaded views show it. */
export interface RecordingView {
  strings: Strings & RecordingStrings;
  /** This participant records now (the record button is pressed). */
  recording: boolean;
  /** This participant's request waits for the others' consent. */
  asking: boolean;
  /** The call is being recorded (show the indicator): by this participant, or by another, named. */
  active: { self: true } | { self: false; by: string } | null;
  /** Another participant asks to record: answer with Allow or Decline. */
  ask: { requestId: string; by: string } | null;
  /** Another's recording runs and this participant answered it: whether they are in it (they may change it). */
  included: boolean | null;
  /** The last recording this participant made, to download. */
  download: { url: string; fileName: string; durationMs: number } | null;
  onToggleRecording(): void;
  onAnswer(requestId: string, accept: boolean): void;
  onSetIncluded(included: boolean): void;
}
