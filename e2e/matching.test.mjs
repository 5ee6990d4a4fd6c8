// End to end, each person in a browser context of their own on a partner's page: a customer and a support
// agent end up in a call with video both ways; four random visitors form two pairs and `next()` re-pairs
// them; a visitor without camera or microphone is paired for a text chat.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { Participant } from './support/participant.mjs';
import { suiteStack } from './support/stack.mjs';

/** The partner of a random visitor once they are in a call: the other's peer id. */
async function partnerOf(p) {
  await p.seesRemoteVideos(1, 20_000);
  return p.page.evaluate(() => document.querySelector('video-chat-widget').participants[0]?.peerId);
}

describe('matching between browsers', () => {
  const suite = suiteStack();

  it('support: the customer calls, the agent takes them, and both see and hear each other', async () => {
    const { token } = await suite.stack.app.joinTokens.mintAgent(
      { projectId: suite.stack.projectId, queue: 'help', displayName: 'Alan' },
      600,
    );
    const agent = await Participant.open(suite.stack, { token, mode: 'agent', queue: 'help', name: 'Alan' });
    const customer = await Participant.open(suite.stack, { mode: 'support', queue: 'help', name: 'Ada' });
    suite.opened.push(agent, customer);
    await agent.join();
    await agent.part('[part="agent-console"]').waitFor({ state: 'visible', timeout: 10_000 });

    await customer.part('[part="support-message"]').fill('My invoice is wrong');
    await customer.join();
    const waiting = await customer.waitForEvent('vc-queue-update', (d) => d.status === 'waiting');
    assert.deepEqual([waiting.detail.position, waiting.detail.agentsOnline], [1, 1]);

    const entry = agent.part('[part="queue-entry"]');
    await entry.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await entry.locator('[part="customer-name"]').innerText(), 'Ada');
    assert.equal(await entry.locator('[part="customer-message"]').innerText(), 'My invoice is wrong');
    await agent.part('[part="take-next-button"]').click();

    const [seen, sees] = await Promise.all([customer.seesRemoteVideos(1, 20_000), agent.seesRemoteVideos(1, 20_000)]);
    for (const [who, videos] of [
      ['customer', seen],
      ['agent', sees],
    ]) {
      assert.ok(videos[0].width > 0 && videos[0].advanced > 0.2, `the ${who} receives video`);
    }
    const rooms = await Promise.all([customer, agent].map(async (p) => (await p.waitForEvent('vc-join')).detail.room));
    assert.equal(rooms[0], rooms[1], 'one private room for the two');
    assert.match(rooms[0], /^match-/);
  });

  it('random: four visitors form two pairs; next() re-pairs them', async () => {
    const people = [];
    for (const name of ['Ann', 'Ben', 'Cat', 'Dan']) {
      const p = await Participant.open(suite.stack, { mode: 'random', queue: 'lobby', name });
      suite.opened.push(p);
      people.push(p);
      await p.join();
    }
    const first = await Promise.all(people.map(partnerOf));
    const seats = await Promise.all(people.map(async (p) => (await p.waitForEvent('vc-join')).detail.peerId));
    // Two pairs: everyone's partner's partner is themselves, and nobody is paired with themselves.
    for (let i = 0; i < 4; i++) {
      const j = seats.indexOf(first[i]);
      assert.ok(j >= 0 && j !== i, `${people[i].name} is paired with another visitor`);
      assert.equal(first[j], seats[i], `${people[i].name} and ${people[j].name} see each other`);
    }

    // One of each pair moves on: all four wait again and pair up anew, each with someone new.
    const other = [1, 2, 3].find((i) => i !== seats.indexOf(first[0]));
    const since = await Promise.all(people.map((p) => p.pageTime()));
    await Promise.all(
      [0, other].map((i) => people[i].page.evaluate(() => document.querySelector('video-chat-widget').next())),
    );
    for (const [i, p] of people.entries()) await p.waitForEvent('vc-join', () => true, 20_000, { after: since[i] });
    const second = await Promise.all(people.map(partnerOf));
    for (let i = 0; i < 4; i++) {
      const j = seats.indexOf(second[i]);
      assert.ok(j >= 0 && j !== i, `${people[i].name} is paired again`);
      assert.equal(second[j], seats[i], `${people[i].name} and ${people[j].name} see each other`);
      assert.notEqual(second[i], first[i], `${people[i].name} has a new partner`);
    }
    for (const p of people)
      assert.deepEqual(
        (await p.events('vc-error')).map((e) => e.detail.code),
        [],
        `${p.name}: no error`,
      );
  });

  it('random: a visitor without camera or microphone is paired for a text chat', async () => {
    const deviceless = await chromium.launch({
      executablePath: chromiumPath,
      args: chromiumArgs({ mediaPermission: 'deny' }),
    });
    try {
      const eve = await Participant.open(suite.stack, {
        mode: 'random',
        queue: 'texters',
        name: 'Eve',
        browser: deviceless,
      });
      const fay = await Participant.open(suite.stack, { mode: 'random', queue: 'texters', name: 'Fay' });
      suite.opened.push(eve, fay);
      await eve.join(); // nothing is asked for before the visitor clicks
      await eve.waitForEvent('vc-error', (d) => d.code === 'media_permission_denied');
      await fay.join();
      await Promise.all([
        eve.waitForEvent('vc-join', () => true, 20_000),
        fay.waitForEvent('vc-join', () => true, 20_000),
      ]);
      await eve.chat('no camera here, hello');
      assert.equal((await fay.waitForEvent('vc-chat-message', (d) => !d.self)).detail.text, 'no camera here, hello');
      await fay.chat('hi Eve');
      assert.equal((await eve.waitForEvent('vc-chat-message', (d) => !d.self)).detail.text, 'hi Eve');
      // Eve still sees Fay: receiving needs no devices.
      await eve.seesRemoteVideos(1, 20_000);
      await eve.close();
    } finally {
      await deviceless.close();
    }
  });
});
