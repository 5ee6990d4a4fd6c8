/**
 * The operations endpoints: `GET /health` (liveness: the process answers), `GET /ready` (this node should get
 * traffic: its store answers, and Redis when it is the bus) and `GET /metrics` (Prometheus). Also counts every
 * HTTP request for the metrics.
 */
import { Type } from '@sinclair/typebox';
import fp from 'fastify-plugin';
import { ServiceMetrics } from '../operations/metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ServiceMetrics;
  }
}

const HealthReply = Type.Object({ status: Type.Literal('ok'), uptimeSeconds: Type.Number() });
const ReadyReply = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  store: Type.Union([Type.Literal('ok'), Type.Literal('unreachable')]),
  /** Where rooms and queues are shared: in this process (one node), or Redis (several). */
  bus: Type.Union([Type.Literal('in-process'), Type.Literal('redis')]),
  /** With the Redis bus: whether Redis answers (a node without it must not get traffic). */
  redis: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('unavailable')])),
});

export default fp(
  async (app) => {
    const metrics = new ServiceMetrics();
    app.decorate('metrics', metrics);
    const stopCounting = app.bus.onTrouble((trouble) => {
      if (trouble.kind === 'error') metrics.busErrors.inc({ operation: trouble.operation });
      else metrics.rateLimitFallbacks.inc({ limit: trouble.limit });
    });
    app.addHook('onClose', async () => stopCounting());
    metrics.observe(() => ({
      connections: app.io.of('/').sockets.size,
      ...app.rooms.totals(),
      ...app.matching.gauges(),
    }));
    const { seatBook } = app.bus;
    if (seatBook) metrics.observeCluster(() => seatBook.totals());
    if (app.bus.matchBook)
      metrics.observeClusterQueues(async () => {
        const read = app.matching.clusterQueues?.bind(app.matching);
        if (!read) throw new Error('matching is per node');
        return read();
      });
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
      metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });

    app.get('/health', { schema: { response: { 200: HealthReply } }, logLevel: 'warn' }, async () => ({
      status: 'ok' as const,
      uptimeSeconds: Math.round(process.uptime()),
    }));

    app.get(
      '/ready',
      { schema: { response: { 200: ReadyReply, 503: ReadyReply } }, logLevel: 'warn' },
      async (_request, reply) => {
        // While the node shuts down, Fastify itself answers every route, this one too, with 503.
        const [storeUp, busUp] = await Promise.all([app.storeReachable(), app.bus.reachable()]);
        const store = storeUp ? ('ok' as const) : ('unreachable' as const);
        const redis = app.bus.kind === 'redis' ? { redis: busUp ? ('ok' as const) : ('unavailable' as const) } : {};
        const ready = storeUp && busUp;
        return reply
          .code(ready ? 200 : 503)
          .send({ status: ready ? 'ready' : 'unavailable', store, bus: app.bus.kind, ...redis });
      },
    );

    app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) => {
      const { contentType, body } = await metrics.scrape();
      return reply.type(contentType).send(body);
    });
  },
  { name: 'operations' },
);
