/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { connectedAttributes, mount, part, until } from './helpers.js';

/** Every resource the page fetches from here on (its own page: the call's code is not in its module cache yet). */
const seen: string[] = [];
new PerformanceObserver((list) => seen.push(...list.getEntries().map((entry) => new URL(entry.name).pathname))).observe(
  { type: 'resource' },
);
const fetched = (file: string) => seen.filter((path) => path.endsWith(`/${file}`));

describe('<video-chat-widget> join intent', () => {
  it("fetches the call's code on a press on Join that appeared under a pointer that did not move", async () => {
    const { widget } = mount(await connectedAttributes());
    await until(() => widget.state === 'prejoin' && part(widget, '[part="join-button"]'), 'the pre-join');
    part<HTMLButtonElement>(widget, '[part="check-camera-button"]')!.click();
    await until(() => part<HTMLVideoElement>(widget, 'video[part="local-video"]')?.videoWidth, 'the camera preview');
    const callCode = ['call-view.js', 'call-announcer.js', 'host-controls.js'];
    expect(callCode.flatMap(fetched), "the call's code before the press").to.deep.equal([]);
    // No pointerover: Join took the place of "Check camera" under the pointer. The press comes before the click.
    part(widget, '[part="join-button"]')!.dispatchEvent(
      new PointerEvent('pointerdown', { bubbles: true, composed: true }),
    );
    await until(() => callCode.every((file) => fetched(file).length > 0), "the call's code once Join is pressed");
  });
});
