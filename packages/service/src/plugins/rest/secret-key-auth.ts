/**
 * Every `/v1` request needs `Authorization: Bearer sk_…`, a live secret key; the request then acts for that
 * key's project, within the key's rate limit. Publishable keys are refused here: they are public by design.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseApiKey } from '../../auth/api-key.js';
import { ServiceError } from '../../errors.js';
import type { Project } from '../../store/project-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The project of the secret key that authenticated this `/v1` request. */
    project: Project;
  }
}

export function requireSecretKey(app: FastifyInstance): void {
  app.decorateRequest('project', null as unknown as Project);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!token) throw new ServiceError('auth_missing', 'Send your secret key as `Authorization: Bearer sk_…`.');
    if (parseApiKey(token)?.type === 'publishable') {
      throw new ServiceError(
        'api_key_invalid',
        'Publishable keys cannot call the REST API; use a secret key (sk_…) from your server.',
      );
    }
    const match = await app.projects.authenticateKey(token, 'secret');
    if (!match) throw new ServiceError('api_key_invalid');
    const verdict = await app.limits.rest?.take(match.key.id);
    if (verdict && !verdict.ok) {
      const seconds = Math.ceil(verdict.retryAfterMs / 1000);
      reply.header('retry-after', String(seconds));
      throw new ServiceError('rate_limited', `This key made too many requests; retry in ${seconds} s.`);
    }
    request.project = match.project;
    void app.projects
      .markKeyUsed(match.key.id)
      .catch((err: unknown) => request.log.warn({ err }, 'could not record key use'));
  });
}
