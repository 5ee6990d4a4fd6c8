/**
 * What `GET /metrics` tells Prometheus: HTTP requests and signaling commands by outcome, what this node holds
 * now (connections, rooms, participants, visitors waiting, agents online), and the process's own figures.
 * Labels are route patterns, command names and error codes, never ids: the series stay few, and no project,
 * room or person can be read from them.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MatchTotals } from '../bus/match-book.js';
import type { MatchGauges } from '../matching/coordinator.js';
import type { RoomTotals } from '../rooms/room-registry.js';

/** What this node holds at the moment of a scrape. */
export type NodeGauges = { connections: number } & RoomTotals & MatchGauges;

/** The process's figures (CPU, memory, event loop, GC): one set per process, however many apps it builds. */
let processRegistry: Registry | null = null;

export class ServiceMetrics {
  private readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'vcw_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'vcw_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly commands = new Counter({
    name: 'vcw_signaling_commands_total',
    help: 'Signaling commands answered, by command and outcome (ok, or the error code).',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly busErrors = new Counter({
    name: 'vcw_bus_errors_total',
    help: 'Failures of the Redis bus, by operation: connection, publish (room fan-out, sessions), rate-limit, lease, seats, knocks, recording.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly rateLimitFallbacks = new Counter({
    name: 'vcw_rate_limit_fallbacks_total',
    help: 'Shared rate limits (rest, handshakes) counted on this node alone because Redis did not answer.',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  private read: () => NodeGauges = () => ({
    connections: 0,
    rooms: 0,
    participants: 0,
    waiting: { random: 0, support: 0 },
    agentsOnline: 0,
  });

  constructor() {
    const metrics = this;
    const node = (name: string, help: string, value: (g: NodeGauges) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(value(metrics.read()));
        },
      });
    node('vcw_connections', 'Signaling connections open on this node.', (g) => g.connections);
    node('vcw_rooms_active', 'Rooms with at least one participant on this node.', (g) => g.rooms);
    node('vcw_participants', 'Participants seated in rooms on this node.', (g) => g.participants);
    new Gauge({
      name: 'vcw_queue_waiting',
      help: 'Visitors waiting in random and support queues on this node, by mode.',
      labelNames: ['mode'] as const,
      registers: [this.registry],
      collect() {
        const { waiting } = metrics.read();
        this.set({ mode: 'random' }, waiting.random);
        this.set({ mode: 'support' }, waiting.support);
      },
    });
    node('vcw_agents_online', 'Support agents online on this node.', (g) => g.agentsOnline);
  }

  /** Where the gauges read this node's state from, at each scrape. */
  observe(read: () => NodeGauges): void {
    this.read = read;
  }

  /**
   * With several nodes: the deployment's rooms and participants, read (from Redis) at each scrape; NaN (unknown)
   * when they cannot be read, rather than a stale or a zero count.
   */
  observeCluster(read: () => Promise<{ rooms: number; participants: number }>): void {
    const cluster = (name: string, help: string, key: 'rooms' | 'participants') =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          try {
            this.set((await read())[key]);
          } catch {
            this.set(NaN);
          }
        },
      });
    cluster(
      'vcw_cluster_rooms_active',
      'Rooms with at least one participant, on every node of the deployment.',
      'rooms',
    );
    cluster(
      'vcw_cluster_participants',
      'Participants seated in rooms, on every node of the deployment.',
      'participants',
    );
  }

  /**
   * With several nodes: visitors waiting in random and support queues, and support agents online, across the
   * deployment, read (from Redis) at each scrape; NaN when they cannot be read.
   */
  observeClusterQueues(read: () => Promise<MatchTotals>): void {
    new Gauge({
      name: 'vcw_cluster_queue_waiting',
      help: 'Visitors waiting in random and support queues, on every node of the deployment, by mode.',
      labelNames: ['mode'] as const,
      registers: [this.registry],
      async collect() {
        const totals = await read().catch(() => undefined);
        for (const mode of ['random', 'support'] as const) this.set({ mode }, totals?.waiting[mode] ?? NaN);
      },
    });
    new Gauge({
      name: 'vcw_cluster_agents_online',
      help: 'Support agents online, on every node of the deployment.',
      registers: [this.registry],
      async collect() {
        this.set((await read().catch(() => undefined))?.agentsOnline ?? NaN);
      },
    });
  }

  /** The text exposition format, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    if (!processRegistry) {
      processRegistry = new Registry();
      collectDefaultMetrics({ register: processRegistry, prefix: 'vcw_' });
    }
    const merged = Registry.merge([processRegistry, this.registry]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }
}
