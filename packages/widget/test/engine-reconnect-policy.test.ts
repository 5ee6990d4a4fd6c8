/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { BackoffPolicy } from '../src/engine/reconnect-policy.js';

/** A policy whose randomness is fixed at `r`. */
const policy = (r: number) => new BackoffPolicy({ random: () => r });
const delays = (p: BackoffPolicy, cause: 'network' | 'service-closed', n: number) =>
  Array.from({ length: n }, (_, attempt) => p.nextRetryDelayInMs({ attempt, cause }));

describe('BackoffPolicy', () => {
  it('doubles from 0.5 s and never waits more than 3 s, whatever the jitter', () => {
    expect(delays(policy(0.5), 'network', 6)).to.deep.equal([500, 1000, 2000, 3000, 3000, 3000]);
    expect(delays(policy(0), 'network', 5)).to.deep.equal([250, 500, 1000, 2000, 3000], 'jitter at its lowest: -50 %');
    expect(delays(policy(0.999), 'service-closed', 4).every((d) => d <= 3000)).to.equal(true, 'capped after jitter');
    expect(policy(0.999).nextRetryDelayInMs({ attempt: 0, cause: 'network' })).to.equal(
      750,
      'jitter at its highest: +50 %',
    );
  });

  it('spreads widgets told the service is draining over the window it gave, then backs off as for a lost service', () => {
    expect(policy(0).nextRetryDelayInMs({ attempt: 0, cause: 'draining', withinMs: 1000 })).to.equal(0);
    expect(policy(0.75).nextRetryDelayInMs({ attempt: 0, cause: 'draining', withinMs: 1000 })).to.equal(750);
    expect(policy(0.5).nextRetryDelayInMs({ attempt: 1, cause: 'draining', withinMs: 1000 })).to.equal(500);
    expect(policy(0.5).nextRetryDelayInMs({ attempt: 2, cause: 'draining', withinMs: 1000 })).to.equal(1000);
  });

  it('waits 5–10 s after being turned away for coming too often', () => {
    expect(policy(0).nextRetryDelayInMs({ attempt: 0, cause: 'rate-limited' })).to.equal(5000);
    expect(policy(0.999).nextRetryDelayInMs({ attempt: 3, cause: 'rate-limited' })).to.be.within(9990, 10_000);
  });

  it('spreads real widgets: a hundred first retries are not all the same', () => {
    const p = new BackoffPolicy();
    const firsts = new Set(Array.from({ length: 100 }, () => p.nextRetryDelayInMs({ attempt: 0, cause: 'network' })));
    expect(firsts.size).to.be.greaterThan(50);
    for (const d of firsts) expect(d).to.be.within(250, 750);
  });
});
