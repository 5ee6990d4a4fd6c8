/**
 * One tile of the call grid: the video (or initials while the camera is off), the name, the state of the
 * participant's devices and network, and the active-speaker highlight.
 */
import { html, nothing, type TemplateResult } from 'lit';
// live(): Lit re-sets object-valued properties on every render, and re-setting a video's srcObject, even to the
// same stream, restarts its playback (a flicker). Compare with what the element holds instead.
import { live } from 'lit/directives/live.js';
import { avatar } from './avatar.js';
import { icons } from './icons.js';
import { playWithSound } from './sound-playback.js';
import type { Strings } from './strings.js';
import type { LocalMediaView, NetworkQuality, TileView } from './view-model.js';

/** How a tile sits in the layout: on the stage (screen share, pinned, speaker view), and whether it is pinned. */
export interface TilePlace {
  onStage: boolean;
  pinned: boolean;
  onTogglePin(): void;
}

/** The self tile: muted, mirrored like a mirror, except a shared screen (its text would read backwards). */
export function selfTile(local: LocalMediaView, name: string, strings: Strings, place: TilePlace): TemplateResult {
  const showVideo = !!local.stream && (local.screenSharing || (local.hasCamera && local.cameraOn));
  return html`<div class="tile ${place.onStage ? 'on-stage' : ''}" part="tile local-tile${local.speaking ? ' speaking' : ''}" ?data-speaking=${local.speaking}>
    <video
      part="local-video"
      class=${local.screenSharing ? 'screen' : 'mirrored'}
      .srcObject=${live(local.stream)}
      autoplay
      playsinline
      muted
      ?hidden=${!showVideo}
    ></video>
    ${showVideo ? nothing : avatar(name)}
    ${local.screenSharing ? badge(strings.sharingScreen) : nothing}
    ${caption(strings.you(name), local.microphoneOn, local.cameraOn || local.screenSharing, null, strings)}
    ${pinButton(place, strings)}
  </div>`;
}

/**
 * A remote participant's tile. Its `<video>` stays in place while the camera is off: it also plays the sound.
 * A participant without camera is their initials and name with the "camera off" mark at once, never
 * "Connecting…" (which is only for a picture on its way).
 */
export function remoteTile(tile: TileView, strings: Strings, place: TilePlace): TemplateResult {
  const showVideo = !!tile.stream && !tile.connecting && (tile.cameraOn || tile.screenSharing);
  return html`<div class="tile ${place.onStage ? 'on-stage' : ''}" part="tile remote-tile${tile.speaking ? ' speaking' : ''}" data-peer-id=${tile.peerId} ?data-speaking=${tile.speaking}>
    <video
      part="remote-video"
      data-peer-id=${tile.peerId}
      class=${tile.screenSharing ? 'screen' : showVideo ? '' : 'off'}
      .srcObject=${live(tile.stream)}
      autoplay
      playsinline
      @loadedmetadata=${playWithSound}
    ></video>
    ${tile.connecting ? html`<div class="placeholder" role="status">${strings.connecting}</div>` : showVideo ? nothing : avatar(tile.displayName)}
    ${tile.textOnly ? badge(strings.textOnly, 'text-only-badge') : tile.screenSharing ? badge(strings.sharingScreen) : nothing}
    ${caption(tile.displayName, tile.microphoneOn, tile.cameraOn || tile.screenSharing, tile.quality, strings)}
    ${pinButton(place, strings)}
  </div>`;
}

/** Puts the tile on the stage, or takes it off (shown on hover and keyboard focus, always on touch screens). */
const pinButton = (place: TilePlace, strings: Strings) =>
  html`<button type="button" class="icon pin" part="pin-button" aria-pressed=${String(place.pinned)} aria-label=${place.pinned ? strings.unpin : strings.pin}
    title=${place.pinned ? strings.unpin : strings.pin} @click=${place.onTogglePin}>${icons.pin()}</button>`;

function caption(
  name: string,
  microphoneOn: boolean,
  videoOn: boolean,
  quality: NetworkQuality | null,
  strings: Strings,
): TemplateResult {
  return html`<div class="caption">
    ${microphoneOn ? nothing : indicator('microphone-off', strings.microphoneOff, icons.microphone(false))}
    ${videoOn ? nothing : indicator('camera-off', strings.cameraOff, icons.camera(false))}
    <bdi class="name" part="tile-name">${name}</bdi>
    ${quality ? networkQuality(quality, strings) : nothing}
  </div>`;
}

const indicator = (part: string, label: string, icon: TemplateResult) =>
  html`<span class="indicator" part=${part} role="img" aria-label=${label} title=${label}>${icon}</span>`;

const badge = (text: string, part = 'tile-badge') => html`<span class="badge tile-badge" part=${part}>${text}</span>`;

/** Three bars: all lit when good, two when fair, one when poor, none when not measured yet. */
function networkQuality(quality: NetworkQuality, strings: Strings): TemplateResult {
  const label = {
    good: strings.networkGood,
    fair: strings.networkFair,
    poor: strings.networkPoor,
    unknown: strings.networkUnknown,
  }[quality];
  return html`<span class="quality" part="network-quality" data-quality=${quality} role="img" aria-label=${label} title=${label}
    ><i></i><i></i><i></i
  ></span>`;
}
