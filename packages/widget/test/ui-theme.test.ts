/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { emulateMedia } from '@web/test-runner-commands';
import { renderCall } from '../src/ui/call-view.js';
import { renderPrejoin } from '../src/ui/prejoin-view.js';
import { callView, mount, prejoinView, tile } from './ui-fixtures.js';

const WHITE = 'rgb(255, 255, 255)';
const NIGHT = 'rgb(17, 24, 39)';

function mountThemed(theme?: 'light' | 'dark') {
  const ui = mount(renderPrejoin, prejoinView());
  if (theme) ui.host.setAttribute('theme', theme);
  const background = () => getComputedStyle(ui.host).backgroundColor;
  const text = () => getComputedStyle(ui.host).color;
  const accent = () => getComputedStyle(ui.$('[part="join-button"]')).backgroundColor;
  return { ui, background, text, accent };
}

describe('theming', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  it('follows the page: light by default, dark when the user prefers dark', async () => {
    await emulateMedia({ colorScheme: 'light' });
    const light = mountThemed();
    expect([light.background(), light.text()]).to.deep.equal([WHITE, NIGHT]);
    await emulateMedia({ colorScheme: 'dark' });
    expect([light.background(), light.text()]).to.deep.equal([NIGHT, 'rgb(249, 250, 251)']);
    expect(getComputedStyle(light.ui.host).colorScheme).to.equal('dark');
  });

  it('lets the theme attribute force light or dark whatever the page prefers', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    expect(mountThemed('light').background()).to.equal(WHITE);
    await emulateMedia({ colorScheme: 'light' });
    const dark = mountThemed('dark');
    expect(dark.background()).to.equal(NIGHT);
    expect(dark.accent()).to.equal('rgb(37, 99, 235)'); // the dark fill under white text: 5.2:1
  });

  it('lets --vc-* custom properties override the colours in both themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const themed = mountThemed(theme);
      const before = themed.accent();
      themed.ui.host.style.setProperty('--vc-accent', 'rgb(124, 58, 237)');
      themed.ui.host.style.setProperty('--vc-background', 'rgb(1, 2, 3)');
      expect(themed.accent(), theme).to.not.equal(before);
      expect(themed.accent(), theme).to.equal('rgb(124, 58, 237)');
      expect(themed.background(), theme).to.equal('rgb(1, 2, 3)');
    }
  });

  it('uses the accent for the keyboard focus ring unless --vc-focus-ring says otherwise', () => {
    const { ui } = mountThemed('light');
    const input = ui.$<HTMLInputElement>('input[part="name-input"]');
    input.focus(); // a text field always shows its focus (:focus-visible)
    expect(getComputedStyle(input).outlineColor).to.equal('rgb(37, 99, 235)');
    ui.host.style.setProperty('--vc-focus-ring', 'rgb(0, 128, 0)');
    expect(getComputedStyle(input).outlineColor).to.equal('rgb(0, 128, 0)');
    expect(getComputedStyle(input).outlineStyle).to.equal('solid');
  });

  it('lets the page style the documented parts, including the speaking state', () => {
    const page = document.createElement('style');
    page.textContent = `
      .themed::part(leave-button) { background: rgb(10, 20, 30); }
      .themed::part(tile speaking) { border-color: rgb(200, 0, 0); border-style: solid; }
      .themed::part(remote-video) { object-fit: contain; }`;
    document.head.append(page);
    try {
      const ui = mount(renderCall, callView({ tiles: [tile('p1', { speaking: true }), tile('p2')] }));
      ui.host.classList.add('themed');
      expect(getComputedStyle(ui.$('[part="leave-button"]')).backgroundColor).to.equal('rgb(10, 20, 30)');
      expect(getComputedStyle(ui.$('[data-peer-id="p1"]')).borderColor).to.equal('rgb(200, 0, 0)');
      expect(getComputedStyle(ui.$('[data-peer-id="p2"]')).borderStyle).to.equal('none');
      expect(getComputedStyle(ui.$('video[data-peer-id="p2"]')).objectFit).to.equal('contain');
    } finally {
      page.remove();
    }
  });
});
