import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { EFFECT_ASSETS_PATH } from '@vcw/shared';
import { DEFAULT_WIDGET_FILE } from '../src/app.js';
import { chooseCoding } from '../src/plugins/compressed-asset.js';
import { buildService } from './helpers/service.js';

const chunksDir = path.join(path.dirname(DEFAULT_WIDGET_FILE), 'chunks');
const builtChunks = () => readdirSync(chunksDir).filter((f) => f.endsWith('.js'));

describe('the widget script and its chunks on the wire', () => {
  it('sends /widget.js and every chunk brotli-compressed to a browser that takes brotli, gzip to one that takes only gzip', async (t) => {
    const { app } = await buildService(t, { listen: false });
    const files = [
      ['/widget.js', DEFAULT_WIDGET_FILE],
      ...builtChunks().map((f) => [`/chunks/${f}`, path.join(chunksDir, f)]),
    ];
    for (const [url, file] of files) {
      const built = readFileSync(file!);
      const br = await app.inject({
        method: 'GET',
        url: url!,
        headers: { 'accept-encoding': 'gzip, deflate, br, zstd' },
      });
      assert.equal(br.statusCode, 200, url);
      assert.equal(br.headers['content-encoding'], 'br', url);
      assert.match(String(br.headers.vary), /accept-encoding/i, url);
      // Minified JavaScript of a kilobyte or more shrinks to well under 60 % (a stored, uncompressed body would not).
      assert.ok(
        br.rawPayload.length < built.length * (built.length > 1024 ? 0.6 : 0.9),
        `${url}: ${br.rawPayload.length} of ${built.length} bytes`,
      );
      assert.ok(brotliDecompressSync(br.rawPayload).equals(built), `${url}: decodes to the file as built`);

      const gz = await app.inject({ method: 'GET', url: url!, headers: { 'accept-encoding': 'gzip' } });
      assert.equal(gz.headers['content-encoding'], 'gzip', url);
      assert.ok(gunzipSync(gz.rawPayload).equals(built), `${url}: decodes to the file as built`);

      const plain = await app.inject({ method: 'GET', url: url!, headers: { 'accept-encoding': 'identity' } });
      assert.equal(plain.headers['content-encoding'], undefined, url);
      assert.ok(plain.rawPayload.equals(built), url);
      assert.equal(
        new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size,
        3,
        `${url}: each form has its own validator`,
      );
    }
  });

  it('gives each form a strong validator and answers 304 to a browser that holds it', async (t) => {
    const { app } = await buildService(t, { listen: false });
    for (const url of ['/widget.js', `/chunks/${builtChunks()[0]}`]) {
      const first = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br' } });
      const etag = String(first.headers.etag);
      assert.match(etag, /^"[^"]+"$/, `${url}: a strong ETag, not W/`);
      const again = await app.inject({
        method: 'GET',
        url,
        headers: { 'accept-encoding': 'br', 'if-none-match': etag },
      });
      assert.equal(again.statusCode, 304, url);
      assert.equal(again.rawPayload.length, 0);
      // The same validator does not stand for another form.
      const other = await app.inject({
        method: 'GET',
        url,
        headers: { 'accept-encoding': 'gzip', 'if-none-match': etag },
      });
      assert.equal(other.statusCode, 200, url);
    }
  });

  it('caches hashed chunks for ever (immutable) and has /widget.js, whose name stays, revalidated', async (t) => {
    const { app } = await buildService(t, { listen: false });
    const script = await app.inject({ method: 'GET', url: '/widget.js', headers: { 'accept-encoding': 'br' } });
    assert.doesNotMatch(String(script.headers['cache-control']), /immutable/);
    assert.match(String(script.headers['cache-control']), /max-age=\d{1,4}\b/);
    for (const file of builtChunks()) {
      const chunk = await app.inject({ method: 'GET', url: `/chunks/${file}`, headers: { 'accept-encoding': 'br' } });
      assert.match(String(chunk.headers['cache-control']), /max-age=31536000, immutable/, file);
    }
  });

  it("sends background-blur's wasm compressed", async (t) => {
    const { app } = await buildService(t, { listen: false });
    const url = `${EFFECT_ASSETS_PATH}selfie_segmentation_solution_simd_wasm_bin.wasm`;
    const plain = await app.inject({ method: 'GET', url });
    const br = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers['content-type'], 'application/wasm');
    assert.ok(
      br.rawPayload.length < plain.rawPayload.length * 0.6,
      `${br.rawPayload.length} of ${plain.rawPayload.length} bytes`,
    );
    assert.ok(brotliDecompressSync(br.rawPayload).equals(plain.rawPayload));
  });

  it('reads Accept-Encoding as browsers and proxies write it', () => {
    assert.equal(chooseCoding(undefined), 'identity');
    assert.equal(chooseCoding('gzip, deflate, br, zstd'), 'br');
    assert.equal(chooseCoding('gzip;q=1.0, br;q=0'), 'gzip');
    assert.equal(chooseCoding('br;q=0, gzip;q=0'), 'identity');
    assert.equal(chooseCoding('*'), 'br');
    assert.equal(chooseCoding('*;q=0, identity'), 'identity');
    assert.equal(chooseCoding('x-gzip'), 'gzip');
    assert.equal(chooseCoding('deflate'), 'identity');
  });
});
