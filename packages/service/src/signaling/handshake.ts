/**
 * The connection guard: attempts per client address, protocol version, then either a token (a room's join
 * token, or a support agent's) or a publishable key and the page's `Origin` against the project's allowed
 * origins. It runs on the first request of every connection, whichever transport it arrives on
 * (a polling handshake or a direct websocket upgrade), and again when a dropped connection is recovered (a key
 * revoked or an origin removed meanwhile ends it there). Failures reach the client as `connect_error` with
 * `data: {code, message}`.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { HandshakeAuth, PROTOCOL_VERSION } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import type { SignalingContext, SignalingSocket } from './context.js';
import { SharedIds } from './shared-ids.js';

const checkAuth = TypeCompiler.Compile(HandshakeAuth);
/** Project and key ids, one copy for every connection of a project (each process's own: they are only strings). */
const ids = new SharedIds();

type ConnectError = Error & { data?: unknown };

export function handshakeGuard(ctx: SignalingContext) {
  return (socket: SignalingSocket, next: (err?: ConnectError) => void): void => {
    authenticate(socket, ctx).then(
      () => next(),
      (error: unknown) => {
        const failure = error instanceof ServiceError ? error : new ServiceError('internal_error');
        if (!(error instanceof ServiceError)) ctx.log.error({ err: error }, 'handshake failed');
        else
          ctx.log.info({ code: failure.code, origin: socket.handshake.headers.origin ?? null }, 'connection refused');
        const refusal: ConnectError = new Error(failure.message);
        refusal.data = failure.toBody();
        next(refusal);
      },
    );
  };
}

/**
 * The origin of the page that opened the connection. Browsers send `Origin` on WebSocket upgrades and
 * cross-origin requests, but not on a same-origin GET (the polling handshake from a page served by this very
 * service); for that one, the browser-set `Sec-Fetch-Site: same-origin` vouches that the page is ours.
 */
function pageOrigin(headers: Record<string, string | string[] | undefined>, selfOrigin: string): string | null {
  const origin = headers.origin;
  if (typeof origin === 'string' && origin !== '' && origin !== 'null') return origin;
  return headers['sec-fetch-site'] === 'same-origin' ? selfOrigin : null;
}

async function authenticate(socket: SignalingSocket, ctx: SignalingContext): Promise<void> {
  const attempt = await ctx.limits.handshakes?.take(socket.handshake.address);
  if (attempt && !attempt.ok) {
    throw new ServiceError(
      'rate_limited',
      `Too many connection attempts from this address; retry in ${Math.ceil(attempt.retryAfterMs / 1000)} s.`,
    );
  }
  const auth: unknown = socket.handshake.auth;
  if (!checkAuth.Check(auth)) {
    const protocol = (auth as { protocol?: unknown } | null)?.protocol;
    if (protocol !== undefined && protocol !== PROTOCOL_VERSION) throw new ServiceError('protocol_unsupported');
    const first = checkAuth.Errors(auth).First();
    throw new ServiceError(
      'invalid_payload',
      `Invalid handshake auth${first ? ` at ${first.path || '(auth)'}: ${first.message}` : ''}.`,
    );
  }
  if (auth.protocol !== PROTOCOL_VERSION) {
    throw new ServiceError(
      'protocol_unsupported',
      `The service speaks protocol ${PROTOCOL_VERSION}; this client sent ${auth.protocol}.`,
    );
  }
  if (auth.token) {
    // A token is its own credential, minted by the partner's server for one room, or for an agent of one queue.
    // A recovered connection was admitted once: its token's expiry does not end it, the rest is checked again.
    const grant = await ctx.joinTokens.verify(auth.token, { acceptExpired: socket.recovered });
    if (!(await ctx.projects.findProject(grant.projectId))) throw new ServiceError('token_invalid');
    socket.data.projectId = ids.of(grant.projectId);
    if (grant.kind === 'agent') {
      socket.data.agent = { queue: grant.queue, displayName: grant.displayName };
      return;
    }
    socket.data.grant = {
      roomId: grant.roomId,
      room: grant.room,
      role: grant.role,
      tokenId: grant.tokenId,
      ...(grant.displayName ? { displayName: grant.displayName } : {}),
    };
    return;
  }
  if (!auth.apiKey) {
    throw new ServiceError(
      'auth_missing',
      'Connect with the publishable key of your project (the api-key attribute) or a join token.',
    );
  }
  const match = await ctx.projects.authenticateKey(auth.apiKey, 'publishable');
  if (!match) throw new ServiceError('api_key_invalid');

  const origin = pageOrigin(socket.handshake.headers, ctx.selfOrigin);
  if (!origin) {
    throw new ServiceError(
      'origin_not_allowed',
      'The request carried no Origin header; publishable keys only work from a web page on an allowed origin.',
    );
  }
  if (!match.project.allowedOrigins.includes(origin)) {
    throw new ServiceError(
      'origin_not_allowed',
      `The origin ${origin} is not allowed for this key. Add it to the project's allowed origins.`,
    );
  }
  socket.data.projectId = ids.of(match.project.id);
  socket.data.keyId = ids.of(match.key.id);
  socket.data.origin = origin;
  void ctx.projects
    .markKeyUsed(match.key.id)
    .catch((err: unknown) => ctx.log.warn({ err }, 'could not record key use'));
}
