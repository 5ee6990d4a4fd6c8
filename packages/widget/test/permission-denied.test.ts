/// <reference types="mocha" />
// Runs in a browser that answers every camera/microphone prompt with "block".
import { expect } from '@esm-bundle/chai';
import { connectedAttributes, mount, part, until, uniqueRoom } from './helpers.js';

describe('<video-chat-widget> when camera and microphone are blocked', () => {
  it('says what happened and how to fix it, and still lets the user join to watch and listen', async () => {
    const { widget, events } = mount(await connectedAttributes(), ['vc-error', 'vc-join']);
    (await until(() => part(widget, '[part="check-camera-button"]'), '"Check camera"')).click();
    const error = await until(() => events.find((e) => e.type === 'vc-error'), 'vc-error');
    expect(error.detail.code).to.equal('media_permission_denied');
    expect(error.detail.fatal).to.equal(false);
    await widget.updateComplete;
    const notice = part(widget, '[part="notice"]')!;
    expect(notice.textContent).to.match(/blocked/i);
    expect(notice.textContent).to.match(/site settings/i);
    expect(part(widget, '[part="retry-button"]')!.textContent).to.equal('Try again');
    expect(part(widget, '[part="device-pickers"]'), 'no "None found" pickers when blocked').to.equal(null);
    expect(part<HTMLButtonElement>(widget, '[part="microphone-button"]')!.disabled).to.equal(true);

    part(widget, '[part="join-button"]')!.click();
    await until(() => widget.state === 'connected', 'connected');
    expect(events.some((e) => e.type === 'vc-join')).to.equal(true);
    await widget.updateComplete;
    expect(part(widget, '[part="notice"]')?.getAttribute('data-code')).to.equal('media_permission_denied');
  });

  it('still chats, both ways, as a text-only call', async () => {
    const room = uniqueRoom();
    const first = mount(await connectedAttributes({ room, autojoin: true, 'display-name': 'Ada' }), [
      'vc-chat-message',
    ]);
    await until(() => first.widget.state === 'connected', 'connected without devices');
    const second = mount(await connectedAttributes({ room, autojoin: true, 'display-name': 'Grace' }), [
      'vc-chat-message',
    ]);
    await until(
      () => second.widget.state === 'connected' && first.widget.participants.length === 1,
      'both in the call',
    );
    await first.widget.updateComplete;
    expect(
      part(first.widget, '[part="text-only-banner"]')!.textContent,
      'a blocked permission named as such',
    ).to.contain('Your camera and microphone are blocked.');

    await first.widget.sendChatMessage('no camera here');
    const got = await until(() => second.events.find((e) => !e.detail.self), 'the message at Grace');
    expect(got.detail).to.include({ displayName: 'Ada', text: 'no camera here' });
    await second.widget.sendChatMessage('nor here');
    const back = await until(() => first.events.find((e) => !e.detail.self), 'the reply at Ada');
    expect(back.detail).to.include({ displayName: 'Grace', text: 'nor here' });
    // Each says so to the other: nothing on.
    expect(first.widget.participants[0]).to.include({ microphone: false, camera: false, screen: false });
  });
});
