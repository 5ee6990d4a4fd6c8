/**
 * How far a node delivered the fan-out stream: news waiting for a mark goes once the entry is delivered (stream
 * ids compare by time, then sequence), or once its wait runs out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FanoutProgress, later } from '../src/bus/fanout-progress.js';

describe('fan-out progress', () => {
  it('compares stream ids by time, then by sequence', () => {
    assert.equal(later('1700000000001-0', '1700000000000-9'), true);
    assert.equal(later('1700000000000-10', '1700000000000-9'), true);
    assert.equal(later('1700000000000-9', '1700000000000-9'), false);
    assert.equal(later('1700000000000-0', '1700000000001-0'), false);
  });

  it('a wait for a mark ends once that entry, or a later one, was delivered here; not before', async () => {
    const progress = new FanoutProgress();
    progress.reached('100-0');
    await progress.until('100-0', 60_000); // delivered already: at once
    const ended: string[] = [];
    const near = progress.until('100-1', 60_000).then(() => ended.push('100-1'));
    const far = progress.until('102-0', 60_000).then(() => ended.push('102-0'));
    progress.reached('100-1');
    await near;
    assert.deepEqual(ended, ['100-1'], 'the later mark still waits');
    progress.reached('103-0');
    await far;
    assert.deepEqual(ended, ['100-1', '102-0']);
  });

  it('gives up waiting after its time, so a stream that is away holds nothing for long', async () => {
    const progress = new FanoutProgress();
    const started = performance.now();
    await progress.until('5-0', 30);
    assert.ok(performance.now() - started >= 25);
    progress.reached('6-0'); // nothing left waiting
  });
});
