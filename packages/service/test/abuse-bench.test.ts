/**
 * bench/abuse at a small size, in CI: a crowd in one random queue, a support line with an agent online, and
 * silent connections, against the real service process. The figures are printed beside their goals; what
 * does not depend on the machine's speed is held here: the agent's traffic stays bounded, every silent
 * connection is closed by the service, the control pair keeps pairing, and /health never fails.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

interface Figures {
  pairs: { cycles: number };
  agent: { bytes: number; customerPosition: number };
  silent: { opened: number; closedByService: number };
  health: { failures: number };
}

interface AbuseBench {
  GOALS: { agentBytes: number };
  runAbuseBench(options: { visitors: number; silent: number }): Promise<Figures>;
  printFigures(figures: Figures): void;
}

describe('bench/abuse, small', () => {
  it('holds what does not depend on speed, and prints the rest', async () => {
    const bench = (await import(new URL('../../../../bench/abuse.mjs', import.meta.url).href)) as AbuseBench;
    const visitors = 200;
    const figures = await bench.runAbuseBench({ visitors, silent: 300 });
    bench.printFigures(figures);
    assert.ok(figures.agent.bytes <= bench.GOALS.agentBytes, `the agent received ${figures.agent.bytes} bytes`);
    assert.equal(figures.agent.customerPosition, visitors + 1, 'the customer behind the crowd is told its real place');
    assert.equal(
      figures.silent.closedByService,
      figures.silent.opened,
      'every silent connection closed by the service',
    );
    assert.ok(figures.pairs.cycles > 0, 'the control pair paired while the crowd waited');
    assert.equal(figures.health.failures, 0);
  });
});
