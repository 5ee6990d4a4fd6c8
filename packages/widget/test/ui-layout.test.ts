/// <reference types="mocha" />
/**
 * The call fits the box the page gives it: at every size from 320×240 up and with 1 to 8 tiles, every control
 * is inside the widget and in one row, Leave is visible, no two tiles overlap and each name stays on its tile.
 * Measured from the shadow root's boxes in real Chromium.
 */
import { expect } from '@esm-bundle/chai';
import { renderCall } from '../src/ui/call-view.js';
import type { CallView } from '../src/ui/view-model.js';
import { callView, canvasStream, mount, tile } from './ui-fixtures.js';

const BOXES = [
  [320, 240],
  [390, 844],
  [844, 390],
  [800, 480],
  [1280, 720],
] as const;
const peers = (n: number) => Array.from({ length: n }, (_, i) => tile(`p${i + 1}`, { displayName: `Participant number ${i + 1}` }));
const mountCall = (patch: Partial<CallView>, width: number, height: number) => mount(renderCall, callView(patch), width, height);

/** Within `outer`, allowing half a pixel of rounding. */
const inside = (inner: DOMRect, outer: DOMRect) =>
  inner.left >= outer.left - 0.5 && inner.top >= outer.top - 0.5 && inner.right <= outer.right + 0.5 && inner.bottom <= outer.bottom + 0.5;
const overlap = (a: DOMRect, b: DOMRect) =>
  Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));

function checkFits(ui: ReturnType<typeof mountCall>, what: string, everyName = true): void {
  const box = ui.host.getBoundingClientRect();
  const controls = ui.$$('[part="controls"] > button, [part="controls"] .secondary > button').filter((b) => b.checkVisibility());
  expect(controls.length, what).to.be.at.least(3);
  for (const control of controls) expect(inside(control.getBoundingClientRect(), box), `${what}: ${control.getAttribute('part')} inside`).to.equal(true);
  const tops = new Set(controls.map((c) => Math.round(c.getBoundingClientRect().top + c.getBoundingClientRect().height / 2)));
  expect(tops.size, `${what}: one row of controls`).to.equal(1);
  const leave = ui.$('[part="leave-button"]');
  expect(leave.checkVisibility() && leave.getBoundingClientRect().width >= 40, `${what}: Leave visible`).to.equal(true);

  const tiles = ui.$$('[part~="tile"]').map((t) => t.getBoundingClientRect());
  for (const [i, t] of tiles.entries()) {
    expect(inside(t, box), `${what}: tile ${i} inside`).to.equal(true);
    expect(t.width > 0 && t.height > 0, `${what}: tile ${i} has a size`).to.equal(true);
    for (const other of tiles.slice(i + 1)) expect(overlap(t, other), `${what}: tiles overlap`).to.be.below(1);
  }
  // A name is on its tile, never on another's (a strip tile too small for any words shows none).
  for (const name of ui.$$('[part="tile-name"]').filter((n) => n.checkVisibility())) {
    const tileBox = name.closest('[part~="tile"]')!.getBoundingClientRect();
    expect(inside(name.getBoundingClientRect(), tileBox), `${what}: a name on its own tile`).to.equal(true);
  }
  if (everyName) expect(ui.$$('[part="tile-name"]').filter((n) => n.checkVisibility()).length, `${what}: every name shown`).to.equal(tiles.length);
}

describe('call view: fits its box', () => {
  for (const [width, height] of BOXES) {
    it(`${width}×${height}: 1 to 8 tiles in a grid, and on a stage with a strip`, () => {
      for (let count = 1; count <= 8; count++) {
        checkFits(mountCall({ tiles: peers(count - 1) }, width, height), `${width}×${height}, ${count} tiles`);
        if (count > 1) checkFits(mountCall({ tiles: peers(count - 1), stageId: 'p1' }, width, height), `${width}×${height}, ${count} tiles, stage`, false);
      }
    });
  }

  it('stacks tiles in a portrait box and puts them side by side in a landscape one', () => {
    const tall = mountCall({ tiles: peers(1) }, 390, 844).$$('[part~="tile"]').map((t) => t.getBoundingClientRect());
    expect(tall[1]!.top, 'stacked').to.be.at.least(tall[0]!.bottom);
    expect(tall[0]!.height, 'full-height tiles in a phone').to.be.above(300);
    const wide = mountCall({ tiles: peers(1) }, 844, 390).$$('[part~="tile"]').map((t) => t.getBoundingClientRect());
    expect(wide[1]!.left, 'side by side').to.be.at.least(wide[0]!.right);
  });

  it('keeps microphone, camera and Leave in the row of a narrow box and moves the rest into "More"', () => {
    const ui = mountCall({}, 390, 844);
    const visible = () => ui.$$('[part="controls"] button').filter((b) => b.checkVisibility()).map((b) => b.getAttribute('part'));
    expect(visible()).to.deep.equal(['microphone-button', 'camera-button', 'more-button', 'leave-button']);
    const more = ui.$('[part="more-button"]');
    expect(more.getAttribute('aria-expanded')).to.equal('false');
    more.click();
    expect(more.getAttribute('aria-expanded')).to.equal('true');
    expect(visible()).to.include.members(['screen-share-button', 'chat-button', 'participants-button', 'fullscreen-button']);
    const chat = ui.$('[part="chat-button"]');
    expect(chat.querySelector('.label')!.checkVisibility(), 'menu items say what they do in words').to.equal(true);
    expect(inside(ui.$('.secondary').getBoundingClientRect(), ui.host.getBoundingClientRect()), 'the menu inside the widget').to.equal(true);
    chat.click();
    expect(ui.calls.onTogglePanel).to.deep.equal([['chat']]);
    expect(more.getAttribute('aria-expanded'), 'a choice closes the menu').to.equal('false');
  });

  it('shows the chat as a sheet on a phone, keeping the tiles above it in view', () => {
    const ui = mountCall({ panel: 'chat', tiles: peers(1) }, 390, 844);
    const panel = ui.$('[part~="panel"]').getBoundingClientRect();
    const first = ui.$$('[part~="tile"]')[0]!.getBoundingClientRect();
    expect(panel.height).to.be.above(250);
    expect(overlap(panel, first), 'the chat covers no tile').to.be.below(1);
    expect(first.height).to.be.above(100);
  });

  it('puts a shared screen or a pinned tile on the stage, larger than the strip beside it; pins and unpins', () => {
    const ui = mountCall({ tiles: [tile('p1', { screenSharing: true, stream: canvasStream() }), ...peers(3).map((t) => ({ ...t, peerId: `q${t.peerId}` }))], stageId: 'p1' }, 1280, 720);
    const stage = ui.$('[data-peer-id="p1"]');
    expect(stage.classList.contains('on-stage')).to.equal(true);
    const others = ui.$$('[part~="tile"]:not(.on-stage)');
    for (const other of others) expect(other.getBoundingClientRect().width * 2).to.be.below(stage.getBoundingClientRect().width);
    const pin = ui.$('[data-peer-id="qp2"] [part="pin-button"]');
    expect([pin.getAttribute('aria-label'), pin.getAttribute('aria-pressed')]).to.deep.equal(['Pin', 'false']);
    pin.click();
    expect(ui.calls.onTogglePin).to.deep.equal([['qp2']]);
    expect(ui.$('[data-peer-id="qp2"] [part="pin-button"]').getAttribute('aria-label')).to.equal('Unpin');
  });
});
