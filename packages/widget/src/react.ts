/**
 * `@vcw/widget/react`: `<video-chat-widget>` as a React component (React 18 or 19). Props that are element
 * properties (`room`, `apiKey`, …) are set as properties; the `on…` props listen to the element's `vc-*` events.
 *
 * ```tsx
 * <VideoChatWidget apiKey="pk_…" room="sales-demo" onError={(e) => console.warn(e.detail.code)} />
 * ```
 */
import React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { VideoChatWidget as VideoChatWidgetElement } from './index.js'; // also defines the element

/** The event class the element declares for `name` (in `GlobalEventHandlersEventMap`), else a plain `CustomEvent`. */
type WidgetEvent<K extends string> = K extends keyof GlobalEventHandlersEventMap
  ? GlobalEventHandlersEventMap[K]
  : CustomEvent<unknown>;
const event = <K extends string>(name: K) => name as string as EventName<WidgetEvent<K>>;

export const VideoChatWidget = createComponent({
  react: React,
  tagName: 'video-chat-widget',
  elementClass: VideoChatWidgetElement,
  displayName: 'VideoChatWidget',
  events: {
    onJoin: event('vc-join'),
    onLeave: event('vc-leave'),
    onParticipantJoin: event('vc-participant-join'),
    onParticipantLeave: event('vc-participant-leave'),
    onConnectionStateChange: event('vc-connection-state-change'),
    onChatMessage: event('vc-chat-message'),
    onQueueUpdate: event('vc-queue-update'),
    onCustomerWaiting: event('vc-customer-waiting'),
    onAvailability: event('vc-availability'),
    onQualityChange: event('vc-quality-change'),
    onRecordingReady: event('vc-recording-ready'),
    onKnock: event('vc-knock'),
    onKnockWaiting: event('vc-knock-waiting'),
    onError: event('vc-error'),
  },
});

/** The props of {@link VideoChatWidget}. */
export type VideoChatWidgetProps = React.ComponentProps<typeof VideoChatWidget>;
