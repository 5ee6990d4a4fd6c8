// Page instrumentation, passed as `initScript` to Participant.open: keeps every RTCPeerConnection the widget
// makes in `window.peerConnections`, with the signaling states each went through in `.states`. It observes;
// the connections are the browser's own.
export function recordPeerConnections() {
  const Native = window.RTCPeerConnection;
  window.peerConnections = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      this.states = [];
      this.addEventListener('signalingstatechange', () => this.states.push(this.signalingState));
      window.peerConnections.push(this);
    }
  };
}
