/**
 * The demo pages under `/demo/`, read once at boot (so no request can reach outside the folder). HTML pages
 * get the dev project's publishable key filled in: publishable keys are meant to sit in page source. The
 * support demo's agent console gets a fresh one-hour agent token of the dev project on every load, as a
 * partner's back end would render one into its own agent page.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import fp from 'fastify-plugin';
import { NAME_PATTERN } from '@vcw/shared';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export const DEMO_KEY_PLACEHOLDER = '%%VCW_PUBLISHABLE_KEY%%';
/** `%%VCW_AGENT_TOKEN:<queue>%%`: an agent token for that support queue of the dev project. */
const AGENT_TOKEN_PLACEHOLDER = new RegExp(`%%VCW_AGENT_TOKEN:(${NAME_PATTERN})%%`, 'g');

export interface DemoPagesOptions {
  demoDir: string;
  publishableKey: string | null;
  /** Mints an agent token of the dev project for a queue; null without a dev project (the token stays empty). */
  agentToken: ((queue: string) => Promise<string>) | null;
}

export default fp<DemoPagesOptions>(
  async (app, { demoDir, publishableKey, agentToken }) => {
    const pages = new Map<string, { body: Buffer | string; type: string }>();
    for (const file of await listFiles(demoDir)) {
      const type = TYPES[path.extname(file)];
      if (!type) continue;
      let body: Buffer | string = await readFile(file);
      if (type.startsWith('text/html'))
        body = body.toString('utf8').replaceAll(DEMO_KEY_PLACEHOLDER, () => publishableKey ?? '');
      const urlPath = path.relative(demoDir, file).split(path.sep).join('/');
      pages.set(urlPath, { body, type });
      if (urlPath.endsWith('index.html')) pages.set(urlPath.slice(0, -'index.html'.length), { body, type });
    }

    app.get('/', async (_request, reply) => reply.redirect('/demo/'));
    app.get('/demo', async (_request, reply) => reply.redirect('/demo/'));
    app.get('/demo/*', async (request, reply) => {
      const page = pages.get((request.params as { '*': string })['*']);
      if (!page) return reply.callNotFound();
      if (typeof page.body === 'string' && page.body.includes('%%VCW_AGENT_TOKEN:')) {
        return reply
          .type(page.type)
          .header('cache-control', 'no-store')
          .send(await withAgentTokens(page.body, agentToken));
      }
      return reply.type(page.type).send(page.body);
    });
  },
  { name: 'demo-pages' },
);

async function withAgentTokens(body: string, mint: DemoPagesOptions['agentToken']): Promise<string> {
  const queues = new Set([...body.matchAll(AGENT_TOKEN_PLACEHOLDER)].map((match) => match[1]!));
  const tokens = new Map<string, string>();
  for (const queue of queues) tokens.set(queue, mint ? await mint(queue) : '');
  return body.replace(AGENT_TOKEN_PLACEHOLDER, (_placeholder, queue: string) => tokens.get(queue) ?? '');
}

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
