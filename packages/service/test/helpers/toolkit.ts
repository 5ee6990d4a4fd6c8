/**
 * The service tests' one toolkit: waiting for a condition, recording what a client hears, proving that
 * something did *not* arrive with an ordering barrier (never a sleep), and a clock that moves only when told.
 */
import assert from 'node:assert/strict';
import type { ServerToClientEvents } from '@vcw/shared';
import type { Clock } from '../../src/clock.js';
import { command, serviceOf, type Client } from './service.js';

/** Resolves once `predicate` holds, checking every few milliseconds. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

type Payload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];
const listen = (client: Client) => client as unknown as { on(event: string, listener: (payload: never) => void): void };

/** Every `event` the client receives from now on, in order. */
export function collect<E extends keyof ServerToClientEvents>(client: Client, event: E): Array<Payload<E>> {
  const seen: Array<Payload<E>> = [];
  listen(client).on(event, (payload: never) => seen.push(payload));
  return seen;
}

/** Every one of `events` the client receives from now on, interleaved in the order they came. */
export function record(
  client: Client,
  events: ReadonlyArray<keyof ServerToClientEvents>,
): Array<{ event: string; payload: unknown }> {
  const heard: Array<{ event: string; payload: unknown }> = [];
  for (const event of events) listen(client).on(event, (payload: never) => heard.push({ event, payload }));
  return heard;
}

/**
 * An ordering barrier: sends a marker on `client`'s connection and resolves once the service has answered it.
 * The service answers the marker at once (the command guard refuses its payload before any handler runs) on the
 * same connection, so everything it emitted to this client before reading the marker has arrived by then.
 * After a command whose effects are emitted before its acknowledgement, `await barrier(other)` proves that
 * `other` was not sent something, without sleeping.
 */
export async function barrier(client: Client): Promise<void> {
  const reply = await command(client, 'queue:leave', 'ordering barrier');
  assert.ok(!reply.ok && reply.error.code === 'invalid_payload', `the barrier was answered ${JSON.stringify(reply)}`);
  // On the Redis bus a broadcast reaches the client once Redis has taken it, possibly after that answer: a marker
  // the service sends it through the same adapter afterwards arrives after every broadcast its node sent before.
  const service = serviceOf(client);
  if (service?.app.bus.adapter && client.id) {
    const marker = new Promise<void>((resolve) =>
      (client as unknown as { once(event: string, listener: () => void): void }).once(BARRIER_EVENT, resolve),
    );
    (service.app.io.to(client.id) as unknown as { emit(event: string): void }).emit(BARRIER_EVENT);
    await marker;
  }
}

/** The marker of `barrier` on the Redis bus: an event no client listens to otherwise. */
const BARRIER_EVENT = 'test:barrier';

/** A clock that moves only when told; its timers run when their time comes, in the order they fall due. */
export class TestClock implements Clock {
  private nowMs: number;
  private readonly timers = new Map<number, { at: number; run: () => void }>();
  private nextId = 1;

  constructor(start = Date.parse('2030-01-01T00:00:00.000Z')) {
    this.nowMs = start;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(run: () => void, ms: number): ReturnType<typeof setTimeout> {
    const id = this.nextId++;
    this.timers.set(id, { at: this.nowMs + Math.max(0, ms), run });
    return id as unknown as ReturnType<typeof setTimeout>;
  }

  clearTimeout(timer: ReturnType<typeof setTimeout> | undefined): void {
    if (timer !== undefined) this.timers.delete(timer as unknown as number);
  }

  /** When the earliest timer falls due (none: null). */
  nextTimerAt(): number | null {
    const times = [...this.timers.values()].map((t) => t.at);
    return times.length > 0 ? Math.min(...times) : null;
  }

  /** Moves to `at`, running each timer due by then at its own time (timers they set run too, if due). */
  advanceTo(at: number): void {
    for (;;) {
      const due = [...this.timers].filter(([, timer]) => timer.at <= at).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.timers.delete(id);
      this.nowMs = Math.max(this.nowMs, timer.at);
      timer.run();
    }
    this.nowMs = Math.max(this.nowMs, at);
  }

  /** Moves `ms` forward. */
  advance(ms: number): void {
    this.advanceTo(this.nowMs + ms);
  }
}
