/**
 * `GET /widget.js`: the single-file widget bundle for the script tag. Any site may load it (CORS `*`,
 * required for `<script type="module">` across origins); what a site may *do* is decided by its key.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import fp from 'fastify-plugin';

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
  },
  { name: 'widget-script' },
);
