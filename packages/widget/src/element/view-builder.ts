/**
 * Maps the call engine and the element's own UI state onto the view model the views render. The views never
 * see the engine; this is the one place that knows both sides.
 */
import type { CallEngine, TextOnlyReason } from '../engine/call-engine.js';
import type { CallError } from '../engine/call-error.js';
import type { ChatEntry } from '../engine/chat-log.js';
import type { PeerStats } from '../engine/peer-stats.js';
import type { Participant } from '../engine/peer-mesh.js';
import { ScreenShare } from '../engine/screen-share.js';
import { errorNotice } from '../ui/notice.js';
import type { Strings } from '../ui/strings.js';
import {
  SELF_TILE,
  type CallView,
  type ChatMessageView,
  type DevicesView,
  type LocalMediaView,
  type PanelName,
  type PrejoinView,
  type TileView,
} from '../ui/view-model.js';

/** The name the service gives a participant who did not choose one; shown on our own tile too. */
export const DEFAULT_NAME = 'Guest';

/** What the element itself keeps: the panel, counters and modes that are not the call's. */
export interface UiState {
  strings: Strings;
  /** The name as it will be (or was) used to join. */
  displayName: string;
  joining: boolean;
  /** The name to join under comes from the join token. */
  nameFromToken: boolean;
  notice: CallError | null;
  panel: PanelName | null;
  unread: number;
  fullscreen: boolean;
  pictureInPicture: boolean;
  stats: PeerStats[];
  /** The tile pinned to the stage (a peer id or `SELF_TILE`), whether the speaker view is on, who spoke last. */
  pinned: string | null;
  speakerView: boolean;
  lastSpeaker: string | null;
  moreOpen: boolean;
  /** The stats panel's rendering, once its module is loaded. */
  statsPanel: unknown;
  /** The matching mode's additions (lazily loaded views): Join's label, pre-join fields, control-bar buttons. */
  joinLabel?: string;
  prejoinFields?: unknown;
  matchControls?: unknown;
  /** Above the call's tiles: the agent's header with the customer's name and message. */
  matchHeader?: unknown;
  /** Call recording's additions (lazily loaded views): the record button, and the bar above the tiles. */
  recording?: CallView['recording'];
  /** Host powers: the host's buttons and what everyone is told (host-controls.ts). */
  host?: CallView['host'];
}

/** What the views may ask the element to do. */
export interface UiActions {
  onDisplayNameInput(name: string): void;
  onJoin(): void;
  onCheckCamera(): void;
  /** The notice's "Try again". */
  onRetry(): void;
  onLeave(): void;
  onToggleScreenShare(): void;
  onSendChat(text: string): void;
  onTogglePanel(panel: PanelName): void;
  onToggleFullscreen(): void;
  onTogglePictureInPicture(): void;
  onTogglePin(id: string): void;
  onToggleSpeakerView(): void;
  onToggleMore(): void;
  /** A device could not be switched to, or the like: tell the user and the page. */
  onError(error: unknown): void;
}

export function prejoinView(engine: CallEngine, ui: UiState, actions: UiActions): PrejoinView {
  return {
    strings: ui.strings,
    local: localMedia(engine),
    devices: devices(engine, actions.onError),
    displayName: ui.displayName,
    joining: ui.joining,
    issue: ui.notice && errorNotice(ui.notice, ui.strings),
    nameFromToken: ui.nameFromToken,
    // Nothing to "join anyway" without WebRTC: Join takes the visitor into the room's chat.
    joinLabel: ui.joinLabel ?? (ui.notice?.code === 'webrtc_unsupported' ? ui.strings.join : undefined),
    extraFields: ui.prejoinFields,
    onDisplayNameInput: actions.onDisplayNameInput,
    ...toggles(engine),
    onJoin: actions.onJoin,
    onCheckCamera: actions.onCheckCamera,
    onRetry: actions.onRetry,
  };
}

export function callView(engine: CallEngine, ui: UiState, actions: UiActions): CallView {
  const selfName = ui.displayName || DEFAULT_NAME;
  const textOnly = engine.textOnly;
  const {
    onLeave,
    onToggleScreenShare,
    onSendChat,
    onTogglePanel,
    onToggleFullscreen,
    onTogglePictureInPicture,
    onTogglePin,
    onToggleSpeakerView,
    onToggleMore,
  } = actions;
  return {
    strings: ui.strings,
    local: localMedia(engine),
    selfName,
    tiles: engine.participants.map(tile),
    devices: devices(engine, actions.onError),
    chat: engine.chat.entries.map((entry) => chatMessage(entry, selfName)),
    unread: ui.unread,
    panel: ui.panel,
    stats: ui.panel === 'stats' ? ui.stats : [],
    statsPanel: ui.panel === 'stats' ? ui.statsPanel : undefined,
    matchControls: ui.matchControls,
    matchHeader: ui.matchHeader,
    recording: ui.recording,
    ...(ui.host ? { host: ui.host } : {}),
    textOnly: textOnly && { reason: textOnlyReason(engine, textOnly.reason, ui.strings) },
    fullscreen: ui.fullscreen,
    pictureInPicture: ui.pictureInPicture,
    canFullscreen: typeof document !== 'undefined' && document.fullscreenEnabled === true,
    canPictureInPicture:
      typeof document !== 'undefined' &&
      document.pictureInPictureEnabled === true &&
      engine.participants.some((p) => p.stream),
    stageId: stageOf(engine.participants, ui),
    pinnedId: ui.pinned,
    speakerView: ui.speakerView,
    moreOpen: ui.moreOpen,
    onTogglePin,
    onToggleSpeakerView,
    onToggleMore,
    ...toggles(engine),
    onLeave,
    onToggleScreenShare,
    onSendChat,
    onTogglePanel,
    onToggleFullscreen,
    onTogglePictureInPicture,
  };
}

/**
 * Who takes the stage: the pinned tile; else someone sharing a screen; else, in speaker view, whoever spoke
 * last (the first participant until someone speaks). Alone in the call, nobody: the one tile fills the grid.
 */
export function stageOf(
  participants: Participant[],
  ui: Pick<UiState, 'pinned' | 'speakerView' | 'lastSpeaker'>,
): string | null {
  if (!participants.length) return null;
  const present = (id: string | null) => id !== null && (id === SELF_TILE || participants.some((p) => p.peerId === id));
  if (present(ui.pinned)) return ui.pinned;
  const sharing = participants.find((p) => p.screen);
  if (sharing) return sharing.peerId;
  if (!ui.speakerView) return null;
  return present(ui.lastSpeaker) ? ui.lastSpeaker : participants[0]!.peerId;
}

/** Why the call is text only, in the visitor's words: a blocked permission is named as such. */
function textOnlyReason(engine: CallEngine, reason: TextOnlyReason, s: Strings): string {
  if (reason === 'no-media-connection') return s.textOnlyNoConnection;
  if (reason === 'no-webrtc') return s.textOnlyNoWebrtc;
  return engine.media.issue?.code === 'media_permission_denied' ? s.noticeBlocked : s.textOnlyNoDevices;
}

function localMedia(engine: CallEngine): LocalMediaView {
  const { media, outgoing, monitor } = engine;
  // Without WebRTC nothing is ever opened (a text chat): no "Check camera", and nothing to turn on.
  const closed = !engine.videoCalls;
  return {
    stream: outgoing.previewStream,
    // Before the devices are asked for, the toggles say what will be opened (and can change it).
    hasMicrophone: !closed && (!media.opened || media.audioTrack !== null),
    hasCamera: !closed && (!media.opened || media.videoTrack !== null),
    microphoneOn: media.opened ? media.microphoneEnabled : media.wants('audio'),
    cameraOn: media.opened ? media.cameraEnabled : media.wants('video'),
    asked: media.asked || closed,
    screenSharing: outgoing.screen.active,
    canShareScreen: ScreenShare.supported,
    speaking: monitor.selfSpeaking,
  };
}

function devices(engine: CallEngine, onError: (error: unknown) => void): DevicesView {
  const { devices: catalog, media } = engine;
  return {
    cameras: catalog.cameras,
    microphones: catalog.microphones,
    speakers: catalog.speakers,
    cameraId: media.cameraId,
    microphoneId: media.microphoneId,
    speakerId: catalog.speakerId,
    // A device that cannot be opened leaves the current one in place; the pickers show what is in use.
    onSelectCamera: (id) => void media.selectCamera(id).catch(onError),
    onSelectMicrophone: (id) => void media.selectMicrophone(id).catch(onError),
    onSelectSpeaker: (id) => catalog.selectSpeaker(id),
  };
}

function toggles(engine: CallEngine): Pick<CallView, 'onToggleMicrophone' | 'onToggleCamera'> {
  return {
    onToggleMicrophone: () => engine.setMicrophoneEnabled(!localMedia(engine).microphoneOn),
    onToggleCamera: () => engine.setCameraEnabled(!localMedia(engine).cameraOn),
  };
}

function tile(p: Participant): TileView {
  return {
    peerId: p.peerId,
    displayName: p.displayName,
    stream: p.stream,
    // Only a picture can be on its way: without camera or screen the tile is initials and name at once.
    connecting: !p.textOnly && (p.camera || p.screen) && (!p.stream || p.connectionState !== 'connected'),
    microphoneOn: p.microphone,
    cameraOn: p.camera,
    screenSharing: p.screen,
    speaking: p.speaking,
    quality: p.quality,
    textOnly: p.textOnly,
  };
}

function chatMessage(entry: ChatEntry, selfName: string): ChatMessageView {
  return {
    id: entry.id,
    fromSelf: entry.self,
    displayName: entry.self ? selfName : entry.displayName,
    text: entry.text,
    ts: entry.ts,
  };
}
