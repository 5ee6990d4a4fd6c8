/** Microphone and camera toggle buttons, shared by the pre-join screen and the call. */
import { html, type TemplateResult } from 'lit';
import type { MediaManager } from '../engine/media-manager.js';

export interface DeviceToggleView {
  media: MediaManager;
  onToggleMicrophone(): void;
  onToggleCamera(): void;
}

export function deviceToggles({ media, onToggleMicrophone, onToggleCamera }: DeviceToggleView): TemplateResult {
  const mic = media.microphoneEnabled;
  const cam = media.cameraEnabled;
  return html`
    <button
      part="microphone-button"
      aria-pressed=${String(mic)}
      aria-label=${mic ? 'Turn microphone off' : 'Turn microphone on'}
      ?disabled=${!media.audioTrack}
      @click=${onToggleMicrophone}
    >
      ${mic ? 'Mic on' : 'Mic off'}
    </button>
    <button
      part="camera-button"
      aria-pressed=${String(cam)}
      aria-label=${cam ? 'Turn camera off' : 'Turn camera on'}
      ?disabled=${!media.videoTrack}
      @click=${onToggleCamera}
    >
      ${cam ? 'Camera on' : 'Camera off'}
    </button>
  `;
}
