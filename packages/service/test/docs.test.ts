import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { ERROR_MESSAGES } from '@vcw/shared';

describe('documentation', () => {
  it('docs/errors.md explains every error code of the shared table', async () => {
    const doc = await readFile(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    const missing = Object.keys(ERROR_MESSAGES).filter((code) => !doc.includes(`| \`${code}\` |`));
    assert.deepEqual(missing, []);
  });
});
