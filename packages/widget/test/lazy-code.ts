/** What the lazy-code tests share: which files the page fetched, and a pre-join showing the camera preview. */
import type { VideoChatWidget } from '../src/element/video-chat-widget.js';
import { connectedAttributes, mount, part, until } from './helpers.js';

/**
 * Watches what the page fetches from now on (an observer: the timeline's buffer fills up with the test modules);
 * returns a reader of the paths fetched since that end with `file`.
 */
export function watchFetches(): (file: string) => string[] {
  const seen: string[] = [];
  new PerformanceObserver((list) =>
    seen.push(...list.getEntries().map((entry) => new URL(entry.name).pathname)),
  ).observe({ type: 'resource' });
  return (file) => seen.filter((path) => path.endsWith(`/${file}`));
}

/** A widget at its pre-join whose visitor checked their camera and sees the preview, well after the page loaded. */
export async function preJoinWithPreview(): Promise<VideoChatWidget> {
  const { widget } = mount(await connectedAttributes());
  await until(() => widget.state === 'prejoin' && part(widget, '[part="join-button"]'), 'the pre-join');
  part<HTMLButtonElement>(widget, '[part="check-camera-button"]')!.click();
  await until(() => part<HTMLVideoElement>(widget, 'video[part="local-video"]')?.videoWidth, 'the camera preview');
  return widget;
}

/** The chunks of the call itself, fetched as the visitor goes to Join. */
export const CALL_CODE = ['call-view.js', 'call-announcer.js', 'host-controls.js'];
