/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { PeerStats } from '../src/engine/peer-stats.js';
import { clickPart, engineOf, twoInCall } from './call-helpers.js';
import { part, until } from './helpers.js';

describe('<video-chat-widget> statistics', () => {
  it('opens the stats panel on demand, with per-participant figures sampled only while it is open', async () => {
    performance.setResourceTimingBufferSize(100_000); // the test page loads hundreds of modules
    const { a, b } = await twoInCall();
    const monitor = engineOf(a.widget).monitor;
    const rows: PeerStats[][] = [];
    monitor.on('stats', (r) => rows.push(r));
    // A whole once-a-second round runs after this point (the panel is closed): it builds no rows.
    const closedFrom = monitor.rounds;
    await until(() => monitor.rounds > closedFrom, 'a round with the panel closed', 5000);
    expect(rows).to.deep.equal([]); // nothing built while the panel is closed
    const fetched = () => performance.getEntriesByType('resource').filter((r) => /stats-panel/.test(r.name)).length;
    const before = fetched();

    await clickPart(a.widget, '[part~="stats-button"]');
    const section = await until(
      () => part(a.widget, `[part="stats-panel"] section[data-peer-id="${b.peerId}"]`),
      'the stats of Grace',
      5000,
    );
    expect(fetched()).to.be.above(before); // its code arrived when the panel opened
    const row = await until(
      () => rows.at(-1)?.find((r) => r.peerId === b.peerId && r.bitrateInKbps && r.width),
      'a full row',
    );
    expect(row).to.include({ displayName: 'Grace', width: 1280, height: 720, path: 'direct' });
    expect(row.bitrateInKbps).to.be.above(50);
    expect(row.bitrateOutKbps).to.be.above(50);
    expect(row.frameRate).to.be.above(0);
    expect(row.roundTripMs).to.be.a('number');
    expect(row.packetLossPercent).to.be.a('number');
    await until(() => section.textContent?.includes('1280×720'), 'the resolution shown');

    await clickPart(a.widget, '[part~="stats-button"]');
    await until(() => !part(a.widget, '[part="stats-panel"]'), 'the stats panel closed');
    // Closed (the monitor was told before the panel went): a whole round after this point builds no rows.
    const count = rows.length;
    const closedAgain = monitor.rounds;
    await until(() => monitor.rounds > closedAgain, 'a round after the panel closed', 5000);
    expect(rows.length).to.equal(count); // closed: no more sampling for the panel
  });

  it('rates each connection and highlights whoever speaks', async () => {
    const { a, b } = await twoInCall();
    await until(() => a.widget.participants[0]!.networkQuality === 'good', 'a good loopback connection', 5000);
    await b.widget.updateComplete;
    await until(
      () =>
        part(b.widget, `[data-peer-id="${a.peerId}"] [part="network-quality"]`)?.getAttribute('data-quality') ===
        'good',
      'the indicator',
    );
    // Chromium's fake microphone beeps: the other side hears a speaker.
    await until(() => b.widget.participants[0]!.speaking, 'Ada heard speaking', 5000);
    await until(() => part(b.widget, `.tile[data-peer-id="${a.peerId}"][data-speaking]`), 'the highlighted tile');
    a.widget.setMicrophoneEnabled(false);
    await until(() => !b.widget.participants[0]!.speaking, 'silence once the microphone is off', 5000);
  });
});
