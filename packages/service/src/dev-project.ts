/**
 * The `dev` project for a first start: when the store is empty, a project whose publishable key is allowed on
 * this service's own origins, used by the demo pages. The key is printed once when minted and kept in
 * `DATA_DIR/dev-publishable-key` so the demo pages work on later starts (a publishable key is public by
 * design; the store keeps only its hash). Later starts never change the project's origins.
 *
 * The start that creates the project also mints it a secret key, so that trying the REST API first needs no
 * admin command; it is printed that once (the store keeps only its hash), and only on a service that runs on
 * loopback: a deployment that happens to start with an empty store never prints a secret to its logs.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.js';
import type { ProjectStore } from './store/project-store.js';

export const DEV_PROJECT_NAME = 'dev';
const KEY_FILE = 'dev-publishable-key';

export interface DevProject {
  projectId: string;
  publishableKey: string;
  /** True when the key was minted by this start (and should be printed). */
  minted: boolean;
  /** The origins its publishable key works on. */
  allowedOrigins: string[];
  /** A secret key minted with the project by this start, on loopback only: print it once. Null otherwise. */
  secretKey: string | null;
}

export async function ensureDevProject(projects: ProjectStore, config: Config): Promise<DevProject | null> {
  let project = await projects.findProjectByName(DEV_PROJECT_NAME);
  let secretKey: string | null = null;
  if (!project) {
    if (await projects.hasProjects()) return null; // a store in real use: no demo project
    project = await projects.createProject({ name: DEV_PROJECT_NAME, allowedOrigins: devOrigins(config) });
    if (isLoopbackUrl(config.publicUrl))
      secretKey = (await projects.createApiKey(project.id, 'secret', 'test')).plaintext;
  }
  const allowedOrigins = [...project.allowedOrigins].sort();

  await mkdir(config.dataDir, { recursive: true }); // with PostgreSQL nothing else creates it
  const keyFile = path.join(config.dataDir, KEY_FILE);
  const saved = (await readFile(keyFile, 'utf8').catch(() => '')).trim();
  if (saved && (await projects.authenticateKey(saved, 'publishable'))?.project.id === project.id) {
    return { projectId: project.id, publishableKey: saved, minted: false, allowedOrigins, secretKey };
  }
  const { plaintext } = await projects.createApiKey(project.id, 'publishable', 'test');
  await writeFile(keyFile, `${plaintext}\n`, { mode: 0o600 });
  return { projectId: project.id, publishableKey: plaintext, minted: true, allowedOrigins, secretKey };
}

function devOrigins(config: Config): string[] {
  const origins = new Set([`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`, config.publicUrl]);
  return [...origins];
}

/** Whether a URL is on this machine (the service runs for its developer only). */
export function isLoopbackUrl(url: string): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
}
