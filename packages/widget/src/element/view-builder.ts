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
import type { Strings } from '../ui/strings.js';
import type { CallView, ChatMessageView, DevicesView, LocalMediaView, PanelName, PrejoinView, TileView } from '../ui/view-model.js';

/** The name the service gives a participant who did not choose one; shown on our own tile too. */
export const DEFAULT_NAME = 'Guest';

/** What the element itself keeps: the panel, counters and modes that are not the call's. */
export interface UiState {
  strings: Strings;
  /** The name as it will be (or was) used to join. */
  displayName: string;
  joining: boolean;
  notice: CallError | null;
  panel: PanelName | null;
  unread: number;
  fullscreen: boolean;
  pictureInPicture: boolean;
  stats: PeerStats[];
  /** The stats panel's rendering, once its module is loaded. */
  statsPanel: unknown;
  /** The matching mode's additions (lazily loaded views): Join's label, pre-join fields, control-bar buttons. */
  joinLabel?: string;
  prejoinFields?: unknown;
  matchControls?: unknown;
  /** Call recording's additions (lazily loaded views): the record button, and the bar above the tiles. */
  recording?: CallView['recording'];
}

/** What the views may ask the element to do. */
export interface UiActions {
  onDisplayNameInput(name: string): void;
  onJoin(): void;
  onLeave(): void;
  onToggleScreenShare(): void;
  onSendChat(text: string): void;
  onTogglePanel(panel: PanelName): void;
  onToggleFullscreen(): void;
  onTogglePictureInPicture(): void;
  /** A device could not be switched to, or the like: tell the user and the page. */
  onError(error: unknown): void;
}

const TEXT_ONLY_REASONS: Record<TextOnlyReason, (s: Strings) => string> = {
  'no-devices': (s) => s.textOnlyNoDevices,
  'no-media-connection': (s) => s.textOnlyNoConnection,
  'no-webrtc': (s) => s.textOnlyNoWebrtc,
};

export function prejoinView(engine: CallEngine, ui: UiState, actions: UiActions): PrejoinView {
  return {
    strings: ui.strings,
    local: localMedia(engine),
    devices: devices(engine, actions.onError),
    displayName: ui.displayName,
    joining: ui.joining,
    issue: ui.notice && { code: ui.notice.code, message: ui.notice.message },
    // Nothing to "join anyway" without WebRTC: Join takes the visitor into the room's chat.
    joinLabel: ui.joinLabel ?? (ui.notice?.code === 'webrtc_unsupported' ? ui.strings.join : undefined),
    extraFields: ui.prejoinFields,
    onDisplayNameInput: actions.onDisplayNameInput,
    ...toggles(engine),
    onJoin: actions.onJoin,
  };
}

export function callView(engine: CallEngine, ui: UiState, actions: UiActions): CallView {
  const selfName = ui.displayName || DEFAULT_NAME;
  const textOnly = engine.textOnly;
  const { onLeave, onToggleScreenShare, onSendChat, onTogglePanel, onToggleFullscreen, onTogglePictureInPicture } = actions;
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
    recording: ui.recording,
    textOnly: textOnly && { reason: TEXT_ONLY_REASONS[textOnly.reason](ui.strings) },
    fullscreen: ui.fullscreen,
    pictureInPicture: ui.pictureInPicture,
    canFullscreen: typeof document !== 'undefined' && document.fullscreenEnabled === true,
    canPictureInPicture: typeof document !== 'undefined' && document.pictureInPictureEnabled === true && engine.participants.some((p) => p.stream),
    ...toggles(engine),
    onLeave,
    onToggleScreenShare,
    onSendChat,
    onTogglePanel,
    onToggleFullscreen,
    onTogglePictureInPicture,
  };
}

function localMedia(engine: CallEngine): LocalMediaView {
  const { media, outgoing, monitor } = engine;
  return {
    stream: outgoing.previewStream,
    hasMicrophone: media.audioTrack !== null,
    hasCamera: media.videoTrack !== null,
    microphoneOn: media.microphoneEnabled,
    cameraOn: media.cameraEnabled,
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
    onToggleMicrophone: () => engine.setMicrophoneEnabled(!engine.media.microphoneEnabled),
    onToggleCamera: () => engine.setCameraEnabled(!engine.media.cameraEnabled),
  };
}

function tile(p: Participant): TileView {
  return {
    peerId: p.peerId,
    displayName: p.displayName,
    stream: p.stream,
    connecting: !p.textOnly && (!p.stream || p.connectionState !== 'connected'),
    microphoneOn: p.microphone,
    cameraOn: p.camera,
    screenSharing: p.screen,
    speaking: p.speaking,
    quality: p.quality,
    textOnly: p.textOnly,
  };
}

function chatMessage(entry: ChatEntry, selfName: string): ChatMessageView {
  return { id: entry.id, fromSelf: entry.self, displayName: entry.self ? selfName : entry.displayName, text: entry.text, ts: entry.ts };
}
