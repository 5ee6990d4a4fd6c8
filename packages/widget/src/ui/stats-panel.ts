/**
 * The stats panel's body: per remote participant, the figures that explain a bad call (bitrates, frame rate,
 * resolution, round trip, loss, and whether media goes direct or through a relay). Loaded lazily by the
 * element (dynamic import) when the panel first opens, so it costs the script-tag bundle nothing.
 */
import { html, type TemplateResult } from 'lit';
import type { Strings } from './strings.js';
import type { PeerStatsView } from './view-model.js';

/** Shown for a figure not measured yet. */
export const NO_VALUE = '—';

export function renderStatsPanel(rows: PeerStatsView[], strings: Strings): TemplateResult {
  return html`<div class="stats" part="stats-panel">
    ${rows.length ? rows.map((row) => peerStats(row, strings)) : html`<p class="muted">${strings.noStats}</p>`}
  </div>`;
}

function peerStats(row: PeerStatsView, s: Strings): TemplateResult {
  const n = numberIn(s.lang);
  const figures: [string, string][] = [
    [s.bitrateIn, bitrate(row.bitrateInKbps, n)],
    [s.bitrateOut, bitrate(row.bitrateOutKbps, n)],
    [s.frameRate, unit(row.frameRate, ' fps', n)],
    [s.resolution, row.width && row.height ? `${row.width}×${row.height}` : NO_VALUE],
    [s.roundTrip, unit(row.roundTripMs, ' ms', n)],
    [s.packetLoss, unit(row.packetLossPercent, ' %', n)],
    [s.path, { direct: s.pathDirect, stun: s.pathStun, relay: s.pathRelay, unknown: NO_VALUE }[row.path]],
  ];
  return html`<section data-peer-id=${row.peerId}>
    <h3>${row.displayName}</h3>
    <dl>${figures.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>
  </section>`;
}

type NumberFormat = (value: number) => string;

function numberIn(lang: string): NumberFormat {
  const format = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  return (value) => format.format(value);
}

const unit = (value: number | null, suffix: string, n: NumberFormat) => (value === null ? NO_VALUE : n(value) + suffix);

/** kb/s below 1 Mb/s, Mb/s above, as network tools show it. */
const bitrate = (kbps: number | null, n: NumberFormat) =>
  kbps === null ? NO_VALUE : kbps >= 1000 ? `${n(kbps / 1000)} Mb/s` : `${n(Math.round(kbps))} kb/s`;
