/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { part, until } from './helpers.js';
import { CALL_CODE, preJoinWithPreview, watchFetches } from './lazy-code.js';

// A page of its own: the call's code is not in its module cache yet.
const fetched = watchFetches();

describe('<video-chat-widget> join intent', () => {
  it("fetches the call's code on a press on Join that appeared under a pointer that did not move", async () => {
    const widget = await preJoinWithPreview();
    expect(CALL_CODE.flatMap(fetched), "the call's code before the press").to.deep.equal([]);
    // No pointerover: Join took the place of "Check camera" under the pointer. The press comes before the click.
    part(widget, '[part="join-button"]')!.dispatchEvent(
      new PointerEvent('pointerdown', { bubbles: true, composed: true }),
    );
    await until(() => CALL_CODE.every((file) => fetched(file).length > 0), "the call's code once Join is pressed");
  });
});
