/**
 * The pre-join screen: camera preview with microphone and camera toggles, device pickers, the name field, and
 * Join. A device problem is explained here, and Join becomes "Join anyway": the user joins with what works.
 */
import { html, nothing, type TemplateResult } from 'lit';
// live(): re-setting srcObject restarts playback (see tile.ts).
import { live } from 'lit/directives/live.js';
import { avatar } from './avatar.js';
import { devicePickers } from './device-pickers.js';
import { deviceToggles } from './device-toggles.js';
import type { PrejoinView } from './view-model.js';

/** Longest display name, in characters (the service truncates longer ones). */
export const DISPLAY_NAME_MAX_LENGTH = 64;

export function renderPrejoin(view: PrejoinView): TemplateResult {
  const { strings: s, local, issue } = view;
  const showVideo = !!local.stream && local.hasCamera && local.cameraOn;
  return html`<form class="panel prejoin" part="prejoin" @submit=${(e: Event) => join(view, e)}>
    ${issue ? html`<div class="notice" part="notice" role="alert" data-code=${issue.code}>${issue.message}</div>` : nothing}
    <div class="prejoin-body">
      <div class="preview" part="preview" role="group" aria-label=${s.preview}>
        <video part="local-video" class="mirrored" .srcObject=${live(local.stream)} autoplay playsinline muted ?hidden=${!showVideo}></video>
        ${showVideo ? nothing : local.stream || issue ? avatar(view.displayName) : html`<div class="placeholder">${s.startingCamera}</div>`}
        <div class="preview-controls">${deviceToggles(view)}</div>
      </div>
      <div class="fields">
        <label class="field">${s.yourName}<input
            part="name-input"
            autocomplete="name"
            maxlength=${DISPLAY_NAME_MAX_LENGTH}
            .value=${view.displayName}
            @input=${(e: Event) => view.onDisplayNameInput((e.target as HTMLInputElement).value)}
        /></label>
        ${view.extraFields}
        ${devicePickers(view.devices, s)}
        <button part="join-button" class="primary" ?disabled=${view.joining}>${view.joining ? s.joining : (view.joinLabel ?? (issue ? s.joinAnyway : s.join))}</button>
      </div>
    </div>
  </form>`;
}

/** Join is the form's submit button, so Enter in the name field joins too. */
function join(view: PrejoinView, event: Event): void {
  event.preventDefault();
  if (!view.joining) view.onJoin();
}
