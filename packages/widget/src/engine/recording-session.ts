/**
 * Consented recording of the call, for one participant: asks everyone else through the service, records only
 * once all of them accepted (the recorder itself is a lazy chunk, media/recording), answers the others'
 * requests, and keeps the room's recording state for the indicator. A lazy chunk itself: the element loads it
 * with its recording controls. Knows nothing of the engine or the element: it is handed the service
 * connection while in a room, and told who left and when the streams changed.
 */
import type { RecordingRequested, RecordingState } from '@vcw/shared';
import { RECORDING_CONSENT_TIMEOUT_MS, RECORDING_REQUEST_EXPIRY_MS } from '@vcw/shared/protocol';
import { RECORDING_ERROR_MESSAGES, type RecordingErrorCode } from '@vcw/shared/recording-errors';
import type { CallRecorder, Recording } from '../media/recording/index.js';
import { CallError } from './call-error.js';
import type { SignalingClient } from './signaling-client.js';
import { TypedEmitter } from './typed-emitter.js';

export type { Recording };

type RecordingSessionEvents = {
  /** Something the UI shows changed: the indicator, a request to answer, our own request. */
  change: [];
  /** A recording this participant made is complete (stopped, or cut short by leaving the call). */
  ready: [Recording];
  error: [CallError];
};

export interface RecordingSessionOptions {
  /**
   * What to record: this participant's stream first (the recording's tile order), then those of the others
   * for whom `consented(peerId)` holds — nobody is recorded without having agreed.
   */
  streams(consented: (peerId: string) => boolean): MediaStream[];
  /** How long to wait for everyone's answer. */
  consentTimeoutMs?: number;
  /** How long another's request stays on screen unanswered. */
  askExpiryMs?: number;
}

/** Our own request while it waits: who still has to accept, and how it ends. */
interface OwnRequest {
  requestId: string;
  waiting: Set<string>;
  settle(error?: CallError): void;
}

const recordingError = (code: RecordingErrorCode) => new CallError(code, RECORDING_ERROR_MESSAGES[code]);

export class RecordingSession extends TypedEmitter<RecordingSessionEvents> {
  /** The room's recording while one runs, this participant's or another's. */
  active: RecordingState | null = null;
  /** Another participant's request waiting for this one's answer. */
  ask: RecordingRequested | null = null;
  /** This participant's request is waiting for everyone's consent. */
  asking = false;
  /**
   * This participant's answer to another's recording that runs or is asked for: whether they are in it. While
   * it runs they may change their mind (`setIncluded`): the recorder leaves them out, or takes them back in.
   */
  answered: { requestId: string; included: boolean } | null = null;
  private room: { signaling: SignalingClient; peerId: string; unsubscribe: Array<() => void> } | null = null;
  private own: OwnRequest | null = null;
  private recorder: CallRecorder | null = null;
  /** Our request's or recording's id, and who agreed to it (those who join later are asked too). */
  private requestId: string | null = null;
  private readonly consented = new Set<string>();
  private askTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: RecordingSessionOptions) {
    super();
  }

  /** This participant records now. */
  get recording(): boolean {
    return this.recorder !== null;
  }

  /** We took a seat (as `peerId`): follow the room's recording, starting with what it is now. */
  enter(signaling: SignalingClient, peerId: string): void {
    this.leave();
    const room = { signaling, peerId, unsubscribe: [] as Array<() => void> };
    this.room = room;
    room.unsubscribe.push(
      signaling.on('recording:requested', (request) => this.asked(request)),
      signaling.on('recording:answered', ({ requestId, peerId: from, accept }) => {
        if (requestId !== this.requestId) return;
        if (accept) this.consented.add(from);
        else this.consented.delete(from);
        if (this.own?.requestId !== requestId) return this.refresh(); // a newcomer answered while we record
        if (!accept) return this.own.settle(recordingError('recording_declined'));
        this.own.waiting.delete(from);
        this.checkConsent();
      }),
      signaling.on('recording:cancelled', ({ requestId, reason }) => {
        if (this.ask?.requestId === requestId) this.setAsk(null);
        if (this.answered?.requestId === requestId) this.answered = null;
        if (this.own?.requestId === requestId)
          this.own.settle(recordingError(reason === 'declined' ? 'recording_declined' : 'recording_unanswered'));
      }),
      signaling.on('recording:state', (state) => {
        this.active = state.active ? state : null;
        if (!state.active) this.answered = null;
        this.emit('change');
      }),
    );
    // What happened before we listened (a recording running as we came in, a request our page missed).
    signaling.command('recording:sync', {}).then(
      ({ recording, request }) => {
        if (this.room !== room) return;
        if (recording && !this.active) this.active = recording;
        if (request && !this.ask) this.asked(request);
        this.emit('change');
      },
      () => undefined,
    ); // the seat just went away: there is nothing to show
  }

  /**
   * We left the room (hung up, lost the seat, the pair ended): our request fails, our recording ends and is
   * handed over as it is, and nothing of the room's state remains.
   */
  leave(): void {
    if (!this.room) return;
    for (const unsubscribe of this.room.unsubscribe) unsubscribe();
    this.room = null;
    this.own?.settle(new CallError('not_in_room', 'The call ended before everyone agreed to the recording.'));
    if (this.recorder)
      void this.finish(this.recorder).catch((error: unknown) => this.emit('error', CallError.from(error)));
    this.recorder = null;
    this.requestId = null;
    this.active = null;
    this.answered = null;
    this.setAsk(null);
  }

  /**
   * A participant came: the service asks them too, so our request waits for their answer as well, and they are
   * not recorded until they agree (even under a peer id that agreed before it left).
   */
  peerJoined(peerId: string): void {
    this.consented.delete(peerId);
    this.own?.waiting.add(peerId);
  }

  /** A participant left: our request no longer waits for their answer, and their consent went with them. */
  peerLeft(peerId: string): void {
    this.consented.delete(peerId);
    this.own?.waiting.delete(peerId);
    this.checkConsent();
  }

  /** The streams changed (someone came or went, a camera was switched): record what there is now. */
  refresh(): void {
    this.recorder?.setStreams(this.streams());
  }

  private streams(): MediaStream[] {
    return this.options.streams((peerId) => this.consented.has(peerId));
  }

  /**
   * Asks everyone else in the room to agree, then records. Resolves once recording; rejects with
   * `recording_declined` (someone declined), `recording_unanswered` (not everyone answered in time),
   * `recording_failed` (this browser cannot record), `recording_busy`, or `not_in_room`.
   */
  async start(): Promise<void> {
    const room = this.room;
    if (!room) throw new CallError('not_in_room', 'Join the call before recording.');
    if (this.asking || this.active)
      throw new CallError('recording_busy', 'A recording, or a request to record, is already under way in this call.');
    if (typeof MediaRecorder === 'undefined') throw recordingError('recording_failed');
    this.asking = true;
    this.emit('change');
    try {
      // Fetched while the others answer.
      const code = import('../media/recording/index.js');
      this.consented.clear();
      const { requestId, asked } = await room.signaling.command('recording:request', {});
      this.requestId = requestId;
      await this.consent(room.signaling, requestId, asked);
      const { CallRecorder } = await code;
      // Everyone sees the indicator before anything is recorded.
      if (this.room === room) await room.signaling.command('recording:state', { active: true, requestId });
      if (this.room !== room) throw new CallError('not_in_room', 'The call ended before the recording started.');
      const recorder = new CallRecorder();
      this.recorder = recorder;
      this.active = { active: true, by: { peerId: room.peerId, displayName: '' }, since: Date.now() };
      await recorder.start(this.streams()).catch(async (error: unknown) => {
        if (this.recorder === recorder) await this.stop().catch(() => undefined);
        throw new CallError('recording_failed', error instanceof Error ? error.message : undefined);
      });
    } catch (error) {
      // Asked but not recording (refused at the start, or the call ended): nobody is left with a question open.
      const requestId = this.requestId;
      if (requestId && !this.recorder) room.signaling.command('recording:cancel', { requestId }).catch(() => undefined);
      this.requestId = null;
      throw error;
    } finally {
      this.asking = false;
      this.emit('change');
    }
  }

  /** Stops recording; resolves with the file once `ready` has been emitted. Rejects if not recording. */
  async stop(): Promise<Recording> {
    const recorder = this.recorder;
    if (!recorder) throw new CallError('recording_not_found', 'This participant is not recording.');
    this.recorder = null;
    this.requestId = null;
    this.active = null;
    this.emit('change');
    this.room?.signaling.command('recording:state', { active: false }).catch(() => undefined); // left meanwhile: the service ended it
    return this.finish(recorder);
  }

  /** Answers the request shown; a request that ended meanwhile needs no answer. */
  async answer(requestId: string, accept: boolean): Promise<void> {
    if (this.ask?.requestId === requestId) this.setAsk(null);
    const before = this.answered;
    const answered = (this.answered = { requestId, included: accept });
    this.emit('change');
    await this.room?.signaling.command('recording:answer', { requestId, accept }).catch((error: unknown) => {
      const over = error instanceof CallError && error.code === 'recording_not_found';
      // Not delivered: the service still holds the earlier answer, and so does the view.
      if (this.answered === answered) this.answered = over ? null : before;
      this.emit('change');
      if (!over) throw error;
    });
  }

  /**
   * While another's recording runs: leaves this participant out of it from now on (`false`), or takes them back
   * in (`true`). The recorder follows at once; the recording itself goes on.
   */
  async setIncluded(included: boolean): Promise<void> {
    const answered = this.answered;
    if (!answered || !this.active || this.recording)
      throw new CallError('recording_not_found', 'No recording of another participant runs.');
    if (answered.included !== included) await this.answer(answered.requestId, included);
  }

  private consent(signaling: SignalingClient, requestId: string, asked: string[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        signaling.command('recording:cancel', { requestId }).catch(() => undefined);
        own.settle(recordingError('recording_unanswered'));
      }, this.options.consentTimeoutMs ?? RECORDING_CONSENT_TIMEOUT_MS);
      const own: OwnRequest = {
        requestId,
        waiting: new Set(asked),
        settle: (error) => {
          clearTimeout(timer);
          if (this.own === own) this.own = null;
          if (error) reject(error);
          else resolve();
        },
      };
      this.own = own;
      this.checkConsent();
    });
  }

  private checkConsent(): void {
    if (this.own?.waiting.size === 0) this.own.settle();
  }

  private async finish(recorder: CallRecorder): Promise<Recording> {
    const recording = await recorder.stop().catch((error: unknown) => {
      throw new CallError('recording_failed', error instanceof Error ? error.message : undefined);
    });
    this.emit('ready', recording);
    return recording;
  }

  private asked(request: RecordingRequested): void {
    this.setAsk(request);
    // Should its requester vanish without a word, the prompt does not stay for ever (the service expires it too).
    // Left unanswered while the recording runs, it becomes "left out", with the way back in.
    clearTimeout(this.askTimer);
    this.askTimer = setTimeout(() => {
      if (this.ask !== request) return;
      if (this.active) this.answered = { requestId: request.requestId, included: false };
      this.setAsk(null);
    }, this.options.askExpiryMs ?? RECORDING_REQUEST_EXPIRY_MS);
  }

  private setAsk(ask: RecordingRequested | null): void {
    this.ask = ask;
    if (!ask) clearTimeout(this.askTimer);
    this.emit('change');
  }
}
