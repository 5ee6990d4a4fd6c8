/**
 * When to try the signaling connection again after it was lost or refused. Capped exponential backoff with
 * jitter: a service back from a restart is found within a few seconds, and a thousand widgets that lost it at
 * the same instant do not all knock at the same instant.
 */

/** Why the connection is being retried. */
export type RetryCause =
  /** The transport dropped or could not be opened (network, service down). */
  | 'network'
  /** The service closed the connection without saying why (it stopped, or restarted). */
  | 'service-closed'
  /** The service said it is draining (SIGTERM) and asked to reconnect within `withinMs`. */
  | 'draining'
  /** The service turned the connection away for coming too often. */
  | 'rate-limited';

export interface RetryContext {
  /** 0 for the first retry after the connection was lost, counting up until one succeeds. */
  attempt: number;
  cause: RetryCause;
  /** For `draining`: the window the service asked reconnections to be spread over. */
  withinMs?: number;
}

export interface ReconnectPolicy {
  /** Milliseconds to wait before the next attempt, or null to stop trying. */
  nextRetryDelayInMs(context: RetryContext): number | null;
}

export interface BackoffOptions {
  /** First delay (before jitter). */
  initialMs?: number;
  /** Largest delay (before jitter). */
  maxMs?: number;
  /** Each delay is spread over ±`jitter` of itself. */
  jitter?: number;
  /** Wait after a `rate_limited` refusal: this, plus up to as much again. */
  rateLimitedMs?: number;
  /** Source of randomness in [0, 1); replaceable so the policy can be checked exactly. */
  random?: () => number;
}

/** The widget's policy: 0.5 s doubling, ±50 %, never more than 3 s; never gives up (a refusal by the service stops it). */
export class BackoffPolicy implements ReconnectPolicy {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly jitter: number;
  private readonly rateLimitedMs: number;
  private readonly random: () => number;

  constructor({
    initialMs = 500,
    maxMs = 3000,
    jitter = 0.5,
    rateLimitedMs = 5000,
    random = Math.random,
  }: BackoffOptions = {}) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.jitter = jitter;
    this.rateLimitedMs = rateLimitedMs;
    this.random = random;
  }

  nextRetryDelayInMs({ attempt, cause, withinMs }: RetryContext): number {
    switch (cause) {
      case 'rate-limited':
        return this.rateLimitedMs * (1 + this.random());
      case 'draining':
        // Asked to go: spread over the window the service gave. Later attempts (the node was the only one
        // and is still restarting) back off as for a lost service.
        if (attempt === 0) return Math.round((withinMs ?? this.initialMs) * this.random());
        return this.backoff(attempt - 1);
      case 'service-closed':
      case 'network':
        return this.backoff(attempt);
    }
  }

  private backoff(attempt: number): number {
    // Jittered, then capped: a service that is back is found within `maxMs` at worst.
    const base = this.initialMs * 2 ** Math.min(attempt, 30);
    return Math.round(Math.min(this.maxMs, base * (1 - this.jitter + 2 * this.jitter * this.random())));
  }
}
