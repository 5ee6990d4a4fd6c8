/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { RecordingCancelled } from '@vcw/shared';
import type { CallError } from '../src/engine/call-error.js';
import { RecordingSession } from '../src/engine/recording-session.js';
import { SignalingClient } from '../src/engine/signaling-client.js';
import { service, uniqueRoom, until } from './helpers.js';
import { solidTrack, stopSources } from './media-sources.js';

const clients: SignalingClient[] = [];
afterEach(() => {
  clients.splice(0).forEach((c) => c.close());
  stopSources();
});

/** A picture to record, as a participant's stream. */
const pictureStream = () => new MediaStream([solidTrack([200, 60, 20])]);

/** A connection to the test service, seated in `room`; its peer id. */
async function seated(room: string, displayName: string): Promise<{ signaling: SignalingClient; peerId: string }> {
  const { serviceUrl, publishableKey } = await service();
  const signaling = new SignalingClient({ serverUrl: serviceUrl, credential: { apiKey: publishableKey } });
  clients.push(signaling);
  await signaling.connect();
  const { peerId } = await signaling.join(room, displayName);
  return { signaling, peerId };
}

describe('RecordingSession against the service', () => {
  it('gives up when not everyone answers in time: rejects with recording_unanswered and withdraws the request', async () => {
    const room = uniqueRoom();
    const ada = await seated(room, 'Ada');
    const grace = await seated(room, 'Grace');
    const cancelled: RecordingCancelled[] = [];
    grace.signaling.on('recording:cancelled', (c) => cancelled.push(c));
    const asked = new RecordingSession({ streams: () => [] });
    asked.enter(grace.signaling, grace.peerId);

    const session = new RecordingSession({ streams: () => [], consentTimeoutMs: 600 });
    session.enter(ada.signaling, ada.peerId);
    const began = performance.now();
    const attempt = session.start().then(
      () => null,
      (error: CallError) => error,
    );
    expect(session.asking).to.equal(true);
    await until(() => asked.ask, 'the request at Grace');
    expect(asked.ask!.by).to.deep.equal({ peerId: ada.peerId, displayName: 'Ada' });

    const error = await attempt; // Grace never answers
    expect(error?.code).to.equal('recording_unanswered');
    expect(performance.now() - began).to.be.within(550, 3000);
    expect(session.asking).to.equal(false);
    expect(session.active).to.equal(null);
    await until(() => cancelled.length, 'the withdrawal at Grace');
    expect(cancelled[0]!.reason).to.equal('withdrawn');
    expect(asked.ask, "Grace's prompt closed").to.equal(null);
  });

  it('hands a participant whose page missed the request the question still open, when it starts listening', async () => {
    const room = uniqueRoom();
    const ada = await seated(room, 'Ada');
    const grace = await seated(room, 'Grace');
    const session = new RecordingSession({ streams: () => [] });
    session.enter(ada.signaling, ada.peerId);
    const attempt = session.start().catch((error: CallError) => error);
    await until(() => session.asking, 'the request sent');
    // A marker answered on Grace's connection: the request, sent to her before, has reached it before her session exists.
    await grace.signaling.iceServers();

    const late = new RecordingSession({ streams: () => [] });
    late.enter(grace.signaling, grace.peerId);
    const ask = await until(() => late.ask, 'the request, from sync');
    await late.answer(ask.requestId, false);
    expect(((await attempt) as CallError).code).to.equal('recording_declined');
  });
  it('forgets the consent of someone who left: their peer id, back in the room, is not recorded until they agree again', async () => {
    const room = uniqueRoom();
    const ada = await seated(room, 'Ada');
    const grace = await seated(room, 'Grace');
    let recorded: string[] = [];
    const local = pictureStream();
    const session = new RecordingSession({
      streams: (consented) => ((recorded = [grace.peerId].filter(consented)), [local]),
    });
    session.enter(ada.signaling, ada.peerId);
    const asked = new RecordingSession({ streams: () => [] });
    asked.enter(grace.signaling, grace.peerId);
    const started = session.start();
    const ask = await until(() => asked.ask, 'the request at Grace');
    await asked.answer(ask.requestId, true);
    await started;
    expect(recorded, 'Grace agreed').to.deep.equal([grace.peerId]);

    // What the element reports when Grace's seat goes and the same peer id takes one again.
    session.peerLeft(grace.peerId);
    session.peerJoined(grace.peerId);
    session.refresh();
    expect(recorded, 'not recorded until she agrees again').to.deep.equal([]);
    await session.stop();
  });

  it('turns a question left unanswered during a recording into "left out", with the way back in', async () => {
    const room = uniqueRoom();
    const ada = await seated(room, 'Ada');
    let recorded: string[] = [];
    let linusId = '';
    const local = pictureStream();
    const session = new RecordingSession({
      streams: (consented) => ((recorded = [linusId].filter(consented)), [local]),
    });
    session.enter(ada.signaling, ada.peerId);
    await session.start(); // alone: nobody to ask
    const linus = await seated(room, 'Linus');
    linusId = linus.peerId;
    session.peerJoined(linus.peerId);
    const late = new RecordingSession({ streams: () => [], askExpiryMs: 300 });
    late.enter(linus.signaling, linus.peerId);
    await until(() => late.ask, 'the question to the newcomer');
    await until(() => !late.ask, 'the question to expire');
    expect(late.answered).to.deep.include({ included: false });
    expect(late.active?.active).to.equal(true);

    await late.setIncluded(true);
    await until(() => recorded.length, 'Linus in the recording: the recorder follows his answer');
    expect(recorded).to.deep.equal([linus.peerId]);
    await session.stop();
  });
});
