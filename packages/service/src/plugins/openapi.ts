/**
 * OpenAPI from the routes' TypeBox schemas: the document at `GET /openapi.json`, a browsable UI at `/docs`.
 * Registered before the routes so it sees every one of them; never hand-edited.
 *
 * The generator (@fastify/swagger, its YAML writer) and the UI (@fastify/swagger-ui, @fastify/static) are
 * 4–5 MB of a service's memory and nothing a call needs: here only the routes are noted as they are added, and
 * on the first request for the document or the UI an app of their own is built from those notes, once.
 */
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type InjectOptions,
  type LightMyRequestResponse,
  type RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';

const DOCUMENT = {
  openapi: {
    openapi: '3.0.3',
    info: {
      title: 'video-chat-widget partner API',
      version: '1.0.0',
      description:
        'Create rooms and join tokens for your users. Authenticate with `Authorization: Bearer sk_…` from your server.',
    },
    components: {
      securitySchemes: { secretKey: { type: 'http' as const, scheme: 'bearer', description: 'a secret key, sk_…' } },
    },
    security: [{ secretKey: [] }],
  },
  hideUntagged: true,
};

type NotedRoute = Pick<RouteOptions, 'method' | 'url' | 'schema'>;

/** An app with the generator, the UI and the noted routes (validation off: it only describes them). */
async function buildDocs(routes: NotedRoute[]): Promise<FastifyInstance> {
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([
    import('@fastify/swagger'),
    import('@fastify/swagger-ui'),
  ]);
  const docs = Fastify({ logger: false });
  docs.setValidatorCompiler(() => () => true);
  docs.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await docs.register(swagger, DOCUMENT);
  await docs.register(swaggerUi, { routePrefix: '/docs' });
  for (const route of routes) docs.route({ ...route, handler: async () => null });
  await docs.ready();
  return docs;
}

export default fp(
  async (app) => {
    const routes: NotedRoute[] = [];
    app.addHook('onRoute', (route) => {
      // HEAD twins of GET routes are added again by the docs app's own GET routes.
      if (route.schema && !route.schema.hide && route.method !== 'HEAD')
        routes.push({ method: route.method, url: route.url, schema: route.schema });
    });
    let docs: Promise<FastifyInstance> | null = null;
    const docsApp = () => {
      docs ??= buildDocs(routes);
      docs.catch(() => (docs = null));
      return docs;
    };
    app.get('/openapi.json', { schema: { hide: true } }, async () => (await docsApp()).swagger());
    const ui = async (request: FastifyRequest, reply: FastifyReply) => {
      const options: InjectOptions = {
        method: request.method as InjectOptions['method'],
        url: request.url,
        headers: request.headers,
      };
      const answer: LightMyRequestResponse = await (await docsApp()).inject(options);
      const {
        'content-length': _length,
        'transfer-encoding': _encoding,
        connection: _connection,
        ...headers
      } = answer.headers;
      return reply.code(answer.statusCode).headers(headers).send(answer.rawPayload);
    };
    app.get('/docs', { schema: { hide: true } }, ui);
    app.get('/docs/*', { schema: { hide: true } }, ui);
  },
  { name: 'openapi' },
);
