export { CallEngine, type CallEngineOptions, type CallState } from './call-engine.js';
export { PeerMesh, type Participant } from './peer-mesh.js';
export { CallError } from './call-error.js';
export { MediaManager } from './media-manager.js';
export { PeerLink, type PeerBinding, type PeerLinkOptions } from './peer-link.js';
export { SignalingClient, type Credential, type SignalingClientOptions } from './signaling-client.js';
