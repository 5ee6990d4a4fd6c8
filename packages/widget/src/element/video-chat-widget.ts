import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { LeaveReason } from '@vcw/shared/protocol';
import { CallEngine, type CallState, type Participant } from '../engine/call-engine.js';
import { CallError } from '../engine/call-error.js';
import { QUALITY_SETTINGS, type QualitySetting } from '../engine/send-quality.js';
import { EFFECTS, parseEffect } from '../media/effects/effect-name.js';
import { siteMemory } from '../engine/site-memory.js';
import type { VcChatMessageDetail } from '../events/vc-chat-message-event.js';
import type { VcRecordingReadyDetail } from '../events/vc-recording-ready-event.js';
import { VcErrorEvent } from '../events/vc-error-event.js';
import { errorNotice, renderNotice, visitorNotice } from '../ui/notice.js';
import { renderPrejoin } from '../ui/prejoin-view.js';
import { startSoundFromGesture } from '../media/gesture-audio.js';
import { onSoundRefusal, playRefusedSound, soundRefused } from '../ui/sound-playback.js';
import { loadStrings, resolveStrings, type AnnounceStrings, type HostStrings, type QueueStrings, type RecordingStrings, type Strings } from '../ui/strings.js';
import { CallPanels } from './call-panels.js';
import { configurationProblem } from './configuration.js';
import { tokenIsHost, tokenName } from './token-name.js';
import { DisplayModes } from './display-modes.js';
import { forwardEngineEvents } from './engine-events.js';
import { Matching } from './matching.js';
import { LiveRegion } from './live-region.js';
import { Recording } from './recording.js';
import { HostPowers } from './host-powers.js';
import { ScreenFocus } from './screen-focus.js';
import { widgetStyles } from './styles.js';
import { callView, prejoinView, type UiActions, type UiState } from './view-builder.js';

/** Where each error code is explained for site owners, with how to fix it (the repository's docs/errors.md). */
const ERRORS_DOCS_URL = 'docs/errors.md';

/** The service the bundle was loaded from: the default for the `server` attribute. */
const BUNDLE_ORIGIN = new URL(import.meta.url).origin;

/** A remote participant as the page sees it (`widget.participants`). */
export type ParticipantSummary = Pick<Participant, 'peerId' | 'displayName' | 'microphone' | 'camera' | 'screen' | 'speaking' | 'textOnly'> & {
  networkQuality: Participant['quality'];
};

/**
 * An embeddable peer-to-peer video call. It fills the box the page gives it (100% wide, 16:9, at most the
 * viewport's height by default). Its children are fallback content: shown until the script loads, hidden (not
 * slotted) once the element upgrades.
 *
 * @fires {VcJoinEvent} vc-join - this widget took its seat: `{peerId, room}`
 * @fires {VcLeaveEvent} vc-leave - this widget left the room: `{reason}`
 * @fires {VcKnockEvent} vc-knock - hosts: a guest knocks to enter: `{peerId, displayName}` (answer with `admit`/`deny`)
 * @fires {VcKnockWaitingEvent} vc-knock-waiting - the room makes guests knock; this one waits for a host: `{hostsPresent}`
 * @fires {VcParticipantJoinEvent} vc-participant-join - another participant is in the call: `{peerId, displayName}`
 * @fires {VcParticipantLeaveEvent} vc-participant-leave - another participant left: `{peerId, reason}`
 * @fires {VcConnectionStateChangeEvent} vc-connection-state-change - `state` changed: `{state}`
 * @fires {VcChatMessageEvent} vc-chat-message - a chat message, received or this widget's own once sent: `{id, from, displayName, text, ts, self}`
 * @fires {VcQualityChangeEvent} vc-quality-change - the video quality sent changed: `{from, to, reason}`
 * @fires {VcQueueUpdateEvent} vc-queue-update - random and support modes: this visitor's place in the queue changed: `{status, position, waiting, agentsOnline, estimatedWaitMs, reason}`; agent mode: the waiting list changed (`{mode: 'agent', waiting, customers, agentsOnline, averageWaitMs}`)
 * @fires {VcCustomerWaitingEvent} vc-customer-waiting - agent mode: a customer started waiting: `{peerId, displayName, message}`
 * @fires {VcAvailabilityEvent} vc-availability - support mode, before any camera: `{queue, agentsOnline, estimatedWaitSeconds}`, then each change until waiting
 * @fires {VcRecordingReadyEvent} vc-recording-ready - a recording this widget made is complete: `{blob, mimeType, durationMs}`
 * @fires {VcErrorEvent} vc-error - something failed: `{code, message, fatal}`
 *
 * @csspart announcer - the polite live region (`role="status"`, visually hidden): joins, leaves, mutes, chat while its panel is closed, recording, new customers (agent)
 * @csspart local-video - this participant's camera, or shared screen (`<video>`)
 * @csspart remote-video - a remote participant's video (`<video data-peer-id>`)
 * @csspart prejoin - the pre-join screen
 * @csspart preview - the camera preview of the pre-join screen
 * @csspart check-camera-button - "Check camera": opens camera and microphone for the preview before joining
 * @csspart name-input - the display name field of the pre-join screen
 * @csspart device-pickers - the camera, microphone and speaker choices
 * @csspart camera-picker - the camera choice (also `microphone-picker`, `speaker-picker`)
 * @csspart join-button - the Join button
 * @csspart call - the in-call view
 * @csspart grid - the tile grid (`data-layout`: `grid`, or `stage` while a tile is on the stage)
 * @csspart tile - every tile (also `local-tile`, `remote-tile`, and `speaking` on the active speaker's)
 * @csspart pin-button - pins a tile to the stage, or unpins it
 * @csspart tile-name - the name on a tile
 * @csspart avatar - initials shown while a camera is off
 * @csspart network-quality - a remote tile's network indicator (`data-quality`)
 * @csspart microphone-off - a tile's "microphone off" indicator (also `camera-off`, `text-only-badge`)
 * @csspart text-only-banner - shown while the call runs as a text chat
 * @csspart controls - the control bar
 * @csspart microphone-button - toggles the microphone; named for what a press does ("Turn microphone off")
 * @csspart camera-button - toggles the camera ("Turn camera off" / "Turn camera on")
 * @csspart screen-share-button - starts and stops sharing the screen
 * @csspart record-button - asks everyone to agree to a recording, then records; pressed while recording
 * @csspart recording-indicator - shown to everyone while the call is recorded (`data-self`: this participant records)
 * @csspart recording-consent - another participant asks to record (with `recording-allow-button`, `recording-decline-button`)
 * @csspart recording-pending - this participant's request waits for everyone's answer
 * @csspart recording-leave-out-button - another participant records and this one agreed: leave me out from now on
 * @csspart recording-left-out - this participant is left out of another's recording (with `recording-include-button`)
 * @csspart recording-download - the link to the last recording this participant made
 * @csspart chat-button - opens the chat (with `unread-badge`)
 * @csspart unread-badge - the count of chat messages not read yet
 * @csspart participants-button - opens the participants panel
 * @csspart stats-button - opens the statistics panel
 * @csspart speaker-view-button - whoever speaks takes the stage
 * @csspart more-button - narrow widgets: the menu of the controls that do not fit the row
 * @csspart fullscreen-button - full screen
 * @csspart pip-button - picture-in-picture
 * @csspart leave-button - hangs up
 * @csspart sound-button - "Turn sound on": shown when the browser refused the others' sound without a click
 * @csspart panel - the open side panel (chat, participants, stats)
 * @csspart close-panel-button - closes the open panel (Escape does too)
 * @csspart chat-panel - the chat
 * @csspart chat-message - one chat message (also `chat-input`, `send-button`)
 * @csspart participants-panel - the list of participants
 * @csspart mute-participant-button - hosts: in the participants panel, turns that participant's microphone off
 * @csspart remove-participant-button - hosts: in the participants panel, removes that participant (reason `kicked`)
 * @csspart lock-room-button - hosts: locks or unlocks the room (`aria-pressed` while locked)
 * @csspart end-call-button - hosts: ends the call for everyone
 * @csspart knock-requests - hosts: above the tiles, each knocking guest with `admit-button` and `deny-button`
 * @csspart knock-status - a guest waiting to be let in (`data-hosts-present`); says so when no host is in the call yet
 * @csspart host-notice - above the tiles: "The host muted you", or (to the others) the room was locked
 * @csspart stats-panel - the connection statistics
 * @csspart notice - a message to the visitor in plain words (errors, device problems; `data-code`)
 * @csspart retry-button - the notice's "Try again"
 * @csspart left - the screen shown after leaving (`data-reason`: `kicked` when a host removed this participant); in support mode also once a message was left, a call declined, or the call ended (`data-outcome`)
 * @csspart support-message - support mode: the pre-join screen's "What do you need help with?" field
 * @csspart waiting - random and support modes: the waiting screen (`data-mode`)
 * @csspart queue-status - the waiting screen's status line ("Looking for someone…", "Joining the queue…")
 * @csspart queue-position - support mode: the place in line (`data-position`)
 * @csspart estimated-wait - support mode: the estimated wait
 * @csspart waiting-message - support mode: the message sent with the request, while waiting
 * @csspart cancel-button - stops waiting
 * @csspart no-agent - support mode: "No agent is online"
 * @csspart ticket-form - support mode, no agent online: the leave-a-message form (also `ticket-message`, `ticket-contact`, `ticket-send-button`)
 * @csspart ticket-sent - the thank-you once the message was left
 * @csspart declined - an agent declined the call (with `decline-reason`)
 * @csspart next-button - random mode: ends the pair and looks for someone else
 * @csspart report-button - random mode: opens the report form
 * @csspart report-form - the report form (also `report-reason` radios, `report-send-button`, `report-cancel-button`)
 * @csspart agent-console - agent mode: the console shown between calls
 * @csspart availability-toggle - online (pressed) or away
 * @csspart agents-online - how many agents are online
 * @csspart take-next-button - takes the customer waiting longest
 * @csspart queue-list - the waiting customers (`queue-entry` rows with `data-customer-id`; `queue-empty` when none)
 * @csspart queue-entry - one waiting customer (also `customer-name`, `waited`, `customer-message`)
 * @csspart take-button - takes this customer (also `decline-button`)
 * @csspart decline-form - the reason to decline a customer (also `decline-reason`, `decline-send-button`, `decline-cancel-button`)
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
  /**
   * The reactive properties (documented on their fields below). Declared here rather than with decorators, whose
   * runtime would cost the script-tag bundle about 0.4 KiB gzip: add new ones here too. An attribute is the
   * lower-case property name unless named; `attribute: false` on internal state (implied by `state`) keeps the
   * manifest from listing it as an attribute.
   */
  static override properties = {
    apiKey: { attribute: 'api-key' }, token: {}, server: {}, room: {}, displayName: { attribute: 'display-name' }, autojoin: { type: Boolean }, preview: { type: Boolean },
    quality: {}, effects: {}, mode: {}, queue: {}, notify: { type: Boolean }, lang: {}, strings: { attribute: false }, theme: { reflect: true },
    notice: { state: true, attribute: false }, joining: { state: true, attribute: false },
    leftBecause: { state: true, attribute: false }, typedName: { state: true, attribute: false }, wantsToJoin: { state: true, attribute: false },
    pinned: { state: true, attribute: false }, speakerView: { state: true, attribute: false }, moreOpen: { state: true, attribute: false },
  };

  /** Publishable key (`pk_…`) of the site's project. */
  apiKey = '';
  /** Join token minted by the partner's server; names the room (and may name the user). Wins over `api-key`. */
  token = '';
  /** Service base URL; defaults to the origin `widget.js` was loaded from. */
  server = '';
  /** Name of the room to join. */
  room = '';
  /** Name shown to the other participants (the user can still change it on the pre-join screen). */
  displayName = '';
  /** Join at once, without the pre-join screen. */
  autojoin = false;
  /**
   * Open camera and microphone for the pre-join preview as soon as the widget loads. Without it (the default)
   * nothing is opened before the visitor clicks Join or "Check camera".
   */
  preview = false;
  /** Video sent: `low` 480p · `medium` 720p (default) · `high` 1080p · `auto` (adapts to the network). Applies live. */
  quality: string = 'medium';
  /**
   * Effect on the camera, seen by everyone and in the self-view: `none` (default) · `blur` · `grayscale` ·
   * `sepia` · `invert` · `brightness` · `background-blur`. Applies live, without renegotiating.
   */
  effects: string = 'none';
  /**
   * What joining means: `room` (default) joins the `room`; `random` pairs this visitor with another at random;
   * `support` waits for a support agent; `agent` is the agent's console (needs an agent `token`).
   */
  mode: string = 'room';
  /** The queue of the `random`, `support` and `agent` modes (default `default`); an agent's must be its token's. */
  queue = 'default';
  /**
   * Agent mode: a browser notification when a customer starts waiting while the tab is hidden (permission
   * is asked at the agent's Join or Available click). Off by default.
   */
  notify = false;
  /** UI language, a BCP 47 tag (`fr`, `de-CH`…); defaults to the page's language, then English. */
  override lang = '';
  /** Overrides of the UI's words, key by key (e.g. `{join: 'Enter'}`). */
  strings: Partial<Strings & QueueStrings & RecordingStrings & AnnounceStrings & HostStrings> = {};
  /** `light` or `dark` forces a colour scheme; without it the widget follows the visitor's system setting. */
  theme: '' | 'light' | 'dark' = '';
  /** The language whose table has been asked for, so each is fetched once. */
  private loadingLang: string | null = null;

  private notice: CallError | null = null;
  private joining = false;
  /** The visitor asked to join and a lost connection stopped it: it joins by itself once the service is back. */
  private wantsToJoin = false;
  /** The tile pinned to the stage, the speaker view, who spoke last (for it), and the "More" menu. */
  private pinned: string | null = null;
  private speakerView = false;
  private lastSpeaker: string | null = null;
  private moreOpen = false;
  /** The last line written to the console, so a failure repeated by retries is written once. */
  private lastLogged = '';
  /** Why the last call ended, for the screen shown after it. */
  private leftBecause: LeaveReason | null = null;
  /** The name typed on the pre-join screen; wins over `display-name` until that changes. */
  private typedName: string | null = null;
  private readonly panels = new CallPanels(this);
  private readonly modes = new DisplayModes(this);
  private readonly matching = new Matching();
  private readonly recording = new Recording();
  private readonly hostControls = new HostPowers(({ HostControls }) => new HostControls(this, () => !!this.token && tokenIsHost(this.token), (error) => this.actions.onError(error)));
  /** The polite live region, and what it says of the call. */
  private readonly live = new LiveRegion(this);
  private readonly announcing = { strings: () => resolveStrings(this.uiLanguage, this.strings), chatOpen: () => this.panels.open === 'chat' };
  /** Moves focus to each new screen while the visitor uses the widget. */
  protected readonly screenFocus = new ScreenFocus(this);
  private engine: CallEngine | null = null;
  private unwatchSound = (): unknown => undefined;
  /** The call's views and styles: a lazy chunk, fetched on load, needed from Join on. */
  private callUi: typeof import('../ui/call-view.js') | null = null;
  private loadingCallUi: Promise<void> | null = null;

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
    if (!engine) throw this.notice as CallError; // start() reported a fatal problem: it is the notice now
    this.joining = true;
    this.wantsToJoin = this.mode === 'room';
    try {
      const name = this.nameToJoin.trim();
      // The call's views (a lazy chunk, asked for on load) arrive while the call is set up.
      const views = this.loadCallUi().catch((error: CallError) => {
        this.report(error);
        throw error;
      });
      if (this.mode === 'room') await Promise.all([views, engine.join(this.room || undefined, name || undefined)]);
      else await Promise.all([views, this.matching.get().then((matching) => matching.join(name))]);
      this.wantsToJoin = false;
    } catch (error) {
      // The service went away while joining: try again as soon as it is back (see onOnline), else give up.
      const lost = error instanceof CallError && error.code === 'connection_failed' && !error.fatal && this.engine === engine;
      if (lost && this.wantsToJoin) void engine.prepare().catch(() => undefined);
      else this.wantsToJoin = false;
      throw error;
    } finally {
      this.joining = false;
    }
  }

  /**
   * Random mode: ends the current pair and looks for someone else (the Next button); the partner waits again
   * too. Rejects with `configuration_invalid` in another mode, and `not_matched` before joining.
   */
  async next(): Promise<void> {
    await (await this.matching.get()).next();
  }

  /** Hangs up and releases camera and microphone. */
  async leave(): Promise<void> {
    this.wantsToJoin = false;
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

  /**
   * Asks everyone else in the call to agree to a recording (each sees Allow / Decline), then records the call:
   * every video tiled, every sound mixed. Everyone sees an indicator while it runs. Resolves once recording;
   * rejects with `recording_declined` (someone declined: nothing was recorded), `recording_unanswered` (not
   * everyone answered within 30 s), `recording_busy` (a recording is under way), `recording_failed` (this
   * browser cannot record) or `not_in_room`.
   */
  async startRecording(): Promise<void> {
    await (await this.recording.get()).start();
  }

  /** Stops recording; resolves with the file after `vc-recording-ready` fired. Rejects with `recording_not_found`. */
  async stopRecording(): Promise<VcRecordingReadyDetail> {
    return (await this.recording.get()).stop();
  }

  /**
   * Host powers, for a participant whose join token's role is `host` (each rejects with `host_only` otherwise,
   * `not_in_room` outside the call): remove someone (they leave with `kicked`; their token admits them no more),
   * turn someone's microphone off (they are told, and may turn it on again), lock or unlock the room (nobody
   * new joins but hosts: `room_locked`), end the call for everyone; admit or deny a guest who knocks.
   */
  async removeParticipant(peerId: string): Promise<void> {
    return (await this.hostControls.get()).remove(peerId);
  }
  async muteParticipant(peerId: string): Promise<void> {
    return (await this.hostControls.get()).mute(peerId);
  }
  async lockRoom(locked: boolean): Promise<void> {
    return (await this.hostControls.get()).lock(locked);
  }
  async endCall(): Promise<void> {
    return (await this.hostControls.get()).endCall();
  }
  /** Knock to enter: let a knocking guest in (`vc-knock` named them), or turn them away with a reason they read. */
  async admit(peerId: string): Promise<void> {
    return (await this.hostControls.get()).admit(peerId);
  }
  async deny(peerId: string, reason: string): Promise<void> {
    return (await this.hostControls.get()).deny(peerId, reason);
  }

  protected override firstUpdated(): void {
    this.loadCallUi().catch(() => undefined); // in the background: Join waits for it if it is not there yet
    this.begin();
  }

  /** In a call, the element has finished updating once the call's views (a lazy chunk) are there and drawn. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    const inCall = this.state === 'connected' || this.state === 'reconnecting';
    if (!inCall || this.callUi || !this.loadingCallUi) return done;
    await this.loadingCallUi.catch(() => undefined);
    return super.getUpdateComplete();
  }

  /** Fetches the call's views (once), and adopts their styles. */
  private loadCallUi(): Promise<void> {
    this.loadingCallUi ??= import('../ui/call-view.js').then(
      (module) => {
        module.adoptCallStyles(this.renderRoot as ShadowRoot);
        this.callUi = module;
        this.requestUpdate();
      },
      (error: unknown) => {
        this.loadingCallUi = null;
        throw new CallError('connection_failed', `Could not load the call view (${String(error)}).`);
      },
    );
    return this.loadingCallUi;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.unwatchSound = onSoundRefusal(() => this.requestUpdate());
    if (this.hasUpdated) this.begin();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unwatchSound();
    // Moving the element (removed and re-inserted in one task) keeps the call; only a real removal ends it.
    queueMicrotask(() => {
      if (!this.isConnected) void this.stop();
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('displayName') && changed.get('displayName') !== undefined) this.typedName = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const changedLater = (name: 'apiKey' | 'token' | 'server' | 'room' | 'mode' | 'queue') => changed.has(name) && changed.get(name) !== undefined;
    const restart = changedLater('apiKey') || changedLater('token') || changedLater('server') || changedLater('mode') || changedLater('queue');
    if (this.engine && restart) {
      // A new credential, server or mode means a new connection; room and name apply at the next join.
      this.notice = null;
      void this.stop().then(() => this.begin());
    } else if (!this.engine && (restart || changedLater('room'))) {
      this.begin(); // a missing or invalid attribute was set
    }
    if (changed.has('quality')) {
      if (!QUALITY_SETTINGS.includes(this.quality as QualitySetting)) {
        this.report(new CallError('configuration_invalid', `quality="${this.quality}" is not one of ${QUALITY_SETTINGS.join(', ')}; using medium.`));
      }
      this.engine?.outgoing.setQuality(this.qualitySetting);
    }
    if (changed.has('effects')) this.applyEffect(this.engine, true);
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

  /** Puts the `effects` value on the engine's camera; `report`: say so when the value is not one we know. */
  private applyEffect(engine: CallEngine | null, report: boolean): void {
    const effect = parseEffect(this.effects);
    if (!effect && report) this.report(new CallError('configuration_invalid', `effects="${this.effects}" is not one of ${EFFECTS.join(', ')}; using none.`));
    engine?.outgoing.setEffect(effect ?? 'none').catch((error: unknown) => this.report(new CallError('effect_unavailable', error instanceof Error ? error.message : undefined)));
  }

  private get qualitySetting(): QualitySetting {
    return QUALITY_SETTINGS.includes(this.quality as QualitySetting) ? (this.quality as QualitySetting) : 'medium';
  }

  private get nameToJoin(): string {
    // A token that names its holder wins: the service seats them under that name whatever else is sent.
    return (this.token && tokenName(this.token)) || (this.typedName ?? (this.displayName || siteMemory.get('display-name') || ''));
  }

  /** Ends the engine (hanging up if in a call); its late events are ignored. */
  private stop(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    this.panels.close();
    this.panels.attach(null);
    this.matching.attach(null, this, this.actions.onError);
    this.recording.attach(null, this, this.actions.onError);
    this.hostControls.attach(null);
    this.live.follow(null, this.announcing);
    return engine?.leave() ?? Promise.resolve();
  }

  private begin(): void {
    if (this.engine || !this.isConnected) return;
    const engine = this.start();
    if (!engine) return;
    const run = this.autojoin ? this.join() : engine.prepare();
    run.catch(() => undefined); // reported through vc-error
    if (this.preview && !this.autojoin) void engine.openDevices();
  }

  /** Creates the engine for the current attributes, or reports what is missing. */
  private start(): CallEngine | null {
    const problem = configurationProblem(this);
    if (problem) {
      this.report(new CallError('configuration_invalid', problem, true));
      return null;
    }
    this.notice = null;
    const credential = this.token ? { token: this.token } : { apiKey: this.apiKey };
    const engine = new CallEngine({ serverUrl: this.server || BUNDLE_ORIGIN, credential });
    engine.outgoing.setQuality(this.qualitySetting); // the starting quality is no change to report
    this.applyEffect(engine, false);
    forwardEngineEvents(engine, this, {
      follows: (e) => this.engine === e,
      onConnected: () => {
        if (this.notice?.code === 'connection_failed') this.notice = engine.media.issue;
      },
      onOnline: () => {
        // Back in touch with the service: what said it was unreachable is over, and a join it stopped resumes.
        if (this.notice?.code === 'connection_failed' && !this.notice.fatal) this.notice = engine.media.issue;
        if (this.wantsToJoin && !this.joining && engine.state === 'prejoin') void this.join().catch(() => undefined);
      },
      onJoined: () => (this.notice = engine.media.issue),
      onLeft: (reason, current) => current && (this.leftBecause = reason),
      onChatMessage: (self) => this.panels.messageArrived(self),
      onError: (error) => this.report(error),
    });
    this.panels.attach(engine.monitor);
    this.matching.attach(engine, this, this.actions.onError);
    this.recording.attach(engine, this, this.actions.onError);
    this.hostControls.attach(engine);
    this.live.follow(engine, this.announcing);
    this.engine = engine;
    return engine;
  }

  private report(error: CallError): void {
    // A fatal problem stays on screen until something fixes it; a lesser one does not hide it, and is said
    // through the live region instead (a notice on screen is an alert, read out as it appears).
    if (!this.notice?.fatal || error.fatal) this.notice = error;
    else this.live.say(visitorNotice(error.code, error.fatal, resolveStrings(this.uiLanguage, this.strings)).text);
    // The visitor reads plain words (see ui/notice.ts); the site owner gets the detail here and in vc-error.
    const line = `<video-chat-widget> ${error.code}: ${error.message} (how to fix it: ${ERRORS_DOCS_URL}#${error.code})`;
    if (line !== this.lastLogged) console.warn(line); // once, not at every retry of an unreachable service
    this.lastLogged = line;
    this.dispatchEvent(new VcErrorEvent({ code: error.code, message: error.message, fatal: error.fatal }));
  }

  private readonly actions: UiActions = {
    onDisplayNameInput: (name) => {
      this.typedName = name;
      siteMemory.set('display-name', name.trim());
    },
    onJoin: () => {
      startSoundFromGesture(); // in the click: Safari lets sound start only from the visitor's gesture
      void this.join().catch(() => undefined);
    },
    onCheckCamera: () => void this.engine?.openDevices(),
    onRetry: () => void this.retry(),
    onLeave: () => void (this.matching.session?.hangUp() || this.leave()),
    onToggleScreenShare: () => {
      const outgoing = this.engine?.outgoing;
      if (outgoing?.screen.active) outgoing.stopScreenShare();
      else outgoing?.startScreenShare().catch(this.actions.onError);
    },
    onSendChat: (text) => void this.sendChatMessage(text).catch(this.actions.onError),
    onTogglePanel: (name) => this.panels.toggle(name),
    onToggleFullscreen: () => void this.modes.toggleFullscreen().catch(() => undefined),
    onTogglePictureInPicture: () => void this.modes.togglePictureInPicture(this.engine?.participants ?? []).catch(() => undefined),
    onTogglePin: (id) => (this.pinned = this.pinned === id ? null : id),
    onToggleSpeakerView: () => (this.speakerView = !this.speakerView),
    onToggleMore: () => (this.moreOpen = !this.moreOpen),
    onError: (error) => this.report(error instanceof CallError ? error : new CallError('media_unavailable', String(error))),
  };

  private uiState(strings: Strings): UiState {
    return {
      strings,
      displayName: this.nameToJoin,
      joining: this.joining || this.wantsToJoin || this.state === 'connecting',
      nameFromToken: !!this.token && tokenName(this.token) !== null,
      notice: this.notice,
      panel: this.panels.open,
      unread: this.panels.unread,
      fullscreen: this.modes.fullscreen,
      pictureInPicture: this.modes.pictureInPicture,
      stats: this.panels.stats,
      pinned: this.pinned,
      speakerView: this.speakerView,
      lastSpeaker: (this.lastSpeaker = this.engine?.participants.find((p) => p.speaking)?.peerId ?? this.lastSpeaker),
      moreOpen: this.moreOpen,
      statsPanel: this.panels.statsPanel(strings),
      joinLabel: this.mode === 'support' ? strings.callSupport : undefined,
      ...this.matching.session?.additions(strings),
      ...this.recording.session?.additions(strings),
      ...this.hostControls.additions(),
    };
  }

  protected override render(): TemplateResult {
    const engine = this.engine;
    const state = this.state;
    const s = resolveStrings(this.uiLanguage, this.strings);
    const notice = renderNotice(this.notice && errorNotice(this.notice, s), this.actions.onRetry);
    if (!engine || state === 'error') return html`${notice}`;
    const own = this.matching.session?.screen(state, s);
    if (own) return html`${notice}${own}`;
    if (state === 'connected' || state === 'reconnecting') {
      // One column: a notice (if any) above the call, which takes the rest of the box.
      return html`<div class="in-call">
        ${state === 'reconnecting' ? html`<div class="notice info" part="status" role="status">${s.reconnecting}</div>` : notice}
        ${soundRefused(this.renderRoot)
          ? html`<button type="button" class="primary" part="sound-button" @click=${() => playRefusedSound(this.renderRoot)}>${s.turnSoundOn}</button>`
          : nothing}
        ${this.callUi ? this.callUi.renderCall(callView(engine, this.uiState(s), this.actions)) : html`<p class="panel muted" role="status">${s.loading}</p>`}
      </div>`;
    }
    if (state === 'left') {
      const kicked = this.leftBecause === LeaveReason.kicked;
      const ended = kicked || this.leftBecause === LeaveReason.roomEnded;
      return html`
        <div class="panel" part="left" data-reason=${this.leftBecause ?? nothing}>
          <p role="status">${kicked ? s.noticeRemoved : ended ? s.callEnded : s.youLeft}</p>
          ${ended ? nothing : html`<button part="join-button" class="primary" @click=${() => void this.rejoin()}>${s.joinAgain}</button>`}
        </div>
      `;
    }
    return html`${this.hostControls.waiting(s)}${renderPrejoin(prejoinView(engine, this.uiState(s), this.actions))}`;
  }

  /**
   * The notice's "Try again": asks for the devices again (after the visitor allowed them), starts over after a
   * fatal failure, or joins again (a full room).
   */
  private async retry(): Promise<void> {
    const notice = this.notice;
    const engine = this.engine;
    if (notice?.code.startsWith('media_') && engine) {
      await engine.retryDevices();
      if (this.engine === engine && this.notice === notice) this.notice = engine.media.issue;
      return;
    }
    this.notice = null;
    if (!engine || notice?.fatal) {
      await this.stop();
      this.begin();
    } else if (engine.state === 'prejoin') {
      await this.join().catch(() => undefined);
    }
  }

  private async rejoin(): Promise<void> {
    this.notice = null;
    await this.join().catch(() => undefined);
  }
}
