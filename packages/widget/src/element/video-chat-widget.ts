import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LeaveReason } from '@vcw/shared/protocol';
import { CallEngine, type CallState, type Participant } from '../engine/call-engine.js';
import { CallError } from '../engine/call-error.js';
import { VcConnectionStateChangeEvent } from '../events/vc-connection-state-change-event.js';
import { VcErrorEvent } from '../events/vc-error-event.js';
import { VcJoinEvent } from '../events/vc-join-event.js';
import { VcLeaveEvent } from '../events/vc-leave-event.js';
import { VcParticipantJoinEvent } from '../events/vc-participant-join-event.js';
import { VcParticipantLeaveEvent } from '../events/vc-participant-leave-event.js';
import { renderCall } from '../ui/call-view.js';
import { renderPrejoin } from '../ui/prejoin-view.js';
import { widgetStyles } from './styles.js';

/** The service the bundle was loaded from: the default for the `server` attribute. */
const BUNDLE_ORIGIN = new URL(import.meta.url).origin;

/**
 * An embeddable peer-to-peer video call.
 *
 * @fires vc-join - this widget took its seat: `{peerId, room}`
 * @fires vc-leave - this widget left the room: `{reason}`
 * @fires vc-participant-join - another participant is in the call: `{peerId, displayName}`
 * @fires vc-participant-leave - another participant left: `{peerId, reason}`
 * @fires vc-connection-state-change - `state` changed: `{state}`
 * @fires vc-error - something failed: `{code, message, fatal}`
 *
 * @csspart local-video - this participant's camera (`<video>`)
 * @csspart remote-video - a remote participant's video (`<video data-peer-id>`)
 * @csspart prejoin - the pre-join screen
 * @csspart join-button - the Join button
 * @csspart call - the in-call view
 * @csspart grid - the tile grid
 * @csspart tile - every tile (also `local-tile`, `remote-tile`)
 * @csspart tile-name - the name on a tile
 * @csspart controls - the control bar
 * @csspart microphone-button - toggles the microphone
 * @csspart camera-button - toggles the camera
 * @csspart leave-button - hangs up
 * @csspart notice - a message to the user (errors, device problems)
 *
 * @cssproperty --vc-background - widget background
 * @cssproperty --vc-foreground - text colour
 * @cssproperty --vc-muted - secondary text colour
 * @cssproperty --vc-accent - primary buttons and focus ring
 * @cssproperty --vc-danger - leave button, devices off, errors
 * @cssproperty --vc-tile-background - empty tiles
 * @cssproperty --vc-radius - corner radius
 * @cssproperty --vc-font - font shorthand
 */
export class VideoChatWidget extends LitElement {
  static override styles = widgetStyles;

  /** Publishable key (`pk_…`) of the site's project. */
  @property({ attribute: 'api-key' }) apiKey = '';
  /** Join token minted by the partner's server; names the room (and may name the user). Wins over `api-key`. */
  @property() token = '';
  /** Service base URL; defaults to the origin `widget.js` was loaded from. */
  @property() server = '';
  /** Name of the room to join. */
  @property() room = '';
  /** Name shown to the other participants. */
  @property({ attribute: 'display-name' }) displayName = '';
  /** Join at once, without the pre-join screen. */
  @property({ type: Boolean }) autojoin = false;

  @state() private notice: CallError | null = null;
  @state() private joining = false;
  /** Why the last call ended, for the screen shown after it. */
  @state() private leftBecause: LeaveReason | null = null;
  private engine: CallEngine | null = null;

  /** `idle` · `prejoin` · `connecting` · `connected` · `reconnecting` · `left` · `error` */
  get state(): CallState {
    return this.engine?.state ?? (this.notice?.fatal ? 'error' : 'idle');
  }

  /** The other participants in the call. */
  get participants(): ReadonlyArray<Pick<Participant, 'peerId' | 'displayName'>> {
    return (this.engine?.participants ?? []).map(({ peerId, displayName }) => ({ peerId, displayName }));
  }

  /** Joins the room (opening camera and microphone if the pre-join screen has not). */
  async join(): Promise<void> {
    if (!this.isConnected) throw new CallError('configuration_invalid', 'Add <video-chat-widget> to the page before joining.');
    const engine = this.engine ?? this.start();
    if (!engine) throw this.notice;
    this.joining = true;
    try {
      await engine.join(this.room || undefined, this.displayName || undefined);
    } finally {
      this.joining = false;
    }
  }

  /** Hangs up and releases camera and microphone. */
  async leave(): Promise<void> {
    await this.engine?.leave();
  }

  setMicrophoneEnabled(on: boolean): void {
    this.engine?.setMicrophoneEnabled(on);
  }

  setCameraEnabled(on: boolean): void {
    this.engine?.setCameraEnabled(on);
  }

  protected override firstUpdated(): void {
    this.begin();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.begin();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Moving the element (removed and re-inserted in one task) keeps the call; only a real removal ends it.
    queueMicrotask(() => {
      if (!this.isConnected) this.stop();
    });
  }

  protected override updated(changed: PropertyValues<this>): void {
    const changedLater = (name: 'apiKey' | 'token' | 'server' | 'room') => changed.has(name) && changed.get(name) !== undefined;
    if (this.engine && (changedLater('apiKey') || changedLater('token') || changedLater('server'))) {
      // A new credential or server means a new connection; room and name apply at the next join.
      this.notice = null;
      void this.stop().then(() => this.begin());
    } else if (!this.engine && (changedLater('apiKey') || changedLater('token') || changedLater('server') || changedLater('room'))) {
      this.begin(); // a missing attribute was set
    }
  }

  /** Ends the engine (hanging up if in a call); its late events are ignored. */
  private stop(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    return engine?.leave() ?? Promise.resolve();
  }

  private begin(): void {
    if (this.engine || !this.isConnected) return;
    const engine = this.start();
    if (!engine) return;
    const run = this.autojoin ? this.join() : engine.prepare();
    run.catch(() => undefined); // reported through vc-error
  }

  /** Creates the engine for the current attributes, or reports what is missing. */
  private start(): CallEngine | null {
    // A join token names its room; a publishable key needs the room attribute.
    const missing = this.token ? null : !this.apiKey ? 'api-key' : !this.room ? 'room' : null;
    if (missing) {
      const what = missing === 'api-key' ? 'the api-key attribute (or a token)' : 'the room attribute';
      this.report(new CallError('configuration_invalid', `Set ${what} on <video-chat-widget>.`, true));
      return null;
    }
    this.notice = null;
    const credential = this.token ? { token: this.token } : { apiKey: this.apiKey };
    const engine = new CallEngine({ serverUrl: this.server || BUNDLE_ORIGIN, credential });
    const current = () => this.engine === engine;
    engine.on('state', (state) => {
      if (!current()) return;
      if (state === 'connected' && this.notice?.code === 'connection_failed') this.notice = engine.media.issue;
      this.requestUpdate();
      this.dispatchEvent(new VcConnectionStateChangeEvent({ state }));
    });
    engine.on('media', () => current() && this.requestUpdate());
    engine.on('joined', ({ peerId, room }) => {
      if (!current()) return;
      this.notice = engine.media.issue;
      this.dispatchEvent(new VcJoinEvent({ peerId, room }));
    });
    // A hang-up by `leave()` or removal is still reported, even though the engine is already detached.
    engine.on('left', ({ reason }) => {
      if (current()) this.leftBecause = reason;
      this.dispatchEvent(new VcLeaveEvent({ reason }));
    });
    engine.on('participant-join', ({ peerId, displayName }) => {
      if (!current()) return;
      this.requestUpdate();
      this.dispatchEvent(new VcParticipantJoinEvent({ peerId, displayName }));
    });
    engine.on('participant-update', () => current() && this.requestUpdate());
    engine.on('participant-leave', ({ peerId, reason }) => {
      if (!current()) return;
      this.requestUpdate();
      this.dispatchEvent(new VcParticipantLeaveEvent({ peerId, reason }));
    });
    engine.on('error', (error) => current() && this.report(error));
    this.engine = engine;
    return engine;
  }

  private report(error: CallError): void {
    this.notice = error;
    this.dispatchEvent(new VcErrorEvent({ code: error.code, message: error.message, fatal: error.fatal }));
  }

  protected override render(): TemplateResult {
    const engine = this.engine;
    const state = this.state;
    const notice = this.notice
      ? html`<div class="notice" part="notice" role="alert" data-code=${this.notice.code}>${this.notice.message}</div>`
      : nothing;
    if (!engine || state === 'error') return html`${notice}`;
    const toggles = {
      media: engine.media,
      onToggleMicrophone: () => engine.setMicrophoneEnabled(!engine.media.microphoneEnabled),
      onToggleCamera: () => engine.setCameraEnabled(!engine.media.cameraEnabled),
    };
    if (state === 'connected' || state === 'reconnecting') {
      return html`
        ${state === 'reconnecting' ? html`<div class="notice info" part="status" role="status">Reconnecting…</div>` : notice}
        ${renderCall({ ...toggles, selfName: this.displayName || 'You', participants: engine.participants, onLeave: () => void this.leave() })}
      `;
    }
    if (state === 'left') {
      const ended = this.leftBecause === LeaveReason.roomEnded;
      return html`
        <div class="panel" part="left">
          <p role="status">${ended ? 'The call has been ended.' : 'You left the call.'}</p>
          ${ended ? nothing : html`<button part="join-button" class="primary" @click=${() => void this.rejoin()}>Join again</button>`}
        </div>
      `;
    }
    return html`${notice}${renderPrejoin({ ...toggles, joining: this.joining || state === 'connecting', onJoin: () => void this.join().catch(() => undefined) })}`;
  }

  private async rejoin(): Promise<void> {
    this.notice = null;
    await this.join().catch(() => undefined);
  }
}
