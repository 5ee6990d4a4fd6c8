/**
 * What the views render: plain data and callbacks, built by the element from the call engine. The views
 * never import the engine, so they can be rendered (and tested) from any state.
 */
import type { Strings } from './strings.js';

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

/** The user-facing notice (device problems, errors). */
export interface NoticeView {
  code: string;
  message: string;
}

export interface PrejoinView {
  strings: Strings;
  local: LocalMediaView;
  devices: DevicesView;
  displayName: string;
  joining: boolean;
  /** Permission denied or no device: say so, and the Join button still works ("join anyway"). */
  issue: NoticeView | null;
  onDisplayNameInput(name: string): void;
  onToggleMicrophone(): void;
  onToggleCamera(): void;
  onJoin(): void;
}

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
  /** Set while the call runs as a text chat: why, for the banner. */
  textOnly: { reason: string } | null;
  fullscreen: boolean;
  pictureInPicture: boolean;
  /** The browser supports picture-in-picture for video. */
  canPictureInPicture: boolean;
  onTogglePanel(panel: PanelName): void;
  onToggleMicrophone(): void;
  onToggleCamera(): void;
  onToggleScreenShare(): void;
  onSendChat(text: string): void;
  onToggleFullscreen(): void;
  onTogglePictureInPicture(): void;
  onLeave(): void;
}
