/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { barrier, connectedAttributes, mount, part, service, showsFrames, until, uniqueRoom } from './helpers.js';

const ALL_EVENTS = [
  'vc-join',
  'vc-leave',
  'vc-participant-join',
  'vc-participant-leave',
  'vc-connection-state-change',
  'vc-error',
];
const ofType = (events: CustomEvent[], type: string) => events.filter((e) => e.type === type);
/** The widget's connection to the service, while it has one. */
const serviceOf = (widget: HTMLElement) =>
  (widget as unknown as { engine: { service: unknown } | null }).engine?.service ?? null;

describe('<video-chat-widget>', () => {
  it('is defined, renders into an open shadow root, and asks for a missing api-key', async () => {
    const { widget, events } = mount({ room: 'lobby' }, ALL_EVENTS);
    await widget.updateComplete;
    expect(customElements.get('video-chat-widget')).to.equal(widget.constructor);
    expect(widget.shadowRoot).to.not.equal(null);
    const [error] = ofType(events, 'vc-error');
    expect(error?.detail).to.deep.equal({
      code: 'configuration_invalid',
      message: 'Set the api-key attribute (or a token) on <video-chat-widget>.',
      fatal: true,
    });
    expect(error?.bubbles && error.composed).to.equal(true);
    expect(widget.state).to.equal('error');
    // The visitor is told in plain words; the site owner's detail stays in vc-error (and the console).
    const notice = await until(() => part(widget, '[part="notice"]'), 'the notice');
    expect(notice.textContent).to.contain("Video chat isn't available right now.");
    expect(notice.textContent).to.not.contain('api-key');
  });

  it('shows the pre-join screen with a Join button, and a live camera preview once the visitor asks for it', async () => {
    const { widget } = mount(await connectedAttributes());
    await until(() => widget.state === 'prejoin' && part(widget, '[part="check-camera-button"]'), 'prejoin');
    expect(
      part<HTMLVideoElement>(widget, 'video[part="local-video"]')!.hidden,
      'no camera before the visitor asks',
    ).to.equal(true);
    expect(part(widget, '[part="join-button"]')?.textContent?.trim()).to.equal('Join');
    part(widget, '[part="check-camera-button"]')!.click();
    const preview = await until(
      () => part<HTMLVideoElement>(widget, 'video[part="local-video"]:not([hidden])'),
      'the preview',
    );
    await showsFrames(preview);
    await until(() => part(widget, '[part="camera-picker"]'), 'the camera picker, once the devices are named');
  });

  it('opens the camera for the preview on load when the site asks for it (preview)', async () => {
    const { widget } = mount(await connectedAttributes({ preview: true }));
    await showsFrames(
      await until(() => part<HTMLVideoElement>(widget, 'video[part="local-video"]:not([hidden])'), 'the preview'),
    );
  });

  it('joins on click, moving through connecting to connected, and fires vc-join with the room', async () => {
    const attributes = await connectedAttributes();
    const { widget, events } = mount(attributes, ALL_EVENTS);
    await until(() => part(widget, '[part="join-button"]'), 'the Join button');
    part(widget, '[part="join-button"]')!.click();
    await until(() => ofType(events, 'vc-join').length === 1, 'vc-join');
    expect(ofType(events, 'vc-join')[0]!.detail.room).to.equal(attributes.room);
    expect(ofType(events, 'vc-join')[0]!.detail.peerId).to.match(/^[A-Za-z0-9_-]{8,40}$/);
    expect(ofType(events, 'vc-connection-state-change').map((e) => e.detail.state)).to.deep.equal([
      'prejoin',
      'connecting',
      'connected',
    ]);
    expect(widget.state).to.equal('connected');
    await widget.updateComplete; // the call's views come in a chunk fetched as the visitor went to Join
    await showsFrames(part<HTMLVideoElement>(widget, '[part="call"] video[part="local-video"]')!);
  });

  it('joins by itself with autojoin', async () => {
    const { widget, events } = mount(await connectedAttributes({ autojoin: true }), ALL_EVENTS);
    await until(() => widget.state === 'connected', 'connected');
    expect(ofType(events, 'vc-join')).to.have.length(1);
  });

  it('connects two widgets of one room: participant events, display names, remote video, hangup', async () => {
    const room = uniqueRoom();
    const first = mount(await connectedAttributes({ room, 'display-name': 'Ada', autojoin: true }), ALL_EVENTS);
    await until(() => first.widget.state === 'connected', 'first connected');
    const second = mount(await connectedAttributes({ room, 'display-name': 'Grace', autojoin: true }), ALL_EVENTS);

    const joinedFirst = await until(() => ofType(first.events, 'vc-participant-join')[0], 'first sees the second');
    const joinedSecond = await until(() => ofType(second.events, 'vc-participant-join')[0], 'second sees the first');
    expect(joinedFirst.detail.displayName).to.equal('Grace');
    expect(joinedSecond.detail.displayName).to.equal('Ada');
    expect(first.widget.participants.map(({ peerId, displayName }) => ({ peerId, displayName }))).to.deep.equal([
      { peerId: joinedFirst.detail.peerId, displayName: 'Grace' },
    ]);

    const remote = await until(
      () =>
        part<HTMLVideoElement>(first.widget, `video[part="remote-video"][data-peer-id="${joinedFirst.detail.peerId}"]`),
      'the remote video',
    );
    await showsFrames(remote);
    expect(
      part(first.widget, `[data-peer-id="${joinedFirst.detail.peerId}"] [part="tile-name"]`)?.textContent,
    ).to.equal('Grace');

    await second.widget.leave();
    const left = await until(() => ofType(first.events, 'vc-participant-leave')[0], 'vc-participant-leave');
    expect(left.detail).to.deep.equal({ peerId: joinedFirst.detail.peerId, reason: 'hangup' });
    expect(ofType(second.events, 'vc-leave').map((e) => e.detail)).to.deep.equal([{ reason: 'hangup' }]);
    expect(second.widget.state).to.equal('left');
    await until(() => !part(first.widget, 'video[part="remote-video"]'), 'the remote tile to go');

    // "Join again" after leaving takes a new seat and the call comes back.
    await until(() => part(second.widget, '[part="left"] [part="join-button"]'), 'the Join again button');
    part(second.widget, '[part="left"] [part="join-button"]')!.click();
    const back = await until(() => ofType(first.events, 'vc-participant-join')[1], 'the second one back');
    expect(back.detail.displayName).to.equal('Grace');
    await showsFrames(
      await until(() => part<HTMLVideoElement>(first.widget, 'video[part="remote-video"]'), 'the remote video again'),
    );
  });

  it('refuses to join while not in the page', async () => {
    const widget = document.createElement('video-chat-widget');
    Object.assign(
      widget,
      await connectedAttributes().then((a) => ({ apiKey: a['api-key'], server: a.server, room: a.room })),
    );
    let refused: unknown = null;
    await widget.join().catch((error: unknown) => (refused = error));
    expect((refused as { code?: string } | null)?.code).to.equal('configuration_invalid');
    expect(widget.state).to.equal('idle');
  });

  it('takes the display-name and room current at Join, even when set after the element started', async () => {
    const room = uniqueRoom();
    const first = mount(await connectedAttributes({ room, autojoin: true }), ALL_EVENTS);
    await until(() => first.widget.state === 'connected', 'first connected');
    const { widget, events } = mount(await connectedAttributes(), ALL_EVENTS);
    await until(() => widget.state === 'prejoin', 'prejoin');
    widget.setAttribute('display-name', 'Late Name');
    widget.setAttribute('room', room);
    await widget.join();
    expect(ofType(events, 'vc-join')[0]!.detail.room).to.equal(room);
    const seen = await until(() => ofType(first.events, 'vc-participant-join')[0], 'the first widget sees the second');
    expect(seen.detail.displayName).to.equal('Late Name');
  });

  it('toggles microphone and camera from the controls', async () => {
    const { widget } = mount(await connectedAttributes({ autojoin: true }));
    await until(() => widget.state === 'connected', 'connected');
    const mic = part<HTMLButtonElement>(widget, '[part="microphone-button"]')!;
    expect(mic.getAttribute('aria-label')).to.equal('Turn microphone off');
    mic.click();
    await widget.updateComplete;
    expect(mic.getAttribute('aria-label')).to.equal('Turn microphone on'); // the name says what pressing does
    expect(mic.hasAttribute('aria-pressed')).to.equal(false);

    widget.setCameraEnabled(false);
    await widget.updateComplete;
    expect(part(widget, '[part="camera-button"]')!.getAttribute('aria-label')).to.equal('Turn camera on');
    expect(part(widget, '[part="call"] video[part="local-video"]')!.hidden).to.equal(true);
  });

  it('reports a wrong api-key as a fatal api_key_invalid', async () => {
    const { serviceUrl } = await service();
    const { widget, events } = mount(
      { 'api-key': 'pk_test_000000000000000000000000000000', server: serviceUrl, room: 'x' },
      ALL_EVENTS,
    );
    const error = await until(() => ofType(events, 'vc-error')[0], 'vc-error');
    expect(error.detail.code).to.equal('api_key_invalid');
    expect(error.detail.fatal).to.equal(true);
    await until(() => widget.state === 'error', 'error state');
    await widget.updateComplete;
    expect(part(widget, '[part="notice"]')?.getAttribute('data-code')).to.equal('api_key_invalid');
  });

  it('starts once a missing room is set', async () => {
    const { serviceUrl, publishableKey } = await service();
    const { widget, events } = mount({ 'api-key': publishableKey, server: serviceUrl }, ALL_EVENTS);
    await until(() => ofType(events, 'vc-error')[0], 'vc-error');
    expect(ofType(events, 'vc-error')[0]!.detail.code).to.equal('configuration_invalid');
    widget.setAttribute('room', uniqueRoom());
    await until(() => widget.state === 'prejoin', 'prejoin');
    await widget.join();
    expect(widget.state).to.equal('connected');
  });

  it('leaving while the join is under way ends in left, and takes no seat', async () => {
    const attributes = await connectedAttributes();
    const { widget, events } = mount(attributes, ALL_EVENTS);
    const joining = widget.join();
    await widget.leave();
    await joining;
    // Its connection is closed: nothing more can come from the service to say it joined after all.
    expect(serviceOf(widget)).to.equal(null);
    expect(widget.state).to.equal('left');
    const states = ofType(events, 'vc-connection-state-change').map((e) => e.detail.state);
    expect(states.at(-1)).to.equal('left');
    expect(ofType(events, 'vc-join')).to.have.length(0);
    expect(ofType(events, 'vc-error')).to.have.length(0);

    const { widget: later } = mount({ ...attributes, autojoin: true });
    await until(() => later.state === 'connected', 'a later widget connected');
    await barrier(later);
    expect(later.participants).to.deep.equal([]);
  });

  it('keeps the call when the element is moved in the page', async () => {
    const room = uniqueRoom();
    const first = mount(await connectedAttributes({ room, autojoin: true }), ALL_EVENTS);
    await until(() => first.widget.state === 'connected', 'first connected');
    const second = mount(await connectedAttributes({ room, autojoin: true }), ALL_EVENTS);
    await until(() => ofType(first.events, 'vc-participant-join').length === 1, 'first sees second');
    const box = document.createElement('section');
    document.body.append(box);
    box.append(first.widget);
    // A removal would have ended the call within a microtask, giving the seat back (so the second hears a leave
    // before its marker): the first still answers on its connection, and the second heard nothing.
    await barrier(first.widget);
    await barrier(second.widget);
    expect(first.widget.state).to.equal('connected');
    expect(ofType(first.events, 'vc-leave')).to.have.length(0);
    expect(ofType(second.events, 'vc-participant-leave')).to.have.length(0);
    box.remove();
  });

  it('releases camera and microphone when the service refuses the key', async () => {
    const { serviceUrl } = await service();
    // Every device request is watched (and really made), so the test knows when the last one was answered.
    const devices = navigator.mediaDevices;
    const getUserMedia = devices.getUserMedia;
    const opened: MediaStream[] = [];
    let asking = 0;
    devices.getUserMedia = async (constraints) => {
      asking++;
      try {
        const stream = await getUserMedia.call(devices, constraints);
        opened.push(stream);
        return stream;
      } finally {
        asking--;
      }
    };
    const { widget } = mount({ 'api-key': 'pk_test_000000000000000000000000000000', server: serviceUrl, room: 'x' });
    try {
      await until(() => widget.state === 'error', 'error state');
      await until(() => asking === 0, 'every device request answered');
    } finally {
      devices.getUserMedia = getUserMedia;
    }
    const engine = (widget as unknown as { engine: { media: { stream: MediaStream | null } } }).engine;
    await until(
      () => opened.every((stream) => stream.getTracks().every((track) => track.readyState === 'ended')),
      'every track opened to be stopped',
    );
    expect(engine.media.stream).to.equal(null);
    expect(part(widget, 'video')).to.equal(null);
  });

  it('recovers when a wrong api-key is replaced by the right one', async () => {
    const { serviceUrl, publishableKey } = await service();
    const { widget, events } = mount(
      { 'api-key': 'pk_test_000000000000000000000000000000', server: serviceUrl, room: uniqueRoom() },
      ALL_EVENTS,
    );
    await until(() => widget.state === 'error', 'error state');
    widget.setAttribute('api-key', publishableKey);
    await until(() => widget.state === 'prejoin', 'prejoin with the right key');
    await widget.join();
    expect(widget.state).to.equal('connected');
    expect(ofType(events, 'vc-error').map((e) => e.detail.code)).to.deep.equal(['api_key_invalid']);
  });

  it('uses the server attribute, and says so when that service cannot be reached', async () => {
    const { publishableKey } = await service();
    const { events } = mount({ 'api-key': publishableKey, server: 'http://127.0.0.1:9', room: 'x' }, ALL_EVENTS);
    const error = await until(() => ofType(events, 'vc-error')[0], 'vc-error');
    expect(error.detail.code).to.equal('connection_failed');
    expect(error.detail.fatal).to.equal(false);
  });
});
