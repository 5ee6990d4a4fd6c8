// End to end, the support desk as people use it: a help page says whether an agent is online before any
// camera prompt; a customer starting to wait reaches the agent's page at once (event and tab title); the
// customer's message stays in view in the call; an agent who closes the tab stops counting at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Participant } from './support/participant.mjs';
import { suiteStack } from './support/stack.mjs';

/** Counts the page's camera and microphone requests (window.cameraAsked). */
const countCameraRequests = () => {
  window.cameraAsked = 0;
  const ask = MediaDevices.prototype.getUserMedia;
  MediaDevices.prototype.getUserMedia = function (...args) {
    window.cameraAsked++;
    return ask.apply(this, args);
  };
};

describe('support desk', () => {
  const suite = suiteStack();

  it('availability before the camera, the agent told at once, the message in the call, and a closed tab signs the agent out', async () => {
    const { stack } = suite;
    const { plaintext: secretKey } = await stack.app.projects.createApiKey(stack.projectId, 'secret');
    const agentsOnline = async () => {
      const res = await fetch(`${stack.serviceUrl}/v1/queues/help`, {
        headers: { authorization: `Bearer ${secretKey}` },
      });
      assert.equal(res.status, 200);
      return (await res.json()).support.agentsOnline;
    };

    // Nobody online: the help page says so, with no camera asked for.
    const customer = await Participant.open(stack, {
      mode: 'support',
      queue: 'help',
      name: 'Ada',
      initScript: countCameraRequests,
    });
    suite.opened.push(customer);
    assert.equal((await customer.waitForEvent('vc-availability')).detail.agentsOnline, 0);
    const line = customer.part('[part="support-availability"]');
    await line.waitFor({ state: 'visible' });
    assert.equal(await line.innerText(), 'No agent is online right now — leave a message');
    assert.equal(await customer.page.evaluate(() => window.cameraAsked), 0, 'no getUserMedia before the customer asks');

    // An agent comes online: the help page follows, still without the camera.
    const { token } = await stack.app.joinTokens.mintAgent(
      { projectId: stack.projectId, queue: 'help', displayName: 'Alan' },
      600,
    );
    const agent = await Participant.open(stack, { token, mode: 'agent', queue: 'help', name: 'Alan' });
    suite.opened.push(agent);
    const pageTitle = await agent.page.title();
    await agent.join();
    await agent.part('[part="agent-console"]').waitFor({ state: 'visible', timeout: 10_000 });
    await customer.waitForEvent('vc-availability', (d) => d.agentsOnline === 1);
    await customer.until(
      () =>
        document.querySelector('video-chat-widget').shadowRoot.querySelector('[part="support-availability"]')
          ?.textContent,
      null,
      (t) => t === 'An agent is available',
      'the pre-join says an agent is there',
    );
    assert.equal(await customer.page.evaluate(() => window.cameraAsked), 0);

    // The customer starts waiting: the agent's page hears within a second, and its title says so.
    await customer.part('[part="support-message"]').fill('My invoice is wrong');
    await customer.join();
    const waiting = await customer.waitForEvent('vc-queue-update', (d) => d.status === 'waiting');
    const told = await agent.waitForEvent('vc-customer-waiting');
    assert.deepEqual(
      { ...told.detail, peerId: undefined },
      { peerId: undefined, displayName: 'Ada', message: 'My invoice is wrong' },
    );
    assert.ok(told.at - waiting.at < 1000, `vc-customer-waiting ${told.at - waiting.at} ms after the customer waits`);
    assert.equal(
      (await agent.waitForEvent('vc-queue-update', (d) => d.mode === 'agent' && d.waiting === 1)).detail.customers[0]
        .displayName,
      'Ada',
    );
    assert.equal(await agent.page.title(), `(1) waiting · ${pageTitle}`);

    // In the call, the agent keeps the customer's name and message in view, and is themself under the token's name.
    await agent.part('[part="take-next-button"]').click();
    await agent.seesRemoteVideos(1, 20_000);
    const header = agent.part('[part="customer-header"]');
    await header.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await header.locator('[part="customer-name"]').innerText(), 'Ada');
    assert.equal(await header.locator('[part="customer-message"]').innerText(), 'My invoice is wrong');
    assert.equal(await agent.part('[part~="local-tile"] [part="tile-name"]').innerText(), 'Alan (you)');
    await agent.until(
      () => document.title,
      null,
      (t) => t === pageTitle,
      'the title put back once nobody waits',
    );

    // The agent closes the tab: not online any more, at once.
    assert.equal(await agentsOnline(), 1);
    const closed = Date.now();
    await agent.page.close();
    for (;;) {
      if ((await agentsOnline()) === 0) break;
      assert.ok(Date.now() - closed < 2000, 'the agent stops counting within 2 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
