/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { part, until } from './helpers.js';
import { CALL_CODE, preJoinWithPreview, watchFetches } from './lazy-code.js';

const fetched = watchFetches();

describe('<video-chat-widget> lazy code', () => {
  it("fetches neither the call's code nor the recording code for the pre-join; the call's as the visitor goes to Join, the recording's with Join", async () => {
    // The visitor checks their camera and looks at the preview: open and showing, long after anything fetched at start.
    const widget = await preJoinWithPreview();
    expect(CALL_CODE.flatMap(fetched), "the call's code before the visitor goes to Join").to.deep.equal([]);
    expect(fetched('recording-controls.js'), 'recording controls before Join').to.deep.equal([]);
    expect(fetched('recording-session.js'), 'recording session before Join').to.deep.equal([]);

    // The pointer comes over Join: the call's code is asked for before the click.
    part(widget, '[part="join-button"]')!.dispatchEvent(
      new PointerEvent('pointerover', { bubbles: true, composed: true }),
    );
    await until(
      () => CALL_CODE.every((file) => fetched(file).length > 0),
      "the call's code once the pointer is over Join",
    );
    await widget.join();
    await until(() => fetched('recording-controls.js').length > 0, 'the recording controls once joining');
    await until(() => part(widget, '[part="record-button"]'), 'the record button in the call');
    expect(fetched('call-view.js'), 'the call view fetched once').to.have.length(1);
  });
});
