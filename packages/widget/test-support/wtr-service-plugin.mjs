// Boots the real service (in-memory SQLite) for the component tests and tells the pages where it is at
// `/__vcw/service.json`: its URL and a publishable key allowed on the test runner's origin. What only a
// partner's server may do (a secret key) is done here, through the real REST API, on the pages' behalf:
// `/__vcw/agent-token?queue=Q&name=N` mints an agent token, `/__vcw/tickets?queue=Q` lists a queue's tickets.
import { build, loadConfig, openSqlite } from '@vcw/service';

export function vcwService() {
  let app;
  let info;
  let secretKey;
  /** A REST call with the project's secret key; its JSON body (and the status, to fail loudly). */
  const rest = async (method, url, payload) => {
    const response = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${secretKey}` },
      ...(payload ? { payload } : {}),
    });
    if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.body;
  };
  return {
    name: 'vcw-service',
    async serverStart({ config }) {
      app = await build({
        config: loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }),
        db: await openSqlite(':memory:'),
        logger: false,
      });
      const origins = [`http://${config.hostname}:${config.port}`, `http://localhost:${config.port}`];
      const project = await app.projects.createProject({ name: 'component tests', allowedOrigins: origins });
      const { plaintext } = await app.projects.createApiKey(project.id, 'publishable');
      secretKey = (await app.projects.createApiKey(project.id, 'secret')).plaintext;
      await app.listen({ port: 0, host: '127.0.0.1' });
      info = { serviceUrl: `http://127.0.0.1:${app.server.address().port}`, publishableKey: plaintext };
    },
    async serverStop() {
      await app?.close();
    },
    async serve(context) {
      if (context.path === '/__vcw/service.json') return { body: JSON.stringify(info), type: 'json' };
      const queue = encodeURIComponent(context.URL.searchParams.get('queue') ?? 'default');
      if (context.path === '/__vcw/agent-token') {
        const displayName = context.URL.searchParams.get('name') ?? 'Agent';
        return { body: await rest('POST', `/v1/queues/${queue}/agent-tokens`, { displayName }), type: 'json' };
      }
      if (context.path === '/__vcw/tickets')
        return { body: await rest('GET', `/v1/queues/${queue}/tickets`), type: 'json' };
    },
  };
}
