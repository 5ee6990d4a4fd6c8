/**
 * Turns: work for clients runs at once while the event loop's turn has room, and a party's backlog (a flood
 * from one project, a burst of openings) waits for the next turns without holding up the other parties.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { Turns } from '../src/signaling/turns.js';

describe('Turns', () => {
  it('runs light work at once, in the order it came', () => {
    const turns = new Turns(4);
    const ran: string[] = [];
    for (const job of ['a1', 'b1', 'a2']) turns.run(job[0]!, () => ran.push(job));
    assert.deepEqual(ran, ['a1', 'b1', 'a2']);
    assert.equal(turns.waitingCount, 0);
  });

  it("lets one party's backlog wait for later turns while another party's work runs in the next one", async () => {
    const turns = new Turns(4);
    const ran: string[] = [];
    for (let i = 0; i < 20; i++) turns.run('flood', () => ran.push(`flood ${i}`));
    turns.run('visitor', () => ran.push('visitor'));
    assert.deepEqual(ran, ['flood 0', 'flood 1', 'flood 2', 'flood 3'], 'the turn is full');
    await turn();
    assert.ok(ran.includes('visitor'), 'the other party ran in the next turn');
    assert.ok(ran.length <= 8, `at most one turn's worth more (${ran.length})`);
    while (turns.waitingCount > 0) await turn();
    const flood = ran.filter((job) => job !== 'visitor');
    assert.deepEqual(
      flood,
      Array.from({ length: 20 }, (_, i) => `flood ${i}`),
      'the backlog ran in its order',
    );
  });

  it('keeps a party behind its own waiting work, and counts dearer work as more', async () => {
    const turns = new Turns(4);
    const ran: string[] = [];
    turns.run('openings', () => ran.push('open 1'), 4);
    turns.run('openings', () => ran.push('open 2'), 4);
    turns.run('project', () => ran.push('command'));
    assert.deepEqual(ran, ['open 1'], 'one opening fills the turn');
    await turn();
    assert.deepEqual(ran, ['open 1', 'open 2'], 'the next turn: the opening that waited first');
    await turn();
    assert.deepEqual(ran, ['open 1', 'open 2', 'command']);
  });
});
