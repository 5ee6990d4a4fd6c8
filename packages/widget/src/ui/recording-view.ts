/**
 * Call recording's views, a lazy chunk: the control bar's record button, and the bar above the tiles with the
 * indicator everyone sees while the call is recorded, "Leave me out" / "Include me" while another records, the
 * consent prompt (Allow / Decline), the requester's "waiting for everyone" and, once it stopped recording, the
 * link to download the file.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { controlButton } from './control-button.js';
import { icon } from './icons.js';
import type { RecordingView } from './view-model.js';

/** A dot in a ring. */
const RECORD = 'M12 9a3 3 0 100 6 3 3 0 000-6zM12 3a9 9 0 100 18 9 9 0 000-18z';

export function renderRecordButton(view: RecordingView): TemplateResult {
  // While another participant records, or our request is out, there is nothing to start.
  const busy = view.asking || (view.active !== null && !view.recording);
  return controlButton({
    part: 'record-button',
    label: view.strings.record,
    icon: icon(RECORD),
    pressed: view.recording,
    disabled: busy,
    kind: 'record',
    onClick: view.onToggleRecording,
  });
}

export function renderRecordingStatus(view: RecordingView): TemplateResult | typeof nothing {
  const { strings: s, active, ask, download } = view;
  if (!active && !ask && !view.asking && !download) return nothing;
  const by = active && (active.self ? s.recordingBySelf : s.recordingBy(active.by));
  return html`<div class="recording-bar">
    ${
      by
        ? html`<span class="recording-indicator" part="recording-indicator" role="status" title=${by} data-self=${String(active!.self)}
          ><i aria-hidden="true"></i>${s.recording}<span class="hidden">: ${by}</span></span
        >`
        : nothing
    }
    ${
      view.included === true
        ? html`<button type="button" part="recording-leave-out-button" @click=${() => view.onSetIncluded(false)}>${s.leaveOutOfRecording}</button>`
        : view.included === false
          ? html`<span class="muted" part="recording-left-out" role="status">${s.leftOutOfRecording}</span
            ><button type="button" part="recording-include-button" @click=${() => view.onSetIncluded(true)}>${s.includeInRecording}</button>`
          : nothing
    }
    ${view.asking ? html`<span class="muted" part="recording-pending" role="status">${s.askingConsent}</span>` : nothing}
    ${
      ask
        ? html`<div class="recording-consent" part="recording-consent" role="group" aria-labelledby="recording-consent-text">
          <p id="recording-consent-text" role="alert">${s.recordingConsent(ask.by)}</p>
          <button type="button" class="primary" part="recording-allow-button" @click=${() => view.onAnswer(ask.requestId, true)}>${s.allowRecording}</button>
          <button type="button" part="recording-decline-button" @click=${() => view.onAnswer(ask.requestId, false)}>${s.declineRecording}</button>
        </div>`
        : nothing
    }
    ${
      download
        ? html`<a part="recording-download" href=${download.url} download=${download.fileName}>${s.downloadRecording} (${minutes(download.durationMs)})</a>`
        : nothing
    }
  </div>`;
}

/** A duration as m:ss. */
const minutes = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};
