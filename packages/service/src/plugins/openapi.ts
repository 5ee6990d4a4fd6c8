/**
 * OpenAPI from the routes' TypeBox schemas: the document at `GET /openapi.json`, a browsable UI at `/docs`.
 * Registered before the routes so it sees every one of them; never hand-edited.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'video-chat-widget partner API',
          version: '1.0.0',
          description: 'Create rooms and join tokens for your users. Authenticate with `Authorization: Bearer sk_…` from your server.',
        },
        components: { securitySchemes: { secretKey: { type: 'http', scheme: 'bearer', description: 'a secret key, sk_…' } } },
        security: [{ secretKey: [] }],
      },
      hideUntagged: true,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
