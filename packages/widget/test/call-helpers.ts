/// <reference types="mocha" />
/** Helpers for tests of a running call: two widgets in one page, their engines, real clicks, negotiation counts. */
import { sendMouse } from '@web/test-runner-commands';
import type { VideoChatWidget } from '../src/element/video-chat-widget.js';
import type { CallEngine } from '../src/engine/call-engine.js';
import { connectedAttributes, mount, part, showsFrames, until, uniqueRoom } from './helpers.js';

/** The widget's call engine (private to the element): for what only the engine can show, like its connections. */
export const engineOf = (widget: VideoChatWidget): CallEngine => (widget as unknown as { engine: CallEngine }).engine;

export interface InCall {
  widget: VideoChatWidget;
  events: CustomEvent[];
  /** This widget's peer id, as the other one knows it. */
  peerId: string;
}

export const ofType = (events: CustomEvent[], type: string): CustomEvent[] => events.filter((e) => e.type === type);

/**
 * Two widgets in one room, each showing the other's decoded video. `a` joins first (its attributes
 * `first`), then `b` (`second`).
 */
export async function twoInCall(
  first: Record<string, string | boolean> = {},
  second: Record<string, string | boolean> = {},
  listen: string[] = [],
): Promise<{ a: InCall; b: InCall; room: string }> {
  const room = uniqueRoom();
  const a = mount(await connectedAttributes({ room, 'display-name': 'Ada', autojoin: true, ...first }), listen);
  await until(() => a.widget.state === 'connected', 'the first widget connected');
  const b = mount(await connectedAttributes({ room, 'display-name': 'Grace', autojoin: true, ...second }), listen);
  const bId = await until(() => a.widget.participants[0]?.peerId, 'the first widget to see the second');
  const aId = await until(() => b.widget.participants[0]?.peerId, 'the second widget to see the first');
  await showsFrames(await remoteVideo(b.widget, aId));
  await showsFrames(await remoteVideo(a.widget, bId));
  return { a: { ...a, peerId: aId }, b: { ...b, peerId: bId }, room };
}

/** The `<video part="remote-video">` of one participant, once it is rendered. */
export function remoteVideo(widget: VideoChatWidget, peerId: string): Promise<HTMLVideoElement> {
  return until(
    () => part<HTMLVideoElement>(widget, `video[part="remote-video"][data-peer-id="${peerId}"]`),
    `the remote video of ${peerId}`,
  );
}

/**
 * Counts the offers exchanged on a connection from now on (each negotiation passes through
 * `have-local-offer` on one side and `have-remote-offer` on the other).
 */
export function countOffers(pc: RTCPeerConnection): () => number {
  let offers = 0;
  pc.addEventListener('signalingstatechange', () => {
    if (pc.signalingState === 'have-local-offer' || pc.signalingState === 'have-remote-offer') offers++;
  });
  return () => offers;
}

/** The video sender of a connection. */
export const videoSender = (pc: RTCPeerConnection): RTCRtpSender | undefined =>
  pc.getTransceivers().find((t) => t.receiver.track.kind === 'video')?.sender;

/** Clicks a part the way a user does (a real input event, so the browser grants user activation). */
export async function clickPart(widget: VideoChatWidget, selector: string): Promise<void> {
  const target = await until(() => part(widget, selector), selector);
  // Videos starting and panels opening move things: aim only once the target is where the pointer lands.
  const aim = await until(async () => {
    target.scrollIntoView({ block: 'center', inline: 'center' });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const box = target.getBoundingClientRect();
    const [x, y] = [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)];
    const hit = widget.shadowRoot!.elementFromPoint(x, y);
    return hit && target.contains(hit) ? ([x, y] as [number, number]) : null;
  }, `${selector} to hold still under the pointer`);
  await sendMouse({ type: 'click', position: aim });
}

/** Forgets what the widgets remembered for this site, so tests do not see each other's choices. */
export function forgetSiteChoices(): void {
  for (const key of Object.keys(localStorage)) if (key.startsWith('vcw:')) localStorage.removeItem(key);
}

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
