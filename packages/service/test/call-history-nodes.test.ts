/**
 * Call history when several nodes share one Redis and one store (TEST_REDIS_URL): a node that starts closes, as
 * interrupted, only the calls Redis lost (a restart without persistence), their participants lost to the
 * network. A call going on at another node stays open (and one whose end waits in a node's journal of call
 * history: `call-history-shared.test.ts`).
 * Without TEST_REDIS_URL the suite is skipped, except under CI=true where that is a failure.
 */
import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import type { JoinResult } from '@vcw/shared';
import { busesUp, deleteKeys, describeWithRedis, eventually, startNodes } from './helpers/redis-nodes.js';
import { command, connect, type TestService } from './helpers/service.js';

/** Two participants in `room` at `node`; resolves once the store has their call open. */
async function callAt(t: TestContext, node: TestService, room: string): Promise<string> {
  for (const displayName of ['Ada', 'Grace']) {
    const joined = await command<JoinResult>(await connect(t, node), 'room:join', { room, displayName });
    assert.ok(joined.ok, JSON.stringify(joined));
  }
  await node.app.callHistoryWriter.flushed();
  const open = await node.app.callHistory.openCalls();
  const call = open.find((c) => c.room === room);
  assert.ok(call, `the call in ${room} is open in the store`);
  return call.sessionId;
}

describeWithRedis('call history across nodes', () => {
  it('a node that starts leaves open a call that goes on at another node', { timeout: 30_000 }, async (t) => {
    const { nodes, addNode } = await startNodes(t, 1);
    await busesUp(nodes);
    const sessionId = await callAt(t, nodes[0]!, 'desk');

    const late = await addNode();
    const session = await late.app.callHistory.session(sessionId);
    assert.equal(session?.endedAt, null, 'the call is still open');
    assert.deepEqual(
      session.participants.map((p) => [p.displayName, p.leftAt]),
      [
        ['Ada', null],
        ['Grace', null],
      ],
    );
  });

  it('a node that starts closes a call whose seats Redis lost', { timeout: 30_000 }, async (t) => {
    const { nodes, prefix, addNode } = await startNodes(t, 1);
    await busesUp(nodes);
    const sessionId = await callAt(t, nodes[0]!, 'desk');
    await deleteKeys(prefix);

    const late = await addNode();
    const session = await late.app.callHistory.session(sessionId);
    assert.ok(session?.endedAt, 'the call is closed');
    assert.deepEqual(
      session.participants.map((p) => [p.displayName, p.leaveReason, p.leftAt]),
      [
        ['Ada', 'network', session.endedAt],
        ['Grace', 'network', session.endedAt],
      ],
    );
    await eventually(async () => (await late.app.callHistory.openCalls()).length === 0, 'no call open');
  });
});
