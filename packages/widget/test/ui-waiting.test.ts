/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { renderQueueOutcome } from '../src/ui/queue-outcome.js';
import { renderWaiting } from '../src/ui/waiting-view.js';
import type { QueueOutcomeView } from '../src/ui/view-model.js';
import { mountQueueView, qs, ticketForm, waitingStatus, waitingView } from './queue-fixtures.js';

const text = (el: Element) => el.textContent!.replace(/\s+/g, ' ').trim();

describe('waiting screen: random mode', () => {
  it('says "Looking for someone…" as a status, with a spinner and Cancel', () => {
    const ui = mountQueueView(
      renderWaiting,
      waitingView({ mode: 'random', status: waitingStatus({ agentsOnline: 0, estimatedWaitMs: null }) }),
    );
    expect(ui.$('[part="waiting"]').dataset.mode).to.equal('random');
    const status = ui.$('[part="queue-status"]');
    expect(status.getAttribute('role')).to.equal('status');
    expect(status.textContent).to.equal('Looking for someone…');
    expect(getComputedStyle(ui.$('.spinner')).animationName).to.equal('vc-spin');
    // Random mode has no agents: none of the support screen's lines, whatever agentsOnline says.
    expect(ui.$$('[part="no-agent"], [part="queue-position"], [part="ticket-form"]')).to.have.length(0);
    ui.$('[part="cancel-button"]').click();
    expect(ui.calls.onCancel).to.have.length(1);
  });

  it('says the last chat ended while looking again, and "Connecting…" without Cancel once matched', () => {
    const ui = mountQueueView(renderWaiting, waitingView({ mode: 'random', chatEnded: true }));
    expect(text(ui.$('[part="waiting"]'))).to.contain('The chat ended. Looking for someone…');
    ui.update({ chatEnded: false, status: waitingStatus({ status: 'matched', position: 0 }) });
    expect(ui.$('[part="queue-status"]').textContent).to.equal('Connecting…');
    expect(ui.$$('[part="cancel-button"]')).to.have.length(0);
  });
});

describe('waiting screen: support customer', () => {
  it('says "Joining the queue…" until the service answered', () => {
    const ui = mountQueueView(renderWaiting, waitingView({ status: null }));
    expect(ui.$('[part="queue-status"]').textContent).to.equal('Joining the queue…');
    expect(ui.$$('[part="cancel-button"]')).to.have.length(1);
  });

  it('shows the place in line and the estimated wait, and follows their changes', () => {
    const ui = mountQueueView(
      renderWaiting,
      waitingView({ status: waitingStatus({ position: 3, estimatedWaitMs: 150_000 }) }),
    );
    const position = ui.$('[part="queue-position"]');
    expect(position.getAttribute('role')).to.equal('status');
    expect(position.dataset.position).to.equal('3');
    expect(position.textContent).to.equal('You are number 3 in line');
    expect(ui.$('[part="estimated-wait"]').textContent).to.equal('Estimated wait: about 3 min');
    ui.update({ status: waitingStatus({ position: 1, estimatedWaitMs: 40_000 }) });
    expect(position.textContent).to.equal('You are next in line');
    expect(ui.$('[part="estimated-wait"]').textContent).to.equal('Estimated wait: under a minute');
    ui.update({ status: waitingStatus({ estimatedWaitMs: null }) });
    expect(ui.$('[part="estimated-wait"]').textContent).to.equal('Waiting for the next agent…');
  });

  it('shows the message sent with the request as text, never as HTML', () => {
    const attack = '<img src=x onerror=alert(1)> my screen is black';
    const ui = mountQueueView(renderWaiting, waitingView({ message: attack }));
    const quote = ui.$('[part="waiting-message"]');
    expect(quote.textContent).to.equal(attack);
    expect(quote.getAttribute('aria-label')).to.equal('Your message');
    expect(ui.$$('img')).to.have.length(0);
    ui.update({ message: '' });
    expect(ui.$$('[part="waiting-message"]')).to.have.length(0);
  });

  it('says "An agent is joining…" once matched, without Cancel', () => {
    const ui = mountQueueView(
      renderWaiting,
      waitingView({ status: waitingStatus({ status: 'matched', position: 0 }) }),
    );
    expect(ui.$('[part="queue-status"]').textContent).to.equal('An agent is joining…');
    expect(ui.$$('[part="cancel-button"], [part="queue-position"]')).to.have.length(0);
  });

  it('with no agent online, says so and offers to leave a message instead (with Cancel still there)', () => {
    const ui = mountQueueView(
      renderWaiting,
      waitingView({ status: waitingStatus({ agentsOnline: 0, estimatedWaitMs: null }) }),
    );
    expect(ui.$('[part="no-agent"]').getAttribute('role')).to.equal('status');
    expect(ui.$('[part="no-agent"]').textContent).to.equal('No agent is online');
    expect(text(ui.$('[part="waiting"]'))).to.contain('Leave a message and we will get back to you.');
    expect(ui.$$('[part="queue-position"], [part="estimated-wait"]')).to.have.length(0);
    const message = ui.$<HTMLTextAreaElement>('[part="ticket-message"]');
    expect(message.closest('label')!.textContent).to.contain('Your message');
    expect(message.required && message.maxLength === 1000).to.equal(true);
    const contact = ui.$<HTMLInputElement>('[part="ticket-contact"]');
    expect(contact.closest('label')!.textContent).to.contain('Email or phone');
    expect(contact.maxLength).to.equal(200);
    expect(ui.$$('[part="cancel-button"]')).to.have.length(1);
  });
});

describe('leave-a-message form', () => {
  const noAgent = waitingStatus({ agentsOnline: 0 });

  it('starts from the message given before waiting, keeps what is typed, and sends it', () => {
    const sent: string[][] = [];
    const ticket = ticketForm({
      message: 'My camera does not work',
      onSend: (message, contact) => void sent.push([message, contact]),
    });
    const ui = mountQueueView(renderWaiting, waitingView({ status: noAgent, ticket }));
    const message = ui.$<HTMLTextAreaElement>('[part="ticket-message"]');
    expect(message.value).to.equal('My camera does not work');
    message.value = 'Call me back please';
    message.dispatchEvent(new Event('input'));
    const contact = ui.$<HTMLInputElement>('[part="ticket-contact"]');
    contact.value = '  ada@example.com ';
    contact.dispatchEvent(new Event('input'));
    expect([ticket.message, ticket.contact], 'what is typed is kept').to.deep.equal([
      'Call me back please',
      '  ada@example.com ',
    ]);
    ui.$<HTMLButtonElement>('[part="ticket-send-button"]').click();
    expect(sent).to.deep.equal([['Call me back please', 'ada@example.com']]);
  });

  it('sends no blank message, and no second one while the first is on its way', () => {
    let sends = 0;
    const ticket = ticketForm({ onSend: () => sends++ });
    const ui = mountQueueView(renderWaiting, waitingView({ status: noAgent, ticket }));
    ui.$<HTMLButtonElement>('[part="ticket-send-button"]').click(); // empty: the field's `required` stops it
    ui.$<HTMLTextAreaElement>('[part="ticket-message"]').value = '   ';
    ui.$<HTMLFormElement>('[part="ticket-form"]').requestSubmit(); // spaces only
    expect(sends).to.equal(0);
    ui.update({ ticket: { ...ticket, message: 'Hello', sending: true } });
    expect(ui.$<HTMLButtonElement>('[part="ticket-send-button"]').disabled).to.equal(true);
    ui.$<HTMLFormElement>('[part="ticket-form"]').requestSubmit();
    expect(sends).to.equal(0);
  });
});

describe('support: after the visit', () => {
  const outcome = (o: QueueOutcomeView['outcome']): QueueOutcomeView => ({ strings: qs, outcome: o, onCallAgain() {} });

  it('thanks the customer for the message left, and offers to call again', () => {
    const ui = mountQueueView(renderQueueOutcome, outcome({ kind: 'ticket-sent' }));
    expect(ui.$('[part="left"]').dataset.outcome).to.equal('ticket-sent');
    expect(ui.$('[part="ticket-sent"]').getAttribute('role')).to.equal('status');
    expect(ui.$('[part="ticket-sent"]').textContent).to.equal(
      'Thank you! Your message was sent; we will get back to you.',
    );
    const again = ui.$('[part="join-button"]');
    expect(again.textContent).to.equal('Call support');
    again.click();
    expect(ui.calls.onCallAgain).to.have.length(1);
  });

  it("says an agent declined, with the agent's reason as text", () => {
    const reason = 'We only handle <b>billing</b> here; try the sales line.';
    const ui = mountQueueView(renderQueueOutcome, outcome({ kind: 'declined', reason }));
    expect(ui.$('[part="declined"]').textContent).to.equal('Support could not take your call.');
    expect(ui.$('[part="decline-reason"]').textContent).to.equal(reason);
    expect(ui.$$('[part="decline-reason"] b')).to.have.length(0);
    expect(ui.$('[part="join-button"]').textContent).to.equal('Call support');
  });

  it('says the call with the agent ended', () => {
    const ui = mountQueueView(renderQueueOutcome, outcome({ kind: 'call-ended' }));
    expect(ui.$('[part="left"] [role="status"]').textContent).to.equal('The call has been ended.');
    expect(ui.$('[part="join-button"]').textContent).to.equal('Call support');
  });
});
