/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { emulateMedia } from '@web/test-runner-commands';
import { renderCall } from '../src/ui/call-view.js';
import { initials } from '../src/ui/avatar.js';
import { callView, canvasStream, columns, localMedia, mount, tile, until } from './ui-fixtures.js';

const mountCall = (patch: Parameters<typeof callView>[0] = {}, width?: number, height?: number) =>
  mount(renderCall, callView(patch), width, height);
const peers = (n: number) => Array.from({ length: n }, (_, i) => tile(`p${i + 1}`));

const CONTROLS: [part: string, label: string, toggle: boolean][] = [
  ['microphone-button', 'Turn microphone off', false],
  ['camera-button', 'Turn camera off', false],
  ['screen-share-button', 'Share screen', true],
  ['chat-button', 'Chat', true],
  ['participants-button', 'Participants', true],
  ['stats-button', 'Statistics', true],
  ['speaker-view-button', 'Speaker view', true],
  ['fullscreen-button', 'Full screen', true],
  ['pip-button', 'Picture in picture', true],
  ['more-button', 'More', false],
  ['leave-button', 'Leave call', false],
];

describe('call view: controls', () => {
  it('has every control as a labelled button with its part, in order; toggles carry aria-pressed, device buttons say their action', () => {
    const ui = mountCall();
    const buttons = ui.$$<HTMLButtonElement>('[part="controls"] button');
    expect(buttons.map((b) => b.getAttribute('part'))).to.deep.equal(CONTROLS.map(([part]) => part));
    for (const [part, label, toggle] of CONTROLS) {
      const button = ui.$<HTMLButtonElement>(`[part="${part}"]`);
      expect(button.getAttribute('aria-label'), part).to.equal(label);
      expect(button.hasAttribute('aria-pressed'), part).to.equal(toggle);
      expect(button.type).to.equal('button');
      expect(button.querySelector('svg')?.getAttribute('aria-hidden'), `${part} icon is decorative`).to.equal('true');
    }
    expect(ui.$('[part="controls"]').getAttribute('aria-label')).to.equal('Call controls');
  });

  it('runs each control and shows its new state', () => {
    const ui = mountCall();
    const pressed = (part: string) => ui.$(`[part="${part}"]`).getAttribute('aria-pressed');
    const label = (part: string) => ui.$(`[part="${part}"]`).getAttribute('aria-label');
    ui.$('[part="microphone-button"]').click();
    ui.$('[part="camera-button"]').click();
    expect([label('microphone-button'), label('camera-button')]).to.deep.equal([
      'Turn microphone on',
      'Turn camera on',
    ]);
    for (const part of ['screen-share-button', 'fullscreen-button', 'pip-button']) {
      const before = pressed(part);
      ui.$(`[part="${part}"]`).click();
      expect(pressed(part), part).to.equal(before === 'true' ? 'false' : 'true');
    }
    ui.$('[part="leave-button"]').click();
    expect(Object.keys(ui.calls).sort()).to.deep.equal(
      [
        'onLeave',
        'onToggleCamera',
        'onToggleFullscreen',
        'onToggleMicrophone',
        'onTogglePictureInPicture',
        'onToggleScreenShare',
      ].sort(),
    );
  });

  it('hides screen share, picture-in-picture and full screen where the browser cannot do them (Safari on iPhone)', () => {
    const ui = mountCall({
      local: localMedia({ canShareScreen: false }),
      canPictureInPicture: false,
      canFullscreen: false,
    });
    expect(ui.$$('[part="screen-share-button"], [part="pip-button"], [part="fullscreen-button"]')).to.have.length(0);
  });

  it('counts unread messages on the chat button, and drops the badge once the chat is open', () => {
    const ui = mountCall({ unread: 3 });
    const chat = ui.$('[part="chat-button"]');
    expect(ui.$('[part="unread-badge"]').textContent).to.equal('3');
    expect(chat.getAttribute('aria-label')).to.equal('Chat, 3 unread'); // the badge's visible "3" is a word of the name
    ui.update({ unread: 120 });
    expect(ui.$('[part="unread-badge"]').textContent).to.equal('99+');
    ui.update({ panel: 'chat', unread: 0 });
    expect(ui.$$('[part="unread-badge"]')).to.have.length(0);
    expect(chat.getAttribute('aria-label')).to.equal('Chat');
  });
});

describe('call view: tiles', () => {
  it('lays out tiles by the shape of their box, self first: side by side when wide, stacked when tall', () => {
    for (const [count, width, height, expected] of [
      [1, 800, 450, 1],
      [2, 800, 450, 2],
      [4, 800, 450, 2],
      [8, 1280, 720, 3],
      [2, 390, 844, 1],
      [4, 390, 844, 2],
    ] as const) {
      const ui = mountCall({ tiles: peers(count - 1) }, width, height);
      const grid = ui.$('[part="grid"]');
      expect(grid.dataset.count).to.equal(String(count));
      expect(columns(grid), `${count} tiles in ${width}×${height}`).to.equal(expected);
      const tiles = ui.$$('[part~="tile"]');
      expect(tiles).to.have.length(count);
      expect(tiles[0]!.getAttribute('part')).to.equal('tile local-tile');
    }
  });

  it('mirrors the self view, but not a shared screen', () => {
    const ui = mountCall({ local: localMedia({ stream: canvasStream() }) });
    const video = ui.$<HTMLVideoElement>('[part~="local-tile"] video[part="local-video"]');
    expect(getComputedStyle(video).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
    expect(ui.$('[part~="local-tile"] [part="tile-name"]').textContent).to.equal('Ada Lovelace (you)');
    ui.update({ local: localMedia({ stream: canvasStream(), screenSharing: true, cameraOn: false }) });
    expect(getComputedStyle(video).transform).to.equal('none');
    expect(video.hidden).to.equal(false);
    expect(ui.$('[part~="local-tile"] [part="tile-badge"]').textContent).to.equal('Sharing screen');
  });

  it('plays a remote video under the exact part contract, with the name on its tile', async () => {
    const ui = mountCall({ tiles: [tile('peer-42', { displayName: 'Grace', stream: canvasStream() })] });
    const video = ui.$<HTMLVideoElement>('video[part="remote-video"][data-peer-id="peer-42"]');
    expect(ui.$('[data-peer-id="peer-42"] [part="tile-name"]').textContent).to.equal('Grace');
    await until(() => video.videoWidth > 0 && video.currentTime > 0, 'remote frames');
    expect(getComputedStyle(video).transform).to.equal('none');
  });

  it('shows initials in a circle when a camera is off, and says so with an icon', () => {
    const ui = mountCall({
      tiles: [tile('p1', { displayName: 'grace brewster hopper', cameraOn: false, stream: canvasStream() })],
    });
    const remote = ui.$('[part~="remote-tile"]');
    const avatar = remote.querySelector<HTMLElement>('[part="avatar"]')!;
    expect(avatar.textContent).to.equal('GH');
    expect(getComputedStyle(avatar).borderRadius).to.equal('50%');
    expect(remote.querySelector('[part="camera-off"]')!.getAttribute('aria-label')).to.equal('Camera off');
    expect(remote.querySelector('[part="camera-off"]')!.getAttribute('role')).to.equal('img');
    // The video stays (it carries the sound), just out of sight.
    expect(getComputedStyle(remote.querySelector('video')!).opacity).to.equal('0');
    expect([initials('Ada'), initials('  '), initials('Élodie de la Tour'), initials('😀 Smile')]).to.deep.equal([
      'A',
      '?',
      'ÉT',
      '😀S',
    ]);
  });

  it('marks a muted remote microphone with an icon that says so', () => {
    const ui = mountCall({ tiles: [tile('p1', { microphoneOn: false }), tile('p2')] });
    const muted = ui.$('[data-peer-id="p1"] [part="microphone-off"]');
    expect(muted.getAttribute('role')).to.equal('img');
    expect(muted.getAttribute('aria-label')).to.equal('Microphone off');
    expect(ui.$$('[data-peer-id="p2"] [part="microphone-off"]')).to.have.length(0);
  });

  it('shows each network quality as lit bars with a text alternative', () => {
    const qualities = ['good', 'fair', 'poor', 'unknown'] as const;
    const ui = mountCall({ tiles: qualities.map((quality) => tile(quality, { quality })) });
    const lit = (bar: Element) => getComputedStyle(bar).backgroundColor !== 'rgba(255, 255, 255, 0.35)';
    const seen = qualities.map((q) => {
      const meter = ui.$(`[data-peer-id="${q}"] [part="network-quality"]`);
      expect(meter.dataset.quality).to.equal(q);
      return [meter.getAttribute('aria-label'), [...meter.children].filter(lit).length];
    });
    expect(seen).to.deep.equal([
      ['Good connection', 3],
      ['Fair connection', 2],
      ['Poor connection', 1],
      ['Connection unknown', 0],
    ]);
  });

  it('outlines the active speaker in the speaking colour', async () => {
    await emulateMedia({ reducedMotion: 'reduce' }); // no outline transition to wait for
    try {
      const ui = mountCall({ tiles: [tile('p1', { speaking: true }), tile('p2')] });
      ui.host.style.setProperty('--vc-speaking', 'rgb(255, 0, 128)');
      const speaking = ui.$('[data-peer-id="p1"]');
      expect(speaking.hasAttribute('data-speaking')).to.equal(true);
      expect(speaking.getAttribute('part'), 'stylable from outside as ::part(tile speaking)').to.equal(
        'tile remote-tile speaking',
      );
      expect(getComputedStyle(speaking).outlineColor).to.equal('rgb(255, 0, 128)');
      expect(getComputedStyle(ui.$('[data-peer-id="p2"]')).outlineColor).to.equal('rgba(0, 0, 0, 0)');
      ui.update({ local: localMedia({ speaking: true }) });
      expect(ui.$('[part~="local-tile"]').hasAttribute('data-speaking')).to.equal(true);
    } finally {
      await emulateMedia({ reducedMotion: 'no-preference' });
    }
  });

  it('shows a participant without camera as initials, name and "camera off" at once, never "Connecting…"', () => {
    const ui = mountCall({
      tiles: [tile('p1', { displayName: 'Grace Hopper', cameraOn: false, microphoneOn: false, connecting: false })],
    });
    const remote = ui.$('[data-peer-id="p1"]');
    expect(remote.querySelector('[part="avatar"]')!.textContent).to.equal('GH');
    expect(remote.querySelector('[part="tile-name"]')!.textContent).to.equal('Grace Hopper');
    expect(remote.querySelector('[part="camera-off"]')!.getAttribute('aria-label')).to.equal('Camera off');
    expect(remote.textContent).to.not.contain('Connecting');
    // The marks are white on red, not grey: at least 4.5:1 over any picture.
    expect(getComputedStyle(remote.querySelector('[part="camera-off"]')!).backgroundColor).to.equal('rgb(185, 28, 28)');
  });

  it('says "Connecting…" on a tile without media yet, then shows the video', () => {
    const ui = mountCall({ tiles: [tile('p1', { connecting: true, stream: canvasStream() })] });
    expect(ui.$('[data-peer-id="p1"] [role="status"]').textContent).to.equal('Connecting…');
    expect(getComputedStyle(ui.$('video[part="remote-video"]')).opacity).to.equal('0');
    ui.update({ tiles: [tile('p1')].map((t) => ({ ...t, stream: ui.view.tiles[0]!.stream })) });
    expect(ui.$$('[data-peer-id="p1"] [role="status"]')).to.have.length(0);
    expect(getComputedStyle(ui.$('video[part="remote-video"]')).opacity).to.equal('1');
  });

  it('shows a text-only banner with the reason, and badges text-only participants', () => {
    const ui = mountCall({
      textOnly: { reason: 'No camera or microphone could be opened.' },
      tiles: [tile('p1', { textOnly: true })],
    });
    const banner = ui.$('[part="text-only-banner"]');
    expect(banner.getAttribute('role')).to.equal('status');
    expect(banner.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'Text chat only No camera or microphone could be opened.',
    );
    expect(ui.$('[data-peer-id="p1"] [part="text-only-badge"]').textContent).to.equal('Chat only');
    ui.update({ textOnly: null });
    expect(ui.$$('[part="text-only-banner"]')).to.have.length(0);
  });
});

describe('call view: re-rendering', () => {
  // Regression: Lit re-sets object-valued properties on every render, and a video whose srcObject is set
  // again (even to the same stream) restarts playback: every update flickered every video of the call.
  it('does not restart a video when the call re-renders with the same streams', async () => {
    const remote = canvasStream();
    const self = canvasStream();
    const ui = mountCall({ tiles: [tile('p1', { stream: remote })], local: localMedia({ stream: self }) });
    const videos = ui.$$<HTMLVideoElement>('video');
    expect(videos.length).to.equal(2);
    await until(
      () => videos.every((video) => video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA),
      'the first frames',
    );
    const restarts: string[] = [];
    for (const video of videos) video.addEventListener('emptied', () => restarts.push(video.getAttribute('part')!));
    for (let i = 0; i < 5; i++) ui.update({ unread: i });
    // The marker: new streams for both videos, loaded. A video's events are queued in order, so a restart from
    // the re-renders above would come before the new stream's restart, and that before its first data.
    const loaded = videos.map(
      (video) => new Promise((resolve) => video.addEventListener('loadeddata', resolve, { once: true })),
    );
    const other = canvasStream();
    ui.update({ tiles: [tile('p1', { stream: other })], local: localMedia({ stream: canvasStream() }) });
    await Promise.all(loaded);
    expect([...restarts].sort()).to.deep.equal(
      videos.map((video) => video.getAttribute('part')!).sort(),
      'each video restarted once: for its new stream',
    );
    expect(ui.$<HTMLVideoElement>('video[part="remote-video"]').srcObject).to.equal(other);
  });
});
