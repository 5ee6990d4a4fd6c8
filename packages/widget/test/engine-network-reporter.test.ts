/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { NetworkReporter, type NetworkReport } from '../src/engine/network-reporter.js';

/** A reporter on a clock the test moves, and the reports it sent. */
function reporter() {
  let now = 0;
  const sent: NetworkReport[] = [];
  const network = new NetworkReporter(() => now, 5_000);
  network.reportTo({ sendCallQuality: async (report) => void sent.push(report) });
  return { network, sent, at: (ms: number) => (now = ms) };
}

describe('NetworkReporter', () => {
  it('sends the first rating at once, then only changes, at most once per interval, keeping the worst in between', () => {
    const { network, sent, at } = reporter();
    network.observe({ quality: 'good', relay: false });
    expect(sent).to.deep.equal([{ quality: 'good', relay: false }]);
    for (const ms of [1000, 2000, 6000, 7000]) {
      at(ms);
      network.observe({ quality: 'good', relay: false });
    }
    expect(sent).to.have.length(1, 'nothing changed: nothing sent');
    at(8000);
    network.observe({ quality: 'poor', relay: false });
    at(9000);
    network.observe({ quality: 'good', relay: true });
    expect(sent).to.have.length(2, 'the first change goes out at once (the interval has passed)');
    at(12000);
    network.observe({ quality: 'good', relay: false });
    expect(sent).to.have.length(2, 'within the interval: held');
    at(13000);
    network.observe({ quality: 'good', relay: false });
    expect(sent).to.deep.equal(
      [
        { quality: 'good', relay: false },
        { quality: 'poor', relay: false },
        { quality: 'good', relay: true },
      ],
      'what was seen in the interval: the worst quality of it, and the relay',
    );
  });

  it('sends what is held when the call ends, and nothing once it has', () => {
    const { network, sent, at } = reporter();
    network.observe({ quality: 'good', relay: false });
    at(1000);
    network.observe({ quality: 'fair', relay: false });
    network.flush();
    expect(sent.at(-1)).to.deep.equal({ quality: 'fair', relay: false });
    network.reportTo(null);
    at(60_000);
    network.observe({ quality: 'poor', relay: true });
    network.flush();
    expect(sent).to.have.length(2);
  });

  it("starts afresh for a new call: its first rating is sent even if it equals the last call's", () => {
    const { network, sent } = reporter();
    network.observe({ quality: 'good', relay: false });
    network.reportTo({ sendCallQuality: async (report) => void sent.push(report) });
    network.observe({ quality: 'good', relay: false });
    expect(sent).to.have.length(2);
  });
});
