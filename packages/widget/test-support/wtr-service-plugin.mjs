// Boots the real service (in-memory SQLite) for the component tests and tells the pages where it is at
// `/__vcw/service.json`: its URL and a publishable key allowed on the test runner's origin.
import { build, loadConfig, openSqlite } from '@vcw/service';

export function vcwService() {
  let app;
  let info;
  return {
    name: 'vcw-service',
    async serverStart({ config }) {
      app = await build({ config: loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }), db: await openSqlite(':memory:'), logger: false });
      const origins = [`http://${config.hostname}:${config.port}`, `http://localhost:${config.port}`];
      const project = await app.projects.createProject({ name: 'component tests', allowedOrigins: origins });
      const { plaintext } = await app.projects.createApiKey(project.id, 'publishable');
      await app.listen({ port: 0, host: '127.0.0.1' });
      info = { serviceUrl: `http://127.0.0.1:${app.server.address().port}`, publishableKey: plaintext };
    },
    async serverStop() {
      await app?.close();
    },
    serve(context) {
      if (context.path === '/__vcw/service.json') return { body: JSON.stringify(info), type: 'json' };
    },
  };
}
