/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { ofType } from './call-helpers.js';
import { part, until } from './helpers.js';
import {
  agent,
  inCallTogether,
  press,
  states,
  statuses,
  tickets,
  uniqueQueue,
  visitor,
  waiting,
} from './match-helpers.js';
import type { VideoChatWidget } from '../src/element/video-chat-widget.js';

/** The rows of an agent's console, by customer name. */
const queueNames = (widget: VideoChatWidget) =>
  [...widget.shadowRoot!.querySelectorAll('[part="customer-name"]')].map((n) => n.textContent);
const row = (widget: VideoChatWidget, name: string) =>
  [...widget.shadowRoot!.querySelectorAll<HTMLElement>('[part="queue-entry"]')].find(
    (r) => r.querySelector('[part="customer-name"]')!.textContent === name,
  );

/** Types into a field of the widget's shadow root as a user would (an input event follows). */
function type(widget: VideoChatWidget, selector: string, text: string): void {
  const field = part<HTMLInputElement | HTMLTextAreaElement>(widget, selector)!;
  field.value = text;
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

describe('<video-chat-widget mode="support"> and mode="agent"', () => {
  it('a customer waits with a message; the agent sees it, takes them, and both are in a call with video both ways', async function () {
    this.timeout(45_000);
    const queue = uniqueQueue();
    const alan = await agent(queue, 'Alan');
    expect(part(alan.widget, '[part="queue-empty"]')!.textContent).to.equal('No one is waiting');
    expect(alan.widget.state, 'the console shows while connecting').to.equal('connecting');
    expect(part(alan.widget, '[part="availability-toggle"]')!.getAttribute('aria-pressed')).to.equal('true');

    const ada = await visitor('support', queue, 'Ada');
    const join = await until(() => part(ada.widget, '[part="join-button"]'), 'the pre-join screen');
    expect(join.textContent!.trim()).to.equal('Call support');
    await until(() => part(ada.widget, '[part="support-message"]'), 'the message field');
    type(ada.widget, '[part="support-message"]', 'My invoice is wrong');
    await press(ada.widget, '[part="join-button"]');

    const position = await until(() => part(ada.widget, '[part="queue-position"]'), 'the place in line');
    expect(position.textContent).to.equal('You are next in line');
    expect(part(ada.widget, '[part="waiting-message"]')!.textContent).to.equal('My invoice is wrong');
    expect(part(ada.widget, '[part="estimated-wait"]')!.textContent).to.equal('Waiting for the next agent…');
    expect(statuses(ada.events)[0]).to.include({
      mode: 'support',
      queue,
      status: 'waiting',
      position: 1,
      agentsOnline: 1,
      estimatedWaitMs: null,
    });
    expect(ada.widget.state).to.equal('connecting');

    // The agent's console lists Ada, with her message, and how long she has waited, ticking.
    await until(() => queueNames(alan.widget).includes('Ada'), 'Ada in the console');
    const adaRow = row(alan.widget, 'Ada')!;
    expect(adaRow.querySelector('[part="customer-message"]')!.textContent).to.equal('My invoice is wrong');
    const waited = adaRow.querySelector('[part="waited"]')!;
    const before = waited.textContent;
    await until(() => waited.textContent !== before, 'the waited time to tick', 3_000);
    expect(waited.textContent).to.match(/^waiting 0:0\d$/);

    adaRow.querySelector<HTMLButtonElement>('[part="take-button"]')!.click();
    await inCallTogether(ada.widget, alan.widget);
    expect(ada.widget.participants[0]!.displayName).to.equal('Alan');
    expect(alan.widget.participants[0]!.displayName).to.equal('Ada');
    expect(statuses(ada.events).map((s) => s.status)).to.include('matched');
    expect(ofType(ada.events, 'vc-join')[0]!.detail.room).to.equal(ofType(alan.events, 'vc-join')[0]!.detail.room);
    expect([...ofType(ada.events, 'vc-error'), ...ofType(alan.events, 'vc-error')]).to.deep.equal([]);

    // The agent hangs up: back at the console; the customer's call is over, and she may call again.
    await press(alan.widget, '[part="leave-button"]');
    await until(() => part(alan.widget, '[part="agent-console"]'), 'the agent back at the console');
    expect(alan.widget.state).to.equal('connecting');
    const ended = await until(
      () => (ada.widget.state === 'left' ? part(ada.widget, '[part="left"][data-outcome="call-ended"]') : null),
      'the call over for Ada',
    );
    expect(ended.textContent).to.contain('The call has been ended.');
    expect(ofType(ada.events, 'vc-leave').map((e) => e.detail.reason)).to.deep.equal(['room-ended']);
    expect(ofType(alan.events, 'vc-leave'), 'the agent never left: the console is his place').to.deep.equal([]);
    expect(ended.querySelector('[part="join-button"]')!.textContent).to.equal('Call support');
  });

  it('after a call the customer ends, the agent takes the next customer with Take next', async function () {
    this.timeout(50_000);
    const queue = uniqueQueue();
    const alan = await agent(queue);
    const ada = await visitor('support', queue, 'Ada', { autojoin: true });
    const grace = await visitor('support', queue, 'Grace', { autojoin: true });
    await until(() => queueNames(alan.widget).join() === 'Ada,Grace', 'both in the console, in arrival order');
    await until(
      () => part(grace.widget, '[part="queue-position"]')?.textContent === 'You are number 2 in line',
      'Grace second in line',
    );

    await press(alan.widget, '[part="take-next-button"]');
    await inCallTogether(ada.widget, alan.widget);
    await until(
      () => part(grace.widget, '[part="queue-position"]')?.textContent === 'You are next in line',
      'Grace next in line',
    );

    await ada.widget.leave(); // the customer hangs up
    await until(() => part(alan.widget, '[part="agent-console"]'), 'the agent back at the console');
    await until(() => queueNames(alan.widget).join() === 'Grace', 'Grace alone in the console');
    await press(alan.widget, '[part="take-next-button"]');
    await inCallTogether(grace.widget, alan.widget);
  });

  it('Cancel takes the customer out of line, and out of the console', async function () {
    this.timeout(30_000);
    const queue = uniqueQueue();
    const alan = await agent(queue);
    const ada = await visitor('support', queue, 'Ada', { autojoin: true });
    await until(() => queueNames(alan.widget).includes('Ada'), 'Ada in the console');
    await press(ada.widget, '[part="cancel-button"]');
    await until(() => ada.widget.state === 'prejoin', 'Ada back on the pre-join screen');
    expect(statuses(ada.events).at(-1)).to.include({ status: 'left', position: 0 });
    await until(() => part(alan.widget, '[part="queue-empty"]'), 'the console empty again');
  });

  it('with no agent online the customer is told so, leaves a message (a ticket) and is thanked', async function () {
    this.timeout(30_000);
    const queue = uniqueQueue();
    const ada = await visitor('support', queue, 'Ada');
    await until(() => part(ada.widget, '[part="support-message"]'), 'the message field');
    type(ada.widget, '[part="support-message"]', 'Please call me about my order');
    await press(ada.widget, '[part="join-button"]');
    const noAgent = await until(() => part(ada.widget, '[part="no-agent"]'), '"No agent is online"');
    expect(noAgent.textContent).to.equal('No agent is online');
    expect(statuses(ada.events)[0]).to.include({ status: 'waiting', agentsOnline: 0 });
    // The message asked before waiting is there to send; the customer adds how to reach her.
    expect(part<HTMLTextAreaElement>(ada.widget, '[part="ticket-message"]')!.value).to.equal(
      'Please call me about my order',
    );
    type(ada.widget, '[part="ticket-contact"]', 'ada@example.com');
    await press(ada.widget, '[part="ticket-send-button"]');

    const thanks = await until(() => part(ada.widget, '[part="ticket-sent"]'), 'the thank-you');
    expect(thanks.textContent).to.equal('Thank you! Your message was sent; we will get back to you.');
    expect(ada.widget.state, 'done: camera and connection released').to.equal('left');
    const [ticket, ...more] = await tickets(queue);
    expect(more).to.deep.equal([]);
    expect(ticket).to.include({
      message: 'Please call me about my order',
      contact: 'ada@example.com',
      displayName: 'Ada',
    });
    expect(ofType(ada.events, 'vc-error')).to.deep.equal([]);
  });

  it('an agent declines with a reason, and the customer is shown it', async function () {
    this.timeout(30_000);
    const queue = uniqueQueue();
    const alan = await agent(queue);
    const ada = await visitor('support', queue, 'Ada', { autojoin: true });
    await until(() => queueNames(alan.widget).includes('Ada'), 'Ada in the console');
    row(alan.widget, 'Ada')!.querySelector<HTMLButtonElement>('[part="decline-button"]')!.click();
    await until(() => part(alan.widget, '[part="decline-reason"]'), 'the decline form');
    type(alan.widget, '[part="decline-reason"]', 'This line is for billing only; please call sales.');
    part(alan.widget, '[part="decline-send-button"]')!.click();

    const declined = await until(
      () => part(ada.widget, '[part="left"][data-outcome="declined"]'),
      'the decline at Ada',
    );
    expect(declined.querySelector('[part="declined"]')!.textContent).to.equal('Support could not take your call.');
    expect(declined.querySelector('[part="decline-reason"]')!.textContent).to.equal(
      'This line is for billing only; please call sales.',
    );
    expect(statuses(ada.events).at(-1)).to.include({
      status: 'declined',
      reason: 'This line is for billing only; please call sales.',
    });
    expect(ada.widget.state).to.equal('left');
    await until(() => part(alan.widget, '[part="queue-empty"]'), 'the console empty again');

    // "Call support" queues her again.
    await press(ada.widget, '[part="join-button"]');
    await waiting(ada.widget, 'Ada waiting again');
    await until(() => queueNames(alan.widget).includes('Ada'), 'Ada back in the console');
  });

  it('an agent going away leaves the customer with no agent online; back online, the customer waits for them', async function () {
    this.timeout(30_000);
    const queue = uniqueQueue();
    const alan = await agent(queue);
    const ada = await visitor('support', queue, 'Ada', { autojoin: true });
    await until(() => part(ada.widget, '[part="queue-position"]'), 'Ada in line');
    await press(alan.widget, '[part="availability-toggle"]');
    expect(part(alan.widget, '[part="availability-toggle"]')!.getAttribute('aria-pressed')).to.equal('false');
    await until(() => part(ada.widget, '[part="no-agent"]'), '"No agent is online" at Ada');
    expect(statuses(ada.events).at(-1)).to.include({ agentsOnline: 0 });
    await press(alan.widget, '[part="availability-toggle"]');
    await until(() => part(ada.widget, '[part="queue-position"]'), 'Ada waiting for Alan again');
    expect(part(alan.widget, '[part="agents-online"]')!.textContent).to.equal('1 agent online');
    expect(states(alan.events), 'availability is no change of state').to.deep.equal(['prejoin', 'connecting']);
  });

  it("an agent widget needs an agent token, and its token's queue", async function () {
    this.timeout(20_000);
    const queue = uniqueQueue();
    const noToken = await visitor('support', queue, 'Alan', { mode: 'agent' });
    await until(() => noToken.widget.state === 'error', 'a fatal configuration error');
    expect(ofType(noToken.events, 'vc-error')[0]!.detail).to.deep.equal({
      code: 'configuration_invalid',
      message: 'mode="agent" needs an agent token.',
      fatal: true,
    });

    const { widget, events } = await agent(queue).catch(() => ({ widget: null, events: [] }));
    expect(widget, 'the right queue works').to.not.equal(null);
    expect(ofType(events, 'vc-error')).to.deep.equal([]);
    widget!.queue = 'another-queue'; // a console pointed at the wrong queue
    await until(
      () => ofType(events, 'vc-error').some((e) => e.detail.code === 'token_queue_mismatch'),
      'token_queue_mismatch',
    );
    await until(() => widget!.state === 'prejoin', 'back on the pre-join screen');
    await widget!.updateComplete;
    expect(part(widget!, '[part="notice"]')!.dataset.code).to.equal('token_queue_mismatch');
  });
});
