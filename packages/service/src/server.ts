#!/usr/bin/env node
/** Starts the service: config from the environment, the store, the dev project, then listen. */
import path from 'node:path';
import { build } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { ensureDevProject, type DevProject } from './dev-project.js';
import { localTokenSecret } from './auth/local-token-secret.js';
import { openStore } from './store/database.js';
import { ProjectStore } from './store/project-store.js';

/**
 * Connections the kernel may hold completed for us before we accept them (it caps this at
 * `net.core.somaxconn`). Node's default, 511, overflows in a burst of a few thousand (every widget of a drained
 * node reconnecting, or a flood): the kernel then answers with SYN cookies and drops the handshake's last ACK,
 * so a client that waits for the service to speak first believes it is connected to a socket that does not exist.
 */
const LISTEN_BACKLOG = 4096;

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openStore(config);
  const dev = await ensureDevProject(new ProjectStore(db), config);
  const tokenSecret = config.tokenSecret ?? (await localTokenSecret(config.dataDir));
  const app = await build({
    config,
    db,
    demoPublishableKey: dev?.publishableKey ?? null,
    demoProjectId: dev?.projectId ?? null,
    tokenSecret,
  });

  const shutdown = (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    app.close().then(
      () => {
        clearTimeout(force);
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  const base = config.publicUrl;
  const lines = [
    '',
    `  video-chat-widget service on ${base}`,
    `  demo page:   ${base}/demo/`,
    `  widget:      ${base}/widget.js`,
    ...devProjectLines(dev, config),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** What the start banner says about the dev project: its keys when this start minted them, else where to look. */
function devProjectLines(dev: DevProject | null, config: Config): string[] {
  if (!dev) return ['  (no dev project: the store already holds projects; the demo pages have no key)'];
  const lines = [
    dev.minted
      ? `  dev project publishable key (works on ${dev.allowedOrigins.join(' and ')}): ${dev.publishableKey}`
      : `  dev project publishable key: see ${path.join(config.dataDir, 'dev-publishable-key')} (works on ${dev.allowedOrigins.join(' and ')})`,
  ];
  if (dev.secretKey) {
    lines.push(
      `  dev project secret key, for the REST API (shown this once; the store keeps only its hash): ${dev.secretKey}`,
      `    try: curl -X POST ${config.publicUrl}/v1/rooms -H 'Authorization: Bearer ${dev.secretKey}' -H 'Content-Type: application/json' -d '{"privacy": "private"}'`,
    );
  }
  return lines;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
