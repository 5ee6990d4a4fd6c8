/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { engineOf, ofType, remoteVideo } from './call-helpers.js';
import { connectedAttributes, mount, part, showsFrames, until, uniqueRoom } from './helpers.js';

describe('<video-chat-widget> as a text chat', () => {
  const { addIceCandidate, setRemoteDescription } = RTCPeerConnection.prototype;
  const applyRemote = setRemoteDescription as (
    this: RTCPeerConnection,
    description?: RTCSessionDescriptionInit,
  ) => Promise<void>;
  /** Every ICE candidate is lost on the way, trickled or inside a description. */
  const loseCandidates = () => {
    RTCPeerConnection.prototype.addIceCandidate = () => Promise.resolve();
    RTCPeerConnection.prototype.setRemoteDescription = function (
      this: RTCPeerConnection,
      description?: RTCSessionDescriptionInit,
    ) {
      const sdp = description?.sdp?.replace(/^a=(candidate|end-of-candidates).*\r\n/gm, '');
      return applyRemote.call(this, description && { type: description.type, sdp });
    };
  };
  const restoreNetwork = () => Object.assign(RTCPeerConnection.prototype, { addIceCandidate, setRemoteDescription });
  afterEach(restoreNetwork);

  it('carries on as a text chat when the media cannot connect, and upgrades back when it can', async function () {
    this.timeout(45_000);
    // A network where no media path can form: every ICE candidate is lost on the way (as behind a firewall
    // that blocks UDP and TCP to the peer). Signaling, and so chat, still goes through the service.
    loseCandidates();
    const room = uniqueRoom();
    const a = mount(await connectedAttributes({ room, autojoin: true }), ['vc-chat-message', 'vc-error']);
    await until(() => a.widget.state === 'connected', 'connected');
    const b = mount(await connectedAttributes({ room, autojoin: true }), ['vc-chat-message']);
    await until(() => a.widget.participants[0] && b.widget.participants[0], 'both see each other');

    await until(
      () => a.widget.participants[0]!.textOnly && b.widget.participants[0]!.textOnly,
      'both text-only after ~8 s',
      12_000,
    );
    expect(engineOf(a.widget).textOnly).to.deep.equal({ reason: 'no-media-connection' });
    await a.widget.updateComplete;
    expect(part(a.widget, '[part="text-only-banner"]')).to.not.equal(null);
    await a.widget.sendChatMessage('can you read me?');
    await until(
      () => ofType(b.events, 'vc-chat-message')[0]?.detail.text === 'can you read me?',
      'the chat still going',
    );

    // The network recovers: the next retry (fresh candidates, every 8 s) connects, and the video comes up.
    restoreNetwork();
    await until(
      () => !a.widget.participants[0]!.textOnly && !b.widget.participants[0]!.textOnly,
      'both upgraded back',
      20_000,
    );
    expect(engineOf(a.widget).textOnly).to.equal(null);
    await showsFrames(await remoteVideo(a.widget, a.widget.participants[0]!.peerId));
    await a.widget.updateComplete;
    expect(part(a.widget, '[part="text-only-banner"]')).to.equal(null);
  });
});
