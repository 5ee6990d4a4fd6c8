import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { ERROR_MESSAGES } from '@vcw/shared';
import { buildService } from './helpers/service.js';

describe('documentation', () => {
  it('docs/errors.md explains every error code of the shared table', async () => {
    const doc = await readFile(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    const missing = Object.keys(ERROR_MESSAGES).filter((code) => !doc.includes(`| \`${code}\` |`));
    assert.deepEqual(missing, []);
  });

  it('docs/rest.md has a curl example for every route of the OpenAPI document', async (t) => {
    const doc = await readFile(new URL('../../../../docs/rest.md', import.meta.url), 'utf8');
    const { app } = await buildService(t, { listen: false });
    const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const curls = doc.split('\n').filter((line) => line.trimStart().startsWith('curl '));
    const missing: string[] = [];
    for (const [route, methods] of Object.entries(openapi.paths)) {
      // `{id}` in the document is a concrete `room_…`, `wh_…`, `msg_…` or queue name in the examples.
      const pattern = new RegExp(`\\$VCW${route.replace(/\{[^}]+\}/g, '[A-Za-z0-9_.…-]+')}(?:[?"\\s]|$)`);
      for (const method of Object.keys(methods)) {
        const verb = method.toUpperCase();
        const found = curls.some(
          (line) => pattern.test(line) && (verb === 'GET' ? !line.includes(' -X ') : line.includes(`-X ${verb} `)),
        );
        if (!found) missing.push(`${verb} ${route}`);
      }
    }
    assert.ok(Object.keys(openapi.paths).length >= 10, 'the document lists the routes');
    assert.deepEqual(missing, []);
  });
});
