/** The participants panel: everyone in the call, self first, with their microphone and camera state; a host can mute or remove each. */
import { html, nothing, type TemplateResult } from 'lit';
import { avatar } from './avatar.js';
import { withHostStrings } from './host-strings.js';
import { icons } from './icons.js';
import type { Strings } from './strings.js';
import type { CallView, HostView } from './view-model.js';

export function participantsPanel(view: CallView): TemplateResult {
  const s = view.strings;
  return html`<div part="participants-panel">
    <p class="muted">${s.participantsCount(view.tiles.length + 1)}</p>
    <ul class="people">
      ${person(view.selfName, view.local.microphoneOn, view.local.cameraOn, false, s)}
      ${view.tiles.map((t) => person(t.displayName, t.microphoneOn, t.cameraOn, t.textOnly, s, t.peerId, view.host?.moderate ? view.host : undefined))}
    </ul>
  </div>`;
}

/** Without a peer id, the row is this participant's own. */
function person(
  name: string,
  microphoneOn: boolean,
  cameraOn: boolean,
  textOnly: boolean,
  s: Strings,
  peerId?: string,
  host?: HostView,
): TemplateResult {
  const h = withHostStrings(s);
  const mic = microphoneOn ? s.microphone : s.microphoneOff;
  const cam = cameraOn ? s.camera : s.cameraOff;
  return html`<li data-peer-id=${peerId ?? nothing}>
    ${avatar(name)}
    <bdi class="name">${peerId ? name : s.you(name)}</bdi>
    ${textOnly ? html`<span class="badge">${s.textOnly}</span>` : nothing}
    <span class="state" data-on=${microphoneOn} role="img" aria-label=${mic} title=${mic}>${icons.microphone(microphoneOn)}</span>
    <span class="state" data-on=${cameraOn} role="img" aria-label=${cam} title=${cam}>${icons.camera(cameraOn)}</span>
    ${
      host && peerId
        ? html`<button type="button" part="mute-participant-button" ?disabled=${!microphoneOn} aria-label=${h.muteParticipant(name)} title=${h.muteParticipant(name)} @click=${() => host.onMute(peerId)}>${icons.microphone(false)}</button>
        <button type="button" part="remove-participant-button" class="danger" aria-label=${h.removeParticipant(name)} title=${h.removeParticipant(name)} @click=${() => host.onRemove(peerId)}>${icons.leave()}</button>`
        : nothing
    }
  </li>`;
}
