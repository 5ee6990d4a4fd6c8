/**
 * Connections open at once per client address, counted at the transport (from the moment a connection is
 * opened, before its handshake completes) so a burst of handshakes cannot slip past the count. Over the cap,
 * the handshake is refused with `rate_limited`: generous enough for an office behind one NAT, too few to
 * exhaust the node's file descriptors from one machine.
 */
export class OpenConnections {
  private readonly byAddress = new Map<string, number>();

  /** `cap` 0: no limit. */
  constructor(readonly cap: number) {}

  opened(address: string): void {
    this.byAddress.set(address, (this.byAddress.get(address) ?? 0) + 1);
  }

  closed(address: string): void {
    const left = (this.byAddress.get(address) ?? 1) - 1;
    if (left <= 0) this.byAddress.delete(address);
    else this.byAddress.set(address, left);
  }

  /** Whether the address holds more connections than the cap (the one asking included). */
  over(address: string): boolean {
    return this.cap > 0 && (this.byAddress.get(address) ?? 0) > this.cap;
  }
}
