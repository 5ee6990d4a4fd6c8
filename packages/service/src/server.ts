#!/usr/bin/env node
/** Starts the service: config from the environment, the store, the dev project, then listen. */
import path from 'node:path';
import { build } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { ensureDevProject } from './dev-project.js';
import { openSqlite, SQLITE_FILE_NAME } from './store/database.js';
import { ProjectStore } from './store/project-store.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openSqlite(path.join(config.dataDir, SQLITE_FILE_NAME));
  const dev = await ensureDevProject(new ProjectStore(db), config);
  const app = await build({ config, db, demoPublishableKey: dev.publishableKey });

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

  await app.listen({ port: config.port, host: config.host });
  const base = config.publicUrl;
  const lines = [
    '',
    `  video-chat-widget service on ${base}`,
    `  demo page:   ${base}/demo/`,
    `  widget:      ${base}/widget.js`,
    dev.minted ? `  dev project publishable key (allowed on ${base}): ${dev.publishableKey}` : `  dev project key: see ${path.join(config.dataDir, 'dev-publishable-key')}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
