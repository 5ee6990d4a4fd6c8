/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { renderStatsPanel } from '../src/ui/stats-panel.js';
import { loadStrings, resolveStrings } from '../src/ui/strings.js';
import type { PeerStatsView } from '../src/ui/view-model.js';
import { mount } from './ui-fixtures.js';

const row = (peerId: string, patch: Partial<PeerStatsView> = {}): PeerStatsView => ({
  peerId,
  displayName: `Peer ${peerId}`,
  bitrateInKbps: null,
  bitrateOutKbps: null,
  frameRate: null,
  width: null,
  height: null,
  roundTripMs: null,
  packetLossPercent: null,
  path: 'unknown',
  ...patch,
});

const mountStats = (rows: PeerStatsView[], lang = 'en') => {
  const strings = resolveStrings(lang);
  return mount((view: { rows: PeerStatsView[] }) => renderStatsPanel(view.rows, strings), { rows });
};

/** The figures of one participant, as term → value. */
function figures(root: ShadowRoot, peerId: string): Record<string, string> {
  const section = root.querySelector(`[part="stats-panel"] [data-peer-id="${peerId}"]`)!;
  const terms = [...section.querySelectorAll('dt')].map((dt) => dt.textContent!);
  const values = [...section.querySelectorAll('dd')].map((dd) => dd.textContent!);
  return Object.fromEntries(terms.map((t, i) => [t, values[i]!]));
}

describe('stats panel', () => {
  before(() => loadStrings('de'));

  it('formats each figure with its unit', () => {
    const ui = mountStats([
      row('a', {
        bitrateInKbps: 1534.4,
        bitrateOutKbps: 812.6,
        frameRate: 29.97,
        width: 1280,
        height: 720,
        roundTripMs: 42,
        packetLossPercent: 0.25,
        path: 'direct',
      }),
    ]);
    expect(ui.$('[data-peer-id="a"] h3').textContent).to.equal('Peer a');
    expect(figures(ui.root, 'a')).to.deep.equal({
      Receiving: '1.5 Mb/s',
      Sending: '813 kb/s',
      'Frame rate': '30 fps',
      Resolution: '1280×720',
      'Round trip': '42 ms',
      'Packet loss': '0.3 %',
      Path: 'Direct',
    });
  });

  it('shows a figure not measured yet as —', () => {
    const ui = mountStats([row('b')]);
    expect(Object.values(figures(ui.root, 'b'))).to.deep.equal(['—', '—', '—', '—', '—', '—', '—']);
  });

  it('tells direct, STUN and relayed paths apart', () => {
    const ui = mountStats([row('d', { path: 'direct' }), row('s', { path: 'stun' }), row('r', { path: 'relay' })]);
    expect(['d', 's', 'r'].map((id) => figures(ui.root, id).Path)).to.deep.equal([
      'Direct',
      'Direct (STUN)',
      'Relayed (TURN)',
    ]);
  });

  it('keeps zero as a figure, not a gap', () => {
    const ui = mountStats([row('z', { packetLossPercent: 0, bitrateInKbps: 0, frameRate: 0 })]);
    const f = figures(ui.root, 'z');
    expect([f.Receiving, f['Frame rate'], f['Packet loss']]).to.deep.equal(['0 kb/s', '0 fps', '0 %']);
  });

  it('writes numbers and labels in the chosen language', () => {
    const ui = mountStats([row('g', { bitrateInKbps: 2500, roundTripMs: 12.5, path: 'relay' })], 'de');
    const f = figures(ui.root, 'g');
    expect([f.Empfang, f.Umlaufzeit, f.Weg]).to.deep.equal(['2,5 Mb/s', '12,5 ms', 'Weitergeleitet (TURN)']);
  });

  it('says when there is no one to measure', () => {
    expect(mountStats([]).$('[part="stats-panel"]').textContent!.trim()).to.equal('No one else is here yet');
  });
});
