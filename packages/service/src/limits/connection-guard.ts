import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** How many steps the silence window is swept in: a silent connection closes within 1/SLOTS of `silentMs` late. */
const SLOTS = 10;

/**
 * Bounds on raw TCP connections, before any HTTP: one that has not sent a byte within `silentMs` is closed
 * (Node's `headersTimeout` only starts at the first byte of a request, and the idle timeout must stay longer
 * than a long poll, so without this a connection that never speaks holds a file descriptor for 30 s); and an
 * address holding more than `perAddress` open is refused at once (0: no limit). The signaling handshake
 * answers the same cap with `rate_limited`; this only keeps a flood of bare connections from one machine from
 * exhausting the file descriptors everyone else needs.
 */
export function guardConnections(app: FastifyInstance, silentMs: number, perAddress: number): void {
  const silence = new SilenceSweep(silentMs);
  app.addHook('onClose', async () => silence.stop());
  const open = new Map<string, number>();
  // One listener for every socket (called on the one that closed); its address was read, and kept, on arrival.
  function closed(this: Socket) {
    const address = this.remoteAddress ?? '';
    const left = (open.get(address) ?? 1) - 1;
    if (left > 0) open.set(address, left);
    else open.delete(address);
  }
  app.server.on('connection', (socket: Socket) => {
    if (perAddress > 0) {
      const address = socket.remoteAddress ?? '';
      const count = (open.get(address) ?? 0) + 1;
      if (count > perAddress) {
        socket.destroy();
        return;
      }
      open.set(address, count);
      // Only counted connections listen for their close: without a cap, a socket keeps no listener of ours.
      socket.on('close', closed);
    }
    silence.watch(socket);
  });
}

/**
 * The connections that have not sent a byte yet, in a wheel of `SLOTS` sets, one per step of `silentMs / SLOTS`:
 * one timer for all of them rather than one each (a timer per connection was ~250 B of garbage per connect).
 * Each step, the slot of those that arrived a whole window ago is swept: the silent ones are closed, the rest
 * (spoken or gone) forgotten. A socket is thus closed between `silentMs` and `silentMs` plus a step after it
 * arrived; one that closed meanwhile is only referenced until its slot comes round.
 */
class SilenceSweep {
  private readonly slots = Array.from({ length: SLOTS + 1 }, () => new Set<Socket>());
  private current = 0;
  private watched = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly silentMs: number) {}

  watch(socket: Socket): void {
    this.slots[this.current]!.add(socket);
    this.watched++;
    if (!this.timer) {
      this.timer = setInterval(() => this.step(), Math.max(1, this.silentMs / SLOTS));
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * The slot that becomes current again holds those that arrived while it was current last, SLOTS + 1 steps
   * ago: more than a whole window (SLOTS steps), however late in that step they came.
   */
  private step(): void {
    this.current = (this.current + 1) % this.slots.length;
    const due = this.slots[this.current]!;
    for (const socket of due) if (socket.bytesRead === 0 && !socket.destroyed) socket.destroy();
    this.watched -= due.size;
    due.clear();
    if (this.watched === 0) this.stop();
  }
}
