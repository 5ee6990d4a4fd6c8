/**
 * Matching with several nodes (`REDIS_URL`): random queues and their pairs are shared through Redis
 * (`RedisCoordinator`), support queues are still kept by each node (`LocalCoordinator`, with its webhooks). A
 * connection is in one of the two at most: whatever concerns a connection goes to the one that holds it.
 */
import { ServiceError } from '../errors.js';
import type {
  AgentConnection,
  MatchCoordinator,
  MatchGauges,
  MatchingState,
  MatchTicket,
  QueueRef,
  QueueStatistics,
  ReportOutcome,
  Visitor,
  WaitingEntry,
} from './coordinator.js';
import type { LocalCoordinator } from './local-coordinator.js';
import type { RedisCoordinator } from './redis-coordinator.js';
import type { QueueSnapshot, QueueStatus } from '@vcw/shared';

export class NodesCoordinator implements MatchCoordinator {
  readonly shared = true;

  constructor(
    /** Support queues, on this node. */
    private readonly support: LocalCoordinator,
    /** Random queues, on every node. */
    private readonly random: RedisCoordinator,
  ) {}

  prepare(projectId: string): Promise<void> {
    return this.random.prepare(projectId);
  }

  async enter(visitor: Visitor): Promise<QueueStatus> {
    if (this.support.stateOf(visitor.peerId)) throw new ServiceError('already_in_queue');
    if (visitor.mode === 'random') return this.random.enter(visitor);
    if (await this.random.stateOf(visitor.peerId)) throw new ServiceError('already_in_queue');
    return this.support.enter(visitor);
  }

  async leave(peerId: string): Promise<void> {
    if (this.support.stateOf(peerId)) this.support.leave(peerId);
    else await this.random.leave(peerId);
  }

  async next(peerId: string): Promise<QueueStatus> {
    return this.support.statusOf(peerId) ? this.support.next(peerId) : this.random.next(peerId);
  }

  async report(peerId: string): Promise<ReportOutcome> {
    return this.support.statusOf(peerId) ? this.support.report(peerId) : this.random.report(peerId);
  }

  agentStatus(agent: AgentConnection, status: 'online' | 'away'): QueueSnapshot {
    return this.support.agentStatus(agent, status);
  }

  take(agent: AgentConnection, customerId?: string): string {
    return this.support.take(agent, customerId);
  }

  decline(agent: AgentConnection, customerId: string, reason: string): void {
    this.support.decline(agent, customerId, reason);
  }

  async stateOf(peerId: string): Promise<MatchingState | undefined> {
    return this.support.stateOf(peerId) ?? this.random.stateOf(peerId);
  }

  async statusOf(peerId: string): Promise<QueueStatus | undefined> {
    return this.support.statusOf(peerId) ?? this.random.statusOf(peerId);
  }

  async ticketOf(peerId: string): Promise<MatchTicket | undefined> {
    return this.support.ticketOf(peerId) ?? this.random.ticketOf(peerId);
  }

  async seated(peerId: string, roomId: string, socketId?: string): Promise<void> {
    if (this.support.stateOf(peerId)) this.support.seated(peerId, roomId);
    else await this.random.seated(peerId, roomId, socketId);
  }

  async unseated(peerId: string, roomId: string): Promise<void> {
    if (this.support.stateOf(peerId)) this.support.unseated(peerId, roomId);
    else await this.random.unseated(peerId, roomId);
  }

  async suspend(peerId: string, socketId?: string): Promise<void> {
    this.support.suspend(peerId);
    await this.random.suspend(peerId, socketId);
  }

  async resume(peerId: string, socketId?: string): Promise<boolean> {
    // Support places are this node's: `resume` finds one only for a connection that dropped here.
    return this.support.resume(peerId) || this.random.resume(peerId, socketId);
  }

  async disconnected(peerId: string, socketId?: string): Promise<void> {
    this.support.disconnected(peerId);
    await this.random.disconnected(peerId, socketId);
  }

  async roomEnded(projectId: string, roomName: string): Promise<void> {
    this.support.roomEnded(projectId, roomName);
    await this.random.roomEnded(projectId, roomName);
  }

  async statistics(projectId: string, queue: string): Promise<QueueStatistics> {
    const { support } = this.support.statistics(projectId, queue);
    return { support, random: await this.random.statistics(projectId, queue) };
  }

  gauges(): MatchGauges {
    const support = this.support.gauges();
    const random = this.random.gauges();
    return {
      waiting: { random: random.waiting.random, support: support.waiting.support },
      agentsOnline: support.agentsOnline,
    };
  }

  async clusterWaiting(): Promise<{ random: number }> {
    return { random: await this.random.clusterWaiting() };
  }

  waiting(ref: QueueRef): Promise<WaitingEntry[]> | WaitingEntry[] {
    return ref.mode === 'random' ? this.random.waiting(ref) : this.support.waiting(ref);
  }

  async close(): Promise<void> {
    await Promise.all([this.support.close(), this.random.close()]);
  }
}
