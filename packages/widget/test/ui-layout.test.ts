/// <reference types="mocha" />
/**
 * The call fits the box the page gives it: at every size from 320×240 up and with 1 to 8 tiles, every control
 * is inside the widget and in one row, Leave is visible, no two tiles overlap and each name stays on its tile.
 * Measured from the shadow root's boxes in real Chromium.
 */
import { expect } from '@esm-bundle/chai';
import { renderCall } from '../src/ui/call-view.js';
import type { Participant } from '../src/engine/peer-mesh.js';
import { stageOf } from '../src/element/view-builder.js';
import { SELF_TILE, type CallView } from '../src/ui/view-model.js';
import { sendKeys } from '@web/test-runner-commands';
import { callView, canvasStream, en, mount, tile, until } from './ui-fixtures.js';
import { de } from '../src/ui/strings-de.js';

const BOXES = [
  [320, 240],
  [390, 844],
  [844, 390],
  [800, 480],
  [1280, 720],
] as const;
const peers = (n: number) =>
  Array.from({ length: n }, (_, i) => tile(`p${i + 1}`, { displayName: `Participant number ${i + 1}` }));
const mountCall = (patch: Partial<CallView>, width: number, height: number) =>
  mount(renderCall, callView(patch), width, height);

/** Within `outer`, allowing half a pixel of rounding. */
const inside = (inner: DOMRect, outer: DOMRect) =>
  inner.left >= outer.left - 0.5 &&
  inner.top >= outer.top - 0.5 &&
  inner.right <= outer.right + 0.5 &&
  inner.bottom <= outer.bottom + 0.5;
const overlap = (a: DOMRect, b: DOMRect) =>
  Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
  Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));

function checkFits(ui: ReturnType<typeof mountCall>, what: string, everyName = true): void {
  const box = ui.host.getBoundingClientRect();
  const controls = ui
    .$$('[part="controls"] > button, [part="controls"] .secondary > button')
    .filter((b) => b.checkVisibility());
  expect(controls.length, what).to.be.at.least(3);
  for (const control of controls)
    expect(inside(control.getBoundingClientRect(), box), `${what}: ${control.getAttribute('part')} inside`).to.equal(
      true,
    );
  const tops = new Set(
    controls.map((c) => Math.round(c.getBoundingClientRect().top + c.getBoundingClientRect().height / 2)),
  );
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
  if (everyName)
    expect(ui.$$('[part="tile-name"]').filter((n) => n.checkVisibility()).length, `${what}: every name shown`).to.equal(
      tiles.length,
    );
}

describe('call view: fits its box', () => {
  for (const [width, height] of BOXES) {
    it(`${width}×${height}: 1 to 8 tiles in a grid, and on a stage with a strip`, () => {
      for (let count = 1; count <= 8; count++) {
        checkFits(mountCall({ tiles: peers(count - 1) }, width, height), `${width}×${height}, ${count} tiles`);
        if (count > 1)
          checkFits(
            mountCall({ tiles: peers(count - 1), stageId: 'p1' }, width, height),
            `${width}×${height}, ${count} tiles, stage`,
            false,
          );
      }
    });
  }

  it('stacks tiles in a portrait box and puts them side by side in a landscape one', () => {
    const tall = mountCall({ tiles: peers(1) }, 390, 844)
      .$$('[part~="tile"]')
      .map((t) => t.getBoundingClientRect());
    expect(tall[1]!.top, 'stacked').to.be.at.least(tall[0]!.bottom);
    expect(tall[0]!.height, 'full-height tiles in a phone').to.be.above(300);
    const wide = mountCall({ tiles: peers(1) }, 844, 390)
      .$$('[part~="tile"]')
      .map((t) => t.getBoundingClientRect());
    expect(wide[1]!.left, 'side by side').to.be.at.least(wide[0]!.right);
  });

  it('keeps microphone, camera and Leave in the row of a narrow box and moves the rest into "More"', () => {
    const ui = mountCall({}, 390, 844);
    const visible = () =>
      ui
        .$$('[part="controls"] button')
        .filter((b) => b.checkVisibility())
        .map((b) => b.getAttribute('part'));
    expect(visible()).to.deep.equal(['microphone-button', 'camera-button', 'more-button', 'leave-button']);
    const more = ui.$('[part="more-button"]');
    expect(more.getAttribute('aria-expanded')).to.equal('false');
    more.click();
    expect(more.getAttribute('aria-expanded')).to.equal('true');
    expect(visible()).to.include.members([
      'screen-share-button',
      'chat-button',
      'participants-button',
      'fullscreen-button',
    ]);
    const chat = ui.$('[part="chat-button"]');
    expect(chat.querySelector('.label')!.checkVisibility(), 'menu items say what they do in words').to.equal(true);
    expect(
      inside(ui.$('.secondary').getBoundingClientRect(), ui.host.getBoundingClientRect()),
      'the menu inside the widget',
    ).to.equal(true);
    chat.click();
    expect(ui.calls.onTogglePanel).to.deep.equal([['chat']]);
    expect(more.getAttribute('aria-expanded'), 'a choice closes the menu').to.equal('false');
  });

  it('walks the "More" menu with the keyboard: opening focuses its first item, Escape closes it and returns to "More"', async () => {
    const ui = mountCall({}, 390, 844);
    const more = ui.$('[part="more-button"]');
    more.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => ui.root.activeElement?.getAttribute('part') === 'screen-share-button', 'focus in the menu');
    await sendKeys({ press: 'Tab' });
    expect(ui.root.activeElement?.getAttribute('part')).to.not.equal('leave-button');
    await sendKeys({ press: 'Escape' });
    expect(more.getAttribute('aria-expanded')).to.equal('false');
    expect(ui.root.activeElement).to.equal(more);
    await sendKeys({ press: 'Tab' });
    expect(ui.root.activeElement?.getAttribute('part'), 'then on to Leave').to.equal('leave-button');
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
    const ui = mountCall(
      {
        tiles: [
          tile('p1', { screenSharing: true, stream: canvasStream() }),
          ...peers(3).map((t) => ({ ...t, peerId: `q${t.peerId}` })),
        ],
        stageId: 'p1',
      },
      1280,
      720,
    );
    const stage = ui.$('[data-peer-id="p1"]');
    expect(stage.classList.contains('on-stage')).to.equal(true);
    const others = ui.$$('[part~="tile"]:not(.on-stage)');
    for (const other of others)
      expect(other.getBoundingClientRect().width * 2).to.be.below(stage.getBoundingClientRect().width);
    const pin = ui.$('[data-peer-id="qp2"] [part="pin-button"]');
    expect([pin.getAttribute('aria-label'), pin.getAttribute('aria-pressed')]).to.deep.equal(['Pin', 'false']);
    pin.click();
    expect(ui.calls.onTogglePin).to.deep.equal([['qp2']]);
    expect(ui.$('[data-peer-id="qp2"] [part="pin-button"]').getAttribute('aria-label')).to.equal('Unpin');
  });
});

describe('who takes the stage', () => {
  const person = (peerId: string, patch: Partial<Participant> = {}) =>
    ({ peerId, displayName: peerId, screen: false, speaking: false, ...patch }) as Participant;
  const ui = (patch: Partial<Parameters<typeof stageOf>[1]> = {}) => ({
    pinned: null,
    speakerView: false,
    lastSpeaker: null,
    ...patch,
  });

  it('a pinned tile, else a shared screen, else (in speaker view) whoever spoke last; nobody when alone', () => {
    const people = [person('a'), person('b', { screen: true }), person('c')];
    expect(stageOf([], ui({ pinned: SELF_TILE, speakerView: true })), 'alone: the one tile fills the grid').to.equal(
      null,
    );
    expect(stageOf(people, ui({ pinned: 'c' }))).to.equal('c');
    expect(stageOf(people, ui({ pinned: SELF_TILE }))).to.equal(SELF_TILE);
    expect(stageOf(people, ui({ pinned: 'gone' })), 'a pinned participant who left lets go').to.equal('b');
    expect(stageOf(people, ui())).to.equal('b');
    const talking = [person('a'), person('c')];
    expect(stageOf(talking, ui()), 'no share, no speaker view: the grid').to.equal(null);
    expect(stageOf(talking, ui({ speakerView: true })), 'before anyone spoke: the first').to.equal('a');
    expect(stageOf(talking, ui({ speakerView: true, lastSpeaker: 'c' }))).to.equal('c');
  });
});

describe('controls people recognise', () => {
  /** WCAG contrast ratio of two computed `rgb(…)` colours. */
  const contrast = (fg: string, bg: string) => {
    const luminance = (colour: string) => {
      const [r, g, b] = colour
        .match(/\d+(\.\d+)?/g)!
        .slice(0, 3)
        .map((c) => {
          const v = Number(c) / 255;
          return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  };
  const colours = (element: Element) =>
    [getComputedStyle(element).color, getComputedStyle(element).backgroundColor] as const;

  it('a red hang-up handset apart from the rest, and every state readable at 4.5:1 or more, not by colour alone', () => {
    const ui = mountCall(
      {
        local: { ...callView().local, microphoneOn: false },
        tiles: [tile('p1', { microphoneOn: false, cameraOn: false })],
      },
      1280,
      720,
    );
    const leave = ui.$('[part="leave-button"]');
    expect(colours(leave)[1]).to.equal('rgb(220, 38, 38)');
    const previous = leave.previousElementSibling!.getBoundingClientRect();
    expect(leave.getBoundingClientRect().left - previous.right, 'stands apart').to.be.at.least(16);
    expect(leave.querySelector('.label')!.checkVisibility(), '"Leave call" in words where there is room').to.equal(
      true,
    );
    for (const part of ['leave-button', 'microphone-button', 'camera-button', 'chat-button']) {
      const [fg, bg] = colours(ui.$(`[part="${part}"]`));
      expect(contrast(fg, bg), part).to.be.at.least(4.5);
    }
    const mic = ui.$('[part="microphone-button"]');
    // Said, not only coloured: the button names what pressing it does (no aria-pressed beside a name that changes).
    expect(
      [mic.getAttribute('aria-label'), mic.getAttribute('aria-pressed')],
      'the state is said, not only coloured',
    ).to.deep.equal(['Turn microphone on', null]);
    expect(mic.querySelector('path')!.getAttribute('d'), 'and drawn: a slashed microphone').to.contain('M3 3l18 18');
    for (const mark of ui.$$('[data-peer-id="p1"] [part="microphone-off"], [data-peer-id="p1"] [part="camera-off"]')) {
      const [fg, bg] = colours(mark);
      expect(contrast(fg, bg), mark.getAttribute('part')!).to.be.at.least(4.5);
    }
  });

  /** The bar's buttons a visitor sees, each with its words: [part, the words shown, their opacity, truncated]. */
  const barWords = (ui: ReturnType<typeof mountCall>) =>
    ui
      .$$('[part="controls"] button.control')
      .filter((b) => b.checkVisibility())
      .map((b) => {
        const label = b.querySelector<HTMLElement>('.label')!;
        expect(b.getAttribute('aria-label'), 'the name contains the words shown (WCAG 2.5.3)').to.contain(
          label.textContent,
        );
        return [
          b.getAttribute('part'),
          label.textContent,
          getComputedStyle(label).opacity,
          label.scrollWidth > label.clientWidth,
        ];
      });

  it('shows each control in words under its icon where the whole bar fits, in one row inside the widget', () => {
    const ui = mountCall({ unread: 3 }, 1280, 720);
    checkFits(ui, '1280×720 with words');
    expect(barWords(ui)).to.deep.equal([
      ['microphone-button', 'Turn microphone off', '1', false],
      ['camera-button', 'Turn camera off', '1', false],
      ['screen-share-button', 'Share screen', '1', false],
      ['chat-button', 'Chat', '1', false],
      ['participants-button', 'Participants', '1', false],
      ['stats-button', 'Statistics', '1', false],
      ['speaker-view-button', 'Speaker view', '1', false],
      ['fullscreen-button', 'Full screen', '1', false],
      ['pip-button', 'Picture in picture', '1', false],
      ['leave-button', 'Leave call', '1', false],
    ]);
    expect(ui.$('[part="chat-button"]').getAttribute('aria-label')).to.equal('Chat, 3 unread');
    ui.$('[part="microphone-button"]').click();
    expect(barWords(ui)[0], 'the words follow the state').to.deep.equal([
      'microphone-button',
      'Turn microphone on',
      '1',
      false,
    ]);
    for (const [width, height] of [
      [390, 844],
      [320, 240],
      [800, 480],
    ] as const)
      expect(
        barWords(mountCall({}, width, height)).filter(
          ([part, , opacity]) => part !== 'leave-button' && opacity !== '0',
        ),
        `${width}×${height}: icons, words on hover and focus`,
      ).to.deep.equal([]);
  });

  it('keeps every control of a host in one row inside a wide widget, words cut short rather than wrapped', () => {
    const host = {
      moderate: true,
      locked: false,
      note: null,
      knocks: [],
      onAdmit() {},
      onDeny() {},
      onRemove() {},
      onMute() {},
      onToggleLock() {},
      onEndCall() {},
    };
    for (const strings of [en, de])
      for (const width of [1000, 1280]) {
        const ui = mountCall({ strings, host }, width, 720);
        checkFits(ui, `${strings.leave}, ${width} wide, a host`);
        for (const [part, , opacity] of barWords(ui)) expect(opacity, `${width}: ${part} in words`).to.equal('1');
      }
  });

  it('says what each control does on hover and keyboard focus where there is no room for words', async () => {
    const ui = mountCall({}, 800, 480);
    const chat = ui.$('[part="chat-button"]');
    const label = chat.querySelector('.label')!;
    expect(getComputedStyle(label).opacity).to.equal('0');
    chat.focus();
    await sendKeys({ press: 'Shift' }); // keyboard use, so :focus-visible applies
    expect(ui.root.activeElement).to.equal(chat);
    expect(getComputedStyle(label).opacity).to.equal('1');
    expect(label.textContent).to.equal('Chat');
  });
});
