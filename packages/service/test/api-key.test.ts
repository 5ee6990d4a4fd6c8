import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashApiKey, mintApiKey, parseApiKey } from '../src/auth/api-key.js';

describe('API keys', () => {
  it('mints publishable and secret keys of the documented shape, each unique', () => {
    const pk = mintApiKey('publishable', 'test');
    const sk = mintApiKey('secret', 'live');
    assert.match(pk.plaintext, /^pk_test_[0-9A-Za-z]{28}$/);
    assert.match(sk.plaintext, /^sk_live_[0-9A-Za-z]{28}$/);
    assert.equal(pk.last4, pk.plaintext.slice(-4));
    assert.equal(pk.displayPrefix, 'pk_test_');
    assert.equal(pk.hash, hashApiKey(pk.plaintext));
    assert.ok(!pk.hash.includes(pk.plaintext.slice(8)), 'the hash does not contain the key');
    const many = new Set(Array.from({ length: 1000 }, () => mintApiKey('publishable', 'test').plaintext));
    assert.equal(many.size, 1000);
  });

  it('recognises its own keys and refuses any single-character change by checksum', () => {
    const { plaintext } = mintApiKey('publishable', 'live');
    assert.deepEqual(parseApiKey(plaintext), { type: 'publishable', environment: 'live' });
    let refused = 0;
    for (let i = 8; i < plaintext.length; i++) {
      const changed = plaintext.slice(0, i) + (plaintext[i] === 'x' ? 'y' : 'x') + plaintext.slice(i + 1);
      if (parseApiKey(changed) === null) refused++;
    }
    assert.equal(refused, plaintext.length - 8);
    for (const bad of ['', 'pk_test_', `${plaintext}x`, plaintext.slice(0, -1), plaintext.replace('pk_', 'xk_')]) {
      assert.equal(parseApiKey(bad), null, bad);
    }
  });
});
