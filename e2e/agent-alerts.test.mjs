// End to end, an agent's attention when a customer starts waiting: the console chimes (WebAudio, started by
// the agent's Join click) and, with `notify` and the permission granted, shows a browser notification while
// the tab is hidden — and none while the agent is looking at it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Participant } from './support/participant.mjs';
import { suiteStack } from './support/stack.mjs';

/**
 * Runs in the agent's page before its scripts. Observes, without changing what they do: every tone started
 * on an AudioContext (window.tones: frequency and the context's state), and every Notification constructed
 * (window.notifications; the real one is still made). Headless Chromium always reports its pages visible,
 * so `window.hideTab()` makes the page say it is hidden, as a tab in the background would.
 */
function observeAlerts() {
  window.tones = [];
  const start = AudioScheduledSourceNode.prototype.start;
  AudioScheduledSourceNode.prototype.start = function (...args) {
    window.tones.push({ frequency: this.frequency?.value ?? null, state: this.context.state });
    return start.apply(this, args);
  };
  window.notifications = [];
  const RealNotification = window.Notification;
  window.Notification = class extends RealNotification {
    constructor(title, options) {
      super(title, options);
      window.notifications.push({ title, body: options?.body ?? null, tag: options?.tag ?? null });
    }
  };
  window.hideTab = () => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

describe('agent console alerts', () => {
  const suite = suiteStack();

  it('a waiting customer chimes on the console, and with notify shows a notification only while the tab is hidden', async () => {
    const { stack } = suite;
    const { token } = await stack.app.joinTokens.mintAgent(
      { projectId: stack.projectId, queue: 'desk', displayName: 'Alan' },
      600,
    );
    const agent = await Participant.open(stack, {
      token,
      mode: 'agent',
      queue: 'desk',
      name: 'Alan',
      notify: '1',
      initScript: observeAlerts,
      context: { permissions: ['notifications'] },
    });
    suite.opened.push(agent);
    assert.equal(await agent.page.evaluate(() => Notification.permission), 'granted');
    await agent.join();
    await agent.part('[part="agent-console"]').waitFor({ state: 'visible', timeout: 10_000 });
    const alerts = () => agent.page.evaluate(() => ({ tones: window.tones, notifications: window.notifications }));
    assert.deepEqual(await alerts(), { tones: [], notifications: [] }, 'nothing before anyone waits');

    // A customer starts waiting while the agent looks at the tab: the chime (two rising tones on the running
    // context the Join click started), and no notification: it would come in the same call as the chime.
    const ada = await Participant.open(stack, { mode: 'support', queue: 'desk', name: 'Ada' });
    suite.opened.push(ada);
    await ada.part('[part="support-message"]').fill('My invoice is wrong');
    await ada.join();
    await agent.waitForEvent('vc-customer-waiting', (d) => d.displayName === 'Ada');
    const first = await agent.until(
      () => window.tones,
      null,
      (t) => t.length >= 2,
      'the chime for Ada',
    );
    assert.deepEqual(first, [
      { frequency: 660, state: 'running' },
      { frequency: 880, state: 'running' },
    ]);
    assert.deepEqual((await alerts()).notifications, [], 'no notification while the tab is visible');

    // The agent looks elsewhere: the next customer chimes and is a notification with their name and message.
    await agent.page.evaluate(() => window.hideTab());
    const grace = await Participant.open(stack, { mode: 'support', queue: 'desk', name: 'Grace' });
    suite.opened.push(grace);
    await grace.part('[part="support-message"]').fill('Cannot log in');
    await grace.join();
    await agent.waitForEvent('vc-customer-waiting', (d) => d.displayName === 'Grace');
    const seen = await agent.until(
      () => ({ tones: window.tones, notifications: window.notifications }),
      null,
      (a) => a.tones.length >= 4,
      'the chime for Grace',
    );
    assert.deepEqual(
      seen.tones.slice(2).map((t) => t.frequency),
      [660, 880],
    );
    assert.deepEqual(seen.notifications, [
      { title: 'Grace is waiting for support', body: 'Cannot log in', tag: 'vcw-customer-waiting' },
    ]);
  });

  it('without notify there is the chime but never a notification, even with the permission and a hidden tab', async () => {
    const { stack } = suite;
    const { token } = await stack.app.joinTokens.mintAgent(
      { projectId: stack.projectId, queue: 'quiet', displayName: 'Alan' },
      600,
    );
    const agent = await Participant.open(stack, {
      token,
      mode: 'agent',
      queue: 'quiet',
      name: 'Alan',
      initScript: observeAlerts,
      context: { permissions: ['notifications'] },
    });
    suite.opened.push(agent);
    await agent.join();
    await agent.part('[part="agent-console"]').waitFor({ state: 'visible', timeout: 10_000 });
    await agent.page.evaluate(() => window.hideTab());
    const ada = await Participant.open(stack, { mode: 'support', queue: 'quiet', name: 'Ada' });
    suite.opened.push(ada);
    await ada.join();
    await agent.waitForEvent('vc-customer-waiting', (d) => d.displayName === 'Ada');
    await agent.until(
      () => window.tones,
      null,
      (t) => t.length >= 2,
      'the chime',
    );
    assert.deepEqual(
      await agent.page.evaluate(() => window.notifications),
      [],
      'the chime came; the notification, in the same call, did not',
    );
  });
});
