/// <reference types="mocha" />
// The real element against the real service, as a keyboard and screen-reader user meets it: axe-core over its
// live states in both themes, a keyboard-only walk through a call, focus at every screen change, and what the
// polite live region says.
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { VideoChatWidget } from '../src/element/video-chat-widget.js';
import { seriousViolations } from './axe.js';
import { clickPart, engineOf, ofType, twoInCall } from './call-helpers.js';
import { connectedAttributes, mount, part, until, uniqueRoom } from './helpers.js';
import { agent, uniqueQueue, visitor } from './match-helpers.js';

const THEMES = ['light', 'dark'] as const;

/** What the live region has said (its last lines). */
const said = (widget: VideoChatWidget): string[] =>
  [...widget.shadowRoot!.querySelectorAll('[part="announcer"] p')].map((p) => p.textContent!);

/** The element of the widget that has keyboard focus (null when focus is elsewhere, e.g. the page's body). */
const focused = (widget: VideoChatWidget): Element | null =>
  document.activeElement === widget ? widget.shadowRoot!.activeElement : null;

/** Presses Tab until the control `partName` has focus (as a keyboard user does), at most `most` times. */
async function tabTo(widget: VideoChatWidget, partName: string, most = 25): Promise<HTMLElement> {
  for (let i = 0; i < most; i++) {
    const at = focused(widget);
    if (at?.getAttribute('part')?.split(' ').includes(partName)) return at as HTMLElement;
    await sendKeys({ press: 'Tab' });
  }
  throw new Error(
    `${partName} not reached with Tab; focus is on ${focused(widget)?.outerHTML ?? document.activeElement?.tagName}`,
  );
}

async function axeInBothThemes(widget: VideoChatWidget, state: string): Promise<void> {
  for (const theme of THEMES) {
    widget.setAttribute('theme', theme);
    await widget.updateComplete;
    expect(await seriousViolations(widget), `${state}, ${theme} theme`).to.deep.equal([]);
  }
  widget.removeAttribute('theme');
}

describe('<video-chat-widget> accessibility', () => {
  it('axe-core finds no serious or critical violation: pre-join, call, each panel, left, errors (both themes)', async function () {
    this.timeout(60_000);
    const fatal = mount({ room: 'no-key' }, ['vc-error']);
    await until(() => ofType(fatal.events, 'vc-error')[0], 'the missing key reported');
    await axeInBothThemes(fatal.widget, 'a fatal error');
    fatal.widget.setAttribute('quality', 'ultra'); // a lesser error while the fatal one shows: said, not shown
    const lesser = await until(() => ofType(fatal.events, 'vc-error')[1], 'the lesser error reported');
    expect(lesser.detail).to.include({ code: 'configuration_invalid', fatal: false });
    // In the visitor's plain words (ui/notice.ts), said in the task that reported it; its detail is for the site owner.
    expect(said(fatal.widget)).to.deep.equal(["Video chat isn't available right now."]);
    await fatal.widget.updateComplete;
    expect(part(fatal.widget, '[part="retry-button"]'), 'the fatal notice (with Try again) still shown').to.not.equal(
      null,
    );

    const prejoin = mount(await connectedAttributes({ quality: 'ultra' }), ['vc-error']);
    await until(
      () => part(prejoin.widget, '[part="join-button"]') && part(prejoin.widget, '[part="notice"]'),
      'pre-join with a notice',
    );
    await axeInBothThemes(prejoin.widget, 'pre-join with a notice');
    prejoin.widget.remove();

    const { a } = await twoInCall();
    await axeInBothThemes(a.widget, 'call');
    for (const panel of ['chat', 'participants', 'stats']) {
      part<HTMLButtonElement>(a.widget, `[part~="${panel}-button"]`)!.click();
      await until(() => part(a.widget, `[part~="panel"][data-panel="${panel}"]`), `the ${panel} panel`);
      if (panel === 'stats')
        await until(
          () => !part(a.widget, '[part~="panel"] p.muted')?.textContent?.includes('Loading'),
          'the stats loaded',
        );
      await axeInBothThemes(a.widget, `the ${panel} panel`);
    }
    await a.widget.leave();
    await until(() => part(a.widget, '[part="left"]'), 'the left screen');
    await axeInBothThemes(a.widget, 'left');
  });

  it('a keyboard-only call: join, mute, camera, chat (type and send), a panel (open, Escape), leave; focus follows each screen', async function () {
    this.timeout(45_000);
    const room = uniqueRoom();
    const grace = mount(await connectedAttributes({ room, 'display-name': 'Grace', autojoin: true }), [
      'vc-chat-message',
    ]);
    await until(() => grace.widget.state === 'connected', 'Grace in the room');
    const { widget } = mount(await connectedAttributes({ room, 'display-name': 'Ada' }));
    const join = await until(() => part<HTMLButtonElement>(widget, '[part="join-button"]'), 'the Join button');
    await until(() => engineOf(widget).state === 'prejoin' && !join.disabled, 'ready to join');
    join.focus();
    await sendKeys({ press: 'Enter' });

    // The call screen takes focus on its first control, not the page's body.
    await until(() => widget.state === 'connected', 'in the call');
    const mic = await until(
      () => (focused(widget)?.getAttribute('part') === 'microphone-button' ? (focused(widget) as HTMLElement) : null),
      'focus on the microphone button',
    );
    expect(mic.getAttribute('aria-label')).to.equal('Turn microphone off');
    await sendKeys({ press: 'Enter' });
    await until(() => !engineOf(widget).media.microphoneEnabled, 'the microphone off');
    expect(mic.getAttribute('aria-label')).to.equal('Turn microphone on');

    const camera = await tabTo(widget, 'camera-button');
    await sendKeys({ press: 'Space' });
    await until(() => !engineOf(widget).media.cameraEnabled, 'the camera off');
    expect(camera.getAttribute('aria-label')).to.equal('Turn camera on');

    const chatButton = await tabTo(widget, 'chat-button');
    await sendKeys({ press: 'Enter' });
    await until(() => focused(widget)?.getAttribute('part') === 'chat-input', 'focus in the chat field');
    await sendKeys({ type: 'typed, not clicked' });
    await sendKeys({ press: 'Enter' });
    await until(
      () => ofType(grace.events, 'vc-chat-message').some((e) => e.detail.text === 'typed, not clicked'),
      'Grace to read it',
    );
    await sendKeys({ press: 'Escape' });
    await until(() => !part(widget, '[part~="panel"]'), 'the panel closed');
    expect(focused(widget)).to.equal(chatButton);

    await tabTo(widget, 'leave-button');
    await sendKeys({ press: 'Enter' });
    await until(() => part(widget, '[part="left"]'), 'the left screen');
    await until(() => focused(widget)?.getAttribute('part') === 'join-button', 'focus on "Join again", not the page');
  });

  it('never takes focus from the page when the visitor did not use the widget (autojoin)', async () => {
    const field = document.createElement('input');
    document.body.append(field);
    try {
      field.focus();
      const { widget } = mount(await connectedAttributes({ autojoin: true }), ['vc-join']);
      await until(() => widget.state === 'connected', 'connected');
      await widget.updateComplete;
      expect(document.activeElement).to.equal(field);
    } finally {
      field.remove();
    }
  });

  it('says joins, leaves, mutes, and chat messages while the chat panel is closed, politely', async function () {
    this.timeout(30_000);
    const { a, b } = await twoInCall({}, {}, ['vc-chat-message']);
    const region = part(a.widget, '[part="announcer"]')!;
    expect([region.getAttribute('role'), region.getAttribute('aria-live')]).to.deep.equal(['status', 'polite']);
    await until(() => said(a.widget).includes('Grace joined'), '"Grace joined"');
    expect(said(b.widget)).to.include('You joined the call. One other person is here.');

    b.widget.setMicrophoneEnabled(false);
    await until(() => said(a.widget).includes('Grace turned their microphone off'), 'Grace muted, said to Ada');
    expect(said(b.widget)).to.include('Your microphone is off');
    a.widget.setCameraEnabled(false);
    await until(() => said(a.widget).includes('Your camera is off'), 'Ada told of her own camera');

    await b.widget.sendChatMessage('can you hear me?');
    await until(
      () => said(a.widget).includes('Message from Grace: can you hear me?'),
      'the message said while the panel is closed',
    );
    part<HTMLButtonElement>(a.widget, '[part~="chat-button"]')!.click();
    await until(() => part(a.widget, '[part="chat-input"]'), 'the chat open');
    await b.widget.sendChatMessage('now it is on screen');
    // Its arrival is the barrier (the announcer hears each message in the task that dispatches the event).
    await until(
      () => ofType(a.events, 'vc-chat-message').some((e) => e.detail.text === 'now it is on screen'),
      'the message on screen',
    );
    expect(said(a.widget).some((line) => line.includes('now it is on screen'))).to.equal(false);
    await b.widget.leave();
    await until(() => said(a.widget).includes('Grace left'), '"Grace left"');
  });

  it('says when the call starts and stops being recorded, and by whom', async function () {
    this.timeout(30_000);
    const { a, b } = await twoInCall();
    const started = a.widget.startRecording();
    await until(() => part(b.widget, '[part="recording-consent"]'), 'the consent prompt at Grace');
    await clickPart(b.widget, '[part="recording-allow-button"]');
    await started;
    await until(() => said(b.widget).includes('Ada is recording this call'), 'Grace told who records');
    await until(() => said(a.widget).includes('You are recording this call'), 'Ada told she records');
    await a.widget.stopRecording();
    await until(() => said(b.widget).includes('The recording stopped'), 'Grace told it stopped');
  });

  it('tells an agent when a new customer starts waiting; Call support and Take move focus to the new screen', async function () {
    this.timeout(45_000);
    const queue = uniqueQueue();
    const alan = await agent(queue, 'Alan');
    await until(() => part(alan.widget, '[part="queue-empty"]'), 'the empty queue');
    const ada = await visitor('support', queue, 'Ada');
    // From the keyboard: "Call support" → the waiting screen takes focus (its first control, Cancel).
    const callSupport = await until(
      () => part<HTMLButtonElement>(ada.widget, '[part="join-button"]'),
      'the Call support button',
    );
    await until(() => !callSupport.disabled && engineOf(ada.widget).state === 'prejoin', 'ready to call');
    callSupport.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => focused(ada.widget)?.getAttribute('part') === 'cancel-button', 'focus on the waiting screen');
    await until(() => said(alan.widget).includes('Ada is waiting for support'), 'the new customer said');
    await axeInBothThemes(alan.widget, 'the agent console with a customer');
    await axeInBothThemes(ada.widget, 'support: waiting');

    // Take, from the keyboard: the call takes the agent's focus.
    const take = await until(
      () => part<HTMLButtonElement>(alan.widget, '[part="take-next-button"]:not([disabled])'),
      'Take next enabled',
    );
    take.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => alan.widget.state === 'connected', 'the agent in the call');
    await until(() => focused(alan.widget)?.getAttribute('part') === 'microphone-button', "focus on the agent's call");

    // Hang-up, from the keyboard: the agent's focus goes back to the console, not to the page.
    await tabTo(alan.widget, 'leave-button');
    await sendKeys({ press: 'Enter' });
    const consoleScreen = await until(() => part(alan.widget, '[part="agent-console"]'), 'the console again');
    await until(() => consoleScreen.contains(focused(alan.widget)), 'focus in the console');
  });
});
