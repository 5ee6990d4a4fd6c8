/**
 * Turns the call engine's events into the element's DOM events (`vc-*`), and re-renders on every change the
 * views show. Events of an engine the element has let go of are dropped, except the final `vc-leave`.
 */
import type { LeaveReason } from '@vcw/shared/protocol';
import type { CallEngine } from '../engine/call-engine.js';
import type { CallError } from '../engine/call-error.js';
import { VcChatMessageEvent } from '../events/vc-chat-message-event.js';
import { VcConnectionStateChangeEvent } from '../events/vc-connection-state-change-event.js';
import { VcJoinEvent } from '../events/vc-join-event.js';
import { VcLeaveEvent } from '../events/vc-leave-event.js';
import { VcParticipantJoinEvent } from '../events/vc-participant-join-event.js';
import { VcParticipantLeaveEvent } from '../events/vc-participant-leave-event.js';
import { VcQualityChangeEvent } from '../events/vc-quality-change-event.js';

/** The element's own reactions to the call's milestones (closures, so they stay private to it). */
export interface EngineHooks {
  /** Whether `engine` is still the element's engine. */
  follows(engine: CallEngine): boolean;
  onConnected(): void;
  /** The connection to the service is up: the first time, or again after it was lost. */
  onOnline(): void;
  onJoined(): void;
  /** Called even for an engine already let go of (a hang-up by `leave()` or removal). */
  onLeft(reason: LeaveReason, current: boolean): void;
  onChatMessage(self: boolean): void;
  onError(error: CallError): void;
}

export function forwardEngineEvents(
  engine: CallEngine,
  target: EventTarget & { requestUpdate(): void },
  hooks: EngineHooks,
): void {
  const when =
    <A extends unknown[]>(act: (...args: A) => void) =>
    (...args: A) => {
      if (hooks.follows(engine)) act(...args);
    };
  const render = when(() => target.requestUpdate());
  engine.on(
    'state',
    when((state) => {
      if (state === 'connected') hooks.onConnected();
      target.requestUpdate();
      target.dispatchEvent(new VcConnectionStateChangeEvent({ state }));
    }),
  );
  engine.on('media', render);
  engine.on(
    'online',
    when(() => {
      hooks.onOnline();
      target.requestUpdate();
    }),
  );
  engine.devices.on('change', render);
  engine.on('participant-update', render);
  engine.on(
    'joined',
    when(({ peerId, room }) => {
      hooks.onJoined();
      target.dispatchEvent(new VcJoinEvent({ peerId, room }));
    }),
  );
  engine.on('left', ({ reason }) => {
    hooks.onLeft(reason, hooks.follows(engine));
    target.dispatchEvent(new VcLeaveEvent({ reason }));
  });
  engine.on(
    'participant-join',
    when(({ peerId, displayName }) => {
      target.requestUpdate();
      target.dispatchEvent(new VcParticipantJoinEvent({ peerId, displayName }));
    }),
  );
  engine.on(
    'participant-leave',
    when(({ peerId, reason }) => {
      target.requestUpdate();
      target.dispatchEvent(new VcParticipantLeaveEvent({ peerId, reason }));
    }),
  );
  engine.chat.on(
    'message',
    when((message) => {
      hooks.onChatMessage(message.self);
      target.dispatchEvent(new VcChatMessageEvent({ ...message }));
    }),
  );
  engine.outgoing.on(
    'quality',
    when((change) => target.dispatchEvent(new VcQualityChangeEvent(change))),
  );
  engine.on(
    'error',
    when((error) => hooks.onError(error)),
  );
}
