/**
 * Resume tokens (several nodes): what one service signs, another with the same secret reads, until it expires;
 * a changed byte, another secret or a malformed token reads as nothing. (Taking a seat over with one is in
 * redis-seats.test.ts, with real nodes on a real Redis.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResumeTokens } from '../src/auth/resume-token.js';

const claim = { projectId: 'prj_1', roomKey: 'prj_1/desk', peerId: 'Qv6KSjKfuZRDUWL-', epoch: 41 };
const DAY_MS = 24 * 60 * 60 * 1000;

describe('resume tokens', () => {
  it('are read back by any node that shares the secret, until a day has passed', () => {
    let now = 1_000_000;
    const clock = () => now;
    const token = new ResumeTokens('secret', clock).mint(claim);
    const otherNode = new ResumeTokens('secret', clock);
    assert.deepEqual(otherNode.verify(token), claim);
    now += DAY_MS - 1;
    assert.deepEqual(otherNode.verify(token), claim, 'still good just before the day is over');
    now += 1;
    assert.equal(otherNode.verify(token), null, 'expired');
  });

  it('read as nothing when changed, signed with another secret, or malformed', () => {
    const tokens = new ResumeTokens('secret');
    const token = tokens.mint(claim);
    const [body, signature] = token.split('.') as [string, string];
    const forgedBody = Buffer.from(JSON.stringify(['prj_1', 'prj_1/desk', 'someone-else', 41, Date.now() + DAY_MS]));
    for (const bad of [
      `${forgedBody.toString('base64url')}.${signature}`,
      `${body}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`,
      new ResumeTokens('another secret').mint(claim),
      body,
      `${token}.more`,
      '',
      '..',
    ])
      assert.equal(tokens.verify(bad), null, JSON.stringify(bad));
  });
});
