/** Camera, microphone and speaker pickers: labelled `<select>`s (speaker only where the browser can route audio). */
import { html, nothing, type TemplateResult } from 'lit';
import type { Strings } from './strings.js';
import type { DeviceChoice, DevicesView } from './view-model.js';

export function devicePickers(devices: DevicesView, strings: Strings): TemplateResult {
  return html`<div class="pickers" part="device-pickers">
    ${picker('camera-picker', strings.camera, devices.cameras, devices.cameraId, devices.onSelectCamera, strings)}
    ${picker('microphone-picker', strings.microphone, devices.microphones, devices.microphoneId, devices.onSelectMicrophone, strings)}
    ${
      devices.speakers.length
        ? picker(
            'speaker-picker',
            strings.speaker,
            devices.speakers,
            devices.speakerId,
            devices.onSelectSpeaker,
            strings,
          )
        : nothing
    }
  </div>`;
}

function picker(
  part: string,
  label: string,
  choices: DeviceChoice[],
  selectedId: string | null,
  onSelect: (id: string) => void,
  strings: Strings,
): TemplateResult {
  // `.selected` (a property, not the attribute) so a re-render can move the selection after the user touched it.
  return html`<label class="field">${label}<select
      part=${part}
      ?disabled=${!choices.length}
      @change=${(e: Event) => onSelect((e.target as HTMLSelectElement).value)}
    >${
      choices.length
        ? choices.map(
            (d, i) =>
              html`<option value=${d.id} .selected=${d.id === selectedId}>${d.label || strings.deviceN(label, i + 1)}</option>`,
          )
        : html`<option>${strings.noDevice}</option>`
    }</select
  ></label>`;
}
