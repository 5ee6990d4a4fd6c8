/**
 * Seats kept through a dropped connection. When a socket drops without hanging up (network loss, a closed
 * laptop lid), its seat stays taken for the resume grace period: Socket.io's connection state recovery
 * brings the same socket id, data and rooms back, with the messages sent meanwhile, so the call carries on
 * as if nothing happened. If nobody comes back in time, the seat is vacated with reason `timeout`.
 */
/** Reasons after which Socket.io never recovers a socket: a hang-up, or the service letting go of it. */
const FINAL_DISCONNECTS = new Set([
  'client namespace disconnect',
  'server namespace disconnect',
  'server shutting down',
]);

export class SeatHolds {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(readonly graceMs: number) {}

  /** Whether a socket that disconnected for `reason` may still come back (and so keeps its seat meanwhile). */
  mayResume(reason: string): boolean {
    return this.graceMs > 0 && !FINAL_DISCONNECTS.has(reason);
  }

  /** Keeps a socket's seat for the grace period; `expire` frees it if the socket has not resumed by then. */
  hold(socketId: string, expire: () => void): void {
    this.release(socketId);
    this.timers.set(
      socketId,
      setTimeout(() => {
        this.timers.delete(socketId);
        expire();
      }, this.graceMs),
    );
  }

  /** The socket came back: its seat is no longer on hold. False when it was not (or no longer) held. */
  resume(socketId: string): boolean {
    return this.release(socketId);
  }

  /** Forgets every hold without expiring it (the service is closing). */
  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private release(socketId: string): boolean {
    const timer = this.timers.get(socketId);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.timers.delete(socketId);
    return true;
  }
}
