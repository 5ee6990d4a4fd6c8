/**
 * Call recording as the element sees it. All of it (consent exchange, recorder, record button, consent prompt,
 * indicator) is a lazy chunk, recording-controls.ts, fetched when the visitor sets out to join (the Join
 * click, or waiting in a queue): before anyone can ask them to record, but never on a page that only shows the
 * pre-join screen. The controls catch up with the room when they arrive (`recording:sync`).
 */
import type { CallState } from '../engine/call-engine.js';
import type { CallEngine } from '../engine/call-engine.js';
import { CallError } from '../engine/call-error.js';
import type { VcRecordingReadyDetail } from '../events/vc-recording-ready-event.js';
import type { Strings } from '../ui/strings.js';
import { LazyFeature } from './lazy-feature.js';
import type { UiState } from './view-builder.js';

/** The recording of one call engine (recording-controls.ts). */
export interface RecordingControls {
  /** Asks everyone for consent, then records; see the element's `startRecording()`. */
  start(): Promise<void>;
  /** Stops; resolves once `vc-recording-ready` was dispatched. */
  stop(): Promise<VcRecordingReadyDetail>;
  /** The record button and the bar above the tiles. */
  additions(strings: Strings): Pick<UiState, 'recording'>;
  /** The element let go of this engine: a recording under way ends and is handed over. */
  close(): void;
}

/** The element, as the recording controls see it. */
export interface RecordingHost extends HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  requestUpdate(): void;
  startRecording(): Promise<void>;
  stopRecording(): Promise<VcRecordingReadyDetail>;
}

export type StartRecordingControls = (
  engine: CallEngine,
  host: RecordingHost,
  onError: (error: unknown) => void,
) => RecordingControls;

export class Recording extends LazyFeature<RecordingControls> {
  private stopWaiting: (() => void) | null = null;

  /** Starts the controls of a new engine once it sets out to join (fetching their code), or closes those of the last one. */
  attach(engine: CallEngine | null, host: RecordingHost, onError: (error: unknown) => void): void {
    this.drop();
    this.stopWaiting?.();
    this.stopWaiting = null;
    if (!engine) return;
    const start = () =>
      this.load(
        () => import('./recording-controls.js'),
        (code) => code.startRecordingControls(engine, host, onError),
        host,
        () => undefined,
      );
    if (joining(engine.state)) return start();
    const stop = engine.on('state', (state) => {
      if (!joining(state) || this.stopWaiting !== stop) return;
      stop();
      this.stopWaiting = null;
      start();
    });
    this.stopWaiting = stop;
  }

  /** The controls, once their code is here; rejects before the widget started, or if the code cannot be fetched. */
  async get(): Promise<RecordingControls> {
    await this.loading;
    if (!this.current) throw new CallError('not_in_room', 'Join the call before recording.');
    return this.current;
  }
}

/** The engine is on its way into a room, or in one. */
const joining = (state: CallState) => state === 'connecting' || state === 'connected' || state === 'reconnecting';
