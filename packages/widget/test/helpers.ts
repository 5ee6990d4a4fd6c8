/// <reference types="mocha" />
/** Helpers for the component tests: the live service, mounting widgets, and waiting on them. */
import '../src/index.js';
import type { VideoChatWidget } from '../src/element/video-chat-widget.js';
import { PeerLink, type PeerLinkOptions } from '../src/engine/peer-link.js';
import { record, until } from './toolkit.js';

export { barrier, record, until } from './toolkit.js';

export interface ServiceInfo {
  serviceUrl: string;
  publishableKey: string;
}

let info: Promise<ServiceInfo> | null = null;
export function service(): Promise<ServiceInfo> {
  info ??= fetch('/__vcw/service.json').then((r) => r.json() as Promise<ServiceInfo>);
  return info;
}

const mounted: VideoChatWidget[] = [];
let roomCounter = 0;

/** A room name no other test uses. */
export const uniqueRoom = (): string => `room-${Date.now().toString(36)}-${roomCounter++}`;

/** Creates a widget with these attributes and adds it to the page; removed again after each test. */
export function mount(
  attributes: Record<string, string | boolean>,
  listen: string[] = [],
): { widget: VideoChatWidget; events: CustomEvent[] } {
  const widget = document.createElement('video-chat-widget');
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) widget.setAttribute(name, '');
    else if (value !== false) widget.setAttribute(name, value);
  }
  const events = record(widget, listen);
  document.body.append(widget);
  mounted.push(widget);
  return { widget, events };
}

/** Attributes of a widget connected to the test service. */
export async function connectedAttributes(
  extra: Record<string, string | boolean> = {},
): Promise<Record<string, string | boolean>> {
  const { serviceUrl, publishableKey } = await service();
  return { 'api-key': publishableKey, server: serviceUrl, room: uniqueRoom(), ...extra };
}

afterEach(async () => {
  for (const widget of mounted.splice(0)) {
    await widget.leave();
    widget.remove();
  }
});

/** The first element matching `selector` inside the widget's shadow root. */
export function part<E extends Element = HTMLElement>(widget: VideoChatWidget, selector: string): E | null {
  return widget.shadowRoot!.querySelector<E>(selector);
}

/** Resolves when the video shows decoded frames: a size, and playback time that advances. */
export async function showsFrames(video: HTMLVideoElement): Promise<void> {
  await until(() => video.videoWidth > 0 && video.currentTime > 0, 'a decoded frame');
  const t0 = video.currentTime;
  await until(() => video.currentTime > t0, 'playback to advance');
}

/** A real peer link sending `stream`'s video, with no ICE servers (host candidates on loopback). */
export function videoLink(stream: MediaStream, initiator: boolean, options: Partial<PeerLinkOptions> = {}): PeerLink {
  return new PeerLink({
    iceServers: [],
    iceTransportPolicy: 'all',
    localTracks: { audio: null, video: stream.getVideoTracks()[0]! },
    localStream: stream,
    initiator,
    ...options,
  });
}
