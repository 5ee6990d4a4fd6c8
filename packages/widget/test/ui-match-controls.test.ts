/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { renderCall } from '../src/ui/call-view.js';
import { renderMatchControls } from '../src/ui/match-controls.js';
import { renderPrejoin } from '../src/ui/prejoin-view.js';
import { renderSupportPrejoin } from '../src/ui/support-prejoin.js';
import type { CallView, MatchControlsView, PrejoinView } from '../src/ui/view-model.js';
import { matchControls, mountQueueView, qs } from './queue-fixtures.js';
import { callView, prejoinView, until } from './ui-fixtures.js';

/** A call view with random mode's buttons in its control bar, re-rendered with them as the element does. */
function randomCall(controls: MatchControlsView = matchControls()) {
  const draw = (view: CallView & { controls: MatchControlsView }) =>
    renderCall({ ...view, matchControls: renderMatchControls(view.controls) });
  const ui = mountQueueView(draw, { ...callView(), controls });
  // The controls' callbacks change `controls` in place; render again after each, as the element does.
  ui.track(controls);
  return ui;
}

describe('random mode: Next and Report in the control bar', () => {
  it('puts Next and Report before Leave, labelled, Report as a toggle', () => {
    const ui = randomCall();
    const parts = ui.$$('[part="controls"] button').map((b) => b.getAttribute('part'));
    expect(parts.slice(-3)).to.deep.equal(['next-button', 'report-button', 'leave-button']);
    const next = ui.$('[part="next-button"]');
    expect(next.getAttribute('aria-label')).to.equal('Next');
    expect(next.hasAttribute('aria-pressed')).to.equal(false);
    expect(next.querySelector('svg')!.getAttribute('aria-hidden')).to.equal('true');
    expect(ui.$('[part="report-button"]').getAttribute('aria-label')).to.equal('Report');
    expect(ui.$('[part="report-button"]').getAttribute('aria-pressed')).to.equal('false');
  });

  it('Next asks for the next partner', () => {
    const ui = randomCall();
    ui.$('[part="next-button"]').click();
    expect(ui.calls.onNext).to.have.length(1);
  });

  it('Report opens a form of reasons (the first chosen, and focused); sending reports the one picked', async () => {
    const ui = randomCall();
    ui.$('[part="report-button"]').click();
    expect(ui.$('[part="report-button"]').getAttribute('aria-pressed')).to.equal('true');
    const form = ui.$('[part="report-form"]');
    expect(form.getAttribute('aria-label')).to.equal('Report');
    expect(form.querySelector('legend')!.textContent).to.equal('Why are you reporting this person?');
    const reasons = ui.$$<HTMLInputElement>('[part="report-reason"]');
    expect(reasons.map((r) => r.value)).to.deep.equal(['abuse', 'nudity', 'spam', 'underage', 'other']);
    expect(reasons.map((r) => r.closest('label')!.textContent!.trim())).to.deep.equal([
      'Abuse or harassment',
      'Nudity',
      'Spam',
      'Under age',
      'Something else',
    ]);
    expect(reasons.map((r) => r.checked)).to.deep.equal([true, false, false, false, false]);
    await until(() => ui.root.activeElement === reasons[0], 'focus on the chosen reason');
    // It sits above the control bar, over the call.
    expect(form.getBoundingClientRect().bottom).to.be.at.most(
      ui.$('[part="controls"]').getBoundingClientRect().top + 1,
    );

    reasons[2]!.click();
    ui.$('[part="report-send-button"]').click();
    expect(ui.calls.onReport).to.deep.equal([['spam']]);
    expect(ui.$$('[part="report-form"]')).to.have.length(0);
  });

  it('closes the form with Cancel or Escape, focus back on Report, without reporting', async () => {
    const ui = randomCall();
    ui.$('[part="report-button"]').click();
    ui.$('[part="report-cancel-button"]').click();
    expect(ui.$$('[part="report-form"]')).to.have.length(0);
    expect(ui.root.activeElement?.getAttribute('part')).to.equal('report-button');

    await sendKeys({ press: 'Enter' }); // opens it again from the focused Report button
    await until(() => ui.root.activeElement?.getAttribute('part') === 'report-reason', 'focus in the form');
    await sendKeys({ press: 'Escape' });
    expect(ui.$$('[part="report-form"]')).to.have.length(0);
    expect(ui.root.activeElement?.getAttribute('part')).to.equal('report-button');
    expect(ui.calls.onReport).to.equal(undefined);
  });

  it('Escape in the form does not also close an open side panel', async () => {
    const ui = randomCall();
    ui.update({ panel: 'chat' });
    ui.$('[part="report-button"]').click();
    await until(() => ui.root.activeElement?.getAttribute('part') === 'report-reason', 'focus in the form');
    await sendKeys({ press: 'Escape' });
    expect(ui.$$('[part="report-form"]')).to.have.length(0);
    expect(ui.$$('[part~="panel"]')).to.have.length(1);
  });

  it('adds nothing to the control bar outside random mode', () => {
    const ui = mountQueueView(renderCall, callView());
    expect(ui.$$('[part="next-button"], [part="report-button"]')).to.have.length(0);
  });
});

describe('support mode: the pre-join screen', () => {
  /** The pre-join view as the element builds it in support mode. */
  function supportPrejoin() {
    const support = {
      strings: qs,
      agentsOnline: null as number | null,
      message: '',
      onMessageInput: (text: string) => void (support.message = text),
    };
    const draw = (view: PrejoinView) =>
      renderPrejoin({ ...view, joinLabel: qs.callSupport, extraFields: renderSupportPrejoin(support) });
    return { ui: mountQueueView(draw, prejoinView()), support };
  }

  it('reads "Call support" on its button, even while a device problem is shown', () => {
    const { ui } = supportPrejoin();
    expect(ui.$('[part="join-button"]').textContent).to.equal('Call support');
    ui.update({ issue: { code: 'media_unavailable', text: 'No camera or microphone was found.' } });
    expect(ui.$('[part="join-button"]').textContent).to.equal('Call support');
    ui.update({ joining: true });
    expect(ui.$('[part="join-button"]').textContent).to.equal('Joining…');
  });

  it('asks what the customer needs help with, optionally, before the button', () => {
    const { ui, support } = supportPrejoin();
    const field = ui.$<HTMLTextAreaElement>('[part="support-message"]');
    expect(field.closest('label')!.textContent).to.contain('What do you need help with? (optional)');
    expect(field.required).to.equal(false);
    expect(field.maxLength).to.equal(1000);
    expect(field.compareDocumentPosition(ui.$('[part="join-button"]')) & Node.DOCUMENT_POSITION_FOLLOWING).to.not.equal(
      0,
    );
    field.value = 'The sound cuts out';
    field.dispatchEvent(new Event('input'));
    expect(support.message).to.equal('The sound cuts out');
    ui.$('[part="join-button"]').click();
    expect(ui.calls.onJoin).to.have.length(1);
  });

  it('says whether an agent is online once the service told (nothing before), above the field', () => {
    const { ui, support } = supportPrejoin();
    expect(ui.$$('[part="support-availability"]')).to.have.length(0);
    support.agentsOnline = 0;
    ui.update({});
    const line = ui.$('[part="support-availability"]');
    expect(line.textContent).to.equal('No agent is online right now — leave a message');
    expect(line.getAttribute('role')).to.equal('status');
    expect(
      line.compareDocumentPosition(ui.$('[part="support-message"]')) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).to.not.equal(0);
    support.agentsOnline = 2;
    ui.update({});
    expect(ui.$('[part="support-availability"]').textContent).to.equal('An agent is available');
  });

  it('has no such field, and reads "Join", in room mode', () => {
    const ui = mountQueueView(renderPrejoin, prejoinView());
    expect(ui.$$('[part="support-message"]')).to.have.length(0);
    expect(ui.$('[part="join-button"]').textContent).to.equal('Join');
  });
});
