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

/**
 * Disabled when the device is missing or blocked: there is nothing to turn on. Each says what pressing it does
 * ("Turn camera off"), so it carries no `aria-pressed` (a toggle's name must not change with its state); the
 * `off` class colours it while the device is off.
 */
export function deviceToggles({
  strings,
  local,
  onToggleMicrophone,
  onToggleCamera,
}: DeviceTogglesView): TemplateResult[] {
  return [
    controlButton({
      part: 'microphone-button',
      label: local.microphoneOn ? strings.turnMicrophoneOff : strings.turnMicrophoneOn,
      icon: icons.microphone(local.microphoneOn),
      disabled: !local.hasMicrophone,
      kind: local.microphoneOn ? 'device' : 'device off',
      onClick: onToggleMicrophone,
    }),
    controlButton({
      part: 'camera-button',
      label: local.cameraOn ? strings.turnCameraOff : strings.turnCameraOn,
      icon: icons.camera(local.cameraOn),
      disabled: !local.hasCamera,
      kind: local.cameraOn ? 'device' : 'device off',
      onClick: onToggleCamera,
    }),
  ];
}
