/** `/v1/project/branding`: how the project's hosted join page looks (name, accent colour, logo). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProjectBranding, UpdateBrandingBody } from '@vcw/shared';
import { checkBranding } from '../../join-page/branding-check.js';
import { errorResponses } from './error-responses.js';

export async function projectRoutes(app: FastifyInstance): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/project/branding',
    {
      schema: {
        tags: ['project'],
        summary: "The join page's branding",
        description:
          "What the join page (the `url` of rooms and tokens) shows: `displayName` (null: the project's name), `accentColor`, `logoUrl`.",
        response: { 200: ProjectBranding, ...errorResponses() },
      },
    },
    async (request) => app.branding.get(request.project.id),
  );

  api.patch(
    '/project/branding',
    {
      schema: {
        tags: ['project'],
        summary: "Change the join page's branding",
        description: 'The fields given change; `null` clears one. `accentColor` is `#rrggbb`; `logoUrl` is https://.',
        body: UpdateBrandingBody,
        response: { 200: ProjectBranding, ...errorResponses(413, 415) },
      },
    },
    async (request) => {
      const branding = await app.branding.update(request.project.id, checkBranding(request.body));
      request.log.info({ project: request.project.id }, 'project branding changed');
      return branding;
    },
  );
}
