/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { CallError } from '../src/engine/call-error.js';
import { ofType } from './call-helpers.js';
import { barrier, connectedAttributes, mount, part, until } from './helpers.js';
import {
  inCallTogether,
  newVisitor,
  partnerOf,
  press,
  states,
  statuses,
  uniqueQueue,
  visitor,
  waiting,
} from './match-helpers.js';

/** How often the service told a widget it was paired (status `matched`). */
const timesMatched = (events: CustomEvent[]): number => statuses(events).filter((s) => s.status === 'matched').length;

describe('<video-chat-widget mode="random">', () => {
  it('waits alone ("Looking for someone…"), then pairs two visitors into a call with video both ways', async function () {
    this.timeout(30_000);
    const queue = uniqueQueue();
    const ada = await visitor('random', queue, 'Ada');
    await until(() => part(ada.widget, '[part="join-button"]'), 'the pre-join screen');
    expect(part(ada.widget, '[part="join-button"]')!.textContent!.trim()).to.equal('Join');
    await press(ada.widget, '[part="join-button"]');

    const screen = await waiting(ada.widget);
    expect(screen.querySelector('[part="queue-status"]')!.textContent).to.equal('Looking for someone…');
    expect(states(ada.events)).to.deep.equal(['prejoin', 'connecting']);
    const first = await until(() => statuses(ada.events)[0], 'vc-queue-update');
    expect(first).to.include({ mode: 'random', queue, status: 'waiting', position: 1 });
    const update = ofType(ada.events, 'vc-queue-update')[0]!;
    expect(update.bubbles && update.composed).to.equal(true);

    const grace = await visitor('random', queue, 'Grace', { autojoin: true });
    await inCallTogether(ada.widget, grace.widget);
    expect(partnerOf(ada.widget)).to.equal('Grace');
    expect(partnerOf(grace.widget)).to.equal('Ada');
    // Both took their seats in the one private room the service opened for them.
    const [adaJoin] = ofType(ada.events, 'vc-join');
    const [graceJoin] = ofType(grace.events, 'vc-join');
    expect(adaJoin!.detail.room).to.equal(graceJoin!.detail.room);
    expect(states(ada.events)).to.deep.equal(['prejoin', 'connecting', 'connected']);
    expect(statuses(ada.events).map((s) => s.status)).to.include('matched');
    // In the call: Next and Report in the control bar, before Leave.
    await ada.widget.updateComplete;
    const controls = [...ada.widget.shadowRoot!.querySelectorAll('[part="controls"] button')].map((b) =>
      b.getAttribute('part'),
    );
    expect(controls.slice(-3)).to.deep.equal(['next-button', 'report-button', 'leave-button']);
    expect(ofType(ada.events, 'vc-error')).to.deep.equal([]);
  });

  it('Next ends the pair, and each is paired with someone else while others wait', async function () {
    this.timeout(45_000);
    const queue = uniqueQueue();
    const ada = await visitor('random', queue, 'Ada', { autojoin: true });
    const grace = await visitor('random', queue, 'Grace', { autojoin: true });
    await inCallTogether(ada.widget, grace.widget);
    const linus = await visitor('random', queue, 'Linus', { autojoin: true });
    await waiting(linus.widget, 'the third visitor waiting');

    await press(ada.widget, '[part="next-button"]');
    // Grace saw Ada go, and was told why she is waiting again (unless she was paired again at once).
    await until(() => ofType(grace.events, 'vc-participant-leave')[0], 'Ada leaving Grace');
    expect(ofType(grace.events, 'vc-participant-leave')[0]!.detail.reason).to.equal('hangup');
    // Not straight back together while someone else waits: Linus is paired with one of them.
    const withLinus = await until(() => partnerOf(linus.widget), 'Linus paired', 15_000);
    expect(['Ada', 'Grace']).to.include(withLinus);
    const pairedAgain = withLinus === 'Ada' ? ada : grace;
    const left = withLinus === 'Ada' ? grace : ada;
    await inCallTogether(linus.widget, pairedAgain.widget);
    const screen = await waiting(left.widget, 'the one left over waiting');
    expect(screen.querySelector('[part="queue-status"]')!.textContent).to.equal('Looking for someone…');
    expect(ofType(ada.events, 'vc-leave'), 'no vc-leave: the widget never left, it moved on').to.deep.equal([]);

    // Ada leaves for good: whoever was with her is put back in line, and meets the one still waiting.
    await ada.widget.leave();
    await inCallTogether(grace.widget, linus.widget, 15_000);
    if (withLinus === 'Ada')
      expect(ofType(linus.events, 'vc-participant-leave').map((e) => e.detail.reason)).to.deep.equal(['hangup']);
  });

  it('next() re-pairs the same two when nobody else waits, after a short pause', async function () {
    this.timeout(40_000);
    const queue = uniqueQueue();
    const ada = await visitor('random', queue, 'Ada', { autojoin: true });
    const grace = await visitor('random', queue, 'Grace', { autojoin: true });
    await inCallTogether(ada.widget, grace.widget);
    const rooms = new Set(ofType(ada.events, 'vc-join').map((e) => e.detail.room));
    await ada.widget.next();
    expect(ada.widget.state).to.equal('connecting');
    expect(statuses(ada.events).at(-1)).to.include({ status: 'waiting' });
    // The partner is told the chat ended while it waits (nobody else is there: a short pause before a rematch).
    const graceScreen = await waiting(grace.widget, 'Grace waiting again');
    await until(() => graceScreen.textContent!.includes('The chat ended.'), '"The chat ended." at Grace');
    expect(ofType(grace.events, 'vc-participant-leave').map((e) => e.detail.reason)).to.deep.equal(['hangup']);
    await inCallTogether(ada.widget, grace.widget, 15_000);
    const joins = ofType(ada.events, 'vc-join').map((e) => e.detail.room);
    expect(joins).to.have.length(2);
    expect(rooms.has(joins[1]), 'a fresh private room').to.equal(false);
    expect(states(grace.events).slice(-3)).to.deep.equal(['connected', 'connecting', 'connected']);
  });

  it('Report (with a reason) ends the pair, and the two are never paired again', async function () {
    this.timeout(60_000);
    const queue = uniqueQueue();
    const ada = await visitor('random', queue, 'Ada', { autojoin: true });
    const grace = await visitor('random', queue, 'Grace', { autojoin: true });
    await inCallTogether(ada.widget, grace.widget);
    // Another pair, alone in a queue of its own, shows when the service's pause before a rematch has run out.
    const clock = uniqueQueue();
    const alan = await visitor('random', clock, 'Alan', { autojoin: true });
    const edsger = await visitor('random', clock, 'Edsger', { autojoin: true });
    await until(() => partnerOf(alan.widget) && partnerOf(edsger.widget), 'Alan and Edsger paired');

    await press(ada.widget, '[part="report-button"]');
    await until(() => part(ada.widget, '[part="report-form"]'), 'the report form');
    part<HTMLInputElement>(ada.widget, '[part="report-reason"][value="spam"]')!.click();
    part(ada.widget, '[part="report-send-button"]')!.click();
    await waiting(ada.widget, 'Ada waiting again');
    await waiting(grace.widget, 'Grace waiting again');
    const pairings = [timesMatched(ada.events), timesMatched(grace.events)];
    // Alan and Edsger part after Ada and Grace did, so their pause runs out later: once they are paired again,
    // so would Ada and Grace have been had the report only ended their pair.
    const alanPairings = timesMatched(alan.events);
    await alan.widget.next();
    await until(() => timesMatched(alan.events) > alanPairings, 'Alan and Edsger paired again after the pause', 15_000);
    await Promise.all([barrier(ada.widget), barrier(grace.widget)]);
    expect([timesMatched(ada.events), timesMatched(grace.events)], 'still apart').to.deep.equal(pairings);
    expect([ada.widget.state, grace.widget.state]).to.deep.equal(['connecting', 'connecting']);
    expect(ofType(ada.events, 'vc-join')).to.have.length(1);

    // A newcomer is paired with one of them as usual.
    const linus = await visitor('random', queue, 'Linus', { autojoin: true });
    expect(['Ada', 'Grace']).to.include(await until(() => partnerOf(linus.widget), 'Linus paired', 15_000));
  });

  it('Cancel stops waiting: back to the pre-join screen, out of the queue', async function () {
    this.timeout(30_000);
    const queue = uniqueQueue();
    const ada = await visitor('random', queue, 'Ada', { autojoin: true });
    await waiting(ada.widget);
    await press(ada.widget, '[part="cancel-button"]');
    await until(
      () => ada.widget.state === 'prejoin' && part(ada.widget, '[part="join-button"]'),
      'the pre-join screen',
    );
    expect(statuses(ada.events).at(-1)).to.include({ status: 'left', position: 0 });
    // Nobody is paired with a visitor who cancelled.
    const grace = await visitor('random', queue, 'Grace', { autojoin: true });
    await waiting(grace.widget);
    // Grace would have been paired with Ada as she entered the queue: by the marker's answer, she was told.
    await barrier(grace.widget);
    expect(timesMatched(grace.events), 'nobody to pair Grace with').to.equal(0);
    expect(grace.widget.state).to.equal('connecting');
    expect(ada.widget.state).to.equal('prejoin');
    // Joining again queues Ada again, and the two meet.
    newVisitor(); // Grace's visitor id is the page's now; Ada takes one of her own
    await press(ada.widget, '[part="join-button"]');
    await inCallTogether(ada.widget, grace.widget);
  });

  it('next() is for random mode: configuration_invalid elsewhere, not_matched before joining', async () => {
    const refusal = (widget: { next(): Promise<void> }) =>
      widget.next().then(
        () => null,
        (error: CallError) => error.code,
      );
    const inRoom = mount(await connectedAttributes());
    await until(() => inRoom.widget.state === 'prejoin', 'prejoin');
    expect(await refusal(inRoom.widget)).to.equal('configuration_invalid');
    const support = await visitor('support', uniqueQueue(), 'Ada');
    await until(() => support.widget.state === 'prejoin', 'prejoin');
    expect(await refusal(support.widget)).to.equal('configuration_invalid');
    const random = await visitor('random', uniqueQueue(), 'Ada');
    await until(() => random.widget.state === 'prejoin', 'prejoin');
    expect(await refusal(random.widget)).to.equal('not_matched');
    await random.widget.join();
    expect(await refusal(random.widget), 'already looking for someone').to.equal(null);
  });
});
