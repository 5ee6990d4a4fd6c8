import { Type, type Static } from '@sinclair/typebox';
import { NAME_PATTERN } from '../protocol.js';

/** A room name: letters, digits, `_ . -`, 1–64 characters, starting with a letter or digit. */
export const RoomName = Type.String({ pattern: `^${NAME_PATTERN}$`, maxLength: 64 });
export type RoomName = Static<typeof RoomName>;

/** A peer id as minted by the service for one seat in one room. */
export const PeerId = Type.String({ pattern: '^[A-Za-z0-9_-]{8,40}$', maxLength: 40 });
export type PeerId = Static<typeof PeerId>;

/**
 * `all`: browsers may connect directly. `relay`: only through TURN, so participants never learn each other's
 * IP addresses (set for the whole service, or per room).
 */
export const IceTransportPolicy = Type.Union([Type.Literal('all'), Type.Literal('relay')], {
  description:
    "relay: every call in the room goes through TURN, so participants never see each other's IP addresses. A relay-only service makes every room relay-only.",
});
export type IceTransportPolicy = Static<typeof IceTransportPolicy>;

/** Name shown to the other participants. */
export const DisplayName = Type.String({ minLength: 1, maxLength: 64 });
export type DisplayName = Static<typeof DisplayName>;

/** Every reply to a command: success with its result, or an error code. */
export type Ack<T extends object = Record<never, never>> =
  ({ ok: true } & T) | { ok: false; error: import('../errors.js').ErrorBody };
