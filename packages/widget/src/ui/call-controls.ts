/**
 * The call's control bar: devices, screen share, recording, the three panels, full screen, picture-in-picture,
 * the matching mode's buttons (random: Next, Report), leave.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { controlButton } from './control-button.js';
import { deviceToggles } from './device-toggles.js';
import { withHostStrings } from './host-strings.js';
import { icons } from './icons.js';
import { togglePanel } from './side-panel.js';
import type { CallView, PanelName } from './view-model.js';

export function callControls(view: CallView): TemplateResult {
  const { strings: s, local } = view;
  const panelButton = (
    name: PanelName,
    label: string,
    icon: TemplateResult,
    extra?: { text: string; badge: TemplateResult },
  ) =>
    controlButton({
      part: `${name}-button`,
      label,
      text: extra?.text,
      extra: extra?.badge,
      icon,
      pressed: view.panel === name,
      onClick: (e) => togglePanel(view, name, e),
    });
  const unread = view.unread > 0 && view.panel !== 'chat' ? view.unread : 0;
  // A group, not a toolbar: a toolbar promises arrow-key navigation; here Tab moves between buttons. Microphone,
  // camera and Leave always stay in the row; on a narrow widget the others go into the "More" menu (the same
  // buttons, shown as a list above the bar while it is open: call-styles.ts). Joining moves focus to the bar's
  // first button (data-screen-start, see element/screen-focus.ts), not to the self tile's pin button before it.
  return html`<div class="controls" part="controls" data-screen-start role="group" aria-label=${s.controls} @keydown=${(e: KeyboardEvent) => closeMore(view, e)}>
    ${deviceToggles(view)}
    <div class="secondary ${view.moreOpen ? 'open' : ''}" id="more-menu" @click=${(e: Event) => pickedFromMore(view, e)}>
      ${
        local.canShareScreen
          ? controlButton({
              part: 'screen-share-button',
              label: s.shareScreen,
              icon: icons.screen(),
              pressed: local.screenSharing,
              onClick: view.onToggleScreenShare,
            })
          : nothing
      }
      ${view.recording?.control}
      ${panelButton(
        'chat',
        unread ? `${s.chat}, ${s.unread(unread)}` : s.chat,
        icons.chat(),
        unread
          ? {
              // Words and count read "Chat 3", inside the name "Chat, 3 unread" (the space keeps them two words).
              text: s.chat,
              badge: html` <span class="count" part="unread-badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>`,
            }
          : undefined,
      )}
      ${panelButton('participants', s.participants, icons.participants())}
      ${panelButton('stats', s.stats, icons.stats())}
      ${controlButton({ part: 'speaker-view-button', label: s.speakerView, icon: icons.speakerView(), pressed: view.speakerView, onClick: view.onToggleSpeakerView })}
      ${
        view.canFullscreen
          ? controlButton({
              part: 'fullscreen-button',
              label: s.fullscreen,
              icon: icons.fullscreen(view.fullscreen),
              pressed: view.fullscreen,
              onClick: view.onToggleFullscreen,
            })
          : nothing
      }
      ${
        view.canPictureInPicture
          ? controlButton({
              part: 'pip-button',
              label: s.pictureInPicture,
              icon: icons.pictureInPicture(),
              pressed: view.pictureInPicture,
              onClick: view.onTogglePictureInPicture,
            })
          : nothing
      }
      ${
        view.host?.moderate
          ? html`${controlButton({ part: 'lock-room-button', label: withHostStrings(s).lockRoom, icon: icons.lock(view.host.locked), pressed: view.host.locked, onClick: view.host.onToggleLock })}
          ${controlButton({ part: 'end-call-button', label: withHostStrings(s).endForEveryone, icon: icons.leave(), kind: 'danger', onClick: view.host.onEndCall })}`
          : nothing
      }
    </div>
    <button type="button" part="more-button" class="control more" aria-label=${s.more} aria-controls="more-menu"
      aria-expanded=${String(view.moreOpen)} @click=${(e: Event) => toggleMore(view, e)}>${icons.more()}<span class="label" aria-hidden="true">${s.more}</span>${unread ? html`<span class="count" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}</button>
    ${view.matchControls}
    ${controlButton({ part: 'leave-button', label: s.leave, icon: icons.leave(), kind: 'danger leave', onClick: view.onLeave })}
  </div>`;
}

/** Opens or closes the "More" menu; opening moves focus to its first item, as a keyboard user expects. */
function toggleMore(view: CallView, event: Event): void {
  const opening = !view.moreOpen;
  const root = (event.currentTarget as Node).getRootNode() as ParentNode;
  view.onToggleMore();
  if (opening) requestAnimationFrame(() => root.querySelector<HTMLElement>('.secondary.open button')?.focus());
}

/** A choice made in the open "More" menu closes it (the panel or mode it opened takes over). */
function pickedFromMore(view: CallView, event: Event): void {
  if (view.moreOpen && (event.target as Element).closest('button')) view.onToggleMore();
}

/** Escape closes the "More" menu and puts focus back on its button. */
function closeMore(view: CallView, event: KeyboardEvent): void {
  if (event.key !== 'Escape' || !view.moreOpen) return;
  event.stopPropagation();
  view.onToggleMore();
  ((event.currentTarget as Element).querySelector('[part="more-button"]') as HTMLElement | null)?.focus();
}
