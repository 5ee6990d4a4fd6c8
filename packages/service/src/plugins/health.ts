/** `GET /health`: liveness. Answers as long as the process serves requests. */
import { Type } from '@sinclair/typebox';
import fp from 'fastify-plugin';

const HealthReply = Type.Object({ status: Type.Literal('ok'), uptimeSeconds: Type.Number() });

export default fp(
  async (app) => {
    app.get('/health', { schema: { response: { 200: HealthReply } }, logLevel: 'warn' }, async () => ({
      status: 'ok' as const,
      uptimeSeconds: Math.round(process.uptime()),
    }));
  },
  { name: 'health' },
);
