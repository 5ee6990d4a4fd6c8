/**
 * The widget tests' one toolkit: waiting for a condition, recording an element's events, and proving that
 * something did *not* arrive with an ordering barrier on the widget's own service connection (never a sleep).
 * Imports no element code, so the view tests (which render views alone) use it too.
 */
import type { VideoChatWidget } from '../src/element/video-chat-widget.js';

/** Waits until `condition` returns a truthy value, polling every 20 ms; resolves with that value. */
export async function until<T>(
  condition: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every one of `types` that `target` dispatches from now on, in order. */
export function record(target: EventTarget, types: readonly string[]): CustomEvent[] {
  const events: CustomEvent[] = [];
  for (const type of types) target.addEventListener(type, (e) => events.push(e as CustomEvent));
  return events;
}

interface Marked {
  engine: { service: { iceServers(): Promise<unknown> } | null } | null;
}

/**
 * An ordering barrier: sends a marker command on the widget's service connection and resolves once the service
 * answered it. The answer comes on the same connection after everything the service sent this widget before
 * reading the marker, so after it an event that has not arrived was not sent.
 */
export async function barrier(widget: VideoChatWidget): Promise<void> {
  const connection = (widget as unknown as Marked).engine?.service;
  if (!connection) throw new Error('the widget has no service connection to send the marker on');
  await connection.iceServers();
}
