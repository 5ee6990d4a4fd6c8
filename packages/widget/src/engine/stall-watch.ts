/**
 * Notices a media path that went silent before the browser does. Chromium reports `disconnected` only some
 * 5 s after a relay loses its allocations (a TURN server restarted); a link whose inbound bytes were rising
 * and then stay flat for `STALL_MS` gets its ICE restarted at once instead. A participant that sends
 * nothing at all (no camera, no microphone) never had rising bytes, so it is never mistaken for a stall.
 */
const STALL_MS = 1_000;
/** A restart needs a moment to take effect; do not ask for another meanwhile. */
const RESTART_BACKOFF_MS = 5_000;

interface Flow {
  bytes: number;
  changedAt: number;
  flowing: boolean;
  restartedAt: number;
}

export class StallWatch {
  private readonly flows = new Map<string, Flow>();

  /**
   * Feeds one sample of a connected link: `stalled` when its ICE should be restarted now, `flowing` when
   * media arrived since the last sample, `steady` otherwise.
   */
  sample(peerId: string, bytesIn: number, now: number): 'stalled' | 'flowing' | 'steady' {
    const flow = this.flows.get(peerId);
    if (!flow) {
      this.flows.set(peerId, { bytes: bytesIn, changedAt: now, flowing: false, restartedAt: -Infinity });
      return 'steady';
    }
    if (bytesIn !== flow.bytes) {
      flow.flowing = true;
      flow.bytes = bytesIn;
      flow.changedAt = now;
      return 'flowing';
    }
    if (!flow.flowing || now - flow.changedAt < STALL_MS || now - flow.restartedAt < RESTART_BACKOFF_MS)
      return 'steady';
    flow.restartedAt = now;
    return 'stalled';
  }

  /** Forgets links no longer connected: their counters start over with the next connection. */
  keepOnly(peerIds: Set<string>): void {
    for (const peerId of this.flows.keys()) if (!peerIds.has(peerId)) this.flows.delete(peerId);
  }
}
