/**
 * Join tokens: short-lived JWTs (HS256) minted through the REST API for one room, one role and optionally one
 * display name. The widget connects with one instead of a publishable key; it is the only way into a private
 * room. Any other algorithm (including `none`), a bad signature, expiry, a future `nbf` or a malformed
 * payload is refused with its own code.
 */
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ParticipantRole, RoomName } from '@vcw/shared';
import { ServiceError } from '../errors.js';

const ISSUER = 'vcw';
const AUDIENCE = 'vcw:join';

const Claims = Type.Object({
  pid: Type.String({ minLength: 1 }),
  rid: Type.String({ minLength: 1 }),
  room: RoomName,
  role: ParticipantRole,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  jti: Type.String({ minLength: 1 }),
  exp: Type.Integer(),
});
const checkClaims = TypeCompiler.Compile(Claims);

/** What a verified token grants. */
export interface JoinGrant {
  projectId: string;
  roomId: string;
  room: string;
  role: Static<typeof ParticipantRole>;
  displayName?: string;
  tokenId: string;
}

export class JoinTokens {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async mint(grant: Omit<JoinGrant, 'tokenId'>, ttlSeconds: number): Promise<{ token: string; expiresAt: string; tokenId: string }> {
    const tokenId = randomUUID();
    const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
    const token = await new SignJWT({ pid: grant.projectId, rid: grant.roomId, room: grant.room, role: grant.role, ...(grant.displayName ? { name: grant.displayName } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setJti(tokenId)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000).toISOString(), tokenId };
  }

  async verify(token: string): Promise<JoinGrant> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new ServiceError('token_expired');
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') throw new ServiceError('token_not_yet_valid');
      throw new ServiceError('token_invalid');
    }
    if (!checkClaims.Check(payload)) throw new ServiceError('token_invalid');
    return { projectId: payload.pid, roomId: payload.rid, room: payload.room, role: payload.role, tokenId: payload.jti, ...(payload.name ? { displayName: payload.name } : {}) };
  }
}
