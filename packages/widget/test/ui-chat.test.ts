/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { renderCall } from '../src/ui/call-view.js';
import { loadStrings, resolveStrings } from '../src/ui/strings.js';
import type { ChatMessageView } from '../src/ui/view-model.js';
import { callView, mount } from './ui-fixtures.js';

const TS = Date.UTC(2025, 0, 15, 14, 5);
const message = (id: string, text: string, patch: Partial<ChatMessageView> = {}): ChatMessageView => ({
  id,
  fromSelf: false,
  displayName: 'Grace',
  text,
  ts: TS,
  ...patch,
});
const mountChat = (chat: ChatMessageView[] = [], strings = resolveStrings('en')) =>
  mount(renderCall, callView({ panel: 'chat', chat, strings }));

describe('chat panel', () => {
  before(() => loadStrings('de'));

  it('isolates names and messages from the text around them, so right-to-left text cannot reorder it', () => {
    const ui = mount(
      renderCall,
      callView({ panel: 'chat', chat: [message('1', 'مرحبا 123', { displayName: 'עדה' })], tiles: [] }),
    );
    const item = ui.$('[part="chat-message"]');
    expect(item.querySelector('.from')!.tagName).to.equal('BDI');
    expect(item.querySelector('p')!.getAttribute('dir')).to.equal('auto');
    expect(ui.$('[part="tile-name"]').tagName, 'tile names too').to.equal('BDI');
  });

  it('lists messages with sender and time, in a labelled log', () => {
    const ui = mountChat([message('1', 'Hello'), message('2', 'Hi Grace', { fromSelf: true, displayName: 'Ada' })]);
    const panel = ui.$('[part="chat-panel"]');
    expect(ui.$('[part~="panel"]').getAttribute('aria-label')).to.equal('Chat');
    expect(panel.querySelector('[role="log"]')!.getAttribute('aria-label')).to.equal('Chat');
    const items = ui.$$('[part="chat-message"]');
    expect(items.map((li) => li.querySelector('.from')!.textContent)).to.deep.equal(['Grace', 'Ada (you)']);
    expect(items.map((li) => li.querySelector('p')!.textContent)).to.deep.equal(['Hello', 'Hi Grace']);
    const time = items[0]!.querySelector('time')!;
    expect(time.dateTime).to.equal(new Date(TS).toISOString());
    expect(time.textContent).to.equal(new Date(TS).toLocaleTimeString('en', { hour: 'numeric', minute: '2-digit' }));
  });

  it('writes times the way the chosen language does', () => {
    const ui = mountChat([message('1', 'Salut')], resolveStrings('de'));
    expect(ui.$('time').textContent).to.equal(
      new Date(TS).toLocaleTimeString('de', { hour: 'numeric', minute: '2-digit' }),
    );
  });

  it('says when there are no messages yet', () => {
    expect(mountChat().$('[part="chat-panel"] .muted').textContent).to.equal('No messages yet');
  });

  it('renders markup in a message as literal text: no element is created and no script runs', async () => {
    const attack = '<img src=x onerror="window.__pwned = true"><b>bold</b>';
    const ui = mountChat([message('1', attack, { displayName: '<script>alert(1)</script>' })]);
    const item = ui.$('[part="chat-message"]');
    expect(item.querySelector('p')!.textContent).to.equal(attack);
    expect(item.querySelector('.from')!.textContent).to.equal('<script>alert(1)</script>');
    // No element was created, so no handler in the markup can ever run.
    expect(ui.$$('img, b, script')).to.have.length(0);
    expect((window as { __pwned?: boolean }).__pwned).to.equal(undefined);
  });

  it('sends the trimmed text on Enter and clears the field', async () => {
    const ui = mountChat();
    const input = ui.$<HTMLInputElement>('input[part="chat-input"]');
    expect(input.getAttribute('aria-label')).to.equal('Message');
    input.focus();
    await sendKeys({ type: '  see you at 3  ' });
    await sendKeys({ press: 'Enter' });
    expect(ui.calls.onSendChat).to.deep.equal([['see you at 3']]);
    expect(input.value).to.equal('');
  });

  it('sends with the Send button too', () => {
    const ui = mountChat();
    ui.$<HTMLInputElement>('input[part="chat-input"]').value = 'ok';
    const send = ui.$<HTMLButtonElement>('[part="send-button"]');
    expect(send.textContent).to.equal('Send');
    send.click();
    expect(ui.calls.onSendChat).to.deep.equal([['ok']]);
  });

  it('ignores a blank message', async () => {
    const ui = mountChat();
    const input = ui.$<HTMLInputElement>('input[part="chat-input"]');
    input.focus();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ type: '   ' });
    await sendKeys({ press: 'Enter' });
    expect(ui.calls.onSendChat).to.equal(undefined);
  });

  it('keeps what is being typed when a message arrives', () => {
    const ui = mountChat([message('1', 'first')]);
    const input = ui.$<HTMLInputElement>('input[part="chat-input"]');
    input.value = 'half a thou';
    ui.update({ chat: [message('1', 'first'), message('2', 'second')] });
    expect(input.value).to.equal('half a thou');
    expect(ui.$$('[part="chat-message"]')).to.have.length(2);
  });
});
