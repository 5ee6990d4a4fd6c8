/// <reference types="mocha" />
// Runs in a browser that answers every camera/microphone prompt with "block".
import { expect } from '@esm-bundle/chai';
import { connectedAttributes, mount, part, until } from './helpers.js';

describe('<video-chat-widget> when camera and microphone are blocked', () => {
  it('says what happened and how to fix it, and still lets the user join to watch and listen', async () => {
    const { widget, events } = mount(await connectedAttributes(), ['vc-error', 'vc-join']);
    const error = await until(() => events.find((e) => e.type === 'vc-error'), 'vc-error');
    expect(error.detail.code).to.equal('media_permission_denied');
    expect(error.detail.fatal).to.equal(false);
    await widget.updateComplete;
    const notice = part(widget, '[part="notice"]')!;
    expect(notice.textContent).to.match(/blocked/i);
    expect(notice.textContent).to.match(/site settings/i);
    expect(part<HTMLButtonElement>(widget, '[part="microphone-button"]')!.disabled).to.equal(true);

    part(widget, '[part="join-button"]')!.click();
    await until(() => widget.state === 'connected', 'connected');
    expect(events.some((e) => e.type === 'vc-join')).to.equal(true);
    await widget.updateComplete;
    expect(part(widget, '[part="notice"]')?.getAttribute('data-code')).to.equal('media_permission_denied');
  });
});
