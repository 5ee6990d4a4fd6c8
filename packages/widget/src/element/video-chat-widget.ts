import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { LeaveReason } from '@vcw/shared/protocol';
import { CallEngine, type CallState, type Participant } from '../engine/call-engine.js';
import { CallError } from '../engine/call-error.js';
import { QUALITY_SETTINGS, type QualitySetting } from '../engine/send-quality.js';
import { EFFECTS, parseEffect, type EffectName } from '../media/effects/effect-name.js';
import { siteMemory } from '../engine/site-memory.js';
import type { VcChatMessageDetail } from '../events/vc-chat-message-event.js';
import type { VcRecordingReadyDetail } from '../events/vc-recording-ready-event.js';
import { VcErrorEvent } from '../events/vc-error-event.js';
import { errorNotice, renderNotice, visitorNotice } from '../ui/notice.js';
import { renderPrejoin } from '../ui/prejoin-view.js';
import { startSoundFromGesture } from '../media/gesture-audio.js';
import { onSoundRefusal, playRefusedSound, soundRefused } from '../ui/sound-playback.js';
import {
  loadStrings,
  resolveStrings,
  type AnnounceStrings,
  type HostStrings,
  type QueueStrings,
  type RecordingStrings,
  type Strings,
} from '../ui/strings.js';
import { CallPanels } from './call-panels.js';
import { configurationProblem, type WidgetMode } from './configuration.js';
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

/** What shows the visitor going to Join (see `onJoinIntent`). */
const JOIN_INTENTS = ['pointerover', 'pointerdown', 'focusin'] as const;

/** A remote participant as the page sees it (`widget.participants`). */
export type ParticipantSummary = Pick<
  Participant,
  'peerId' | 'displayName' | 'microphone' | 'camera' | 'screen' | 'speaking' | 'textOnly'
> & {
  networkQuality: Participant['quality'];
};

/**
 * An embeddable peer-to-peer video call. It fills the box the page gives it (100% wide, 16:9, at most the
 * viewport's height by default). Its children are fallback content: shown until the script loads, hidden (not
 * slotted) once the element upgrades.
 *
 * @fires {VcJoinEvent} vc-join - this widget took its seat: `{peerId, room}`
 * @fires {VcLeaveEvent} vc-leave - this widget left the room: `{reason}` — `hangup`; `room-ended` when the partner or a host ended the call; `kicked` when a host or the partner removed this participant (the widget says so and does not reconnect)
 * @fires {VcParticipantJoinEvent} vc-participant-join - another participant is in the call: `{peerId, displayName}` (also fired for each participant already there on joining)
 * @fires {VcParticipantLeaveEvent} vc-participant-leave - another participant left: `{peerId, reason}` — `hangup` · `timeout` · `network` · `kicked` · `room-ended`
 * @fires {VcConnectionStateChangeEvent} vc-connection-state-change - `state` changed: `{state}`
 * @fires {VcChatMessageEvent} vc-chat-message - `{id, from, displayName, text, ts, self}`: a message received, or this widget's own once the service accepted it (`self: true`); `text` is plain text, never HTML
 * @fires {VcQualityChangeEvent} vc-quality-change - the video quality sent changed: `{from, to, reason}` — `reason` is `bandwidth` · `packet-loss` · `round-trip-time` · `recovered` (with `quality="auto"`) or `attribute`
 * @fires {VcQueueUpdateEvent} vc-queue-update - random and support modes: this visitor's place in the queue, `{mode, queue, status, position, waiting, agentsOnline, estimatedWaitMs, reason?}` — `status` is `waiting` · `matched` · `declined` (`reason`: the agent's) · `left`; `position` 1 is next (0 when not waiting); `estimatedWaitMs` is null without an estimate. Agent mode: the waiting list changed, `{mode: 'agent', queue, waiting, customers: [{customerId, displayName, since, message?}] (the first 20), agentsOnline, averageWaitMs}`
 * @fires {VcCustomerWaitingEvent} vc-customer-waiting - agent mode: a customer started waiting, `{peerId, displayName, message}` (`message` null when they wrote none), once per customer as they arrive (those already waiting when the console opens are in its first `vc-queue-update`). The widget also plays a short chime, prefixes the tab title with "(1) waiting" while anyone waits, and with `notify` shows a notification when the tab is hidden
 * @fires {VcAvailabilityEvent} vc-availability - support mode, before any camera: `{queue, agentsOnline, estimatedWaitSeconds}` once the widget is connected, then at each change until the customer waits (`estimatedWaitSeconds` null without an estimate)
 * @fires {VcRecordingReadyEvent} vc-recording-ready - `{blob, mimeType, durationMs}`: a recording this widget made is complete (`stopRecording()`, the record button, or the call ending while recording); only the recorder gets it. `blob` is the composed call, `mimeType` e.g. `video/webm;codecs=vp8,opus`
 * @fires {VcKnockEvent} vc-knock - hosts, in a room that makes guests knock: `{peerId, displayName}` of a guest asking to enter (answer with `admit`/`deny`)
 * @fires {VcKnockWaitingEvent} vc-knock-waiting - a guest in a room that makes guests knock: `{hostsPresent}` — it knocked and waits; `vc-join` follows if admitted, `vc-error` `knock_denied` (the host's reason) if not
 * @fires {VcErrorEvent} vc-error - something failed: `{code, message, fatal}` — codes in [docs/errors.md](../../docs/errors.md)
 *
 * @csspart announcer - the polite live region (`role="status"`, visually hidden, first in the shadow root): what it says is listed under [Accessibility](#accessibility)
 * @csspart notice - a message to the visitor in plain words (`data-code` holds the error code; `role="status"` for a passing state, `alert` otherwise)
 * @csspart retry-button - the notice's "Try again": asks for camera and microphone again, joins again (a full room) or starts over
 * @csspart status - transient status ("Reconnecting…")
 * @csspart sound-button - "Turn sound on", above the call: shown when the browser refused the others' sound without a click; its click plays every remote video with sound
 * @csspart prejoin - the pre-join screen (a `<form>`: Enter in the name field joins)
 * @csspart preview - the camera preview box
 * @csspart check-camera-button - "Check camera": opens camera and microphone for the preview before joining (shown until they are asked for)
 * @csspart local-video - `<video>` of this participant's camera, mirrored (pre-join preview and self tile), or the shared screen
 * @csspart avatar - the initials shown while a camera is off (also in the participants panel)
 * @csspart name-input - the name field (at most 64 characters); a token that names its holder fills and locks it
 * @csspart device-pickers - the box of pickers, shown once the browser names the devices (after permission)
 * @csspart camera-picker - the camera `<select>`
 * @csspart microphone-picker - the microphone `<select>`
 * @csspart speaker-picker - the speaker `<select>`, only where the browser can choose the audio output
 * @csspart join-button - Join; "Join anyway" while a device problem is shown; "Join again" after leaving
 * @csspart call - the in-call view
 * @csspart text-only-banner - says the call runs as text chat only, and why (`role="status"`)
 * @csspart grid - the tile grid; `data-count` is the number of tiles; `data-layout` is `grid`, or `stage` while one tile is on the stage
 * @csspart tile - every tile, filling its cell. A participant without camera is their initials, name and the `camera-off` mark at once ("Connecting…" only for a picture on its way)
 * @csspart local-tile - this participant's tile (first)
 * @csspart remote-tile - a remote participant's tile (with `data-peer-id`)
 * @csspart speaking - the active speaker's tile (also `data-speaking`): `::part(tile speaking)`
 * @csspart pin-button - on each tile: pins it to the stage, or unpins it (`aria-pressed`); shown on hover and focus, always on touch screens
 * @csspart remote-video - `<video data-peer-id="…">` of a remote participant (it stays while the camera is off: it plays the sound)
 * @csspart tile-name - the name on a tile
 * @csspart microphone-off - a tile's "microphone off" indicator (an icon with a text alternative)
 * @csspart camera-off - a tile's "camera off" indicator (an icon with a text alternative)
 * @csspart network-quality - the signal bars of a remote tile; `data-quality` is `good` · `fair` · `poor` · `unknown`
 * @csspart tile-badge - "Sharing screen" on a tile
 * @csspart text-only-badge - "Chat only" on the tile of a participant without WebRTC
 * @csspart controls - the control bar
 * @csspart microphone-button - says what pressing it does: "Turn microphone off" / "Turn microphone on" (so no `aria-pressed`); while the microphone is off it has the class `off`
 * @csspart camera-button - "Turn camera off" / "Turn camera on", like the microphone button
 * @csspart screen-share-button - starts and stops sharing the screen (`aria-pressed`; only where the browser can share a screen)
 * @csspart chat-button - opens the chat (`aria-pressed`); with unread messages its name is "Chat, 3 unread"
 * @csspart unread-badge - the unread count on the chat button
 * @csspart participants-button - opens the participants panel (`aria-pressed`)
 * @csspart stats-button - opens the statistics panel (`aria-pressed`)
 * @csspart speaker-view-button - whoever speaks takes the stage (`aria-pressed`)
 * @csspart fullscreen-button - full screen (`aria-pressed`; only where the browser supports it)
 * @csspart pip-button - picture-in-picture (`aria-pressed`; only where the browser supports it)
 * @csspart more-button - "More" (`aria-expanded`): on a box narrower than 720px, opens the menu of the controls that do not fit the row; Escape closes it
 * @csspart leave-button - hang up: red, a handset put down, apart from the other controls; says "Leave call" where there is room
 * @csspart panel - the open side panel (a sheet under the tiles on narrow, tall widgets; an overlay on narrow, short ones); `data-panel` is `chat` · `participants` · `stats`
 * @csspart close-panel-button - closes the panel (so does Escape)
 * @csspart chat-panel - the chat (messages are shown as text, never as HTML)
 * @csspart chat-message - one chat message
 * @csspart chat-input - the chat's message field
 * @csspart send-button - the chat's Send button
 * @csspart participants-panel - everyone in the call, with their microphone and camera state
 * @csspart mute-participant-button - hosts: in the participants panel, turns that participant's microphone off
 * @csspart remove-participant-button - hosts: in the participants panel, removes that participant (reason `kicked`)
 * @csspart lock-room-button - hosts: locks or unlocks the room (`aria-pressed` while locked)
 * @csspart end-call-button - hosts: ends the call for everyone
 * @csspart knock-requests - hosts: above the tiles, each knocking guest
 * @csspart admit-button - hosts: lets a knocking guest in
 * @csspart deny-button - hosts: turns a knocking guest away ("The host cannot let you in right now.")
 * @csspart knock-status - a guest waiting to be let in (`data-hosts-present`); says so when no host is in the call yet
 * @csspart host-notice - above the tiles: "The host muted you", or (to the others) the room was locked
 * @csspart stats-panel - bitrates, frame rate, resolution, round trip, loss and path (direct · STUN · relay) per participant; loaded on first use
 * @csspart left - the screen shown after leaving (`data-reason`: `kicked` when a host removed this participant); in support mode also after a message was left, a call declined, or the call with the agent ended (`data-outcome` is `ticket-sent` · `declined` · `call-ended`)
 * @csspart record-button - in the control bar, after screen share: asks everyone to agree, then records; pressed (`aria-pressed`) while this participant records, and a click stops it. Disabled while a request is out or another participant records
 * @csspart recording-indicator - "Recording", red, above the tiles, for everyone while the call is recorded (`role="status"`; `title` says who records; `data-self` is `true` for the recorder)
 * @csspart recording-consent - the question to everyone else: "Ada wants to record this call…"
 * @csspart recording-allow-button - agrees to the recording
 * @csspart recording-decline-button - declines the recording (it is cancelled for everyone)
 * @csspart recording-pending - the requester's "Waiting for everyone to agree to the recording…" (`role="status"`)
 * @csspart recording-leave-out-button - while another participant records and this one agreed: "Leave me out". The recording goes on without their picture and sound from then on
 * @csspart recording-left-out - "You are left out of the recording" (`role="status"`). A newcomer who declined a running recording sees it too
 * @csspart recording-include-button - "Include me": recorded again
 * @csspart recording-download - after stopping, a link (`<a download>`) to the file, with its duration
 * @csspart support-availability - support mode, on the pre-join screen once the service answered (before any camera): "An agent is available" or "No agent is online right now — leave a message" (`data-agents-online`)
 * @csspart support-message - support mode: the pre-join screen's "What do you need help with? (optional)" field (a `<textarea>`, at most 1000 characters); the agents see it in their queue. The `join-button` reads "Call support"
 * @csspart waiting - the waiting screen of random and support modes (`data-mode`)
 * @csspart queue-status - its status line: "Looking for someone…", "Joining the queue…", "Connecting…", "An agent is joining…" (`role="status"`)
 * @csspart queue-position - support: "You are number 3 in line" (`data-position`, `role="status"`)
 * @csspart estimated-wait - support: "Estimated wait: about 2 min", from the recent average wait
 * @csspart waiting-message - support: the message sent with the request, as text
 * @csspart cancel-button - stops waiting; back to the pre-join screen
 * @csspart no-agent - support: "No agent is online", above the leave-a-message form
 * @csspart ticket-form - the leave-a-message form
 * @csspart ticket-message - the form's message (required)
 * @csspart ticket-contact - the form's e-mail or phone (optional)
 * @csspart ticket-send-button - sends the message
 * @csspart ticket-sent - the thank-you once the message was stored (it becomes a ticket, listed by `GET /v1/queues/:name/tickets`)
 * @csspart declined - an agent declined the call
 * @csspart decline-reason - the reason an agent gave for declining (as text); in the agent console, the reason field (required, at most 300 characters)
 * @csspart next-button - random, in the call's control bar: end the pair, look for someone else
 * @csspart report-button - random: opens the report form (a toggle, `aria-pressed`)
 * @csspart report-form - the report form above the control bar (Escape closes it too)
 * @csspart report-reason - the report form's radios (`value`: `abuse` · `nudity` · `spam` · `underage` · `other`)
 * @csspart report-send-button - sends the report
 * @csspart report-cancel-button - closes the report form
 * @csspart agent-console - agent mode, between calls: the console
 * @csspart availability-toggle - online (`aria-pressed="true"`) or away
 * @csspart agents-online - how many agents serve the queue now
 * @csspart take-next-button - takes the customer waiting longest
 * @csspart queue-list - the waiting customers, in arrival order
 * @csspart queue-empty - "No one is waiting"
 * @csspart queue-entry - one waiting customer (`data-customer-id`)
 * @csspart customer-name - a customer's name (in the queue, and above the tiles in the call)
 * @csspart waited - how long a customer has waited (ticking, `m:ss`)
 * @csspart customer-message - the message a customer sent with the request
 * @csspart take-button - takes this customer
 * @csspart decline-button - opens the form to decline this customer
 * @csspart customer-header - agent mode, in the call above the tiles: the customer's name and message, for the whole call
 * @csspart decline-form - the reason the customer is shown (Escape closes it too)
 * @csspart decline-send-button - declines the customer with the reason
 * @csspart decline-cancel-button - closes the decline form
 *
 * @cssprop [--vc-background=#ffffff · #111827] - the widget
 * @cssprop [--vc-foreground=#111827 · #f9fafb] - text
 * @cssprop [--vc-muted=#4b5563 · #9ca3af] - secondary text
 * @cssprop [--vc-surface=#f3f4f6 · #1f2937] - buttons, fields, panels
 * @cssprop [--vc-border=#d1d5db · #374151] - field and panel borders
 * @cssprop [--vc-tile-background=#e5e7eb · #1f2937] - a tile without video
 * @cssprop [--vc-accent=#2563eb · #3b82f6] - Join, Send, pressed toggles, avatars; focus ring, speaking outline, links (as a fill under text, the dark theme keeps #2563eb)
 * @cssprop [--vc-accent-foreground=#ffffff] - text on the accent
 * @cssprop [--vc-danger=#dc2626 · #ef4444] - Leave, devices off, errors, unread badge, recording indicator, poor network (as a fill under text, the dark theme keeps #dc2626)
 * @cssprop [--vc-warning=#d97706 · #f59e0b] - fair network
 * @cssprop [--vc-success=#16a34a · #22c55e] - good network
 * @cssprop [--vc-speaking=var(--vc-accent)] - the active speaker's outline
 * @cssprop [--vc-focus-ring=var(--vc-accent)] - the keyboard focus outline
 * @cssprop [--vc-radius=12px] - tiles, panels, preview
 * @cssprop [--vc-font=14px/1.4 system-ui, sans-serif] - font shorthand
 * @cssprop [--vc-panel-width=300px] - the side panel
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
    apiKey: { attribute: 'api-key' },
    token: {},
    server: {},
    room: {},
    displayName: { attribute: 'display-name' },
    autojoin: { type: Boolean },
    preview: { type: Boolean },
    quality: {},
    effects: {},
    mode: {},
    queue: {},
    notify: { type: Boolean },
    lang: {},
    strings: { attribute: false },
    theme: { reflect: true },
    notice: { state: true, attribute: false },
    joining: { state: true, attribute: false },
    leftBecause: { state: true, attribute: false },
    typedName: { state: true, attribute: false },
    wantsToJoin: { state: true, attribute: false },
    pinned: { state: true, attribute: false },
    speakerView: { state: true, attribute: false },
    moreOpen: { state: true, attribute: false },
  };

  /** The project's publishable key (`pk_…`); works only from the project's allowed origins, and only for public rooms. */
  apiKey = '';
  /**
   * A join token minted by the partner's server (`POST /v1/rooms/:id/tokens`); names the room and may name the
   * user. The only way into a private room. Use it instead of `api-key` and `room`.
   */
  token = '';
  /** The service's base URL; defaults to the origin `widget.js` was loaded from. */
  server = '';
  /** The room to join (with `api-key`). */
  room = '';
  /** The name others see (the visitor can still change it on the pre-join screen; "Guest" without one). */
  displayName = '';
  /** Join at once, without the pre-join screen. */
  autojoin = false;
  /**
   * Open camera and microphone for the pre-join preview as soon as the widget loads. Without it (the default)
   * nothing is opened before the visitor clicks Join or "Check camera": no permission prompt and no camera light on arrival.
   */
  preview = false;
  /**
   * The video sent: `low` 480p · `medium` 720p (default) · `high` 1080p · `auto` (starts at 720p and steps down and up
   * with the network: `vc-quality-change` says when and why). Applies live.
   */
  quality: QualitySetting = 'medium';
  /**
   * An effect on the camera, seen by everyone and in the self-view: `none` (default) · `blur` · `grayscale` ·
   * `sepia` · `invert` · `brightness` · `background-blur`. Applies live, without renegotiating; see [Video effects](#video-effects).
   */
  effects: EffectName = 'none';
  /**
   * What joining means: `room` (default) joins `room`; `random` pairs this visitor with another at random;
   * `support` waits for a support agent; `agent` is a support agent's console (needs an agent `token`). See [Matching modes](#matching-modes).
   */
  mode: WidgetMode = 'room';
  /**
   * The queue of the `random`, `support` and `agent` modes (default `default`): 1 to 64 letters, digits, `_`, `.`
   * or `-`, starting with a letter or digit. An agent's must be the one its token was minted for.
   */
  queue = 'default';
  /**
   * Agent mode: a browser notification when a customer starts waiting while the tab is hidden. Permission is asked
   * only from the agent's Join or Available click; without it (or refused) the chime, the title and
   * `vc-customer-waiting` still come. Off by default.
   */
  notify = false;
  /** The UI language, a BCP 47 tag (`fr`, `de-CH`…); defaults to the page's language, then English. See [Languages](#languages). */
  override lang = '';
  /** Overrides of the UI's words, key by key (e.g. `{join: 'Enter'}`); see [Languages](#languages). */
  strings: Partial<Strings & QueueStrings & RecordingStrings & AnnounceStrings & HostStrings> = {};
  /** `light` or `dark` forces a colour scheme; without it the widget follows the visitor's system setting. See [Theming](#theming). */
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
  private readonly hostControls = new HostPowers(
    ({ HostControls }) =>
      new HostControls(
        this,
        () => !!this.token && tokenIsHost(this.token),
        (error) => this.actions.onError(error),
      ),
  );
  /** The polite live region, and what it says of the call. */
  private readonly live = new LiveRegion(this);
  private readonly announcing = {
    strings: () => resolveStrings(this.uiLanguage, this.strings),
    chatOpen: () => this.panels.open === 'chat',
  };
  /** Moves focus to each new screen while the visitor uses the widget. */
  protected readonly screenFocus = new ScreenFocus(this);
  private engine: CallEngine | null = null;
  private unwatchSound = (): unknown => undefined;
  /** The call's views and styles: a lazy chunk, needed from Join on, fetched when the visitor goes to join. */
  private callUi: typeof import('../ui/call-view.js') | null = null;
  private loadingCallUi: Promise<void> | null = null;

  /** Where the widget is: `idle` · `prejoin` · `connecting` · `connected` · `reconnecting` · `left` · `error`. */
  get state(): CallState {
    return this.engine?.state ?? (this.notice?.fatal ? 'error' : 'idle');
  }

  /**
   * The other participants in the call, with their media as they signal it: `[{peerId, displayName, microphone,
   * camera, screen, speaking, textOnly, networkQuality}]`.
   */
  get participants(): ReadonlyArray<ParticipantSummary> {
    return (this.engine?.participants ?? []).map(
      ({ peerId, displayName, microphone, camera, screen, speaking, textOnly, quality }) => ({
        peerId,
        displayName,
        microphone,
        camera,
        screen,
        speaking,
        textOnly,
        networkQuality: quality,
      }),
    );
  }

  /** Joins (opening camera and microphone if the pre-join screen has not); rejects after `vc-error`. */
  async join(): Promise<void> {
    if (!this.isConnected)
      throw new CallError('configuration_invalid', 'Add <video-chat-widget> to the page before joining.');
    const engine = this.engine ?? this.start();
    if (!engine) throw this.notice as CallError; // start() reported a fatal problem: it is the notice now
    this.joining = true;
    this.wantsToJoin = this.mode === 'room';
    try {
      const name = this.nameToJoin.trim();
      // The call's code (lazy chunks, asked for when the visitor went to Join) arrives while the call is set up.
      const views = this.fetchCallCode();
      views.catch(() => undefined); // awaited once in the call: the service's own answer comes first
      if (this.mode === 'room') await engine.join(this.room || undefined, name || undefined);
      else await (await this.matching.get()).join(name);
      this.wantsToJoin = false;
      // Fetching them failed while the service was away; it has answered since, so fetch them again.
      await views
        .catch(() => this.loadCallUi())
        .catch(async (error: CallError) => {
          this.report(error);
          await this.leave();
          throw error;
        });
    } catch (error) {
      // The service went away while joining: try again as soon as it is back (see onOnline), else give up.
      const lost =
        error instanceof CallError && error.code === 'connection_failed' && !error.fatal && this.engine === engine;
      if (lost && this.wantsToJoin) void engine.prepare().catch(() => undefined);
      else this.wantsToJoin = false;
      throw error;
    } finally {
      this.joining = false;
    }
  }

  /**
   * Random mode: ends the current pair and looks for someone else (the Next button); the partner waits again
   * too. Resolves at once while already looking; rejects with `not_matched` before joining, and with
   * `configuration_invalid` in any other mode.
   */
  async next(): Promise<void> {
    await (await this.matching.get()).next();
  }

  /** Hangs up and releases camera and microphone. */
  async leave(): Promise<void> {
    this.wantsToJoin = false;
    await this.engine?.leave();
  }

  /** Turns the microphone on or off (the others see it in their participants panel and on the tile). */
  setMicrophoneEnabled(on: boolean): void {
    this.engine?.setMicrophoneEnabled(on);
  }

  /** Turns the camera on or off. */
  setCameraEnabled(on: boolean): void {
    this.engine?.setCameraEnabled(on);
  }

  /**
   * Shares a screen (the user picks it) in place of the camera; rejects with `screen_share_failed` (cancelled,
   * refused, or before joining).
   */
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
   * every video tiled, every sound mixed (see [Recording](#recording)). Everyone sees an indicator while it runs.
   * Resolves once recording; rejects with `recording_declined` (someone declined: nothing was recorded),
   * `recording_unanswered` (not everyone answered within 30 s), `recording_busy` (a recording, or a request, is
   * already under way in the room), `recording_not_consented` (someone joined in the moment between everyone's
   * yes and the start: ask again), `recording_failed` (this browser cannot record) or `not_in_room`. A request
   * that fails is withdrawn: nobody is left with the question.
   */
  async startRecording(): Promise<void> {
    await (await this.recording.get()).start();
  }

  /**
   * Stops recording; resolves with the file (`{blob, mimeType, durationMs}`) once `vc-recording-ready` fired.
   * Rejects with `recording_not_found` when this widget is not recording.
   */
  async stopRecording(): Promise<VcRecordingReadyDetail> {
    return (await this.recording.get()).stop();
  }

  /**
   * Hosts (a join token whose `role` is `host`; see [Host powers](#host-powers); like every host power it rejects
   * with `host_only` for anyone else and `not_in_room` outside the call): removes someone. They leave with
   * `kicked`, and their token admits them no more.
   */
  async removeParticipant(peerId: string): Promise<void> {
    return (await this.hostControls.get()).remove(peerId);
  }
  /** Hosts: turns someone's microphone off (they are told, and may turn it on again). */
  async muteParticipant(peerId: string): Promise<void> {
    return (await this.hostControls.get()).mute(peerId);
  }
  /** Hosts: locks the room (nobody new joins but hosts: `room_locked`), or unlocks it. */
  async lockRoom(locked: boolean): Promise<void> {
    return (await this.hostControls.get()).lock(locked);
  }
  /** Hosts: ends the call for everyone (`vc-leave` with `room-ended`); the room admits nobody again. */
  async endCall(): Promise<void> {
    return (await this.hostControls.get()).endCall();
  }
  /** Hosts, in a room that makes guests knock: lets a knocking guest in (`vc-knock` named them); `peer_not_found` when nobody by that id knocks. */
  async admit(peerId: string): Promise<void> {
    return (await this.hostControls.get()).admit(peerId);
  }
  /** Hosts: turns a knocking guest away with a reason they read (`knock_denied`); `peer_not_found` when nobody by that id knocks. */
  async deny(peerId: string, reason: string): Promise<void> {
    return (await this.hostControls.get()).deny(peerId, reason);
  }

  protected override firstUpdated(): void {
    this.begin();
  }

  /**
   * The visitor goes to Join (a pointer over it, or focus on it, or a press on it: Join may appear under a pointer
   * that does not move): the call's code is fetched now, while they click, rather than with the page. Join waits
   * for whatever has not arrived.
   */
  private readonly onJoinIntent = (event: Event): void => {
    const target = event.composedPath()[0];
    if (target instanceof Element && target.closest('[part~="join-button"]'))
      this.fetchCallCode().catch(() => undefined);
  };

  /** Fetches the call's code (views, announcer, host powers); resolves with the views, which the call cannot do without. */
  private fetchCallCode(): Promise<void> {
    this.live.load();
    this.hostControls.get().catch(() => undefined); // its methods say so if it cannot be fetched
    return this.loadCallUi();
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
    for (const intent of JOIN_INTENTS) this.addEventListener(intent, this.onJoinIntent);
    this.unwatchSound = onSoundRefusal(() => this.requestUpdate());
    if (this.hasUpdated) this.begin();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const intent of JOIN_INTENTS) this.removeEventListener(intent, this.onJoinIntent);
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
    const changedLater = (name: 'apiKey' | 'token' | 'server' | 'room' | 'mode' | 'queue') =>
      changed.has(name) && changed.get(name) !== undefined;
    const restart =
      changedLater('apiKey') ||
      changedLater('token') ||
      changedLater('server') ||
      changedLater('mode') ||
      changedLater('queue');
    if (this.engine && restart) {
      // A new credential, server or mode means a new connection; room and name apply at the next join.
      this.notice = null;
      void this.stop().then(() => this.begin());
    } else if (!this.engine && (restart || changedLater('room'))) {
      this.begin(); // a missing or invalid attribute was set
    }
    if (changed.has('quality')) {
      if (!QUALITY_SETTINGS.includes(this.quality)) {
        this.report(
          new CallError(
            'configuration_invalid',
            `quality="${this.quality}" is not one of ${QUALITY_SETTINGS.join(', ')}; using medium.`,
          ),
        );
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
    if (!effect && report)
      this.report(
        new CallError(
          'configuration_invalid',
          `effects="${this.effects}" is not one of ${EFFECTS.join(', ')}; using none.`,
        ),
      );
    engine?.outgoing
      .setEffect(effect ?? 'none')
      .catch((error: unknown) =>
        this.report(new CallError('effect_unavailable', error instanceof Error ? error.message : undefined)),
      );
  }

  private get qualitySetting(): QualitySetting {
    return QUALITY_SETTINGS.includes(this.quality) ? this.quality : 'medium';
  }

  private get nameToJoin(): string {
    // A token that names its holder wins: the service seats them under that name whatever else is sent.
    return (
      (this.token && tokenName(this.token)) ||
      (this.typedName ?? (this.displayName || siteMemory.get('display-name') || ''))
    );
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
      void this.join().catch(() => undefined); // prepared on the pre-join, the join goes out here, in the click
      startSoundFromGesture(); // still in the click (Safari lets sound start only from the visitor's gesture)
    },
    onCheckCamera: () => void this.engine?.openDevices(),
    onRetry: () => void this.retry(),
    onLeave: () => void (this.matching.current?.hangUp() || this.leave()),
    onToggleScreenShare: () => {
      const outgoing = this.engine?.outgoing;
      if (outgoing?.screen.active) outgoing.stopScreenShare();
      else outgoing?.startScreenShare().catch(this.actions.onError);
    },
    onSendChat: (text) => void this.sendChatMessage(text).catch(this.actions.onError),
    onTogglePanel: (name) => this.panels.toggle(name),
    onToggleFullscreen: () => void this.modes.toggleFullscreen().catch(() => undefined),
    onTogglePictureInPicture: () =>
      void this.modes.togglePictureInPicture(this.engine?.participants ?? []).catch(() => undefined),
    onTogglePin: (id) => (this.pinned = this.pinned === id ? null : id),
    onToggleSpeakerView: () => (this.speakerView = !this.speakerView),
    onToggleMore: () => (this.moreOpen = !this.moreOpen),
    onError: (error) =>
      this.report(error instanceof CallError ? error : new CallError('media_unavailable', String(error))),
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
      ...this.matching.current?.additions(strings),
      ...this.recording.current?.additions(strings),
      ...this.hostControls.additions(),
    };
  }

  protected override render(): TemplateResult {
    const engine = this.engine;
    const state = this.state;
    const s = resolveStrings(this.uiLanguage, this.strings);
    const notice = renderNotice(this.notice && errorNotice(this.notice, s), this.actions.onRetry);
    if (!engine || state === 'error') return html`${notice}`;
    const own = this.matching.current?.screen(state, s);
    if (own) return html`${notice}${own}`;
    if (state === 'connected' || state === 'reconnecting') {
      // One column: a notice (if any) above the call, which takes the rest of the box.
      return html`<div class="in-call">
        ${state === 'reconnecting' ? html`<div class="notice info" part="status" role="status">${s.reconnecting}</div>` : notice}
        ${
          soundRefused(this.renderRoot)
            ? html`<button type="button" class="primary" part="sound-button" @click=${() => playRefusedSound(this.renderRoot)}>${s.turnSoundOn}</button>`
            : nothing
        }
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
