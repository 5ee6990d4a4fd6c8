/**
 * Support agents: a connection made with an agent token serves that token's queue. It says whether it is
 * available (`agent:status`, answered with the queue as it stands, then kept up to date with
 * `queue:changes`), takes the next or a chosen customer (`agent:take`: both are matched into a private room),
 * or turns one away with a reason (`agent:decline`). Anyone else is refused with `agent_only`.
 */
import { messageText, AgentDeclineRequest, AgentStatusRequest, AgentTakeRequest, type AgentTaken } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import type { AgentConnection } from '../matching/coordinator.js';
import { DEFAULT_DISPLAY_NAME, shownName, type SignalingSocket } from './context.js';
import { command } from './guards.js';

/** This connection as the agent it must be. */
function agentOf(socket: SignalingSocket): AgentConnection {
  const { agent: granted, projectId, peerId } = socket.data;
  if (!granted) throw new ServiceError('agent_only');
  return {
    projectId,
    queue: granted.queue,
    peerId,
    socketId: socket.id,
    displayName: shownName(granted.displayName) ?? DEFAULT_DISPLAY_NAME,
  };
}

export const agentCommands = [
  command('agent:status', AgentStatusRequest, async ({ status, queue }, socket, ctx) => {
    const connection = agentOf(socket);
    if (queue !== undefined && queue !== connection.queue) {
      throw new ServiceError(
        'token_queue_mismatch',
        `This agent token is for queue "${connection.queue}", not "${queue}".`,
      );
    }
    return await ctx.matching.coordinator.agentStatus(connection, status);
  }),

  command('agent:take', AgentTakeRequest, async ({ customerId }, socket, ctx): Promise<AgentTaken> => {
    const connection = agentOf(socket);
    // Still in the room of the last call (the customer left first): leave it before the next one.
    if (socket.data.roomKey)
      throw new ServiceError('already_in_room', 'Leave the current call before taking another customer.');
    return { customerId: await ctx.matching.coordinator.take(connection, customerId) };
  }),

  command('agent:decline', AgentDeclineRequest, async ({ customerId, reason }, socket, ctx) => {
    await ctx.matching.coordinator.decline(
      agentOf(socket),
      customerId,
      messageText(reason) || 'An agent declined the request.',
    );
    return {};
  }),
];
