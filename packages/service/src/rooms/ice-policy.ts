/** Which ICE candidates a room's calls may use: what the signaling join and the REST room view both report. */
import type { IceTransportPolicy } from '@vcw/shared';

/** A room may make itself relay-only; a relay-only service makes every room so. */
export function effectivePolicy(service: IceTransportPolicy, room: IceTransportPolicy | null): IceTransportPolicy {
  return service === 'relay' || room === 'relay' ? 'relay' : 'all';
}
