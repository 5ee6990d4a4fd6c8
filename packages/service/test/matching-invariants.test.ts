/**
 * Matching under load: 200 real socket.io clients against a real service enter random and support queues,
 * leave, take calls, call next, report, hang up, lose their transport (and resume, or not), at random from a
 * seeded PRNG (the seed is printed; MATCHING_SEED=… replays a run). Afterwards, and all along:
 *
 * - nobody is matched twice at once (each client's own view never sees a second match over an open one, and the
 *   service's tickets of both sides agree at every `match:found`);
 * - nobody is matched with a connection that was gone before the pairing;
 * - nobody is lost: once things settle, every connected visitor is waiting (at the position the service holds,
 *   positions 1..n without gaps in every queue) or seated in its match room with its partner;
 * - no queue holds a disconnected connection, and the service holds nobody the clients let go.
 *
 * A second variant spreads the clients (visitors and agents) over three nodes on one Redis (TEST_REDIS_URL), in
 * the same random and support queues: matching shares every queue across nodes.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Socket as ServerSocket } from 'socket.io';
import { PROTOCOL_VERSION, type MatchFound, type QueueStatus } from '@vcw/shared';
import { ChaosConnection, seededRandom } from './helpers/chaos-client.js';
import { agentToken } from './helpers/matching.js';
import type { MatchTicket } from '../src/matching/coordinator.js';
import { buildService, SITE_ORIGIN, type TestService } from './helpers/service.js';
import { until } from './helpers/toolkit.js';
import { busesUp, describeWithRedis, startNodes } from './helpers/redis-nodes.js';

const SEED = process.env.MATCHING_SEED ? Number(process.env.MATCHING_SEED) : Math.floor(Math.random() * 2 ** 31);
const CLIENTS = 200;
const AGENTS = 10;
const CHAOS_MS = 8000;
const TICK_MS = 20;
const ACTIONS_PER_TICK = 15;
const TIMINGS = { joinDeadlineMs: 600, rematchAfterMs: 100 };
type Queues = Array<[mode: 'random' | 'support', queue: string, weight: number]>;
/** Where visitors go, and how often. */
const QUEUES: Queues = [
  ['random', 'lobby', 0.55],
  ['random', 'night', 0.15],
  ['support', 'help', 0.3],
];
const ENV = { RESUME_GRACE_SECONDS: '1', RATE_LIMIT_HANDSHAKES_PER_MINUTE: '0', RATE_LIMIT_SIGNALS_PER_SECOND: '0' };

/** Where the clients connect: one service, or several nodes of one deployment (client i on node i mod n). */
interface Deployment {
  nodes: TestService[];
  queues: Queues;
  agents: number;
}

interface Player {
  index: number;
  kind: 'visitor' | 'agent';
  visitorId: string;
  token?: string;
  current: ChaosConnection;
  all: ChaosConnection[];
}

const counts: Record<string, number> = {};
const count = (what: string) => (counts[what] = (counts[what] ?? 0) + 1);

describe('matching invariants under load', () => {
  it(`${CLIENTS} clients entering, leaving, dropping and calling next at random keep every invariant`, async (t) => {
    const service = await buildService(t, { env: ENV, matchTimings: TIMINGS });
    await keepsInvariants(t, { nodes: [service], queues: QUEUES, agents: AGENTS });
  });
});

describeWithRedis('matching invariants under load, across three nodes', () => {
  it(`${CLIENTS} clients spread over three nodes keep every invariant in random and support queues`, async (t) => {
    const { nodes } = await startNodes(t, 3, { env: ENV, matchTimings: TIMINGS });
    await busesUp(nodes);
    await keepsInvariants(t, { nodes, queues: QUEUES, agents: AGENTS });
  });
});

async function keepsInvariants(t: TestContext, { nodes, queues, agents: AGENTS }: Deployment): Promise<void> {
  const QUEUES = queues;
  const service = nodes[0]!;
  const nodeOf = (i: number) => nodes[i % nodes.length]!;
  const nodeOfConnection = new Map<ChaosConnection, TestService>();
  {
    console.log(`# matching invariants: seed ${SEED} (replay with MATCHING_SEED=${SEED}), ${nodes.length} node(s)`);
    const started = Date.now();
    const observed = observeService(nodes);
    const rng = seededRandom(SEED);
    const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(rng() * items.length)];
    let finale = false;

    const join = async (conn: ChaosConnection) => {
      // match:found may come before the acknowledgement of the command that paired it: join right after.
      for (let waited = 0; conn.pending && waited < 3000; waited += 5) await new Promise((r) => setTimeout(r, 5));
      const room = conn.match?.room;
      if (!room || conn.pending || conn.view !== 'matched') return;
      const result = await conn.send('room:join', { room });
      count(`join ${result}`);
      // An agent whose customer never came hears nothing more: its ticket is simply gone.
      if (result !== 'ok' && conn.kind === 'agent' && conn.view === 'matched' && conn.match?.room === room) {
        conn.view = 'idle';
        conn.match = undefined;
      }
    };
    const open = async (player: Player) => {
      const conn = new ChaosConnection({
        url: nodeOf(player.index).url,
        kind: player.kind,
        origin: player.kind === 'agent' ? 'https://console.partner.example' : SITE_ORIGIN,
        auth: player.token
          ? { protocol: PROTOCOL_VERSION, token: player.token }
          : { protocol: PROTOCOL_VERSION, apiKey: service.publishableKey },
        // Most join at once, as the widget does; a few dawdle (and may miss the deadline).
        onMatch: (c) => {
          if (finale || rng() < 0.85) void join(c);
        },
      });
      t.after(() => conn.client.disconnect());
      nodeOfConnection.set(conn, nodeOf(player.index));
      player.current = conn;
      player.all.push(conn);
      await conn.ready();
    };

    const tokens = await Promise.all(
      Array.from({ length: AGENTS }, (_, i) => agentToken(service, 'help', `Agent ${i}`)),
    );
    const players: Player[] = Array.from({ length: CLIENTS }, (_, i) => ({
      index: i,
      kind: i < AGENTS ? 'agent' : 'visitor',
      visitorId: `visitor-${SEED}-${i}`,
      ...(i < AGENTS ? { token: tokens[i] } : {}),
      current: undefined as unknown as ChaosConnection,
      all: [],
    }));
    await Promise.all(players.map(open));

    const enter = (conn: ChaosConnection, player: Player) => {
      let r = rng();
      const [mode, queue] = QUEUES.find(([, , weight]) => (r -= weight) < 0) ?? QUEUES[0]!;
      count(`enter ${mode}`);
      const media = rng() < 0.1 ? { microphone: false, camera: false, screen: false } : undefined;
      return conn.send('queue:enter', {
        mode,
        queue,
        ...(mode === 'random' ? { visitorId: player.visitorId } : { message: 'help me' }),
        ...(media ? { media } : {}),
      });
    };
    const visitorMove = async (conn: ChaosConnection, player: Player, r: number) => {
      const random = conn.match?.mode !== 'support';
      switch (conn.view) {
        case 'idle':
          if (r < 0.4) await enter(conn, player);
          else if (r < 0.41) (count('hang up'), conn.hangUp());
          return;
        case 'waiting':
          if (r < 0.03) (count('leave'), await conn.send('queue:leave', {}));
          else if (r < 0.045) (count('drop and resume'), conn.drop(false));
          else if (r < 0.05) (count('drop for good'), conn.drop(true));
          else if (r < 0.06) (count('hang up'), conn.hangUp());
          return;
        case 'pairing':
          if (r < 0.01) (count('leave'), await conn.send('queue:leave', {}));
          return;
        case 'matched':
          if (r < 0.6) await join(conn);
          else if (r < 0.62) (count('leave'), await conn.send('queue:leave', {}));
          return;
        case 'seated':
          if (random && r < 0.08) (count('next'), await conn.send('match:next', {}));
          else if (random && r < 0.085) (count('report'), await conn.send('match:report', { reason: 'spam' }));
          else if (r < 0.12) (count('room:leave'), await conn.send('room:leave', {}));
          else if (r < 0.13) (count('drop and resume'), conn.drop(false));
          else if (r < 0.133) (count('drop for good'), conn.drop(true));
          else if (r < 0.14) (count('hang up'), conn.hangUp());
          return;
        case 'over':
          await conn.send('room:leave', {});
          return;
      }
    };
    const agentMove = async (conn: ChaosConnection, r: number) => {
      switch (conn.view) {
        case 'idle': {
          const customers = conn.snapshot?.customers ?? [];
          if (r < 0.05) await conn.send('agent:status', { status: rng() < 0.7 ? 'online' : 'away', queue: 'help' });
          else if (r < 0.3) {
            const named = rng() < 0.3 ? pick(customers)?.customerId : undefined;
            count(`take ${await conn.send('agent:take', named ? { customerId: named } : {})}`);
          } else if (r < 0.32 && customers.length > 0) {
            count(
              `decline ${await conn.send('agent:decline', { customerId: pick(customers)?.customerId, reason: 'Not today.' })}`,
            );
          } else if (r < 0.322) (count('agent drop and resume'), conn.drop(false));
          return;
        }
        case 'matched':
          if (r < 0.8) await join(conn);
          return;
        case 'seated':
          if (r < 0.15) (count('agent room:leave'), await conn.send('room:leave', {}));
          return;
        case 'over':
          await conn.send('room:leave', {});
          return;
        default:
          return;
      }
    };
    const act = async (player: Player) => {
      const conn = player.current;
      if (conn.gone) {
        if (rng() < 0.05) (count('new connection'), await open(player));
        return;
      }
      if (conn.pending || !conn.connected) return;
      const r = rng();
      if (player.kind === 'agent') await agentMove(conn, r);
      else await visitorMove(conn, player, r);
    };

    // Chaos.
    const moves: Array<Promise<unknown>> = [];
    const chaosEnds = Date.now() + CHAOS_MS;
    while (Date.now() < chaosEnds) {
      for (let i = 0; i < ACTIONS_PER_TICK; i++) moves.push(act(players[Math.floor(rng() * players.length)]!));
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    await Promise.allSettled(moves);

    // Settle: every connected visitor ends waiting or in a call; nobody dawdles any more.
    finale = true;
    const live = () => players.map((p) => p.current).filter((c) => !c.gone);
    await until(() => live().every((c) => c.connected && !c.pending), 'every live client connected and idle', 5000);
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        players.map(async (player) => {
          const conn = player.current;
          if (conn.gone || conn.pending) return;
          if (conn.view === 'over' || (conn.kind === 'agent' && conn.view === 'seated' && round === 0 && rng() < 0.5))
            await conn.send('room:leave', {});
          if (conn.view === 'matched') await join(conn);
          if (conn.kind === 'visitor' && conn.view === 'idle') await enter(conn, player);
        }),
      );
      // Past the join deadline and the resume grace, then until nothing moves for a while.
      await settled(live, TIMINGS.joinDeadlineMs + 1200);
    }

    // Nobody matched twice at once, nor with a connection gone before the pairing.
    const everyone = players.flatMap((p) => p.all);
    assert.deepEqual(
      everyone.flatMap((c) => c.contradictions.map((why) => `${c.peerId}: ${why} | ${c.trail.slice(-6).join(' ; ')}`)),
      [],
    );
    assert.deepEqual(observed.problems, []);
    checkPairsAgree(everyone);

    // Nobody lost.
    const { matching } = service.app;
    const byPeer = new Map(everyone.filter((c) => !c.gone).map((c) => [c.peerId, c]));
    const positions = new Map<string, number[]>();
    for (const conn of live()) {
      const where = `${conn.kind} ${conn.peerId} (${conn.view}; ${conn.trail.slice(-12).join(' ; ')})`;
      if (conn.kind === 'visitor')
        assert.ok(conn.view === 'waiting' || conn.view === 'seated', `${where} is neither waiting nor in a call`);
      else assert.ok(conn.view === 'idle' || conn.view === 'seated', `${where} is stuck`);
      if (conn.view === 'waiting') {
        assert.equal(await matching.stateOf(conn.peerId), 'waiting', where);
        const [mode, queue] = conn.queue!.split('/') as ['random' | 'support', string];
        const line = await matching.waiting({ projectId: service.projectId, mode, queue });
        assert.equal(line.findIndex((e) => e.peerId === conn.peerId) + 1, conn.position, `${where} knows its position`);
        positions.set(conn.queue!, [...(positions.get(conn.queue!) ?? []), conn.position]);
      }
      if (conn.view === 'seated') {
        const ticket = await matching.ticketOf(conn.peerId);
        assert.equal(ticket?.room, conn.match?.room, `${where} holds the service's ticket`);
        const partner = byPeer.get(ticket!.partnerPeerId);
        assert.equal(partner?.view, 'seated', `${where}: its partner is in the call too`);
        assert.equal(partner?.match?.room, conn.match?.room);
        assert.ok(
          nodeOfConnection.get(conn)!.app.rooms.seat(`${service.projectId}/${conn.match?.room}`, conn.peerId),
          `${where} has its seat`,
        );
      }
      if (conn.view === 'idle') assert.equal(await matching.stateOf(conn.peerId), undefined, where);
    }
    for (const [queue, seen] of positions)
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        seen.map((_, i) => i + 1),
        `positions in ${queue}`,
      );

    // No queue holds a disconnected connection, nor one of the test's that was let go.
    for (const [mode, queue] of QUEUES) {
      for (const entry of await matching.waiting({ projectId: service.projectId, mode, queue })) {
        assert.ok(
          nodes.some(({ app }) => app.io.sockets.sockets.get(entry.socketId)?.connected),
          `${entry.peerId} waits in ${mode}/${queue} without a connection`,
        );
        assert.equal(entry.suspended, false);
        assert.ok(byPeer.has(entry.peerId), `${entry.peerId} waits in ${mode}/${queue} but its client let go`);
      }
    }
    for (const conn of everyone) {
      for (const peerId of [...conn.formerPeerIds, ...(conn.gone ? [conn.peerId] : [])]) {
        assert.equal(
          await matching.stateOf(peerId),
          undefined,
          `${peerId} was let go but is still in matching: ${conn.trail.join(' ; ')}`,
        );
      }
    }

    const matches = new Set(everyone.flatMap((c) => c.founds.map((f) => f.room))).size;
    const elapsed = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `# matching invariants: ${everyone.length} connections, ${matches} matches, ${observed.absentPartners()} matches delivered to a dropped partner, ${elapsed} s`,
    );
    console.log(
      `# ${Object.entries(counts)
        .sort()
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}`,
    );
    assert.ok(matches > 50, `a busy run (${matches} matches)`);
  }
}

/**
 * Watches the service itself: at every `match:found` it sends, both sides hold the service's ticket for that
 * room (read in the same step on one node; across nodes the tickets are in Redis, read later, and checked at
 * the end instead), and a partner that is not connected dropped after this side was paired (it may still resume).
 * Across nodes a drop counts once matching knows of it: once the partner's node told Redis (its suspend or
 * disconnect answered); a pairing decided in Redis a moment before is no violation.
 */
function observeService(nodes: TestService[]): { problems: string[]; absentPartners: () => number } {
  const problems: string[] = [];
  const sockets = new Map<string, ServerSocket>();
  const droppedAt = new Map<string, number>();
  const pairedAt = new Map<string, number>();
  let seq = 0;
  let absent = 0;
  for (const { app } of nodes) {
    const { matching } = app;
    if (matching.shared) {
      for (const method of ['suspend', 'disconnected'] as const) {
        const tell = matching[method].bind(matching);
        matching[method] = async (peerId: string) => {
          await tell(peerId);
          if (!sockets.get(peerId)?.connected && !droppedAt.has(peerId)) droppedAt.set(peerId, ++seq);
        };
      }
    }
  }
  for (const { app } of nodes)
    app.io.on('connection', (socket) => {
      const { matching } = app;
      const { peerId } = socket.data;
      sockets.set(peerId, socket);
      droppedAt.delete(peerId);
      if (!matching.shared) socket.on('disconnect', () => droppedAt.set(peerId, ++seq));
      // A command that may pair this connection, taken as the earliest moment it could be paired.
      socket.onAny((event: string) => {
        if (
          ['queue:enter', 'match:next', 'match:report', 'agent:take'].includes(event) &&
          (matching.shared || matching.stateOf(peerId) !== 'matched')
        )
          pairedAt.set(peerId, ++seq);
      });
      socket.onAnyOutgoing((event: string, payload: unknown) => {
        seq++;
        // Across nodes a status is emitted a moment after the script that decided it: the commands alone date the pairing.
        if (!matching.shared && event === 'queue:update' && (payload as QueueStatus).status === 'matched')
          pairedAt.set(peerId, seq);
        if (event !== 'match:found') return;
        const { room, partner } = payload as MatchFound;
        // Read in the same step as the emit: the in-process coordinator answers synchronously.
        if (!matching.shared) {
          const mine = matching.ticketOf(peerId) as MatchTicket | undefined;
          const theirs = matching.ticketOf(partner.peerId) as MatchTicket | undefined;
          if (mine?.room !== room || mine.partnerPeerId !== partner.peerId)
            problems.push(`${peerId} was sent ${room} but holds ${JSON.stringify(mine)}`);
          if (theirs?.room !== room || theirs.partnerPeerId !== peerId)
            problems.push(`${partner.peerId}, matched with ${peerId} in ${room}, holds ${JSON.stringify(theirs)}`);
        }
        if (sockets.get(partner.peerId)?.connected) return;
        absent++;
        const dropped = droppedAt.get(partner.peerId);
        // Across nodes, a drop its node has not told Redis of yet is not known to matching.
        const unknown = dropped === undefined && matching.shared;
        if (!unknown && (dropped === undefined || dropped < (pairedAt.get(peerId) ?? Infinity)))
          problems.push(
            `${peerId} was matched with ${partner.peerId}, which had dropped before the pairing (dropped at ${dropped}, paired at ${pairedAt.get(peerId)}, found at ${seq}, in ${room})`,
          );
      });
    });
  return { problems, absentPartners: () => absent };
}

/** Every match any client heard of names two clients that heard of it with each other, or one whose partner left first. */
function checkPairsAgree(connections: ChaosConnection[]): void {
  const byRoom = new Map<string, Array<{ peerId: string; partner: string }>>();
  for (const conn of connections)
    for (const found of conn.founds)
      byRoom.set(found.room, [...(byRoom.get(found.room) ?? []), { peerId: found.by, partner: found.partner.peerId }]);
  for (const [room, sides] of byRoom) {
    assert.ok(sides.length <= 2, `${room} was found by ${sides.length} connections`);
    const [a, b] = sides;
    if (a && b) assert.deepEqual([a.partner, b.partner], [b.peerId, a.peerId], `${room}: both sides name each other`);
  }
}

/** Waits at least `minMs`, then until no client's view has changed for 400 ms (at most 5 s more). */
async function settled(live: () => ChaosConnection[], minMs: number): Promise<void> {
  await new Promise((r) => setTimeout(r, minMs));
  const fingerprint = () =>
    live()
      .map((c) => `${c.peerId}:${c.view}:${c.position}:${c.match?.room ?? ''}:${c.pending ?? ''}`)
      .join(',');
  let last = fingerprint();
  let still = Date.now();
  const deadline = Date.now() + 5000;
  while (Date.now() - still < 400 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    const now = fingerprint();
    if (now !== last) [last, still] = [now, Date.now()];
  }
}
