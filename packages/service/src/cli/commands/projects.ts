/** `projects create|list`: a project is a site (or app) with its allowed origins and its keys. */
import type { KeyEnvironment } from '../../auth/api-key.js';
import type { Project, ProjectStore } from '../../store/project-store.js';
import { mintedView, type MintedKeyView } from './keys.js';

export interface ProjectCreated {
  kind: 'project-created';
  project: Project;
  publishableKey: MintedKeyView;
  secretKey: MintedKeyView;
}

export interface ProjectList {
  kind: 'project-list';
  projects: Project[];
}

/**
 * Creates a project with one publishable and one secret key, so it is usable at once, in one transaction.
 * `origins` must already be checked (see `toOrigin`): every input is validated before anything is written.
 */
export async function createProject(store: ProjectStore, input: { name: string; origins: string[]; environment: KeyEnvironment }): Promise<ProjectCreated> {
  const { project, keys } = await store.createProject({ name: input.name, allowedOrigins: input.origins }, [
    { type: 'publishable', environment: input.environment },
    { type: 'secret', environment: input.environment },
  ]);
  const [publishable, secret] = keys as [(typeof keys)[0], (typeof keys)[0]];
  return { kind: 'project-created', project, publishableKey: mintedView(publishable), secretKey: mintedView(secret) };
}

/** Every project, oldest first. */
export async function listProjects(store: ProjectStore): Promise<ProjectList> {
  return { kind: 'project-list', projects: await store.listProjects() };
}
