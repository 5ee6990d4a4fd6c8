/**
 * Join tokens: short-lived JWTs (HS256) minted through the REST API. A room token grants one room, one role
 * and optionally one display name; it is the only way into a private room. An agent token grants serving one
 * support queue under one name. The widget connects with either instead of a publishable key. Any other
 * algorithm (including `none`), a bad signature, expiry, a future `nbf` or a malformed payload is refused
 * with its own code.
 */
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { JWTPayload } from 'jose';
import { ParticipantRole, QueueName, RoomName } from '@vcw/shared';
import { ServiceError } from '../errors.js';

/** jose, loaded with the first token: a service whose sites use keys alone never loads it. */
const jose = () => import('jose');

const ISSUER = 'vcw';
const AUDIENCE = 'vcw:join';
// Its own audience, so neither kind of token can ever be read as the other.
const AGENT_AUDIENCE = 'vcw:agent';

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

const AgentClaims = Type.Object({
  pid: Type.String({ minLength: 1 }),
  queue: QueueName,
  role: Type.Literal('agent'),
  name: Type.String({ minLength: 1, maxLength: 64 }),
  jti: Type.String({ minLength: 1 }),
  exp: Type.Integer(),
});
const checkAgentClaims = TypeCompiler.Compile(AgentClaims);

/** What a verified room token grants. */
export interface JoinGrant {
  projectId: string;
  roomId: string;
  room: string;
  role: Static<typeof ParticipantRole>;
  displayName?: string;
  tokenId: string;
}

/** What a verified agent token grants: serving one support queue of the project, as `displayName`. */
export interface AgentGrant {
  projectId: string;
  queue: string;
  displayName: string;
  tokenId: string;
}

/** A verified token of either kind. */
export type TokenGrant = ({ kind: 'room' } & JoinGrant) | ({ kind: 'agent' } & AgentGrant);

interface Minted {
  token: string;
  expiresAt: string;
  tokenId: string;
}

export class JoinTokens {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async mint(grant: Omit<JoinGrant, 'tokenId'>, ttlSeconds: number): Promise<Minted> {
    const claims = {
      pid: grant.projectId,
      rid: grant.roomId,
      room: grant.room,
      role: grant.role,
      ...(grant.displayName ? { name: grant.displayName } : {}),
    };
    return this.sign(claims, AUDIENCE, ttlSeconds);
  }

  /** Mints an agent token for one support queue. */
  async mintAgent(grant: Omit<AgentGrant, 'tokenId'>, ttlSeconds: number): Promise<Minted> {
    return this.sign(
      { pid: grant.projectId, queue: grant.queue, role: 'agent', name: grant.displayName },
      AGENT_AUDIENCE,
      ttlSeconds,
    );
  }

  /**
   * Checks a token's signature and claims. `acceptExpired`: a token past its expiry is still accepted (a
   * connection it admitted that comes back after a drop resumes; the expiry bounds admission, not the call).
   */
  async verify(token: string, { acceptExpired = false }: { acceptExpired?: boolean } = {}): Promise<TokenGrant> {
    const { errors, jwtVerify } = await jose();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: [AUDIENCE, AGENT_AUDIENCE],
      }));
    } catch (error) {
      // jose checks the expiry after the signature, issuer and audience: an expired token's payload is authentic.
      if (error instanceof errors.JWTExpired && acceptExpired) payload = error.payload;
      else if (error instanceof errors.JWTExpired) throw new ServiceError('token_expired');
      else if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf')
        throw new ServiceError('token_not_yet_valid');
      else throw new ServiceError('token_invalid');
    }
    return this.grantOf(payload);
  }

  private grantOf(payload: JWTPayload): TokenGrant {
    // jose accepted one of the two audiences; an `aud` naming both would leave the kind ambiguous.
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (audiences.length !== 1) throw new ServiceError('token_invalid');
    if (audiences[0] === AGENT_AUDIENCE) {
      if (!checkAgentClaims.Check(payload)) throw new ServiceError('token_invalid');
      return {
        kind: 'agent',
        projectId: payload.pid,
        queue: payload.queue,
        displayName: payload.name,
        tokenId: payload.jti,
      };
    }
    if (!checkClaims.Check(payload)) throw new ServiceError('token_invalid');
    return {
      kind: 'room',
      projectId: payload.pid,
      roomId: payload.rid,
      room: payload.room,
      role: payload.role,
      tokenId: payload.jti,
      ...(payload.name ? { displayName: payload.name } : {}),
    };
  }

  private async sign(claims: Record<string, string>, audience: string, ttlSeconds: number): Promise<Minted> {
    const { SignJWT } = await jose();
    const tokenId = randomUUID();
    const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setJti(tokenId)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000).toISOString(), tokenId };
  }
}
