/**
 * `GET /widget.js`: the widget bundle for the script tag, and `GET /chunks/:file`: the parts it loads lazily
 * (stats panel, languages…). Any site may load them (CORS `*`, required for `<script type="module">` and
 * `import()` across origins); what a site may *do* is decided by its key.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fp from 'fastify-plugin';

/** Chunk names are rollup's `[name]-[hash].js`: nothing else, and never a path. */
const CHUNK_NAME = /^[A-Za-z0-9_-]+\.js$/;

export default fp<{ widgetFile: string }>(
  async (app, { widgetFile }) => {
    let cached: { body: Buffer; etag: string } | null = null;
    const load = async () => {
      if (cached) return cached;
      const body = await readFile(widgetFile).catch(() => null);
      if (!body) return null;
      cached = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
      return cached;
    };

    app.get('/widget.js', async (request, reply) => {
      const script = await load();
      reply.header('access-control-allow-origin', '*').header('cross-origin-resource-policy', 'cross-origin');
      if (!script) {
        return reply.code(503).type('text/plain').send('The widget is not built yet: run `npm run build`.');
      }
      reply.header('etag', script.etag).header('cache-control', 'public, max-age=300');
      if (request.headers['if-none-match'] === script.etag) return reply.code(304).send();
      return reply.type('text/javascript; charset=utf-8').send(script.body);
    });

    const chunksDir = path.join(path.dirname(widgetFile), 'chunks');
    const chunks = new Map<string, Buffer>();
    app.get<{ Params: { file: string } }>('/chunks/:file', async (request, reply) => {
      const { file } = request.params;
      reply.header('access-control-allow-origin', '*').header('cross-origin-resource-policy', 'cross-origin');
      const body = CHUNK_NAME.test(file) ? (chunks.get(file) ?? (await readFile(path.join(chunksDir, file)).catch(() => null))) : null;
      if (!body) return reply.code(404).send({ statusCode: 404, error: 'Not Found', code: 'not_found', message: `No widget chunk ${file}.` });
      chunks.set(file, body);
      // The name carries the content hash: a changed chunk is a new name, so this one never changes.
      return reply.header('cache-control', 'public, max-age=31536000, immutable').type('text/javascript; charset=utf-8').send(body);
    });
  },
  { name: 'widget-script' },
);
