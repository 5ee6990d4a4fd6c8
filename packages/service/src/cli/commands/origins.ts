/** `origins add|remove`: the page origins a project's publishable keys work on. */
import { normalizeOrigin, type Project, type ProjectStore } from '../../store/project-store.js';
import { CliError, EXIT } from '../output.js';

export interface OriginsChanged {
  kind: 'origins-changed';
  action: 'added' | 'removed';
  projectId: string;
  /** The origin as stored (normalized). */
  origin: string;
  /** False when adding an origin the project already allowed. */
  changed: boolean;
  allowedOrigins: string[];
}

/**
 * Checks that `raw` is an http(s) origin and normalizes it (`https://Acme.example:443/` → `https://acme.example`).
 * Stricter than the store: a path or query is refused rather than dropped, because a person who typed one
 * probably thought it would restrict the key to that path, and the service matches origins exactly.
 */
export function toOrigin(raw: string): string {
  const refuse = (why: string) =>
    new CliError(
      `${JSON.stringify(raw)} is not an http(s) origin: ${why}. Write it like https://acme.example or http://localhost:8080.`,
      EXIT.usage,
    );
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw refuse('it is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(`the scheme is ${url.protocol.slice(0, -1)}`);
  if (url.username || url.password) throw refuse('it has credentials');
  if (url.pathname !== '/' || url.search || url.hash) throw refuse('an origin has no path, query or fragment');
  if (url.hostname.includes('*')) throw refuse('wildcards are not supported; add each origin');
  return normalizeOrigin(url.href);
}

/** The project with this id; exit 1 when there is none. */
export async function requireProject(store: ProjectStore, projectId: string): Promise<Project> {
  const project = await store.findProject(projectId);
  if (!project)
    throw new CliError(`No project with id ${projectId}. List them with: vcw-admin projects list`, EXIT.refused);
  return project;
}

/** Allows one more origin; adding one already allowed changes nothing and is not an error. */
export async function addOrigin(
  store: ProjectStore,
  input: { projectId: string; origin: string },
): Promise<OriginsChanged> {
  const project = await requireProject(store, input.projectId);
  const changed = !project.allowedOrigins.includes(input.origin);
  if (changed) await store.addOrigin(project.id, input.origin);
  return {
    kind: 'origins-changed',
    action: 'added',
    projectId: project.id,
    origin: input.origin,
    changed,
    allowedOrigins: await store.originsOf(project.id),
  };
}

/** Stops allowing an origin; refuses one the project does not have, so a typo is noticed. */
export async function removeOrigin(
  store: ProjectStore,
  input: { projectId: string; origin: string },
): Promise<OriginsChanged> {
  const project = await requireProject(store, input.projectId);
  if (!(await store.removeOrigin(project.id, input.origin))) {
    const allowed = project.allowedOrigins.join(', ') || 'none';
    throw new CliError(`Project ${project.id} does not allow ${input.origin} (allowed: ${allowed}).`, EXIT.refused);
  }
  return {
    kind: 'origins-changed',
    action: 'removed',
    projectId: project.id,
    origin: input.origin,
    changed: true,
    allowedOrigins: await store.originsOf(project.id),
  };
}
