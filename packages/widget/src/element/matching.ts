/**
 * The matching modes (`mode` = random · support · agent) as the element sees them: one session per call
 * engine, whose code (the matchmaker, waiting screens, agent console) is a lazy chunk fetched when the widget
 * starts in such a mode, so that room mode never downloads it. Kept small: it is in the script-tag bundle.
 */
import type { CallEngine, CallState } from '../engine/call-engine.js';
import { CallError } from '../engine/call-error.js';
import type { Strings } from '../ui/strings.js';
import type { MatchingMode } from './configuration.js';
import { LazyFeature } from './lazy-feature.js';
import type { UiState } from './view-builder.js';

/** The element's side of a matching mode for one call engine (queue-session.ts, agent-session.ts). */
export interface MatchingSession {
  /** What Join does: wait in the queue (random, support), or open the console (agent). */
  join(displayName: string): Promise<void>;
  /** Random mode: end the pair and look for someone else; rejects with `configuration_invalid` elsewhere. */
  next(): Promise<void>;
  /** The call's Leave button; true when handled here (an agent goes back to the console). */
  hangUp(): boolean;
  /** The mode's own screen for `state` (waiting, the agent console, the end of a support visit), if it has one. */
  screen(state: CallState, strings: Strings): unknown;
  /** What the mode adds to the pre-join screen and the call's control bar. */
  additions(strings: Strings): Pick<UiState, 'prejoinFields' | 'matchControls' | 'matchHeader'>;
  /** The element let go of this engine. */
  close(): void;
}

/** The element, as a session sees it. */
export interface MatchingHost extends HTMLElement {
  readonly mode: string;
  readonly queue: string;
  /** Agent mode: a browser notification when a customer starts waiting while the tab is hidden. */
  readonly notify: boolean;
  readonly renderRoot: HTMLElement | DocumentFragment;
  requestUpdate(): void;
  /** Joins as the Join button does (the "Call support" button after a visit ended). */
  join(): Promise<void>;
}

/** Starts a session; `onError` reports a failure as the element does (notice and `vc-error`). */
export type StartSession = (
  engine: CallEngine,
  host: MatchingHost,
  onError: (error: unknown) => void,
) => MatchingSession;

export class Matching extends LazyFeature<MatchingSession> {
  /** Starts the mode's session for a new engine, fetching its code; none in room mode. */
  attach(engine: CallEngine | null, host: MatchingHost, onError: (error: unknown) => void): void {
    this.drop();
    const mode = host.mode as MatchingMode | 'room';
    if (!engine || mode === 'room') return;
    this.load(
      () => sessionCode(mode),
      (start) => start(engine, host, onError),
      host,
      () => onError(unloaded()),
    );
  }

  /** The session, once its code is here; rejects when the chunk cannot be fetched, or in room mode. */
  async get(): Promise<MatchingSession> {
    if (!this.loading) throw new CallError('configuration_invalid', 'next() is for mode="random".');
    await this.loading;
    if (!this.current) throw unloaded();
    return this.current;
  }
}

const unloaded = () => new CallError('connection_failed', "Could not load the widget's matching code.");

/** The agent console's chunk for agents, the waiting screens' for everyone else. */
const sessionCode = (mode: MatchingMode): Promise<StartSession> =>
  mode === 'agent'
    ? import('./agent-session.js').then((m) => m.startAgentSession)
    : import('./queue-session.js').then((m) => m.startQueueSession);
