/** Test helpers for the partner's side: a secret key's header, and a service started over a given store. */
import type { TestContext } from 'node:test';
import type { AddressInfo } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';
import { buildTestApp, SITE_ORIGIN, type TestService } from './service.js';

/** The `Authorization` header of a fresh secret key of the service's project, as a partner's server sends it. */
export async function partnerAuth(service: Pick<TestService, 'app' | 'projectId'>): Promise<{ authorization: string }> {
  const { plaintext } = await service.app.projects.createApiKey(service.projectId, 'secret');
  return { authorization: `Bearer ${plaintext}` };
}

/**
 * Like `buildService`, but over the store given (e.g. one a previous process left behind) and logging where
 * told; listens on a free port.
 */
export async function serviceOver(
  t: TestContext,
  db: Kysely<Database>,
  logger: FastifyServerOptions['logger'] = false,
): Promise<TestService> {
  const app = await buildTestApp(t, { db, logger });
  const project = await app.projects.createProject({ name: 'test site', allowedOrigins: [SITE_ORIGIN] });
  const { plaintext } = await app.projects.createApiKey(project.id, 'publishable');
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    projectId: project.id,
    publishableKey: plaintext,
  };
}
