import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LeaveReason } from '@vcw/shared/protocol';
import { CallEngine, type CallState, type Participant } from '../engine/call-engine.js';
import { CallError } from '../engine/call-error.js';
import { QUALITY_SETTINGS, type QualitySetting } from '../engine/send-quality.js';
import { siteMemory } from '../engine/site-memory.js';
import type { VcChatMessageDetail } from '../events/vc-chat-message-event.js';
import { VcErrorEvent } from '../events/vc-error-event.js';
import { renderCall } from '../ui/call-view.js';
import { renderPrejoin } from '../ui/prejoin-view.js';
import { loadStrings, resolveStrings, type Strings } from '../ui/strings.js';
import { CallPanels } from './call-panels.js';
import { DisplayModes } from './display-modes.js';
import { forwardEngineEvents } from './engine-events.js';
import { widgetStyles } from './styles.js';
import { callView, prejoinView, type UiActions, type UiState } from './view-builder.js';

/** The service the bundle was loaded from: the default for the `server` attribute. */
const BUNDLE_ORIGIN = new URL(import.meta.url).origin;

/** A remote participant as the page sees it (`widget.participants`). */
export type ParticipantSummary = Pick<Participant, 'peerId' | 'displayName' | 'microphone' | 'camera' | 'screen' | 'speaking' | 'textOnly'> & {
  networkQuality: Participant['quality'];
};

/**
 * An embeddable peer-to-peer video call.
 *
 * @fires {VcJoinEvent} vc-join - this widget took its seat: `{peerId, room}`
 * @fires {VcLeaveEvent} vc-leave - this widget left the room: `{reason}`
 * @fires {VcParticipantJoinEvent} vc-participant-join - another participant is in the call: `{peerId, displayName}`
 * @fires {VcParticipantLeaveEvent} vc-participant-leave - another participant left: `{peerId, reason}`
 * @fires {VcConnectionStateChangeEvent} vc-connection-state-change - `state` changed: `{state}`
 * @fires {VcChatMessageEvent} vc-chat-message - a chat message, received or this widget's own once sent: `{id, from, displayName, text, ts, self}`
 * @fires {VcQualityChangeEvent} vc-quality-change - the video quality sent changed: `{from, to, reason}`
 * @fires {VcErrorEvent} vc-error - something failed: `{code, message, fatal}`
 *
 * @csspart local-video - this participant's camera, or shared screen (`<video>`)
 * @csspart remote-video - a remote participant's video (`<video data-peer-id>`)
 * @csspart prejoin - the pre-join screen
 * @csspart preview - the camera preview of the pre-join screen
 * @csspart name-input - the display name field of the pre-join screen
 * @csspart device-pickers - the camera, microphone and speaker choices
 * @csspart camera-picker - the camera choice (also `microphone-picker`, `speaker-picker`)
 * @csspart join-button - the Join button
 * @csspart call - the in-call view
 * @csspart grid - the tile grid
 * @csspart tile - every tile (also `local-tile`, `remote-tile`, and `speaking` on the active speaker's)
 * @csspart tile-name - the name on a tile
 * @csspart avatar - initials shown while a camera is off
 * @csspart network-quality - a remote tile's network indicator (`data-quality`)
 * @csspart microphone-off - a tile's "microphone off" indicator (also `camera-off`, `text-only-badge`)
 * @csspart text-only-banner - shown while the call runs as a text chat
 * @csspart controls - the control bar
 * @csspart microphone-button - toggles the microphone
 * @csspart camera-button - toggles the camera
 * @csspart screen-share-button - starts and stops sharing the screen
 * @csspart chat-button - opens the chat (with `unread-badge`)
 * @csspart unread-badge - the count of chat messages not read yet
 * @csspart participants-button - opens the participants panel
 * @csspart stats-button - opens the statistics panel
 * @csspart fullscreen-button - full screen
 * @csspart pip-button - picture-in-picture
 * @csspart leave-button - hangs up
 * @csspart panel - the open side panel (chat, participants, stats)
 * @csspart close-panel-button - closes the open panel (Escape does too)
 * @csspart chat-panel - the chat
 * @csspart chat-message - one chat message (also `chat-input`, `send-button`)
 * @csspart participants-panel - the list of participants
 * @csspart stats-panel - the connection statistics
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
  /** Name shown to the other participants (the user can still change it on the pre-join screen). */
  @property({ attribute: 'display-name' }) displayName = '';
  /** Join at once, without the pre-join screen. */
  @property({ type: Boolean }) autojoin = false;
  /** Video sent: `low` 480p · `medium` 720p (default) · `high` 1080p · `auto` (adapts to the network). Applies live. */
  @property() quality: string = 'medium';
  /** UI language, a BCP 47 tag (`fr`, `de-CH`…); defaults to the page's language, then English. */
  @property() override lang = '';
  /** Overrides of the UI's words, key by key (e.g. `{join: 'Enter'}`). */
  @property({ attribute: false }) strings: Partial<Strings> = {};
  /** `light` or `dark` forces a colour scheme; without it the widget follows the visitor's system setting. */
  @property({ reflect: true }) theme: '' | 'light' | 'dark' = '';
  /** The language whose table has been asked for, so each is fetched once. */
  private loadingLang: string | null = null;

  @state() private notice: CallError | null = null;
  @state() private joining = false;
  /** Why the last call ended, for the screen shown after it. */
  @state() private leftBecause: LeaveReason | null = null;
  /** The name typed on the pre-join screen; wins over `display-name` until that changes. */
  @state() private typedName: string | null = null;
  private readonly panels = new CallPanels(this);
  private readonly modes = new DisplayModes(this);
  private engine: CallEngine | null = null;

  /** `idle` · `prejoin` · `connecting` · `connected` · `reconnecting` · `left` · `error` */
  get state(): CallState {
    return this.engine?.state ?? (this.notice?.fatal ? 'error' : 'idle');
  }

  /** The other participants in the call, with their media as they signal it. */
  get participants(): ReadonlyArray<ParticipantSummary> {
    return (this.engine?.participants ?? []).map(({ peerId, displayName, microphone, camera, screen, speaking, textOnly, quality }) => ({
      peerId, displayName, microphone, camera, screen, speaking, textOnly, networkQuality: quality,
    }));
  }

  /** Joins the room (opening camera and microphone if the pre-join screen has not). */
  async join(): Promise<void> {
    if (!this.isConnected) throw new CallError('configuration_invalid', 'Add <video-chat-widget> to the page before joining.');
    const engine = this.engine ?? this.start();
    if (!engine) throw this.notice;
    this.joining = true;
    try {
      await engine.join(this.room || undefined, this.nameToJoin.trim() || undefined);
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

  /** Shares a screen (the user picks it) in place of the camera; rejects with `screen_share_failed`. */
  async startScreenShare(): Promise<void> {
    if (!this.engine) throw new CallError('screen_share_failed', 'Start the call before sharing a screen.');
    await this.engine.outgoing.startScreenShare();
  }

  /** Stops sharing; the camera is sent again. */
  stopScreenShare(): void {
    this.engine?.outgoing.stopScreenShare();
  }

  /**
   * Sends a chat message to everyone in the call; resolves with it once the service accepted it (a
   * `vc-chat-message` with `self: true` fires too). Rejects with `invalid_payload` (empty, or over 2000
   * characters once trimmed) or `not_in_room`.
   */
  async sendChatMessage(text: string): Promise<VcChatMessageDetail> {
    if (!this.engine) throw new CallError('not_in_room', 'Join the call before sending a message.');
    return { ...(await this.engine.chat.send(text)) };
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
      if (!this.isConnected) void this.stop();
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('displayName') && changed.get('displayName') !== undefined) this.typedName = null;
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
    if (changed.has('quality')) {
      if (!QUALITY_SETTINGS.includes(this.quality as QualitySetting)) {
        this.report(new CallError('configuration_invalid', `quality="${this.quality}" is not one of ${QUALITY_SETTINGS.join(', ')}; using medium.`));
      }
      this.engine?.outgoing.setQuality(this.qualitySetting);
    }
    this.modes.routeSound(this.engine?.devices.speakerId ?? null);
    this.loadLanguage();
  }

  /** `lang`, or the page's language around the element. */
  private get uiLanguage(): string | null {
    return this.lang || this.parentElement?.closest('[lang]')?.getAttribute('lang') || null;
  }

  /** Fetches the language's strings (a lazy chunk) once, then renders with them; English meanwhile. */
  private loadLanguage(): void {
    const lang = this.uiLanguage;
    if (lang === this.loadingLang) return;
    this.loadingLang = lang;
    loadStrings(lang).then(
      () => this.requestUpdate(),
      () => undefined, // the chunk could not be fetched: English stays
    );
  }

  private get qualitySetting(): QualitySetting {
    return QUALITY_SETTINGS.includes(this.quality as QualitySetting) ? (this.quality as QualitySetting) : 'medium';
  }

  private get nameToJoin(): string {
    return this.typedName ?? (this.displayName || siteMemory.get('display-name') || '');
  }

  /** Ends the engine (hanging up if in a call); its late events are ignored. */
  private stop(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    this.panels.close();
    this.panels.attach(null);
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
    engine.outgoing.setQuality(this.qualitySetting); // the starting quality is no change to report
    forwardEngineEvents(engine, this, {
      follows: (e) => this.engine === e,
      onConnected: () => {
        if (this.notice?.code === 'connection_failed') this.notice = engine.media.issue;
      },
      onJoined: () => (this.notice = engine.media.issue),
      onLeft: (reason, current) => current && (this.leftBecause = reason),
      onChatMessage: (self) => this.panels.messageArrived(self),
      onError: (error) => this.report(error),
    });
    this.panels.attach(engine.monitor);
    this.engine = engine;
    return engine;
  }

  private report(error: CallError): void {
    // A fatal problem stays on screen until something fixes it; a lesser one does not hide it.
    if (!this.notice?.fatal || error.fatal) this.notice = error;
    this.dispatchEvent(new VcErrorEvent({ code: error.code, message: error.message, fatal: error.fatal }));
  }

  private readonly actions: UiActions = {
    onDisplayNameInput: (name) => {
      this.typedName = name;
      siteMemory.set('display-name', name.trim());
    },
    onJoin: () => void this.join().catch(() => undefined),
    onLeave: () => void this.leave(),
    onToggleScreenShare: () => {
      const outgoing = this.engine?.outgoing;
      if (outgoing?.screen.active) outgoing.stopScreenShare();
      else outgoing?.startScreenShare().catch(this.actions.onError);
    },
    onSendChat: (text) => void this.sendChatMessage(text).catch(this.actions.onError),
    onTogglePanel: (name) => this.panels.toggle(name),
    onToggleFullscreen: () => void this.modes.toggleFullscreen().catch(() => undefined),
    onTogglePictureInPicture: () => void this.modes.togglePictureInPicture(this.engine?.participants ?? []).catch(() => undefined),
    onError: (error) => this.report(error instanceof CallError ? error : new CallError('media_unavailable', String(error))),
  };

  private uiState(strings: Strings): UiState {
    return {
      strings,
      displayName: this.nameToJoin,
      joining: this.joining || this.state === 'connecting',
      notice: this.notice,
      panel: this.panels.open,
      unread: this.panels.unread,
      fullscreen: this.modes.fullscreen,
      pictureInPicture: this.modes.pictureInPicture,
      stats: this.panels.stats,
      statsPanel: this.panels.statsPanel(strings),
    };
  }

  protected override render(): TemplateResult {
    const engine = this.engine;
    const state = this.state;
    const s = resolveStrings(this.uiLanguage, this.strings);
    const notice = this.notice
      ? html`<div class="notice" part="notice" role="alert" data-code=${this.notice.code}>${this.notice.message}</div>`
      : nothing;
    if (!engine || state === 'error') return html`${notice}`;
    if (state === 'connected' || state === 'reconnecting') {
      return html`
        ${state === 'reconnecting' ? html`<div class="notice info" part="status" role="status">${s.reconnecting}</div>` : notice}
        ${renderCall(callView(engine, this.uiState(s), this.actions))}
      `;
    }
    if (state === 'left') {
      const ended = this.leftBecause === LeaveReason.roomEnded;
      return html`
        <div class="panel" part="left">
          <p role="status">${ended ? s.callEnded : s.youLeft}</p>
          ${ended ? nothing : html`<button part="join-button" class="primary" @click=${() => void this.rejoin()}>${s.joinAgain}</button>`}
        </div>
      `;
    }
    return renderPrejoin(prejoinView(engine, this.uiState(s), this.actions));
  }

  private async rejoin(): Promise<void> {
    this.notice = null;
    await this.join().catch(() => undefined);
  }
}
