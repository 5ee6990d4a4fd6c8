/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { StallWatch } from '../src/engine/stall-watch.js';

describe('StallWatch', () => {
  it('asks for an ICE restart once inbound bytes that were rising stay flat for a second, then backs off', () => {
    const watch = new StallWatch();
    expect(watch.stalled('p', 100, 0)).to.equal(false);
    expect(watch.stalled('p', 200, 250)).to.equal(false);
    expect(watch.stalled('p', 200, 1000)).to.equal(false, 'flat for 750 ms only');
    expect(watch.stalled('p', 200, 1300)).to.equal(true, 'flat for a second');
    expect(watch.stalled('p', 200, 2000)).to.equal(false, 'a restart is under way');
    expect(watch.stalled('p', 200, 6400)).to.equal(true, 'still flat five seconds later: again');
    expect(watch.stalled('p', 300, 6650)).to.equal(false, 'flowing again');
  });

  it('never flags a participant that sends nothing at all', () => {
    const watch = new StallWatch();
    for (let t = 0; t <= 10_000; t += 250) expect(watch.stalled('silent', 0, t)).to.equal(false);
  });

  it('starts over for a link that was not connected in between', () => {
    const watch = new StallWatch();
    watch.stalled('p', 100, 0);
    watch.stalled('p', 200, 250);
    watch.keepOnly(new Set());
    expect(watch.stalled('p', 200, 5000)).to.equal(false, 'first sample of a new connection');
    expect(watch.stalled('p', 200, 7000)).to.equal(false, 'never seen rising since');
  });
});
