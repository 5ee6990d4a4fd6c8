/**
 * Notices as a visitor reads them: short, plain, translated words and, where it helps, one action ("Try
 * again"). The error's detail (its code and the service's message) is for the site owner: `vc-error` and the
 * console carry it, never the visitor's screen.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Strings } from './strings.js';
import type { NoticeView } from './view-model.js';

/** Codes that mean "this widget cannot work on this page now": the site owner has something to fix. */
const UNAVAILABLE =
  /^(protocol_unsupported|auth_missing|api_key_invalid|origin_not_allowed|configuration_invalid|room_not_found|room_private|room_expired|token_\w+|agent_only|internal_error|shutting_down|rate_limited)$/;

/** What to tell the visitor about `code`; `fatal`: the widget stopped trying. */
export function visitorNotice(code: string, fatal: boolean, s: Strings, userAgent = navigator.userAgent): NoticeView {
  const retry = s.tryAgain;
  switch (code) {
    case 'media_permission_denied':
      return { code, text: s.noticeBlocked, help: allowHelp(s, userAgent), action: retry };
    case 'media_unavailable':
      return { code, text: s.noticeNoDevices, action: retry };
    case 'room_full':
      return { code, text: s.noticeFull, action: retry };
    case 'room_locked':
      return { code, text: s.noticeLocked, action: retry };
    case 'knock_denied': // the element puts the host's reason in (knockDenied)
      return { code, text: s.noticeGeneric, action: retry };
    case 'participant_removed':
      return { code, text: s.noticeRemoved };
    case 'room_ended':
      return { code, text: s.noticeEnded };
    case 'connection_failed':
      return fatal ? { code, text: s.noticeUnavailable, action: retry } : { code, text: s.noticeOffline, info: true };
    case 'peer_connection_failed':
      return { code, text: s.noticePeerFailed };
    case 'screen_share_failed':
      return { code, text: s.noticeScreenShare };
    case 'effect_unavailable':
      return { code, text: s.noticeEffect };
    case 'webrtc_unsupported':
      return { code, text: s.noticeNoWebrtc, info: true };
    case 'invalid_payload':
    case 'not_in_room':
      return { code, text: s.noticeMessage };
  }
  if (UNAVAILABLE.test(code)) return { code, text: s.noticeUnavailable, ...(fatal ? { action: retry } : {}) };
  return { code, text: s.noticeGeneric };
}

/** The notice for an error the widget holds: as `visitorNotice` says, with a host's reason for turning a knock away. */
export function errorNotice(error: { code: string; fatal: boolean; message: string }, s: Strings): NoticeView {
  const notice = visitorNotice(error.code, error.fatal, s);
  return error.code === 'knock_denied' ? { ...notice, text: s.knockDenied(error.message) } : notice;
}

/** Where the browser keeps its camera permission: said in the words of the visitor's browser. */
function allowHelp(s: Strings, userAgent: string): string {
  if (/Firefox\//.test(userAgent)) return s.allowFirefox;
  if (/Safari\//.test(userAgent) && !/Chrom(e|ium)\//.test(userAgent)) return s.allowSafari;
  return s.allowChromium;
}

/** The notice, with its action button when it has one; an informational one is a status, not an alert. */
export function renderNotice(notice: NoticeView | null, onAction: () => void): TemplateResult | typeof nothing {
  if (!notice) return nothing;
  return html`<div class="notice ${notice.info ? 'info' : ''}" part="notice" role=${notice.info ? 'status' : 'alert'} data-code=${notice.code}>
    <p>${notice.text}${notice.help ? html` <span class="help">${notice.help}</span>` : nothing}</p>
    ${notice.action ? html`<button type="button" part="retry-button" @click=${onAction}>${notice.action}</button>` : nothing}
  </div>`;
}
