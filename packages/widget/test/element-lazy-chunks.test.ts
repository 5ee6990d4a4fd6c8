/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { connectedAttributes, mount, part, until } from './helpers.js';

/** Every resource the page fetches from here on (an observer: the timeline's buffer fills up with the test modules). */
const seen: string[] = [];
new PerformanceObserver((list) => seen.push(...list.getEntries().map((entry) => new URL(entry.name).pathname))).observe(
  { type: 'resource' },
);

/** Paths fetched since this file loaded that end with `file`. */
const fetched = (file: string) => seen.filter((path) => path.endsWith(`/${file}`));

describe('<video-chat-widget> lazy code', () => {
  it("fetches neither the call's code nor the recording code for the pre-join; the call's as the visitor goes to Join, the recording's with Join", async () => {
    const { widget } = mount(await connectedAttributes());
    await until(() => widget.state === 'prejoin' && part(widget, '[part="join-button"]'), 'the pre-join');
    // The visitor checks their camera and looks at the preview: open and showing, long after anything fetched at start.
    part<HTMLButtonElement>(widget, '[part="check-camera-button"]')!.click();
    await until(() => part<HTMLVideoElement>(widget, 'video[part="local-video"]')?.videoWidth, 'the camera preview');
    const callCode = ['call-view.js', 'call-announcer.js', 'host-controls.js'];
    expect(callCode.flatMap(fetched), "the call's code before the visitor goes to Join").to.deep.equal([]);
    expect(fetched('recording-controls.js'), 'recording controls before Join').to.deep.equal([]);
    expect(fetched('recording-session.js'), 'recording session before Join').to.deep.equal([]);

    // The pointer comes over Join: the call's code is asked for before the click.
    part(widget, '[part="join-button"]')!.dispatchEvent(
      new PointerEvent('pointerover', { bubbles: true, composed: true }),
    );
    await until(
      () => callCode.every((file) => fetched(file).length > 0),
      "the call's code once the pointer is over Join",
    );
    await widget.join();
    await until(() => fetched('recording-controls.js').length > 0, 'the recording controls once joining');
    await until(() => part(widget, '[part="record-button"]'), 'the record button in the call');
    expect(fetched('call-view.js'), 'the call view fetched once').to.have.length(1);
  });
});
