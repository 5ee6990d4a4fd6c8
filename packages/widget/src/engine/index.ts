export { CallEngine, type CallEngineOptions, type CallState, type TextOnlyReason } from './call-engine.js';
export { PeerMesh, type Participant } from './peer-mesh.js';
export { CallError } from './call-error.js';
export { CallMonitor } from './call-monitor.js';
export { ChatLog, type ChatEntry } from './chat-log.js';
export { DeviceCatalog, type DeviceInfo } from './device-catalog.js';
export { MediaManager } from './media-manager.js';
export { Matchmaker, type MatchRole, type MatchSeat, type QueueEntry } from './matchmaker.js';
export { OutgoingMedia } from './outgoing-media.js';
export { PeerLink, type PeerBinding, type PeerLinkOptions, type TrackKind } from './peer-link.js';
export type { NetworkQuality } from './network-quality.js';
export type { PeerStats } from './peer-stats.js';
export { ScreenShare } from './screen-share.js';
export { RecordingSession, type Recording, type RecordingSessionOptions } from './recording-session.js';
export {
  QUALITY_PRESETS,
  QUALITY_SETTINGS,
  type QualityChange,
  type QualityChangeReason,
  type QualityLevel,
  type QualitySetting,
} from './send-quality.js';
export { SignalingClient, type Credential, type SignalingClientOptions } from './signaling-client.js';
