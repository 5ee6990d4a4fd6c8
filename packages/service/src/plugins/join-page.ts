/**
 * The join page partners can send a link to: `GET /join/:room?token=…` serves the widget full-window for the
 * token's room, in the project's branding. `POST /v1/rooms` and token minting answer such links (`joinLink`).
 */
import fp from 'fastify-plugin';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { RoomName } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import { joinErrorHtml, joinPageHtml } from '../join-page/join-page-html.js';
import { ProjectBrandingStore } from '../store/project-branding-store.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The join page's URL for a room and a join token of it. */
    joinLink(room: string, token: string): string;
    branding: ProjectBrandingStore;
  }
}

const MESSAGES: Partial<Record<string, string>> = {
  token_expired: 'This link has expired. Ask whoever sent it for a new one.',
  token_not_yet_valid: 'This link is not valid yet.',
};

export default fp<{ db: Kysely<Database>; publicUrl: string }>(
  async (app, { db, publicUrl }) => {
    const branding = new ProjectBrandingStore(db);
    app.decorate('branding', branding);
    // With PORT=0 (tests) the public URL's port is the one the service got when it started listening.
    const base = () => {
      const address = app.server.address();
      return /:0$/.test(publicUrl) && address && typeof address === 'object'
        ? publicUrl.replace(/:0$/, `:${address.port}`)
        : publicUrl;
    };
    app.decorate(
      'joinLink',
      (room: string, token: string) => `${base()}/join/${encodeURIComponent(room)}?token=${encodeURIComponent(token)}`,
    );

    app.withTypeProvider<TypeBoxTypeProvider>().get(
      '/join/:room',
      {
        schema: {
          hide: true,
          params: Type.Object({ room: RoomName }),
          querystring: Type.Object({ token: Type.String({ minLength: 1, maxLength: 4096 }) }),
        },
      },
      async (request, reply) => {
        reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .header('referrer-policy', 'no-referrer')
          .header('x-content-type-options', 'nosniff');
        let grant;
        try {
          grant = await app.joinTokens.verify(request.query.token);
        } catch (error) {
          const code = error instanceof ServiceError ? error.code : 'token_invalid';
          return reply
            .code(401)
            .send(joinErrorHtml(MESSAGES[code] ?? 'This link is not valid. Check that it was copied whole.'));
        }
        if (grant.kind !== 'room' || grant.room !== request.params.room)
          return reply.code(404).send(joinErrorHtml('This link is not for this room.'));
        const project = await app.projects.findProject(grant.projectId);
        if (!project) return reply.code(404).send(joinErrorHtml('This room no longer exists.'));
        const look = await branding.get(project.id);
        return joinPageHtml({
          room: grant.room,
          brandName: look.displayName ?? project.name,
          branding: look,
          token: request.query.token,
        });
      },
    );
  },
  { name: 'join-page', dependencies: ['store'] },
);
