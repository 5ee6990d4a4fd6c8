// End to end with two service nodes behind a load balancer (one store): the node holding a call gets SIGTERM.
// It tells its widgets to reconnect, stops taking connections and exits within 10 s; the widgets land on the
// other node by themselves, never report a failure, and the room works there, for a newcomer too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Participant } from './support/participant.mjs';
import { startProcessStack, suiteStack } from './support/stack.mjs';

describe('a service node is stopped gracefully mid-call', () => {
  const suite = suiteStack(() => startProcessStack({ nodes: 2 }));

  it('SIGTERM: the node exits cleanly within 10 s, its widgets reconnect to the other node and the call goes on', async () => {
    const people = await Participant.inCall(suite.stack, 'handover', ['Ada', 'Grace'], {}, suite.opened);
    const [first] = suite.stack.nodes;

    const stoppedAt = Date.now();
    const exitMs = await first.kill('SIGTERM');
    assert.equal(first.exitCode(), 0, 'exit code');
    assert.ok(exitMs <= 10_000, `exited after ${exitMs} ms`);

    const back = [];
    for (const p of people) {
      const lost = await p.waitForEvent('vc-connection-state-change', (d) => d.state === 'reconnecting', 5000);
      back.push(
        await p.waitForEvent('vc-connection-state-change', (d) => d.state === 'connected', 10_000, { after: lost.at }),
      );
      assert.deepEqual(
        (await p.events('vc-error')).map((e) => e.detail.code),
        [],
        `${p.name} reported no error`,
      );
    }
    const reconnectedMs = Math.max(...back.map((e) => e.at)) - stoppedAt;
    console.log(
      `# SIGTERM: node exited after ${exitMs} ms; both widgets connected to the other node ${reconnectedMs} ms after the signal`,
    );
    assert.ok(reconnectedMs <= 5000, `reconnected after ${reconnectedMs} ms`);

    // On the new node each takes a new seat (seats are held per node), so each sees the other's video again.
    for (const p of people) await p.seesRemoteVideos(1, 10_000);

    const lin = await Participant.open(suite.stack, { room: 'handover', name: 'Lin' });
    suite.opened.push(lin);
    await lin.join();
    await lin.waitForEvent('vc-join', () => true, 10_000);
    assert.equal((await lin.seesRemoteVideos(2, 15_000)).length, 2);
  });
});
