/**
 * The call's control bar: devices, screen share, recording, the three panels, full screen, picture-in-picture,
 * the matching mode's buttons (random: Next, Report), leave.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { controlButton } from './control-button.js';
import { deviceToggles } from './device-toggles.js';
import { icons } from './icons.js';
import { togglePanel } from './side-panel.js';
import type { CallView, PanelName } from './view-model.js';

export function callControls(view: CallView): TemplateResult {
  const { strings: s, local } = view;
  const panelButton = (name: PanelName, label: string, icon: TemplateResult, extra?: TemplateResult) =>
    controlButton({ part: `${name}-button`, label, icon, extra, pressed: view.panel === name, onClick: (e) => togglePanel(view, name, e) });
  const unread = view.unread > 0 && view.panel !== 'chat' ? view.unread : 0;
  // A group, not a toolbar: a toolbar promises arrow-key navigation; here Tab moves between buttons.
  return html`<div class="controls" part="controls" role="group" aria-label=${s.controls}>
    ${deviceToggles(view)}
    ${local.canShareScreen
      ? controlButton({ part: 'screen-share-button', label: s.shareScreen, icon: icons.screen(), pressed: local.screenSharing, onClick: view.onToggleScreenShare })
      : nothing}
    ${view.recording?.control}
    ${panelButton(
      'chat',
      unread ? `${s.chat}, ${s.unread(unread)}` : s.chat,
      icons.chat(),
      unread ? html`<span class="count" part="unread-badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : undefined,
    )}
    ${panelButton('participants', s.participants, icons.participants())}
    ${panelButton('stats', s.stats, icons.stats())}
    ${view.canFullscreen
      ? controlButton({ part: 'fullscreen-button', label: s.fullscreen, icon: icons.fullscreen(view.fullscreen), pressed: view.fullscreen, onClick: view.onToggleFullscreen })
      : nothing}
    ${view.canPictureInPicture
      ? controlButton({ part: 'pip-button', label: s.pictureInPicture, icon: icons.pictureInPicture(), pressed: view.pictureInPicture, onClick: view.onTogglePictureInPicture })
      : nothing}
    ${view.matchControls}
    ${controlButton({ part: 'leave-button', label: s.leave, icon: icons.leave(), kind: 'danger', onClick: view.onLeave })}
  </div>`;
}
