/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { StallWatch } from '../src/engine/stall-watch.js';

describe('StallWatch', () => {
  it('asks for an ICE restart once inbound bytes that were rising stay flat for a second, then backs off', () => {
    const watch = new StallWatch();
    expect(watch.sample('p', 100, 0)).to.equal('steady');
    expect(watch.sample('p', 200, 250)).to.equal('flowing');
    expect(watch.sample('p', 200, 1000)).to.equal('steady', 'flat for 750 ms only');
    expect(watch.sample('p', 200, 1300)).to.equal('stalled', 'flat for a second');
    expect(watch.sample('p', 200, 2000)).to.equal('steady', 'a restart is under way');
    expect(watch.sample('p', 200, 6400)).to.equal('stalled', 'still flat five seconds later: again');
    expect(watch.sample('p', 300, 6650)).to.equal('flowing', 'flowing again');
  });

  it('never flags a participant that sends nothing at all', () => {
    const watch = new StallWatch();
    for (let t = 0; t <= 10_000; t += 250) expect(watch.sample('silent', 0, t)).to.equal('steady');
  });

  it('starts over for a link that was not connected in between', () => {
    const watch = new StallWatch();
    watch.sample('p', 100, 0);
    watch.sample('p', 200, 250);
    watch.keepOnly(new Set());
    expect(watch.sample('p', 200, 5000)).to.equal('steady', 'first sample of a new connection');
    expect(watch.sample('p', 200, 7000)).to.equal('steady', 'never seen rising since');
  });
});
