/**
 * The pre-join screen: camera preview with microphone and camera toggles, device pickers, the name field, and
 * Join. Nothing is opened until the visitor asks ("Check camera", or Join). A device problem is explained here
 * with "Try again", and Join becomes "Join anyway": the user joins with what works.
 */
import { html, nothing, type TemplateResult } from 'lit';
// live(): re-setting srcObject restarts playback (see tile.ts).
import { live } from 'lit/directives/live.js';
import { avatar } from './avatar.js';
import { devicePickers } from './device-pickers.js';
import { deviceToggles } from './device-toggles.js';
import { renderNotice } from './notice.js';
import type { PrejoinView } from './view-model.js';

/** Longest display name, in characters (the service truncates longer ones). */
export const DISPLAY_NAME_MAX_LENGTH = 64;

export function renderPrejoin(view: PrejoinView): TemplateResult {
  const { strings: s, local, issue } = view;
  const showVideo = !!local.stream && local.hasCamera && local.cameraOn;
  // Join without the devices that failed ("Join anyway"); a notice about the service keeps plain "Join".
  const mediaIssue = issue?.code.startsWith('media_');
  return html`<form class="panel prejoin" part="prejoin" @submit=${(e: Event) => join(view, e)}>
    ${renderNotice(issue, view.onRetry)}
    <div class="prejoin-body">
      <div class="preview" part="preview" role="group" aria-label=${s.preview}>
        <video part="local-video" class="mirrored" .srcObject=${live(local.stream)} autoplay playsinline muted ?hidden=${!showVideo}></video>
        ${showVideo ? nothing : placeholder(view)}
        <div class="preview-controls">${deviceToggles(view)}</div>
      </div>
      <div class="fields">
        <label class="field">${s.yourName}<input
            part="name-input"
            autocomplete="name"
            maxlength=${DISPLAY_NAME_MAX_LENGTH}
            ?readonly=${view.nameFromToken}
            .value=${view.displayName}
            @input=${(e: Event) => view.onDisplayNameInput((e.target as HTMLInputElement).value)}
        /></label>
        ${view.extraFields}
        ${hasChoices(view) ? devicePickers(view.devices, s) : nothing}
        <button part="join-button" class="primary" ?disabled=${view.joining}>${view.joining ? s.joining : (view.joinLabel ?? (mediaIssue ? s.joinAnyway : s.join))}</button>
      </div>
    </div>
  </form>`;
}

/**
 * Before the devices are asked for: "Check camera"; while they open: "Starting camera…"; once
 * open (or refused) with the camera off: initials.
 */
function placeholder(view: PrejoinView): TemplateResult {
  const { local, strings: s } = view;
  if (!local.asked) {
    return html`<div class="closed">
        <button type="button" part="check-camera-button" @click=${view.onCheckCamera}>${s.checkCamera}</button>
        <span class="muted">${s.devicesClosed}</span>
      </div>`;
  }
  return local.stream || view.issue
    ? avatar(view.displayName)
    : html`<div class="placeholder">${s.startingCamera}</div>`;
}

/** Pickers appear once the browser lists devices by name (after permission); before, there is nothing to pick. */
const hasChoices = ({ devices }: PrejoinView) => devices.cameras.length + devices.microphones.length > 0;

/** Join is the form's submit button, so Enter in the name field joins too. */
function join(view: PrejoinView, event: Event): void {
  event.preventDefault();
  if (!view.joining) view.onJoin();
}
