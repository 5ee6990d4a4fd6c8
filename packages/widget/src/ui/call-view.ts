/** The call: a tile per participant (self first, mirrored) and the call controls. */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Participant } from '../engine/call-engine.js';
import type { MediaManager } from '../engine/media-manager.js';
import { deviceToggles } from './device-toggles.js';

export interface CallView {
  media: MediaManager;
  selfName: string;
  participants: Participant[];
  onLeave(): void;
  onToggleMicrophone(): void;
  onToggleCamera(): void;
}

export function renderCall(view: CallView): TemplateResult {
  const { media } = view;
  const showSelf = media.videoTrack !== null && media.cameraEnabled;
  return html`
    <div part="call">
      <div class="grid" part="grid">
        <div class="tile" part="tile local-tile">
          <video part="local-video" class="mirrored" .srcObject=${media.stream} autoplay playsinline muted ?hidden=${!showSelf}></video>
          ${showSelf ? nothing : html`<div class="placeholder">Camera off</div>`}
          <span class="name" part="tile-name">${view.selfName} (you)</span>
        </div>
        ${repeat(view.participants, (p) => p.peerId, (p) => remoteTile(p))}
      </div>
      <div class="controls" part="controls">
        ${deviceToggles(view)}
        <button part="leave-button" class="danger" @click=${view.onLeave}>Leave</button>
      </div>
    </div>
  `;
}

function remoteTile(participant: Participant): TemplateResult {
  const waiting = !participant.stream || participant.connectionState !== 'connected';
  return html`
    <div class="tile" part="tile remote-tile" data-peer-id=${participant.peerId}>
      <video part="remote-video" data-peer-id=${participant.peerId} .srcObject=${participant.stream} autoplay playsinline @loadedmetadata=${playWithSound}></video>
      ${waiting ? html`<div class="placeholder">Connecting…</div>` : nothing}
      <span class="name" part="tile-name">${participant.displayName}</span>
    </div>
  `;
}

/** Starts playback with sound; where the browser's autoplay policy forbids that, plays muted instead. */
function playWithSound(event: Event): void {
  const video = event.target as HTMLVideoElement;
  video.play().catch(() => {
    video.muted = true;
    void video.play().catch(() => undefined);
  });
}
