/** The partner REST API under `/v1`: secret-key authentication, then one route module per resource. No CORS. */
import fp from 'fastify-plugin';
import { projectRoutes } from './project.js';
import { queueRoutes } from './queues.js';
import { roomRoutes } from './rooms.js';
import { sessionRoutes } from './sessions.js';
import { tokenRoutes } from './tokens.js';
import { webhookRoutes } from './webhooks.js';
import { requireSecretKey } from './secret-key-auth.js';

export default fp(
  async (app) => {
    await app.register(
      async (v1) => {
        requireSecretKey(v1);
        await v1.register(roomRoutes);
        await v1.register(tokenRoutes);
        await v1.register(sessionRoutes);
        await v1.register(queueRoutes);
        await v1.register(webhookRoutes);
        await v1.register(projectRoutes);
      },
      { prefix: '/v1' },
    );
  },
  { name: 'rest', dependencies: ['store', 'signaling', 'openapi', 'webhooks', 'join-page'] },
);
