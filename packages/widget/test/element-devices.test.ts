/// <reference types="mocha" />
// Chromium's fake devices: one camera, three microphones ("Fake Default Audio Input", "Fake Audio Input 1"
// and 2) and three speakers, which is enough to switch microphones and speakers for real.
import { expect } from '@esm-bundle/chai';
import { countOffers, engineOf, forgetSiteChoices, twoInCall } from './call-helpers.js';
import { connectedAttributes, mount, part, until } from './helpers.js';

const audioSender = (pc: RTCPeerConnection) =>
  pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio')!.sender;

describe('<video-chat-widget> devices', () => {
  beforeEach(forgetSiteChoices);
  afterEach(forgetSiteChoices);

  it('switches the microphone in the call without renegotiating, and remembers it for the site', async () => {
    const { a, b } = await twoInCall();
    const engine = engineOf(a.widget);
    const link = engine.peerConnection(b.peerId)!;
    const offers = countOffers(link);
    const before = audioSender(link).track!;
    const other = await until(
      () => engine.devices.microphones.find((m) => m.id !== engine.media.microphoneId && m.id !== 'default'),
      'another microphone',
    );

    await engine.media.selectMicrophone(other.id); // the call view's devices.onSelectMicrophone
    await until(() => engine.media.microphoneId === other.id, 'the new microphone in use');
    await until(() => audioSender(link).track === engine.media.audioTrack, 'the new track sent');
    expect(audioSender(link).track).to.not.equal(before);
    expect(before.readyState).to.equal('ended');
    expect(audioSender(link).track!.getSettings().deviceId).to.equal(other.id);
    expect(offers()).to.equal(0);
    expect(localStorage.getItem('vcw:microphone')).to.equal(other.id);
    // The other side still hears it: audio keeps arriving on the same connection.
    const inbound = async () => {
      let bytes = 0;
      (await engineOf(b.widget).peerConnection(a.peerId)!.getStats()).forEach(
        (s: { type: string; kind?: string; bytesReceived?: number }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes = s.bytesReceived ?? 0;
        },
      );
      return bytes;
    };
    const start = await inbound();
    await until(async () => (await inbound()) > start + 1000, 'audio to keep flowing');

    // After a reload (a new widget), the remembered microphone is opened.
    const again = mount(await connectedAttributes({ preview: true }));
    await until(() => engineOf(again.widget)?.media.audioTrack, 'the new widget opened its devices');
    expect(engineOf(again.widget).media.microphoneId).to.equal(other.id);
  });

  it('switches the camera in the call and in the preview without renegotiating', async () => {
    const { a, b } = await twoInCall();
    const engine = engineOf(a.widget);
    const link = engine.peerConnection(b.peerId)!;
    const offers = countOffers(link);
    const sender = link.getTransceivers().find((t) => t.receiver.track.kind === 'video')!.sender;
    const before = sender.track!;
    const camera = engine.devices.cameras[0]!;
    await engine.media.selectCamera(camera.id);
    await until(() => sender.track !== before && sender.track === engine.media.videoTrack, 'the new camera track sent');
    await a.widget.updateComplete;
    const preview = part<HTMLVideoElement>(a.widget, '[part="call"] video[part="local-video"]')!;
    expect((preview.srcObject as MediaStream).getVideoTracks()[0]).to.equal(engine.media.videoTrack);
    expect(offers()).to.equal(0);
    expect(localStorage.getItem('vcw:camera')).to.equal(camera.id);
  });

  it('plays the others on the chosen speaker, remembers it, and ignores a remembered speaker that is gone', async () => {
    const { a, b } = await twoInCall();
    const engine = engineOf(a.widget);
    const speaker = await until(() => engine.devices.speakers.find((s) => s.id !== 'default'), 'a speaker to choose');
    engine.devices.selectSpeaker(speaker.id); // the call view's devices.onSelectSpeaker
    const video = part<HTMLVideoElement>(a.widget, `video[part="remote-video"][data-peer-id="${b.peerId}"]`)!;
    await until(() => video.sinkId === speaker.id, 'the remote video on that speaker');
    expect(localStorage.getItem('vcw:speaker')).to.equal(speaker.id);

    localStorage.setItem('vcw:speaker', 'a-speaker-unplugged-long-ago');
    localStorage.setItem('vcw:camera', 'a-camera-unplugged-long-ago');
    const later = mount(await connectedAttributes({ preview: true }));
    await until(() => engineOf(later.widget)?.media.videoTrack, 'devices open despite stale choices');
    await until(() => engineOf(later.widget).devices.speakers.length > 0, 'the speaker list');
    expect(engineOf(later.widget).devices.speakerId).to.equal(null);
  });

  it('opens the microphone picked on the pre-join screen', async () => {
    const { widget } = mount(await connectedAttributes({ preview: true }));
    const picker = await until(
      () => part<HTMLSelectElement>(widget, '[part="microphone-picker"]:not([disabled])'),
      'the microphone picker',
    );
    const engine = engineOf(widget);
    const other = await until(
      () => engine.devices.microphones.find((m) => m.id !== engine.media.microphoneId && m.id !== 'default'),
      'another microphone',
    );
    picker.value = other.id;
    picker.dispatchEvent(new Event('change'));
    await until(() => engine.media.microphoneId === other.id, 'the picked microphone open');
    await widget.updateComplete;
    expect(part<HTMLSelectElement>(widget, '[part="microphone-picker"]')!.value).to.equal(other.id);
    await widget.join();
    expect(engine.media.audioTrack!.getSettings().deviceId).to.equal(other.id);
  });

  it('joins under the name typed on the pre-join screen, and offers it again next time', async () => {
    const attributes = await connectedAttributes();
    const first = mount(attributes, ['vc-participant-join']);
    await first.widget.join();
    const { widget } = mount(attributes);
    const input = await until(() => part<HTMLInputElement>(widget, '[part="name-input"]'), 'the name field');
    input.value = 'Typed Name';
    input.dispatchEvent(new Event('input'));
    part<HTMLButtonElement>(widget, '[part="join-button"]')!.click();
    const seen = await until(() => first.events[0], 'the first widget to see the second');
    expect(seen.detail.displayName).to.equal('Typed Name');
    expect(localStorage.getItem('vcw:display-name')).to.equal('Typed Name');

    const next = mount(await connectedAttributes());
    const prefilled = await until(
      () => part<HTMLInputElement>(next.widget, '[part="name-input"]'),
      'the name field again',
    );
    expect(prefilled.value).to.equal('Typed Name');
  });
});
