/**
 * Waiting to be matched: `queue:enter` and `queue:leave`, random mode's `match:next` and `match:report`, and
 * `ticket:create` for a customer who would rather leave a message. Who is paired with whom is the
 * coordinator's business; this module checks who may ask, and keeps the coordinator told of the connection's
 * drops, resumptions and end. `queue:watch` tells a customer, before waiting, whether an agent is online.
 */
import {
  MatchNextRequest,
  MatchReportRequest,
  QueueEnterRequest,
  QueueLeaveRequest,
  QueueWatchRequest,
  TicketCreateRequest,
  messageText,
  type QueueAvailability,
  type QueueEntered,
  type HandshakeAuth,
  type QueueStatus,
  type TicketCreated,
} from '@vcw/shared';
import type { Awaitable } from '../awaitable.js';
import { ServiceError } from '../errors.js';
import { DEFAULT_DISPLAY_NAME, shownName, type SignalingContext, type SignalingSocket } from './context.js';
import { command } from './guards.js';

/** Tickets one connection may leave: enough for a customer, too few to fill the store from one page. */
const MAX_TICKETS_PER_CONNECTION = 5;

/** A room's join token admits that room only: queues and messages need the publishable key. */
function refuseRoomToken(grant: { room: string } | undefined, what: 'queues' | 'messages'): void {
  if (grant)
    throw new ServiceError(
      'token_room_mismatch',
      `This join token admits room "${grant.room}" only; ${what} need the publishable key.`,
    );
}

/**
 * Follows a new connection's matching; whether it got its place in matching back. A recovered socket finds it as
 * it left it. With several nodes, a new one whose resume token names a peer that still holds a place (the node it
 * was on went away, with nothing for Socket.io to recover) takes that place over as that peer, once `seatBack` (its
 * seat taken over, if the token names one) is settled.
 */
export function followInMatching(
  socket: SignalingSocket,
  { matching, resumeTokens }: Pick<SignalingContext, 'matching' | 'resumeTokens'>,
  seatBack: Awaitable<unknown>,
): Awaitable<boolean> {
  const { coordinator, delivery, holds } = matching;
  delivery.track(socket);
  // Back within its grace period. With several nodes it may have dropped on another one: the shared coordinator
  // knows its place (this node held nothing).
  if (socket.recovered) {
    const heldHere = holds.resume(socket.id);
    return heldHere || coordinator.shared ? coordinator.resume(socket.data.peerId, socket.id) : false;
  }
  const { resume } = socket.handshake.auth as HandshakeAuth;
  const claim = resume && coordinator.shared ? resumeTokens?.verify(resume) : null;
  const { projectId, agent, grant } = socket.data;
  if (!claim || claim.projectId !== projectId || agent || grant) return false;
  return Promise.resolve(seatBack).then(async () => {
    if (!(await coordinator.resume(claim.peerId, socket.id))) return false;
    socket.data.peerId = claim.peerId;
    if (socket.connected) return true;
    // Closed while it took the place over: its disconnect spoke for the fresh peer it was then.
    await coordinator.disconnected(claim.peerId, socket.id);
    return false;
  });
}

export const queueCommands = [
  command('queue:enter', QueueEnterRequest, async (request, socket, ctx): Promise<QueueEntered> => {
    const { projectId, peerId, agent, grant } = socket.data;
    if (agent) {
      if (request.mode !== 'support' || request.queue !== agent.queue)
        throw new ServiceError('token_queue_mismatch', `This agent token is for support queue "${agent.queue}".`);
      throw new ServiceError(
        'already_in_queue',
        'An agent serves this queue (agent:status, agent:take); it does not wait in it.',
      );
    }
    refuseRoomToken(grant, 'queues');
    if (socket.data.roomKey) throw new ServiceError('already_in_room');
    if (await ctx.matching.coordinator.stateOf(peerId)) throw new ServiceError('already_in_queue');
    if (request.mode === 'random') await ctx.matching.coordinator.prepare(projectId);
    // Checked again after the store answered: a connection gone meanwhile must not leave a ghost in line.
    if (!socket.connected) throw new ServiceError('not_in_queue', 'The connection closed while entering the queue.');
    if (socket.data.roomKey) throw new ServiceError('already_in_room');
    const { mode, queue, media, visitorId, message } = request;
    ctx.matching.availability.unwatch(socket.id); // waiting now: its status says the same
    const status = await ctx.matching.coordinator.enter({
      projectId,
      mode,
      queue,
      peerId,
      socketId: socket.id,
      displayName: shownName(request.displayName) ?? DEFAULT_DISPLAY_NAME,
      ...(media ? { media } : {}),
      ...(visitorId ? { visitorId } : {}),
      ...(message && mode === 'support' && messageText(message) ? { message: messageText(message) } : {}),
    });
    // With several nodes the place outlives this node: the widget takes it back elsewhere with this token.
    const resume = ctx.matching.coordinator.shared ? ctx.resumeTokens?.mintPlace(projectId, peerId) : undefined;
    return resume ? { ...status, resume } : status;
  }),

  command('queue:watch', QueueWatchRequest, async ({ queue }, socket, ctx): Promise<QueueAvailability> => {
    // Customers only: an agent sees its own queue, and a room's token holder came for that room.
    const { agent, grant, projectId } = socket.data;
    if (agent)
      throw new ServiceError(
        'token_queue_mismatch',
        'An agent token serves its queue (agent:status); it does not watch it.',
      );
    refuseRoomToken(grant, 'queues');
    // Waiting already: its queue:update says the same.
    if (await ctx.matching.coordinator.stateOf(socket.data.peerId)) throw new ServiceError('already_in_queue');
    return ctx.matching.availability.watch(socket.id, projectId, queue);
  }),

  command('queue:leave', QueueLeaveRequest, async (_request, socket, ctx) => {
    await ctx.matching.coordinator.leave(socket.data.peerId);
    return {};
  }),

  command('match:next', MatchNextRequest, async (_request, socket, ctx) =>
    ctx.matching.coordinator.next(socket.data.peerId),
  ),

  command('match:report', MatchReportRequest, async ({ reason, note }, socket, ctx): Promise<QueueStatus> => {
    const { projectId, peerId } = socket.data;
    // The pair ends and is kept apart at once; the store write follows. If it fails, this node still keeps
    // them apart, and the reporter is not asked to report again.
    const outcome = await ctx.matching.coordinator.report(peerId);
    try {
      await ctx.matching.queueStore.createReport({
        projectId,
        queue: outcome.queue,
        reporter: { peerId: outcome.reporter.peerId, visitorId: outcome.reporter.visitorId ?? null },
        reported: { peerId: outcome.reported.peerId, visitorId: outcome.reported.visitorId ?? null },
        reason,
        note: note ?? null,
      });
    } catch (err) {
      ctx.log.error({ err, project: projectId }, 'could not store a match report');
    }
    // Its place may have changed while the store wrote; the acknowledgement tells where it is now.
    return (await ctx.matching.coordinator.statusOf(peerId)) ?? outcome.status;
  }),

  command('ticket:create', TicketCreateRequest, async (request, socket, ctx): Promise<TicketCreated> => {
    // A customer's message: not an agent's, nor a room's token holder's (who came for that room only).
    const { agent, grant } = socket.data;
    if (agent)
      throw new ServiceError(
        'token_queue_mismatch',
        'An agent token serves its queue; it does not leave messages in it.',
      );
    refuseRoomToken(grant, 'messages');
    // Counted on the connection's data, which a resumed connection keeps.
    const ticketText = messageText(request.message);
    if (!ticketText)
      throw new ServiceError('invalid_payload', 'The message is empty once invisible characters are removed.');
    const created = socket.data.ticketsCreated ?? 0;
    if (created >= MAX_TICKETS_PER_CONNECTION)
      throw new ServiceError('rate_limited', `A connection may leave at most ${MAX_TICKETS_PER_CONNECTION} messages.`);
    const { projectId, peerId } = socket.data;
    const perAddress = await ctx.limits.tickets?.take(socket.handshake.address);
    if (perAddress && !perAddress.ok)
      throw new ServiceError(
        'ticket_limit',
        `Too many messages were left from this address; try again in ${Math.ceil(perAddress.retryAfterMs / 60_000)} min.`,
      );
    const cap = ctx.caps.ticketsPerQueue;
    if (cap > 0 && (await ctx.matching.queueStore.countTickets(projectId, request.queue)) >= cap)
      throw new ServiceError('ticket_limit', 'This queue holds as many messages as it may; try again later.');
    socket.data.ticketsCreated = created + 1;
    const ticket = await ctx.matching.queueStore.createTicket({
      projectId,
      queue: request.queue,
      message: ticketText,
      displayName: shownName(request.displayName) ?? null,
      contact: (request.contact && messageText(request.contact)) || null,
      peerId,
    });
    // Never the message or the contact: they are the customer's.
    ctx.log.info({ project: projectId, queue: request.queue, ticket: ticket.id }, 'support ticket created');
    ctx.events.publish({
      projectId,
      type: 'ticket.created',
      at: new Date(ticket.createdAt),
      data: {
        ticketId: ticket.id,
        queue: ticket.queue,
        displayName: ticket.displayName,
        message: ticket.message,
        contact: ticket.contact,
        createdAt: ticket.createdAt,
      },
    });
    return { ticketId: ticket.id };
  }),
];

/** A connection went: its place in matching is held for its return (a drop) or given up (an end). */
export function matchingAfterDisconnect(socket: SignalingSocket, ctx: SignalingContext, reason: string): void {
  const { coordinator, delivery, holds, availability } = ctx.matching;
  const { peerId } = socket.data;
  availability.unwatch(socket.id);
  const failed = (what: string) => (err: unknown) => ctx.log.error({ err, peer: peerId }, `could not ${what}`);
  const gone = () => {
    Promise.resolve(coordinator.disconnected(peerId, socket.id)).catch(failed('take a connection out of matching'));
    delivery.untrack(socket.id);
  };
  // Same rule as seats: a connection that may come back keeps its place (unmatchable) for the grace period.
  if (!socket.data.closedAs && ctx.seats.mayResume(reason)) {
    Promise.resolve(coordinator.suspend(peerId, socket.id)).catch(failed('suspend a place in matching'));
    holds.hold(socket.id, gone);
  } else {
    gone();
  }
}
