/**
 * Live connections stay bound to what admitted them. Every `intervalMs` the service looks up, in one batch,
 * the keys and projects its connections stand on, and closes each connection whose publishable key was
 * revoked (or expired after a roll), whose page origin was removed from the project, or whose project is gone
 * (token connections too): `session:closed` with the code a new connection would get, then disconnect.
 * The admin CLI changes the store from another process, so polling the store is how every node learns of it,
 * on SQLite and PostgreSQL alike.
 */
import { errorBody, type ErrorBody } from '@vcw/shared';
import type { LiveCredentials } from '../store/project-store.js';
import type { SignalingContext, SignalingSocket } from './context.js';
import { closeSession } from './sockets.js';

/** How often live connections are checked: a revoked key ends its calls within this (and one store round trip). */
export const CREDENTIAL_CHECK_INTERVAL_MS = 500;

export class CredentialWatch {
  private timer?: ReturnType<typeof setInterval>;
  private running: Promise<void> | null = null;

  constructor(
    private readonly ctx: SignalingContext,
    private readonly intervalMs = CREDENTIAL_CHECK_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return; // a slow store: skip a tick rather than pile up
      this.running = this.check()
        .catch((err: unknown) => this.ctx.log.warn({ err }, 'could not check live connections against the store'))
        .finally(() => (this.running = null));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every connection of this node. */
  async check(): Promise<void> {
    const sockets = [...this.ctx.io.of('/').sockets.values()];
    if (sockets.length === 0) return;
    const keyIds = new Set<string>();
    const projectIds = new Set<string>();
    for (const socket of sockets) {
      if (socket.data.keyId) keyIds.add(socket.data.keyId);
      if (socket.data.projectId) projectIds.add(socket.data.projectId);
    }
    const live = await this.ctx.projects.liveCredentials([...keyIds], [...projectIds]);
    for (const socket of sockets) {
      const refusal = socket.connected ? refusalOf(socket, live) : null;
      if (refusal) this.close(socket, refusal);
    }
  }

  private close(socket: SignalingSocket, refusal: ErrorBody): void {
    this.ctx.log.info(
      { socket: socket.id, project: socket.data.projectId, code: refusal.code },
      'connection closed: its credentials no longer hold',
    );
    closeSession(socket, refusal);
  }
}

/** Why a connection may no longer stay, as the code a new connection with its credentials would get; null if it may. */
function refusalOf(socket: SignalingSocket, live: LiveCredentials): ErrorBody | null {
  const { projectId, keyId, origin } = socket.data;
  if (!projectId) return null; // still in its handshake
  const origins = live.origins.get(projectId);
  if (!origins)
    return errorBody(keyId ? 'api_key_invalid' : 'token_invalid', 'The project of this connection no longer exists.');
  if (!keyId) return null; // a token: checked when it connected; its project still exists
  if (live.keys.get(keyId) !== projectId)
    return errorBody('api_key_invalid', 'The publishable key of this connection was revoked.');
  if (origin && !origins.has(origin))
    return errorBody('origin_not_allowed', `The origin ${origin} was removed from this project's allowed origins.`);
  return null;
}
