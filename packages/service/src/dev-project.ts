/**
 * The `dev` project for a first start: when the store is empty, a project whose publishable key is allowed on
 * this service's own origins, used by the demo pages. The key is printed once when minted and kept in
 * `DATA_DIR/dev-publishable-key` so the demo pages work on later starts (a publishable key is public by
 * design; the store keeps only its hash). Later starts never change the project's origins.
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
}

export async function ensureDevProject(projects: ProjectStore, config: Config): Promise<DevProject | null> {
  let project = await projects.findProjectByName(DEV_PROJECT_NAME);
  if (!project) {
    if (await projects.hasProjects()) return null; // a store in real use: no demo project
    project = await projects.createProject({ name: DEV_PROJECT_NAME, allowedOrigins: devOrigins(config) });
  }

  await mkdir(config.dataDir, { recursive: true }); // with PostgreSQL nothing else creates it
  const keyFile = path.join(config.dataDir, KEY_FILE);
  const saved = (await readFile(keyFile, 'utf8').catch(() => '')).trim();
  if (saved && (await projects.authenticateKey(saved, 'publishable'))?.project.id === project.id) {
    return { projectId: project.id, publishableKey: saved, minted: false };
  }
  const { plaintext } = await projects.createApiKey(project.id, 'publishable', 'test');
  await writeFile(keyFile, `${plaintext}\n`, { mode: 0o600 });
  return { projectId: project.id, publishableKey: plaintext, minted: true };
}

function devOrigins(config: Config): string[] {
  const origins = new Set([`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`, config.publicUrl]);
  return [...origins];
}
