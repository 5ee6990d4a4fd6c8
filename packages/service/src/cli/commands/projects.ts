/** `projects create|list|update`: a project is a site (or app) with its allowed origins, its keys and its settings. */
import type { KeyEnvironment } from '../../auth/api-key.js';
import type { Project, ProjectStore } from '../../store/project-store.js';
import type { ProjectBranding, ProjectBrandingStore } from '../../store/project-branding-store.js';
import { mintedView, type MintedKeyView } from './keys.js';
import { requireProject } from './origins.js';

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

export interface ProjectUpdated {
  kind: 'project-updated';
  project: Project;
  /** False when the project already had these settings. */
  changed: boolean;
}

/**
 * Creates a project with one publishable and one secret key, so it is usable at once, in one transaction.
 * `origins` must already be checked (see `toOrigin`): every input is validated before anything is written.
 */
export async function createProject(
  store: ProjectStore,
  input: { name: string; origins: string[]; environment: KeyEnvironment; allowAdHocRooms: boolean },
): Promise<ProjectCreated> {
  const { project, keys } = await store.createProject(
    { name: input.name, allowedOrigins: input.origins, allowAdHocRooms: input.allowAdHocRooms },
    [
      { type: 'publishable', environment: input.environment },
      { type: 'secret', environment: input.environment },
    ],
  );
  const [publishable, secret] = keys as [(typeof keys)[0], (typeof keys)[0]];
  return { kind: 'project-created', project, publishableKey: mintedView(publishable), secretKey: mintedView(secret) };
}

/** Allows or stops ad-hoc rooms; setting what the project already has changes nothing and is not an error. */
export async function updateProject(
  store: ProjectStore,
  input: { projectId: string; allowAdHocRooms: boolean },
): Promise<ProjectUpdated> {
  const project = await requireProject(store, input.projectId);
  const changed = project.allowAdHocRooms !== input.allowAdHocRooms;
  if (changed) await store.setAllowAdHocRooms(project.id, input.allowAdHocRooms);
  return { kind: 'project-updated', project: { ...project, allowAdHocRooms: input.allowAdHocRooms }, changed };
}

/** Every project, oldest first. */
export async function listProjects(store: ProjectStore): Promise<ProjectList> {
  return { kind: 'project-list', projects: await store.listProjects() };
}

export interface ProjectBranded {
  kind: 'project-branded';
  projectId: string;
  branding: ProjectBranding;
}

/** Changes how the project's join page looks (the fields given; null clears one). `patch` is already checked. */
export async function brandProject(
  store: ProjectStore,
  branding: ProjectBrandingStore,
  input: { projectId: string; patch: Partial<ProjectBranding> },
): Promise<ProjectBranded> {
  const project = await requireProject(store, input.projectId);
  return { kind: 'project-branded', projectId: project.id, branding: await branding.update(project.id, input.patch) };
}
