/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { html } from 'lit';
import { renderCall } from '../src/ui/call-view.js';
import { callView, localMedia, mount, tile, until } from './ui-fixtures.js';

const mountCall = (patch: Parameters<typeof callView>[0] = {}, width?: number) =>
  mount(renderCall, callView(patch), width);
/** The element focused inside the shadow root, by its part. */
const focused = (root: ShadowRoot) => root.activeElement?.getAttribute('part');

describe('call view: panels and keyboard', () => {
  it('reaches every control with Tab, in order', async () => {
    const ui = mountCall();
    const parts = ui
      .$$('[part="controls"] button')
      .filter((b) => b.checkVisibility())
      .map((b) => b.getAttribute('part'));
    expect(parts, 'a wide widget shows every control, so no "More"').to.not.include('more-button');
    ui.$('[part="microphone-button"]').focus();
    const reached = [focused(ui.root)];
    for (let i = 1; i < parts.length; i++) {
      await sendKeys({ press: 'Tab' });
      reached.push(focused(ui.root));
    }
    expect(reached).to.deep.equal(parts);
    expect(getComputedStyle(ui.root.activeElement!).outlineStyle, 'a visible focus ring').to.equal('solid');
  });

  it('toggles a control with Enter and Space', async () => {
    const ui = mountCall();
    ui.$('[part="microphone-button"]').focus();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'Space' });
    expect(ui.calls.onToggleMicrophone).to.have.length(2);
  });

  it('opens one panel at a time from its button, pressed while open', () => {
    const ui = mountCall();
    ui.$('[part="chat-button"]').click();
    expect(ui.calls.onTogglePanel).to.deep.equal([['chat']]);
    expect(ui.$$('[part~="panel"]').map((p) => p.dataset.panel)).to.deep.equal(['chat']);
    expect(ui.$('[part="chat-button"]').getAttribute('aria-pressed')).to.equal('true');
    ui.$('[part="participants-button"]').click();
    expect(ui.$$('[part~="panel"]').map((p) => p.dataset.panel)).to.deep.equal(['participants']);
    expect(ui.$('[part="chat-button"]').getAttribute('aria-pressed')).to.equal('false');
    ui.$('[part="participants-button"]').click();
    expect(ui.$$('[part~="panel"]')).to.have.length(0);
  });

  it('moves focus into a panel that opens, and Escape closes it and returns focus to its button', async () => {
    const ui = mountCall();
    ui.$('[part="chat-button"]').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => focused(ui.root) === 'chat-input', 'focus in the chat field');
    await sendKeys({ press: 'Escape' });
    expect(ui.calls.onTogglePanel).to.deep.equal([['chat'], ['chat']]);
    expect(ui.$$('[part~="panel"]')).to.have.length(0);
    expect(focused(ui.root)).to.equal('chat-button');
  });

  it('closes a panel with its close button', () => {
    const ui = mountCall({ panel: 'participants' });
    const close = ui.$('[part="close-panel-button"]');
    expect(close.getAttribute('aria-label')).to.equal('Close');
    close.click();
    expect(ui.$$('[part~="panel"]')).to.have.length(0);
    expect(focused(ui.root)).to.equal('participants-button');
  });

  it('sits beside the grid on a wide widget and covers it on a narrow one', () => {
    const wide = mountCall({ panel: 'chat' }, 900);
    expect(getComputedStyle(wide.$('[part~="panel"]')).position).to.equal('static');
    expect(wide.$('[part~="panel"]').getBoundingClientRect().width).to.equal(300);
    const narrow = mountCall({ panel: 'chat' }, 400);
    expect(getComputedStyle(narrow.$('[part~="panel"]')).position).to.equal('absolute');
  });

  it('lists self and each participant with microphone and camera state', () => {
    const ui = mountCall({
      panel: 'participants',
      local: localMedia({ microphoneOn: false }),
      tiles: [
        tile('p1', { displayName: 'Grace', cameraOn: false }),
        tile('p2', { displayName: 'Linus', textOnly: true }),
      ],
    });
    const panel = ui.$('[part="participants-panel"]');
    expect(panel.querySelector('.muted')!.textContent).to.equal('3 in the call');
    const rows = [...panel.querySelectorAll('li')].map((li) => [
      li.querySelector('.name')!.textContent,
      ...[...li.querySelectorAll('[role="img"]')].map((i) => i.getAttribute('aria-label')),
    ]);
    expect(rows).to.deep.equal([
      ['Ada Lovelace (you)', 'Microphone off', 'Camera'],
      ['Grace', 'Microphone', 'Camera off'],
      ['Linus', 'Microphone', 'Camera'],
    ]);
    expect(panel.querySelector('[data-peer-id="p2"] .badge')!.textContent).to.equal('Chat only');
  });

  it('shows the lazily loaded stats panel it is handed, and "Loading…" until then', () => {
    const ui = mountCall({ panel: 'stats' });
    expect(ui.$('[part~="panel"][data-panel="stats"] .muted').textContent).to.equal('Loading…');
    ui.update({ statsPanel: html`<div part="stats-panel">figures</div>` });
    expect(ui.$('[part~="panel"] [part="stats-panel"]').textContent).to.equal('figures');
  });
});
