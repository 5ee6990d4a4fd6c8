/**
 * Support agents: a connection made with an agent token serves that token's queue. It says whether it is
 * available (`agent:status`, answered with the queue as it stands, then kept up to date with
 * `queue:changes`), takes the next or a chosen customer (`agent:take`: both are matched into a private room),
 * or turns one away with a reason (`agent:decline`). Anyone else is refused with `agent_only`.
 */
import { messageText, AgentDeclineRequest, AgentStatusRequest, AgentTakeRequest, type AgentTaken } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import type { AgentConnection } from '../matching/coordinator.js';
import {
  DEFAULT_DISPLAY_NAME,
  shownName,
  type MatchingContext,
  type SignalingContext,
  type SignalingSocket,
} from './context.js';
import { command } from './guards.js';

export function registerAgent(socket: SignalingSocket, ctx: SignalingContext, { coordinator }: MatchingContext): void {
  const agent = (): AgentConnection => {
    const { agent: granted, projectId, peerId } = socket.data;
    if (!granted) throw new ServiceError('agent_only');
    return {
      projectId,
      queue: granted.queue,
      peerId,
      socketId: socket.id,
      displayName: shownName(granted.displayName) ?? DEFAULT_DISPLAY_NAME,
    };
  };

  command(socket, ctx, 'agent:status', AgentStatusRequest, ({ status, queue }) => {
    const connection = agent();
    if (queue !== undefined && queue !== connection.queue) {
      throw new ServiceError(
        'token_queue_mismatch',
        `This agent token is for queue "${connection.queue}", not "${queue}".`,
      );
    }
    return coordinator.agentStatus(connection, status);
  });

  command(socket, ctx, 'agent:take', AgentTakeRequest, ({ customerId }): AgentTaken => {
    const connection = agent();
    // Still in the room of the last call (the customer left first): leave it before the next one.
    if (socket.data.roomKey)
      throw new ServiceError('already_in_room', 'Leave the current call before taking another customer.');
    return { customerId: coordinator.take(connection, customerId) };
  });

  command(socket, ctx, 'agent:decline', AgentDeclineRequest, ({ customerId, reason }) => {
    coordinator.decline(agent(), customerId, messageText(reason) || 'An agent declined the request.');
    return {};
  });
}
