/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { twoInCall } from './call-helpers.js';
import { connectedAttributes, mount, part, until } from './helpers.js';

/** What one widget shows of the other participant's media: `participants[0]`. */
const seenBy = (widget: { participants: ReadonlyArray<{ microphone: boolean; camera: boolean; screen: boolean }> }) =>
  widget.participants[0]!;

describe('<video-chat-widget> media state', () => {
  it('shows the other side a microphone turned off within a second, and on again', async () => {
    const { a, b } = await twoInCall();
    expect(seenBy(b.widget)).to.include({ microphone: true, camera: true, screen: false });

    const started = performance.now();
    a.widget.setMicrophoneEnabled(false);
    await until(() => !seenBy(b.widget).microphone, "Grace to see Ada's microphone off", 1000);
    expect(performance.now() - started).to.be.below(1000);
    await b.widget.updateComplete;
    expect(part(b.widget, `[data-peer-id="${a.peerId}"] [part="microphone-off"]`)).to.not.equal(null);

    a.widget.setMicrophoneEnabled(true);
    await until(() => seenBy(b.widget).microphone, "Grace to see Ada's microphone on again", 1000);
    await b.widget.updateComplete;
    expect(part(b.widget, `[data-peer-id="${a.peerId}"] [part="microphone-off"]`)).to.equal(null);
  });

  it('shows the other side a camera turned off (from the controls), and on again', async () => {
    const { a, b } = await twoInCall();
    part<HTMLButtonElement>(b.widget, '[part="camera-button"]')!.click();
    await until(() => !seenBy(a.widget).camera, "Ada to see Grace's camera off", 1000);
    expect(seenBy(a.widget).microphone).to.equal(true);
    part<HTMLButtonElement>(b.widget, '[part="camera-button"]')!.click();
    await until(() => seenBy(a.widget).camera, "Ada to see Grace's camera on", 1000);
  });

  it('tells newcomers and those already there what was turned off before joining', async () => {
    const attributes = await connectedAttributes();
    const first = mount(attributes);
    await until(() => first.widget.state === 'prejoin', 'prejoin');
    await until(() => part(first.widget, 'video[part="local-video"]'), 'the preview');
    first.widget.setMicrophoneEnabled(false);
    await first.widget.join();

    // The second one learns it from the join reply; the first learns the second's camera state from peer:joined.
    const second = mount(attributes);
    await until(
      () => second.widget.state === 'prejoin' && part(second.widget, 'video[part="local-video"]'),
      'the second preview',
    );
    second.widget.setCameraEnabled(false);
    await second.widget.join();
    expect(seenBy(second.widget)).to.include({ microphone: false, camera: true, screen: false });
    await until(() => first.widget.participants[0], 'the first to see the second');
    expect(seenBy(first.widget)).to.include({ microphone: true, camera: false, screen: false });
  });
});
