/**
 * Call recording for one call engine, the element's side: follows the engine's seat with a RecordingSession,
 * hands it the streams to record, renders the record button and the bar above the tiles, offers the file for
 * download, and dispatches `vc-recording-ready`. A lazy chunk, loaded by recording.ts with the views it renders.
 */
import type { CallEngine } from '../engine/call-engine.js';
import { RecordingSession } from '../engine/recording-session.js';
import { VcRecordingReadyEvent, type VcRecordingReadyDetail } from '../events/vc-recording-ready-event.js';
import { withRecordingStrings } from '../ui/recording-strings.js';
import { adoptRecordingStyles } from '../ui/recording-styles.js';
import { renderRecordButton, renderRecordingStatus } from '../ui/recording-view.js';
import { resolveStrings, type RecordingStrings, type Strings } from '../ui/strings.js';
import { announce } from './live-region.js';
import type { RecordingView } from '../ui/view-model.js';
import type { RecordingControls, RecordingHost, StartRecordingControls } from './recording.js';
import type { UiState } from './view-builder.js';

export const startRecordingControls: StartRecordingControls = (engine, host, onError) =>
  new CallRecording(engine, host, onError);

class CallRecording implements RecordingControls {
  private readonly session: RecordingSession;
  private readonly unsubscribe: Array<() => void>;
  /** This participant's picture and sound as one stream, kept while its tracks stay the same. */
  private local: MediaStream | null = null;
  private download: RecordingView['download'] = null;
  private closed = false;
  /** Who records, as last said (`self`, another's name, or null), and the words of the last render. */
  private said: string | null = null;
  private words: Strings & RecordingStrings = withRecordingStrings(resolveStrings(null));

  constructor(
    private readonly engine: CallEngine,
    private readonly host: RecordingHost,
    private readonly onError: (error: unknown) => void,
  ) {
    adoptRecordingStyles(host.renderRoot as ShadowRoot);
    const session = (this.session = new RecordingSession({ streams: (consented) => this.streams(consented) }));
    session.on('change', () => {
      this.sayRecording();
      host.requestUpdate();
    });
    session.on('error', onError);
    session.on('ready', ({ blob, mimeType, durationMs }) => {
      this.offer(blob, mimeType, durationMs);
      host.dispatchEvent(new VcRecordingReadyEvent({ blob, mimeType, durationMs }));
    });
    const refresh = () => session.refresh();
    this.unsubscribe = [
      engine.on('joined', () => this.enter()),
      // Out of the room (hung up, seat lost, pair over): a recording of ours ends there.
      engine.on('state', (state) => state !== 'connected' && state !== 'reconnecting' && session.leave()),
      engine.on('participant-leave', ({ peerId }) => {
        session.peerLeft(peerId);
        refresh();
      }),
      engine.on('participant-join', ({ peerId }) => {
        session.peerJoined(peerId);
        refresh();
      }),
      engine.on('participant-update', refresh),
      engine.on('media', refresh),
    ];
    // The code arrived after the join: catch up with the room.
    if (engine.state === 'connected' || engine.state === 'reconnecting') this.enter();
  }

  start(): Promise<void> {
    return this.session.start();
  }

  async stop(): Promise<VcRecordingReadyDetail> {
    const { blob, mimeType, durationMs } = await this.session.stop();
    return { blob, mimeType, durationMs };
  }

  additions(strings: Strings): Pick<UiState, 'recording'> {
    const { session, host, onError } = this;
    const { active, ask, answered } = session;
    this.words = withRecordingStrings(strings);
    const view: RecordingView = {
      strings: this.words,
      recording: session.recording,
      asking: session.asking,
      active: active && (session.recording ? { self: true } : { self: false, by: active.by.displayName }),
      ask: ask && { requestId: ask.requestId, by: ask.by.displayName },
      included: active && !session.recording && answered ? answered.included : null,
      download: this.download,
      onToggleRecording: () => void (session.recording ? host.stopRecording() : host.startRecording()).catch(onError),
      onAnswer: (requestId, accept) => void session.answer(requestId, accept).catch(onError),
      onSetIncluded: (included) => void session.setIncluded(included).catch(onError),
    };
    return { recording: { control: renderRecordButton(view), status: renderRecordingStatus(view) } };
  }

  close(): void {
    this.closed = true;
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.session.leave();
    if (this.download) URL.revokeObjectURL(this.download.url);
    this.download = null;
  }

  /** Says when the call starts or stops being recorded, and by whom (the indicator shows it). */
  private sayRecording(): void {
    const { active, recording } = this.session;
    const by = active && (recording ? 'self' : active.by.displayName);
    if (by === this.said) return;
    const s = this.words;
    announce(this.host, by === null ? s.recordingStopped : by === 'self' ? s.recordingBySelf : s.recordingBy(by));
    this.said = by;
  }

  private enter(): void {
    const signaling = this.engine.service;
    const peerId = signaling?.session?.peerId; // a seat keeps its connection's peer id
    if (signaling && peerId) this.session.enter(signaling, peerId);
  }

  /** What to record: this participant first (the picture the others get, and the microphone), then the others who agreed. */
  private streams(consented: (peerId: string) => boolean): MediaStream[] {
    const { outgoing, participants } = this.engine;
    const tracks = [outgoing.videoTrack, outgoing.audioTrack].filter(
      (track): track is MediaStreamTrack => track !== null,
    );
    const kept = this.local?.getTracks() ?? [];
    // A new stream only when a track changed: the recorder keeps one picture per stream.
    if (!this.local || kept.length !== tracks.length || tracks.some((track) => !kept.includes(track)))
      this.local = new MediaStream(tracks);
    return [this.local, ...participants.flatMap((p) => (p.stream && consented(p.peerId) ? [p.stream] : []))];
  }

  /** Offers the file for download, in place of the last one. */
  private offer(blob: Blob, mimeType: string, durationMs: number): void {
    if (this.download) URL.revokeObjectURL(this.download.url);
    this.download = null;
    if (this.closed) return;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const extension = mimeType.includes('mp4') ? 'mp4' : 'webm';
    this.download = { url: URL.createObjectURL(blob), fileName: `call-recording-${stamp}.${extension}`, durationMs };
    this.host.requestUpdate();
  }
}
