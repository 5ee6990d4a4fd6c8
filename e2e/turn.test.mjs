// End to end through a real TURN server: Debian's coturn on loopback with `use-auth-secret`, the service
// minting credentials for it, and relay-only calls between two browsers.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mintTurnCredential } from '@vcw/service';
import { coturnAvailable, startCoturn, turnserverPath } from '../scripts/coturn.mjs';
import { sessionWhen } from './support/call-history.mjs';
import { Participant } from './support/participant.mjs';
import { startStack, suiteStack } from './support/stack.mjs';

const SECRET = 'e2e-turn-secret-0123456789';
const missing = !coturnAvailable();
const why = `coturn not found at ${turnserverPath} (apt-get install coturn, or set TURNSERVER_PATH)`;
if (missing && process.env.CI === 'true') throw new Error(`under CI every suite must run: ${why}`);

/** In a page: gathers candidates under a relay-only policy with `iceServers`; says what TURN answered. */
function gatherRelay(page, iceServers) {
  return page.evaluate(async (servers) => {
    const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: 'relay' });
    const relays = [];
    const errors = [];
    pc.onicecandidate = ({ candidate }) => candidate?.type === 'relay' && relays.push(candidate.candidate);
    pc.onicecandidateerror = (e) => errors.push(e.errorCode);
    pc.createDataChannel('probe');
    await pc.setLocalDescription();
    await new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
      setTimeout(resolve, 8000);
    });
    pc.close();
    return { relays: relays.length, errors };
  }, iceServers);
}

/** The "path" cells of the stats panel, once it shows one. */
async function statsPaths(participant) {
  await participant.button('stats-button').click();
  const panel = participant.part('[part="stats-panel"]');
  await panel.getByText('TURN').first().waitFor({ timeout: 10_000 });
  return panel.innerText();
}

describe('calls through TURN (coturn)', { skip: missing && why }, () => {
  let turn;
  const suite = suiteStack(async () => {
    turn = await startCoturn({ secret: SECRET });
    return startStack({
      env: { TURN_URLS: turn.url, TURN_SECRET: SECRET, TURN_TTL_SECONDS: '600', ICE_TRANSPORT_POLICY: 'relay' },
    });
  });
  after(async () => {
    await turn?.stop();
  });

  it('coturn accepts the credentials the service mints, and refuses them once expired', async () => {
    const probe = await Participant.open(suite.stack, { room: 'probe', name: 'Probe' });
    suite.opened.push(probe);
    const fresh = mintTurnCredential(SECRET, 'probe-peer', 600);
    const expired = mintTurnCredential(SECRET, 'probe-peer', -60);
    const good = await gatherRelay(probe.page, [
      { urls: turn.url, username: fresh.username, credential: fresh.credential },
    ]);
    assert.ok(good.relays > 0, `a relay candidate with fresh credentials (${JSON.stringify(good)})`);
    const refused = await gatherRelay(probe.page, [
      { urls: turn.url, username: expired.username, credential: expired.credential },
    ]);
    assert.equal(refused.relays, 0, 'no relay with expired credentials');
    assert.ok(refused.errors.includes(401), `coturn answered 401 (${JSON.stringify(refused.errors)})`);
  });

  it('with ICE_TRANSPORT_POLICY=relay two browsers hold a call through the relay', async () => {
    const a = await Participant.open(suite.stack, { room: 'relayed', name: 'Ada' });
    const b = await Participant.open(suite.stack, { room: 'relayed', name: 'Grace' });
    suite.opened.push(a, b);
    await a.join();
    await a.waitForEvent('vc-join');
    await b.join();
    await b.waitForEvent('vc-join');
    for (const v of await a.seesRemoteVideos(1)) assert.ok(v.advanced > 0.2);
    for (const v of await b.seesRemoteVideos(1)) assert.ok(v.advanced > 0.2);
    assert.match(await statsPaths(a), /Relayed \(TURN\)/);
    // The widgets saw their selected candidate pair go through the relay, and told the service (what the call
    // history holds is theirs: the summary would say relayUsed for a relay-only service anyway).
    const call = await sessionWhen(
      suite.stack,
      'relayed',
      (s) => s.relayUsed !== null && s.worstNetworkQuality !== null,
    );
    assert.equal(call.relayUsed, true);
  });

  it('when coturn restarts mid-call, the call recovers by ICE restart within 10 s', async () => {
    const a = await Participant.open(suite.stack, { room: 'restart', name: 'Ada' });
    const b = await Participant.open(suite.stack, { room: 'restart', name: 'Grace' });
    suite.opened.push(a, b);
    await a.join();
    await a.waitForEvent('vc-join');
    await b.join();
    await b.waitForEvent('vc-join');
    await a.seesRemoteVideos(1);
    await b.seesRemoteVideos(1);
    const frames = (p) =>
      p.page.evaluate(() => {
        const v = document.querySelector('video-chat-widget').shadowRoot.querySelector('video[part="remote-video"]');
        return v.getVideoPlaybackQuality().totalVideoFrames;
      });
    const both = async () => [await frames(a), await frames(b)];
    const turnUser = (p) =>
      p.page.evaluate(() => {
        const engine = document.querySelector('video-chat-widget').engine;
        const pc = engine.peerConnection(engine.participants[0].peerId);
        return pc.getConfiguration().iceServers.find((s) => s.username)?.username;
      });
    const usersBefore = [await turnUser(a), await turnUser(b)];
    await new Promise((r) => setTimeout(r, 1100)); // a later second: fresh credentials get another expiry
    await turn.restart();
    const restarted = Date.now();
    // The relay forgot every allocation: pictures stop. Wait until each side has seen them stop (no new frame
    // for 600 ms; the two need not stall at the same moment when the recovery is quick)…
    let last = await both();
    const still = [0, 0];
    while (still.some((polls) => polls < 3)) {
      await new Promise((r) => setTimeout(r, 200));
      const now = await both();
      for (const i of [0, 1]) if (still[i] < 3) still[i] = now[i] === last[i] ? still[i] + 1 : 0;
      last = now;
      assert.ok(Date.now() - restarted < 8000, 'the call never lost its pictures: the relay restart changed nothing');
    }
    // …then until new frames show on both sides again.
    for (;;) {
      const now = await both();
      if (now[0] > last[0] + 5 && now[1] > last[1] + 5) break;
      assert.ok(Date.now() - restarted < 20_000, `media did not come back (frames ${now} after ${last})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const recoveredIn = Date.now() - restarted;
    // The side that restarted ICE asked the service for credentials first (the others may be expired).
    const usersAfter = [await turnUser(a), await turnUser(b)];
    assert.ok(
      usersAfter.some((u, i) => u !== usersBefore[i]),
      `fresh TURN credentials before the restart (${usersBefore} -> ${usersAfter})`,
    );
    console.log(`# coturn restart: media flowing again after ${recoveredIn} ms`);
    assert.ok(recoveredIn <= 10_000, `recovered in ${recoveredIn} ms`);
  });
});
