/**
 * Random mode: the call's Next button (end this pair, find someone else) and Report, which opens a form to
 * pick a reason; sending it ends the pair too, and the two are never matched again.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ReportReason } from '@vcw/shared';
import { controlButton } from './control-button.js';
import { icon } from './icons.js';
import type { QueueStrings, Strings } from './strings.js';
import type { MatchControlsView } from './view-model.js';

/** The reasons offered, in order; the first is preselected. */
export const REPORT_REASONS: readonly ReportReason[] = ['abuse', 'nudity', 'spam', 'underage', 'other'];

const reasonLabel = (s: Strings & QueueStrings, reason: ReportReason): string =>
  ({
    abuse: s.reasonAbuse,
    nudity: s.reasonNudity,
    spam: s.reasonSpam,
    underage: s.reasonUnderage,
    other: s.reasonOther,
  })[reason];

export function renderMatchControls(view: MatchControlsView): TemplateResult {
  const s = view.strings;
  return html`${controlButton({ part: 'next-button', label: s.next, icon: icon('M5 5l9 7-9 7zM18 5v14'), onClick: view.onNext })}
    ${controlButton({ part: 'report-button', label: s.report, icon: icon('M5 21V4h11l-2 4 2 4H5'), pressed: view.reportOpen, onClick: (e) => toggleReport(view, e) })}
    ${view.reportOpen ? reportForm(view) : nothing}`;
}

function reportForm(view: MatchControlsView): TemplateResult {
  const s = view.strings;
  return html`<form class="report" part="report-form" aria-label=${s.report} @submit=${(e: Event) => report(view, e)} @keydown=${(e: KeyboardEvent) => escape(view, e)}>
    <fieldset>
      <legend>${s.reportReason}</legend>
      ${REPORT_REASONS.map(
        (reason, i) =>
          html`<label><input type="radio" name="reason" part="report-reason" value=${reason} ?checked=${i === 0} /> ${reasonLabel(s, reason)}</label>`,
      )}
    </fieldset>
    <div class="row">
      <button part="report-send-button" class="primary">${s.sendReport}</button>
      <button type="button" part="report-cancel-button" @click=${(e: Event) => toggleReport(view, e)}>${s.cancel}</button>
    </div>
  </form>`;
}

function report(view: MatchControlsView, event: Event): void {
  event.preventDefault();
  const chosen = (event.currentTarget as HTMLFormElement).querySelector<HTMLInputElement>(
    'input[name="reason"]:checked',
  );
  view.onReport((chosen?.value ?? 'other') as ReportReason);
}

/**
 * Opening the form moves focus to the chosen reason; closing it (Report again, Cancel, Escape) puts focus back
 * on the Report button, as the side panels do.
 */
function toggleReport(view: MatchControlsView, event: Event): void {
  const root = (event.currentTarget as Node).getRootNode() as ParentNode;
  const opening = !view.reportOpen;
  view.onToggleReport();
  if (!opening) root.querySelector<HTMLElement>('[part~="report-button"]')?.focus();
  else requestAnimationFrame(() => root.querySelector<HTMLElement>('[part="report-reason"]:checked')?.focus());
}

function escape(view: MatchControlsView, event: KeyboardEvent): void {
  if (event.key !== 'Escape') return;
  event.preventDefault();
  event.stopPropagation(); // the call's own Escape would close a side panel too
  toggleReport(view, event);
}
