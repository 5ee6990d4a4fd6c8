/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { CallError } from '../src/engine/call-error.js';
import { clickPart, ofType, twoInCall } from './call-helpers.js';
import { connectedAttributes, mount, part, until } from './helpers.js';

const CHAT = ['vc-chat-message'];

describe('<video-chat-widget> chat', () => {
  it('carries messages both ways: vc-chat-message on the other side, and on the sender once the service accepted it', async () => {
    const { a, b } = await twoInCall({}, {}, CHAT);
    const sent = await a.widget.sendChatMessage('  Hello Grace  ');
    expect(sent).to.include({ from: a.peerId, displayName: 'Ada', text: 'Hello Grace', self: true });
    const received = await until(() => ofType(b.events, 'vc-chat-message')[0], 'the message at Grace');
    expect(received.detail).to.deep.equal({
      id: sent.id,
      from: a.peerId,
      displayName: 'Ada',
      text: 'Hello Grace',
      ts: sent.ts,
      self: false,
    });
    expect(received.bubbles && received.composed).to.equal(true);
    expect(ofType(a.events, 'vc-chat-message').map((e) => e.detail)).to.deep.equal([sent]);

    const reply = await b.widget.sendChatMessage('Hi Ada');
    const back = await until(() => ofType(a.events, 'vc-chat-message')[1], 'the reply at Ada');
    expect(back.detail).to.deep.equal({ ...reply, self: false });
    expect(ofType(b.events, 'vc-chat-message').map((e) => e.detail.self)).to.deep.equal([false, true]);
  });

  it('shows a message as text, never as HTML', async () => {
    const { a, b } = await twoInCall();
    const attack = '<img src=x onerror=alert(1)>';
    await a.widget.sendChatMessage(attack);
    await clickPart(b.widget, '[part~="chat-button"]');
    const shown = await until(() => part(b.widget, '[part="chat-message"] p'), 'the message in the chat panel');
    expect(shown.textContent).to.equal(attack);
    expect(part(b.widget, '[part="chat-panel"] img')).to.equal(null);
    // The sender's own copy is text too.
    await clickPart(a.widget, '[part~="chat-button"]');
    expect((await until(() => part(a.widget, '[part="chat-message"] p'), 'the own message')).textContent).to.equal(
      attack,
    );
    expect(part(a.widget, '[part="chat-panel"] img')).to.equal(null);
  });

  it('sends what is typed in the chat panel, and counts messages that arrive while it is closed', async () => {
    const { a, b } = await twoInCall({}, {}, CHAT);
    await a.widget.sendChatMessage('one');
    await a.widget.sendChatMessage('two');
    await until(() => ofType(b.events, 'vc-chat-message').length === 2, 'two messages at Grace');
    await b.widget.updateComplete;
    expect(part(b.widget, '[part="unread-badge"]')?.textContent).to.equal('2');

    await clickPart(b.widget, '[part~="chat-button"]');
    await until(() => !part(b.widget, '[part="unread-badge"]'), 'the unread count to clear');
    const input = part<HTMLInputElement>(b.widget, '[part="chat-input"]')!;
    input.value = 'typed by Grace';
    part<HTMLButtonElement>(b.widget, '[part="send-button"]')!.click();
    const arrived = await until(
      () => ofType(a.events, 'vc-chat-message').find((e) => !e.detail.self),
      'the typed message at Ada',
    );
    expect(arrived.detail.text).to.equal('typed by Grace');
    // While the panel is open, nothing is unread.
    await a.widget.sendChatMessage('seen at once');
    await until(() => ofType(b.events, 'vc-chat-message').length === 4, 'the message while the panel is open');
    await b.widget.updateComplete;
    expect(part(b.widget, '[part="unread-badge"]')).to.equal(null);
  });

  it('rejects an empty or too long message with invalid_payload, and one before joining with not_in_room', async () => {
    const { widget } = mount(await connectedAttributes());
    await until(() => widget.state === 'prejoin', 'prejoin');
    const refusal = (text: string) =>
      widget.sendChatMessage(text).then(
        () => null,
        (error: CallError) => error.code,
      );
    expect(await refusal('before joining')).to.equal('not_in_room');

    await widget.join();
    expect(await refusal('')).to.equal('invalid_payload');
    expect(await refusal(' \n\t ')).to.equal('invalid_payload');
    expect(await refusal('x'.repeat(2001))).to.equal('invalid_payload');
    expect(await refusal(`  ${'x'.repeat(2000)}  `)).to.equal(null);
  });
});
