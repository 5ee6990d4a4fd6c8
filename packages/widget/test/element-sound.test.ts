/// <reference types="mocha" />
// Safari's rules for sound, in Chromium: videos play inline, sound starts from the Join click, and a browser that
// refuses to start sound without a gesture gets a "Turn sound on" button. Safari itself cannot be driven here.
import { expect } from '@esm-bundle/chai';
import { gestureAudioContext } from '../src/media/gesture-audio.js';
import { clickPart, twoInCall } from './call-helpers.js';
import { connectedAttributes, mount, part, until } from './helpers.js';

const videos = (root: ShadowRoot) => [...root.querySelectorAll('video')];

describe('<video-chat-widget> sound and inline video (Safari rules)', () => {
  const { play } = HTMLMediaElement.prototype;
  afterEach(() => {
    HTMLMediaElement.prototype.play = play;
  });

  it('plays the others muted when the browser refuses their sound, and "Turn sound on" (a click) plays it', async function () {
    this.timeout(30_000);
    // Safari's policy: sound only during a visitor's gesture (transient user activation); muted video always.
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      if (!this.muted && !navigator.userActivation.isActive)
        return Promise.reject(new DOMException('needs a gesture', 'NotAllowedError'));
      return play.call(this);
    };
    const { a, b } = await twoInCall();
    const remote = part<HTMLVideoElement>(a.widget, 'video[part="remote-video"]')!;
    const button = await until(
      () => part<HTMLButtonElement>(a.widget, '[part="sound-button"]'),
      'the "Turn sound on" button',
    );
    expect(button.textContent).to.equal('Turn sound on');
    expect(remote.muted).to.equal(true);
    expect(remote.paused, 'the picture still plays').to.equal(false);

    await clickPart(a.widget, '[part="sound-button"]');
    await until(() => !part(a.widget, '[part="sound-button"]'), 'the button gone');
    expect(remote.muted).to.equal(false);
    expect(remote.paused).to.equal(false);
    for (const widget of [a.widget, b.widget])
      for (const video of videos(widget.shadowRoot!))
        expect(video.playsInline, video.getAttribute('part')!).to.equal(true);
  });

  it("starts the page's audio in the Join click, and shows every video inline", async () => {
    const { widget } = mount(await connectedAttributes());
    await until(() => part(widget, '[part="local-video"]'), 'the pre-join preview');
    for (const video of videos(widget.shadowRoot!)) expect(video.playsInline).to.equal(true);
    await clickPart(widget, '[part="join-button"]');
    await until(() => gestureAudioContext()?.state === 'running', 'the audio context running from the click');
    await until(() => widget.state === 'connected', 'in the call');
    expect(part(widget, '[part="sound-button"]')).to.equal(null);
  });
});
