/** The pre-join screen: camera preview, microphone and camera toggles, Join. */
import { html, nothing, type TemplateResult } from 'lit';
import type { MediaManager } from '../engine/media-manager.js';
import { deviceToggles } from './device-toggles.js';

export interface PrejoinView {
  media: MediaManager;
  joining: boolean;
  onJoin(): void;
  onToggleMicrophone(): void;
  onToggleCamera(): void;
}

export function renderPrejoin(view: PrejoinView): TemplateResult {
  const { media } = view;
  const hasVideo = media.videoTrack !== null && media.cameraEnabled;
  return html`
    <div class="panel" part="prejoin">
      <div class="preview">
        <video part="local-video" class="mirrored" .srcObject=${media.stream} autoplay playsinline muted ?hidden=${!hasVideo}></video>
        ${hasVideo ? nothing : html`<div class="placeholder">${media.stream ? 'Camera off' : 'Starting camera…'}</div>`}
      </div>
      <div class="controls" part="controls">
        ${deviceToggles(view)}
        <button part="join-button" class="primary" ?disabled=${view.joining} @click=${view.onJoin}>
          ${view.joining ? 'Joining…' : 'Join'}
        </button>
      </div>
    </div>
  `;
}
