import { EFFECT_ASSET_FILES, EFFECT_ASSETS_PATH } from '@vcw/shared';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_WIDGET_FILE } from '../src/app.js';
import { buildService } from './helpers/service.js';

describe('operations endpoints and assets', () => {
  it('GET /health answers ok', async (t) => {
    const { app } = await buildService(t, { listen: false });
    const res = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'ok');
  });

  it('serves /widget.js to any origin as JavaScript, with revalidation', async (t) => {
    const { app } = await buildService(t, { listen: false });
    const res = await app.inject({
      method: 'GET',
      url: '/widget.js',
      headers: { origin: 'https://elsewhere.example' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.match(String(res.headers['content-type']), /^text\/javascript/);
    assert.ok(res.body.includes('video-chat-widget'), 'the bundle defines the element');
    const again = await app.inject({
      method: 'GET',
      url: '/widget.js',
      headers: { 'if-none-match': String(res.headers.etag) },
    });
    assert.equal(again.statusCode, 304);
  });

  it('serves the lazily loaded chunks of the build to any origin, immutable, and nothing else', async (t) => {
    const { app } = await buildService(t, { listen: false });
    const chunksDir = path.join(path.dirname(DEFAULT_WIDGET_FILE), 'chunks');
    const built = readdirSync(chunksDir).filter((f) => f.endsWith('.js'));
    assert.ok(built.length > 0, 'the build emits lazy chunks');
    for (const file of built) {
      const res = await app.inject({
        method: 'GET',
        url: `/chunks/${file}`,
        headers: { origin: 'https://elsewhere.example' },
      });
      assert.equal(res.statusCode, 200, file);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.match(String(res.headers['content-type']), /^text\/javascript/);
      assert.match(String(res.headers['cache-control']), /immutable/);
      assert.equal(res.body, readFileSync(path.join(chunksDir, file), 'utf8'), 'the chunk as built');
    }
    for (const url of [
      '/chunks/nope-123.js',
      '/chunks/..%2Fwidget.js',
      '/chunks/..%2F..%2Fpackage.json',
      '/chunks/x.map',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().code, 'not_found');
    }
  });

  it('serves the demo page with the publishable key filled in', async (t) => {
    const { app } = await buildService(t, {
      listen: false,
      demoPublishableKey: 'pk_test_0123456789abcdefghijABCDEF$&',
    });
    const res = await app.inject({ method: 'GET', url: '/demo/' });
    assert.equal(res.statusCode, 200);
    assert.ok(
      res.body.includes('<video-chat-widget api-key="pk_test_0123456789abcdefghijABCDEF$&" room="demo">'),
      'the key, taken literally',
    );
    assert.ok(!res.body.includes('%%VCW_PUBLISHABLE_KEY%%'));
    assert.equal((await app.inject({ method: 'GET', url: '/demo/../package.json' })).statusCode, 404);
  });

  it('serves the support demo agent console with a fresh agent token of the dev project on every load', async (t) => {
    const { app } = await buildService(t, { listen: false, demoProjectId: 'prj_dev' });
    const tokenOf = async () => {
      const res = await app.inject({ method: 'GET', url: '/demo/support/agent.html' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'no-store');
      return /<video-chat-widget mode="agent" queue="help"[^>]* token="([^"]+)">/.exec(res.body)?.[1];
    };
    const [first, second] = [await tokenOf(), await tokenOf()];
    assert.ok(first && second && first !== second, 'a token, new on each load');
    const grant = await app.joinTokens.verify(first);
    assert.equal(grant.kind, 'agent');
    assert.deepEqual(grant.kind === 'agent' && [grant.projectId, grant.queue], ['prj_dev', 'help']);

    for (const [why, options] of [
      ['no dev project', {}],
      ['a public deployment', { demoProjectId: 'prj_dev', env: { PUBLIC_URL: 'https://video.example.com' } }],
    ] as const) {
      const { app: other } = await buildService(t, { listen: false, ...options });
      const res = await other.inject({ method: 'GET', url: '/demo/support/agent.html' });
      assert.ok(res.body.includes('token=""'), `${why}: no token`);
    }
  });

  it("serves background-blur's model files from the npm package, to any site, and nothing else there", async (t) => {
    const { app } = await buildService(t, { listen: false });
    for (const file of EFFECT_ASSET_FILES) {
      const res = await app.inject({ method: 'GET', url: `${EFFECT_ASSETS_PATH}${file}` });
      assert.equal(res.statusCode, 200, file);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.ok(res.rawPayload.length > 300, `${file} has content`);
      if (file.endsWith('.wasm')) assert.equal(res.headers['content-type'], 'application/wasm');
    }
    for (const url of [
      `${EFFECT_ASSETS_PATH}package.json`,
      `${EFFECT_ASSETS_PATH}..%2F..%2Fpackage.json`,
      `${EFFECT_ASSETS_PATH}selfie_segmentation.tflite`,
    ]) {
      assert.equal((await app.inject({ method: 'GET', url })).statusCode, 404, url);
    }
  });

  it('answers unknown routes with the error body of the contract', async (t) => {
    const { app } = await buildService(t, { listen: false });
    const res = await app.inject({ method: 'GET', url: '/nothing-here' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(Object.keys(res.json()).sort(), ['code', 'error', 'message', 'statusCode']);
    assert.equal(res.json().code, 'not_found');
  });
});
