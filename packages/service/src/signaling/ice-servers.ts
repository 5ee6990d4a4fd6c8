/**
 * The ICE servers a participant gets: STUN as configured, and TURN with credentials minted for this peer
 * (TURN REST scheme, `TURN_TTL_SECONDS`). They are minted again for every session and join, so a widget that
 * restarts ICE after a reconnect or a join always holds credentials the relay still accepts.
 */
import { IceServersRequest, type IceServer } from '@vcw/shared';
import { mintTurnCredential } from '../auth/turn-credentials.js';
import type { Config } from '../config.js';
import { command } from './guards.js';

/** `ice:servers`: a widget about to restart ICE asks for credentials the relay will still accept. */
export const iceServersCommands = [
  command('ice:servers', IceServersRequest, (_request, socket, ctx) => ({
    iceServers: ctx.iceServersFor(socket.data.peerId),
  })),
];

export function iceServers(
  config: Pick<Config, 'stunUrls' | 'turnUrls' | 'turnSecret' | 'turnTtlSeconds'>,
): (peerId: string) => IceServer[] {
  const stun: IceServer[] = config.stunUrls.length > 0 ? [{ urls: config.stunUrls }] : [];
  const { turnUrls, turnSecret, turnTtlSeconds } = config;
  if (turnUrls.length === 0 || !turnSecret) return () => stun;
  return (peerId) => {
    const { username, credential } = mintTurnCredential(turnSecret, peerId, turnTtlSeconds);
    return [...stun, { urls: turnUrls, username, credential }];
  };
}
