/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { VideoChatWidget } from '../src/element/video-chat-widget.js';
import type { CallError } from '../src/engine/call-error.js';
import type { VcRecordingReadyDetail } from '../src/events/vc-recording-ready-event.js';
import { clickPart, ofType, pause, twoInCall } from './call-helpers.js';
import { barrier, connectedAttributes, mount, part, until } from './helpers.js';

const EVENTS = ['vc-recording-ready', 'vc-error'];
const INDICATOR = '[part="recording-indicator"]';

/**
 * Whether any of `widgets` has shown the recording indicator since this was called (a MutationObserver sees
 * every node Lit adds, so even a flash between two checks counts).
 */
function indicatorWatch(widgets: VideoChatWidget[]): () => boolean {
  let seen = widgets.some((w) => part(w, INDICATOR));
  const check = (records: MutationRecord[]) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node instanceof Element && (node.matches(INDICATOR) || node.querySelector(INDICATOR))) seen = true;
      }
    }
  };
  const observer = new MutationObserver(check);
  for (const widget of widgets) observer.observe(widget.shadowRoot!, { childList: true, subtree: true });
  return () => {
    check(observer.takeRecords());
    return seen;
  };
}

/** Ada asks; Grace allows on her consent prompt; resolves once Ada records. */
async function recordWithConsent(a: VideoChatWidget, b: VideoChatWidget): Promise<number> {
  const started = a.startRecording();
  await until(() => part(b, '[part="recording-consent"]'), 'the consent prompt at Grace');
  expect(part(b, '#recording-consent-text')!.textContent).to.contain('Ada');
  expect(part(a, INDICATOR), 'no indicator before everyone agreed').to.equal(null);
  await clickPart(b, '[part="recording-allow-button"]');
  await started;
  return performance.now();
}

describe('<video-chat-widget> recording', () => {
  it('records once everyone allowed: both see the indicator, and stopping hands Ada a WebM in vc-recording-ready', async () => {
    const { a, b } = await twoInCall({}, {}, EVENTS);
    const began = await recordWithConsent(a.widget, b.widget);
    await until(() => part(a.widget, INDICATOR), "the indicator at Ada's");
    const atGrace = await until(() => part(b.widget, INDICATOR), "the indicator at Grace's");
    expect(atGrace.textContent).to.contain('Ada is recording this call');
    expect(part(a.widget, '[part="record-button"]')!.getAttribute('aria-pressed')).to.equal('true');
    expect(part<HTMLButtonElement>(b.widget, '[part="record-button"]')!.disabled, 'one recording at a time').to.equal(
      true,
    );

    await pause(2000);
    const detail: VcRecordingReadyDetail = await a.widget.stopRecording();
    const elapsed = performance.now() - began;
    const ready = ofType(a.events, 'vc-recording-ready');
    expect(ready, 'fired before stopRecording resolved').to.have.length(1);
    expect(ready[0]!.bubbles && ready[0]!.composed).to.equal(true);
    expect(ready[0]!.detail).to.deep.equal(detail);
    expect(detail.blob).to.be.instanceOf(Blob);
    expect(detail.mimeType).to.match(/^video\/webm/);
    expect(detail.blob.type).to.equal(detail.mimeType);
    expect(detail.blob.size).to.be.above(10_000);
    expect(detail.durationMs).to.be.within(1900, elapsed + 50);
    // The file's header names its video and audio codecs.
    const header = new TextDecoder('latin1').decode(await detail.blob.slice(0, 4096).arrayBuffer());
    expect(header).to.match(/V_VP[89]/);
    expect(header).to.contain('A_OPUS');

    await until(() => !part(a.widget, INDICATOR) && !part(b.widget, INDICATOR), 'the indicators to go');
    const link = await until(
      () => part<HTMLAnchorElement>(a.widget, '[part="recording-download"]'),
      'the download link at Ada',
    );
    expect(link.href).to.match(/^blob:/);
    expect(link.download).to.match(/^call-recording-.+\.webm$/);
    expect(ofType(b.events, 'vc-recording-ready'), 'only the recorder gets the file').to.have.length(0);
    expect(ofType([...a.events, ...b.events], 'vc-error')).to.deep.equal([]);
  });

  it('cancels on a decline: startRecording rejects with recording_declined and nobody ever shows the indicator', async () => {
    const { a, b } = await twoInCall({}, {}, EVENTS);
    const everShown = indicatorWatch([a.widget, b.widget]);
    const attempt = a.widget.startRecording().then(
      () => null,
      (error: CallError) => error,
    );
    await until(() => part(a.widget, '[part="recording-pending"]'), 'Ada waiting for consent');
    await clickPart(b.widget, '[part="recording-decline-button"]');
    const error = await attempt;
    expect(error?.code).to.equal('recording_declined');
    await until(() => !part(a.widget, '[part="recording-pending"]'), 'the request to end');
    expect(part(b.widget, '[part="recording-consent"]'), 'the prompt closed').to.equal(null);
    // Whatever the service sent either side about the declined request came before a marker answered now.
    await Promise.all([barrier(a.widget), barrier(b.widget)]);
    expect(everShown(), 'the indicator never appeared').to.equal(false);
    expect(ofType(a.events, 'vc-recording-ready')).to.have.length(0);
    expect(part<HTMLButtonElement>(a.widget, '[part="record-button"]')!.disabled, 'Ada may ask again').to.equal(false);
  });

  it('shows the indicator to someone who joins during the recording and asks them too, and hands the file over when the recorder leaves', async function () {
    // Three widgets join one after the other: on a loaded machine that alone may take most of the usual 20 s.
    this.timeout(60_000);
    const { a, b, room } = await twoInCall({}, {}, EVENTS);
    await recordWithConsent(a.widget, b.widget);
    const late = mount(await connectedAttributes({ room, 'display-name': 'Linus', autojoin: true }), EVENTS);
    await until(() => late.widget.state === 'connected', 'the newcomer in the call', 30_000);
    const shown = await until(() => part(late.widget, INDICATOR), 'the indicator at the newcomer');
    expect(shown.textContent).to.contain('Ada is recording this call');
    await until(() => part(late.widget, '[part="recording-consent"]'), 'the newcomer asked too');
    await clickPart(late.widget, '[part="recording-allow-button"]');

    await a.widget.leave();
    const [ready] = await until(() => ofType(a.events, 'vc-recording-ready'), 'the recording after leaving');
    expect((ready!.detail as VcRecordingReadyDetail).blob.size).to.be.above(0);
    await until(
      () => !part(b.widget, INDICATOR) && !part(late.widget, INDICATOR),
      'the indicators to go once Ada left',
    );
  });

  it('rejects before joining with not_in_room, and stopRecording without a recording with recording_not_found', async () => {
    const { widget } = mount(await connectedAttributes());
    await until(() => widget.state === 'prejoin', 'prejoin');
    const code = (attempt: Promise<unknown>) =>
      attempt.then(
        () => null,
        (error: CallError) => error.code,
      );
    expect(await code(widget.startRecording())).to.equal('not_in_room');
    await widget.join();
    expect(await code(widget.stopRecording())).to.equal('recording_not_found');
  });
});
