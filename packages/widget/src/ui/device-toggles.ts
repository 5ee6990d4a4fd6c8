/** Microphone and camera toggles, shared by the pre-join screen and the call's control bar. */
import type { TemplateResult } from 'lit';
import { controlButton } from './control-button.js';
import { icons } from './icons.js';
import type { Strings } from './strings.js';
import type { LocalMediaView } from './view-model.js';

export interface DeviceTogglesView {
  strings: Strings;
  local: LocalMediaView;
  onToggleMicrophone(): void;
  onToggleCamera(): void;
}

/** Disabled when the device is missing or blocked: there is nothing to turn on. */
export function deviceToggles({ strings, local, onToggleMicrophone, onToggleCamera }: DeviceTogglesView): TemplateResult[] {
  return [
    controlButton({
      part: 'microphone-button',
      label: strings.microphone,
      icon: icons.microphone(local.microphoneOn),
      pressed: local.microphoneOn,
      disabled: !local.hasMicrophone,
      kind: 'device',
      onClick: onToggleMicrophone,
    }),
    controlButton({
      part: 'camera-button',
      label: strings.camera,
      icon: icons.camera(local.cameraOn),
      pressed: local.cameraOn,
      disabled: !local.hasCamera,
      kind: 'device',
      onClick: onToggleCamera,
    }),
  ];
}
