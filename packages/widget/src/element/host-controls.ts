/**
 * Host powers as the element sees them. A participant whose join token makes it a host may remove someone,
 * turn someone's microphone off, lock the room and end the call for everyone; the service checks the role
 * again on every command (`host_only`). Everyone is told, above the tiles, when a host locked the room or
 * muted them. The buttons are drawn by the call's views (a lazy chunk); this holder only keeps the state.
 * Knock to enter: hosts get `vc-knock` and a Let in / Deny line per knocking guest; a guest waiting at the
 * door gets `vc-knock-waiting` and reads that it waits for the host (and when no host is in the call yet).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { CallEngine, CallEngineEvents } from '../engine/call-engine.js';
import type { HostEvent } from './host-powers.js';
import { CallError } from '../engine/call-error.js';
import type { CommandRequest } from '../engine/signaling-client.js';
import type { Strings } from '../ui/strings.js';
import type { HostView } from '../ui/view-model.js';
import { VcKnockEvent } from '../events/vc-knock-event.js';
import { VcKnockWaitingEvent } from '../events/vc-knock-waiting-event.js';

export class HostControls {
  private engine: CallEngine | null = null;
  private locked = false;
  /** A host muted this participant, and its microphone stayed off since. */
  private mutedByHost = false;
  private unsubscribe: Array<() => void> = [];
  /** Hosts: guests knocking now, by peer id, oldest first. */
  private readonly knocks = new Map<string, string>();

  constructor(
    private readonly element: EventTarget & { requestUpdate(): void },
    /** Whether the element's token makes it a host (read when asked: the token can change). */
    private readonly isHost: () => boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** What the engine says, as this holder takes it (host-powers.ts keeps what came before this chunk did). */
  readonly handle: { [E in HostEvent]: (...args: CallEngineEvents[E]) => void } = {
    'knock-request': ({ peerId, displayName }) => {
      this.knocks.set(peerId, displayName);
      this.element.requestUpdate();
      this.element.dispatchEvent(new VcKnockEvent({ peerId, displayName }));
    },
    'knock-withdrawn': ({ peerId }) => this.knocks.delete(peerId) && this.element.requestUpdate(),
    'knock-waiting': ({ hostsPresent }) => {
      this.element.requestUpdate();
      this.element.dispatchEvent(new VcKnockWaitingEvent({ hostsPresent }));
    },
    'room-locked': ({ locked }) => {
      this.locked = locked;
      this.element.requestUpdate();
    },
    'host-muted': () => {
      this.mutedByHost = true;
      this.element.requestUpdate();
    },
  };

  /** Follows a new engine (or none): what the last one said is forgotten. */
  attach(engine: CallEngine | null): void {
    for (const stop of this.unsubscribe) stop();
    [this.engine, this.locked, this.mutedByHost, this.unsubscribe] = [engine, false, false, []];
    this.knocks.clear();
    if (!engine) return;
    this.unsubscribe = [
      ...(Object.keys(this.handle) as HostEvent[]).map((name) =>
        engine.on(name, this.handle[name] as (...args: unknown[]) => void),
      ),
      engine.on('state', (state) => state === 'left' && this.knocks.clear()),
      engine.on('joined', () => ([this.locked, this.mutedByHost] = [false, false])),
    ];
  }

  remove(peerId: string): Promise<void> {
    return this.send('host:remove', { peerId });
  }

  mute(peerId: string): Promise<void> {
    return this.send('host:mute', { peerId });
  }

  lock(locked: boolean): Promise<void> {
    return this.send('host:lock', { locked });
  }

  endCall(): Promise<void> {
    return this.send('host:end', {});
  }

  admit(peerId: string): Promise<void> {
    return this.send('host:admit', { peerId });
  }

  deny(peerId: string, reason: string): Promise<void> {
    return this.send('host:deny', { peerId, reason });
  }

  /** A guest's wait at a knocking room's door, above the pre-join screen. */
  waiting(s: Strings): TemplateResult | typeof nothing {
    const knocking = this.engine?.knocking;
    if (!knocking) return nothing;
    return html`<div class="notice info" part="knock-status" role="status" data-hosts-present=${knocking.hostsPresent}>
      <p>${s.knockWaiting}${knocking.hostsPresent ? nothing : html` ${s.knockNoHost}`}</p>
    </div>`;
  }

  /** The view's share: the host's buttons, and the line everyone reads. */
  additions(): { host: HostView } {
    const engine = this.engine;
    if (this.mutedByHost && engine?.media.microphoneEnabled) this.mutedByHost = false; // they turned it back on
    const moderate = this.isHost();
    const note = this.mutedByHost ? 'muted' : this.locked && !moderate ? 'locked' : null;
    const act = (run: () => Promise<void>) => void run().catch(this.onError);
    return {
      host: {
        moderate,
        locked: this.locked,
        note,
        knocks: moderate ? [...this.knocks].map(([peerId, displayName]) => ({ peerId, displayName })) : [],
        onAdmit: (peerId) => act(() => this.admit(peerId)),
        onDeny: (peerId, reason) => act(() => this.deny(peerId, reason)),
        onRemove: (peerId) => act(() => this.remove(peerId)),
        onMute: (peerId) => act(() => this.mute(peerId)),
        onToggleLock: () => act(() => this.lock(!this.locked)),
        onEndCall: () => act(() => this.endCall()),
      },
    };
  }

  /** Sends a host command; rejects with `host_only` without a host token, `not_in_room` outside the call. */
  private async send<E extends 'host:remove' | 'host:mute' | 'host:lock' | 'host:end' | 'host:admit' | 'host:deny'>(
    event: E,
    payload: CommandRequest<E>,
  ): Promise<void> {
    if (!this.isHost())
      throw new CallError('host_only', 'Only a participant who joined with a host token may do this.');
    const engine = this.engine;
    const service = engine?.service;
    if (!service || (engine.state !== 'connected' && engine.state !== 'reconnecting'))
      throw new CallError('not_in_room', 'Join the call first.');
    await service.command(event, payload);
  }
}
