/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { duration, renderAgentConsole } from '../src/ui/agent-console.js';
import { agentConsole, mountQueueView } from './queue-fixtures.js';
import { until } from './ui-fixtures.js';

const row = (root: ShadowRoot, id: string) =>
  root.querySelector<HTMLElement>(`[part="queue-entry"][data-customer-id="${id}"]`)!;

describe('agent console', () => {
  it('shows the queue: agents online, availability, and each customer with how long they waited and their message', () => {
    const ui = mountQueueView(renderAgentConsole, agentConsole());
    const console = ui.$('[part="agent-console"]');
    expect(console.getAttribute('aria-label')).to.equal('Support queue');
    expect(console.querySelector('h2')!.textContent).to.equal('Support queue');
    expect(ui.$('[part="agents-online"]').textContent).to.equal('2 agents online');
    const toggle = ui.$('[part="availability-toggle"]');
    expect(toggle.textContent!.trim()).to.equal('Available');
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');

    expect(ui.$$('[part="queue-entry"]').map((r) => r.dataset.customerId)).to.deep.equal([
      'customer-aaaa1111',
      'customer-bbbb2222',
    ]);
    const ada = row(ui.root, 'customer-aaaa1111');
    expect(ada.querySelector('[part="customer-name"]')!.textContent).to.equal('Ada');
    const waited = ada.querySelector('[part="waited"]')!;
    expect(waited.textContent).to.equal('waiting 1:05');
    expect(waited.getAttribute('datetime')).to.equal('PT65S');
    expect(ada.querySelector('[part="customer-message"]')!.textContent).to.equal('My camera does not work');
    expect(row(ui.root, 'customer-bbbb2222').querySelector('[part="customer-message"]')).to.equal(null);
  });

  it('ticks: the waited times follow what the element hands it', () => {
    const view = agentConsole();
    const ui = mountQueueView(renderAgentConsole, view);
    ui.update({ customers: view.customers.map((c) => ({ ...c, waitedMs: c.waitedMs + 1000 })) });
    expect(row(ui.root, 'customer-aaaa1111').querySelector('[part="waited"]')!.textContent).to.equal('waiting 1:06');
    expect(row(ui.root, 'customer-bbbb2222').querySelector('[part="waited"]')!.textContent).to.equal('waiting 0:05');
  });

  it('shows customer names and messages as text, never as HTML', () => {
    const attack = '<img src=x onerror=alert(1)>';
    const ui = mountQueueView(
      renderAgentConsole,
      agentConsole({
        customers: [{ customerId: 'customer-cccc3333', displayName: attack, waitedMs: 0, message: attack }],
      }),
    );
    expect(ui.$('[part="customer-name"]').textContent).to.equal(attack);
    expect(ui.$('[part="customer-message"]').textContent).to.equal(attack);
    expect(ui.$$('img')).to.have.length(0);
  });

  it('toggles availability', () => {
    const ui = mountQueueView(renderAgentConsole, agentConsole());
    ui.$('[part="availability-toggle"]').click();
    expect(ui.calls.onToggleAvailable).to.have.length(1);
    expect(ui.$('[part="availability-toggle"]').getAttribute('aria-pressed')).to.equal('false');
  });

  it('takes the next customer, or the one picked; the row buttons are described by the customer name', () => {
    const ui = mountQueueView(renderAgentConsole, agentConsole());
    ui.$('[part="take-next-button"]').click();
    expect(ui.calls.onTakeNext).to.have.length(1);
    const grace = row(ui.root, 'customer-bbbb2222');
    const take = grace.querySelector<HTMLButtonElement>('[part="take-button"]')!;
    expect(take.textContent!.trim()).to.equal('Take');
    const describedBy = ui.root.getElementById(take.getAttribute('aria-describedby')!);
    expect(describedBy?.textContent).to.equal('Grace');
    take.click();
    expect(ui.calls.onTake).to.deep.equal([['customer-bbbb2222']]);
  });

  it('takes nobody while a take is under way, and says when nobody waits', () => {
    const ui = mountQueueView(renderAgentConsole, agentConsole({ busy: true }));
    expect(ui.$<HTMLButtonElement>('[part="take-next-button"]').disabled).to.equal(true);
    expect(ui.$$<HTMLButtonElement>('[part="take-button"]').every((b) => b.disabled)).to.equal(true);
    ui.update({ busy: false, customers: [] });
    expect(ui.$<HTMLButtonElement>('[part="take-next-button"]').disabled).to.equal(true);
    expect(ui.$('[part="queue-empty"]').textContent).to.equal('No one is waiting');
    expect(ui.$$('[part="queue-list"]')).to.have.length(0);
  });

  it('declines with a reason: Decline opens a form on the row; the reason is required', () => {
    const ui = mountQueueView(renderAgentConsole, agentConsole());
    const ada = () => row(ui.root, 'customer-aaaa1111');
    const decline = ada().querySelector<HTMLButtonElement>('[part="decline-button"]')!;
    expect(decline.getAttribute('aria-expanded')).to.equal('false');
    decline.click();
    expect(ui.calls.onStartDecline).to.deep.equal([['customer-aaaa1111']]);
    expect(decline.getAttribute('aria-expanded')).to.equal('true');
    const form = ada().querySelector<HTMLFormElement>('[part="decline-form"]')!;
    const reason = form.querySelector<HTMLInputElement>('[part="decline-reason"]')!;
    expect(reason.getAttribute('aria-label')).to.equal('Reason for declining');
    expect(reason.required && reason.maxLength === 300).to.equal(true);
    expect(row(ui.root, 'customer-bbbb2222').querySelector('[part="decline-form"]')).to.equal(null);

    form.querySelector<HTMLButtonElement>('[part="decline-send-button"]')!.click(); // empty: not sent
    expect(ui.calls.onDecline).to.equal(undefined);
    reason.value = '  We only do billing here ';
    reason.dispatchEvent(new Event('input'));
    expect(ui.view.declineReason).to.equal('  We only do billing here ');
    form.querySelector<HTMLButtonElement>('[part="decline-send-button"]')!.click();
    expect(ui.calls.onDecline).to.deep.equal([['We only do billing here']]);
    expect(ui.$$('[part="decline-form"]')).to.have.length(0);
  });

  it('closes the decline form with Cancel, Escape, or Decline again', async () => {
    const ui = mountQueueView(renderAgentConsole, agentConsole());
    const declineButton = () =>
      row(ui.root, 'customer-aaaa1111').querySelector<HTMLButtonElement>('[part="decline-button"]')!;
    declineButton().click();
    ui.$('[part="decline-cancel-button"]').click();
    expect(ui.$$('[part="decline-form"]')).to.have.length(0);
    declineButton().click();
    ui.$('[part="decline-reason"]').focus();
    await sendKeys({ press: 'Escape' });
    expect(ui.$$('[part="decline-form"]')).to.have.length(0);
    declineButton().click();
    declineButton().click();
    expect(ui.$$('[part="decline-form"]')).to.have.length(0);
    expect(ui.calls.onCancelDecline).to.have.length(3);
    expect(ui.calls.onDecline).to.equal(undefined);
  });

  it('from the keyboard: Decline moves focus into the reason, Escape anywhere in the form closes it and gives focus back', async () => {
    const ui = mountQueueView(renderAgentConsole, agentConsole());
    const declineButton = () =>
      row(ui.root, 'customer-aaaa1111').querySelector<HTMLButtonElement>('[part="decline-button"]')!;
    declineButton().focus();
    await sendKeys({ press: 'Enter' });
    await until(() => ui.root.activeElement?.getAttribute('part') === 'decline-reason', 'focus in the reason field');
    await sendKeys({ type: 'Busy' });
    await sendKeys({ press: 'Tab' }); // to the form's Decline (send) button: Escape works there too
    expect(ui.root.activeElement!.getAttribute('part')).to.equal('decline-send-button');
    await sendKeys({ press: 'Escape' });
    expect(ui.$$('[part="decline-form"]')).to.have.length(0);
    expect(ui.root.activeElement).to.equal(declineButton());
    expect(ui.calls.onDecline).to.equal(undefined);

    // Cancel gives focus back too.
    await sendKeys({ press: 'Enter' });
    await until(
      () => ui.root.activeElement?.getAttribute('part') === 'decline-reason',
      'focus in the reason field again',
    );
    ui.$('[part="decline-cancel-button"]').click();
    expect(ui.root.activeElement).to.equal(declineButton());
  });

  it('formats waited times as m:ss, and h:mm:ss past an hour', () => {
    expect([0, 999, 5_000, 65_000, 600_000, 3_599_000, 3_600_000, 3_725_000, -5].map(duration)).to.deep.equal([
      '0:00',
      '0:00',
      '0:05',
      '1:05',
      '10:00',
      '59:59',
      '1:00:00',
      '1:02:05',
      '0:00',
    ]);
  });
});
