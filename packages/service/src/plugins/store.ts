/** The store: projects and keys, over the Kysely database handed to `build()`. Closed with the app. */
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { ProjectStore } from '../store/project-store.js';
import { RoomStore } from '../store/room-store.js';

declare module 'fastify' {
  interface FastifyInstance {
    projects: ProjectStore;
    roomStore: RoomStore;
  }
}

export default fp<{ db: Kysely<Database> }>(
  async (app, { db }) => {
    app.decorate('projects', new ProjectStore(db));
    app.decorate('roomStore', new RoomStore(db));
    app.addHook('onClose', async () => {
      await db.destroy();
    });
  },
  { name: 'store' },
);
