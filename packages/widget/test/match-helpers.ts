/// <reference types="mocha" />
/** Helpers for the matching modes' tests: queues of their own, agent tokens, and widgets that wait, pair and call. */
import type { QueueStatus } from '@vcw/shared';
import type { VideoChatWidget } from '../src/element/video-chat-widget.js';
import { forgetSiteChoices, ofType, remoteVideo } from './call-helpers.js';
import { mount, part, service, showsFrames, until } from './helpers.js';

let queueCounter = 0;

/** A queue name no other test uses. */
export const uniqueQueue = (): string => `q-${Date.now().toString(36)}-${queueCounter++}`;

/** Every event the matching tests look at. */
export const MATCH_EVENTS = [
  'vc-queue-update',
  'vc-connection-state-change',
  'vc-join',
  'vc-leave',
  'vc-participant-join',
  'vc-participant-leave',
  'vc-error',
];

export interface Mounted {
  widget: VideoChatWidget;
  events: CustomEvent[];
}

/**
 * Makes the next random-mode visitor of this page a new one. The widgets of one page share the site's storage,
 * so its visitor id, and the service never pairs a visitor with itself (another tab of the same browser): each
 * test visitor forgets the id before it enters the queue, and gets one of its own.
 */
export const newVisitor = forgetSiteChoices;

/**
 * A random-mode or support-customer widget on the test service's publishable key. A random one that joins at
 * once is returned in the queue, so that the next one mounted is another visitor (see `newVisitor`).
 */
export async function visitor(
  mode: 'random' | 'support',
  queue: string,
  name: string,
  extra: Record<string, string | boolean> = {},
): Promise<Mounted> {
  const { serviceUrl, publishableKey } = await service();
  if (mode === 'random') newVisitor();
  const mounted = mount(
    { 'api-key': publishableKey, server: serviceUrl, mode, queue, 'display-name': name, ...extra },
    MATCH_EVENTS,
  );
  if (mode === 'random' && extra.autojoin)
    await until(() => ofType(mounted.events, 'vc-queue-update')[0], `${name} in the queue`);
  return mounted;
}

/** An agent token for `queue`, minted through the real REST API (the test runner holds the secret key). */
export async function agentToken(queue: string, name: string): Promise<string> {
  const response = await fetch(
    `/__vcw/agent-token?queue=${encodeURIComponent(queue)}&name=${encodeURIComponent(name)}`,
  );
  if (!response.ok) throw new Error(`could not mint an agent token: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** An agent widget serving `queue`, at its console. */
export async function agent(queue: string, name = 'Alan'): Promise<Mounted> {
  const { serviceUrl } = await service();
  const mounted = mount(
    { token: await agentToken(queue, name), server: serviceUrl, mode: 'agent', queue, autojoin: true },
    MATCH_EVENTS,
  );
  await until(() => part(mounted.widget, '[part="agent-console"]'), 'the agent console');
  return mounted;
}

/** The tickets customers left in `queue`, as the partner's REST API lists them. */
export async function tickets(
  queue: string,
): Promise<Array<{ message: string; contact: string | null; displayName: string | null }>> {
  const response = await fetch(`/__vcw/tickets?queue=${encodeURIComponent(queue)}`);
  return (
    (await response.json()) as { data: Array<{ message: string; contact: string | null; displayName: string | null }> }
  ).data;
}

/** The statuses a widget announced with `vc-queue-update`. */
export const statuses = (events: CustomEvent[]): QueueStatus[] =>
  ofType(events, 'vc-queue-update').map((e) => e.detail as QueueStatus);

/** The states a widget went through, from `vc-connection-state-change`. */
export const states = (events: CustomEvent[]): string[] =>
  ofType(events, 'vc-connection-state-change').map((e) => e.detail.state as string);

/** Waits until the widget shows its waiting screen (state `connecting`, out of any call). */
export async function waiting(widget: VideoChatWidget, what = 'the waiting screen'): Promise<HTMLElement> {
  return until(
    () =>
      widget.state === 'connecting' && widget.participants.length === 0
        ? part<HTMLElement>(widget, '[part="waiting"]')
        : null,
    what,
  );
}

/** Waits until `a` and `b` are in one call, each showing the other's decoded video. */
export async function inCallTogether(a: VideoChatWidget, b: VideoChatWidget, timeoutMs = 15_000): Promise<void> {
  const [aId, bId] = await until(
    () => {
      const aSees = a.state === 'connected' && a.participants[0]?.peerId;
      const bSees = b.state === 'connected' && b.participants[0]?.peerId;
      return aSees && bSees ? [bSees, aSees] : null; // a's peer id is the one b sees, and the other way round
    },
    'both in one call',
    timeoutMs,
  );
  await showsFrames(await remoteVideo(a, bId));
  await showsFrames(await remoteVideo(b, aId));
}

/**
 * Clicks a button of the widget once it is there. A DOM click, not a pointer one: the pre-join screen still
 * moves while devices open and lazily loaded fields appear, and nothing here needs user activation.
 */
export async function press(widget: VideoChatWidget, selector: string): Promise<void> {
  (await until(() => part(widget, selector), selector)).click();
}

/** The one other participant a widget is in a call with. */
export const partnerOf = (widget: VideoChatWidget): string | undefined =>
  widget.state === 'connected' ? widget.participants[0]?.displayName : undefined;
