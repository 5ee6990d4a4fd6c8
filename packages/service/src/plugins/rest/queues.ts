/**
 * `/v1/queues/:name`: partners read a queue's statistics, mint agent tokens for their support staff, and read
 * the tickets customers left. A name covers both the support queue and the random pool of that name.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AgentToken,
  CreateAgentTokenBody,
  DEFAULT_AGENT_TOKEN_TTL_SECONDS,
  ListTicketsQuery,
  QueueNameParams,
  QueueStats,
  SupportTicket,
  SupportTicketList,
  TicketParams,
  UpdateTicketBody,
} from '@vcw/shared';
import { ServiceError } from '../../errors.js';
import type { StoredTicket } from '../../store/queue-store.js';
import { errorResponses } from './error-responses.js';

export async function queueRoutes(app: FastifyInstance): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/queues/:name',
    {
      schema: {
        tags: ['queues'],
        summary: 'A queue as it stands',
        description:
          'The support queue of this name (customers waiting, agents online, the recent average wait) and the random pool of this name (visitors waiting, pairs matched now). A queue nobody used yet is all zeros.',
        params: QueueNameParams,
        response: { 200: QueueStats, ...errorResponses() },
      },
    },
    async (request) => {
      const { name } = request.params;
      const { support, random } = await app.matching.statistics(request.project.id, name);
      const averageWaitSeconds = support.averageWaitMs === null ? null : Math.round(support.averageWaitMs / 100) / 10;
      return {
        name,
        support: { waiting: support.waiting, agentsOnline: support.agentsOnline, averageWaitSeconds },
        random,
      };
    },
  );

  api.post(
    '/queues/:name/agent-tokens',
    {
      schema: {
        tags: ['queues', 'tokens'],
        summary: 'Mint an agent token',
        description:
          'A JWT for one support agent of this queue (default lifetime 8 hours, at most 24). The agent widget (`mode="agent"`) connects with it through its `token` attribute, then sees the queue, takes customers and declines them. It admits no room but those of the customers its agent takes.',
        params: QueueNameParams,
        body: CreateAgentTokenBody,
        response: { 201: AgentToken, ...errorResponses(413) },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const { displayName, ttlSeconds = DEFAULT_AGENT_TOKEN_TTL_SECONDS } = request.body;
      const minted = await app.joinTokens.mintAgent(
        { projectId: request.project.id, queue: name, displayName },
        ttlSeconds,
      );
      request.log.info({ queue: name, tokenId: minted.tokenId }, 'agent token minted');
      return reply
        .code(201)
        .send({ token: minted.token, queue: name, role: 'agent' as const, displayName, expiresAt: minted.expiresAt });
    },
  );

  api.get(
    '/queues/:name/tickets',
    {
      schema: {
        tags: ['queues'],
        summary: 'Messages customers left, newest first',
        description:
          'What customers of this support queue wrote (typically when no agent was online), with the name and contact they gave, its status and assignee. `status` keeps only open or closed tickets.',
        params: QueueNameParams,
        querystring: ListTicketsQuery,
        response: { 200: SupportTicketList, ...errorResponses() },
      },
    },
    async (request) => {
      const { tickets, nextCursor } = await app.queueStore.listTickets(request.project.id, request.params.name, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
        status: request.query.status,
      });
      return { data: tickets.map(ticketView), nextCursor };
    },
  );

  api.patch(
    '/queues/:name/tickets/:id',
    {
      schema: {
        tags: ['queues'],
        summary: "Change a ticket's status or assignee",
        description:
          '`status`: `open` or `closed`; `assignee`: who on your team handles it (any name or id of yours), `null` to unassign.',
        params: TicketParams,
        body: UpdateTicketBody,
        response: { 200: SupportTicket, ...errorResponses(404, 413, 415) },
      },
    },
    async (request) => {
      const { name, id } = request.params;
      const ticket = await app.queueStore.updateTicket(request.project.id, name, id, request.body);
      if (!ticket) throw new ServiceError('ticket_not_found');
      request.log.info({ queue: name, ticket: id, status: ticket.status }, 'support ticket updated');
      return ticketView(ticket);
    },
  );
}

/** A ticket as the API shows it (never the connection that left it). */
function ticketView({
  id,
  queue,
  displayName,
  message,
  contact,
  createdAt,
  status,
  assignee,
  updatedAt,
}: StoredTicket): SupportTicket {
  return { id, queue, displayName, message, contact, createdAt, status, assignee, updatedAt };
}
