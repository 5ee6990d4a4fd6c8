/**
 * The demo pages under `/demo/`, read once at boot (so no request can reach outside the folder). HTML pages
 * get the dev project's publishable key filled in: publishable keys are meant to sit in page source.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import fp from 'fastify-plugin';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export const DEMO_KEY_PLACEHOLDER = '%%VCW_PUBLISHABLE_KEY%%';

export default fp<{ demoDir: string; publishableKey: string | null }>(
  async (app, { demoDir, publishableKey }) => {
    const pages = new Map<string, { body: Buffer | string; type: string }>();
    for (const file of await listFiles(demoDir)) {
      const type = TYPES[path.extname(file)];
      if (!type) continue;
      let body: Buffer | string = await readFile(file);
      if (type.startsWith('text/html')) body = body.toString('utf8').replaceAll(DEMO_KEY_PLACEHOLDER, () => publishableKey ?? '');
      const urlPath = path.relative(demoDir, file).split(path.sep).join('/');
      pages.set(urlPath, { body, type });
      if (urlPath.endsWith('index.html')) pages.set(urlPath.slice(0, -'index.html'.length), { body, type });
    }

    app.get('/', async (_request, reply) => reply.redirect('/demo/'));
    app.get('/demo', async (_request, reply) => reply.redirect('/demo/'));
    app.get('/demo/*', async (request, reply) => {
      const page = pages.get((request.params as { '*': string })['*']);
      if (!page) return reply.callNotFound();
      return reply.type(page.type).send(page.body);
    });
  },
  { name: 'demo-pages' },
);

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? listFiles(full) : Promise.resolve(entry.isFile() ? [full] : []);
    }),
  );
  return nested.flat();
}
