/**
 * `GET /widget.js`: the widget bundle for the script tag, and `GET /chunks/:file`: the parts it loads lazily
 * (stats panel, languages…). Any site may load them (CORS `*`, required for `<script type="module">` and
 * `import()` across origins); what a site may *do* is decided by its key. Each is sent brotli- or
 * gzip-compressed (precompressed by the build) with a strong ETag; chunks, whose names carry their content
 * hash, are cached for ever.
 */
import path from 'node:path';
import fp from 'fastify-plugin';
import { loadCompressedAsset, sendCompressedAsset, type CompressedAsset } from './compressed-asset.js';

/** Chunk names are rollup's `[name]-[hash].js`: nothing else, and never a path. */
const CHUNK_NAME = /^[A-Za-z0-9_-]+\.js$/;
const JAVASCRIPT = 'text/javascript; charset=utf-8';

export default fp<{ widgetFile: string }>(
  async (app, { widgetFile }) => {
    // Read on first use, not at start: a service that never serves the widget keeps none of it in memory.
    let script: Promise<CompressedAsset | null> | null = null;
    const loadScript = () => {
      script ??= loadCompressedAsset(widgetFile).then((asset) => {
        if (!asset) script = null; // not built yet: look again next time
        return asset;
      });
      return script;
    };

    app.get('/widget.js', async (request, reply) => {
      const asset = await loadScript();
      reply.header('access-control-allow-origin', '*').header('cross-origin-resource-policy', 'cross-origin');
      if (!asset) {
        return reply.code(503).type('text/plain').send('The widget is not built yet: run `npm run build`.');
      }
      // The name stays the same from build to build: browsers keep it a few minutes, then revalidate.
      return sendCompressedAsset(request, reply, asset, { type: JAVASCRIPT, cacheControl: 'public, max-age=300' });
    });

    const chunksDir = path.join(path.dirname(widgetFile), 'chunks');
    const chunks = new Map<string, Promise<CompressedAsset | null>>();
    app.get<{ Params: { file: string } }>('/chunks/:file', async (request, reply) => {
      const { file } = request.params;
      reply.header('access-control-allow-origin', '*').header('cross-origin-resource-policy', 'cross-origin');
      let asset: CompressedAsset | null = null;
      if (CHUNK_NAME.test(file)) {
        const loading = chunks.get(file) ?? loadCompressedAsset(path.join(chunksDir, file));
        asset = await loading;
        if (asset) chunks.set(file, loading);
      }
      if (!asset)
        return reply
          .code(404)
          .send({ statusCode: 404, error: 'Not Found', code: 'not_found', message: `No widget chunk ${file}.` });
      // The name carries the content hash: a changed chunk is a new name, so this one never changes.
      return sendCompressedAsset(request, reply, asset, {
        type: JAVASCRIPT,
        cacheControl: 'public, max-age=31536000, immutable',
      });
    });
  },
  { name: 'widget-script' },
);
