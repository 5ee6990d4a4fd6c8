/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { renderPrejoin } from '../src/ui/prejoin-view.js';
import { visitorNotice } from '../src/ui/notice.js';
import { loadStrings, resolveStrings } from '../src/ui/strings.js';
import { canvasStream, devices, en, localMedia, mount, prejoinView, until } from './ui-fixtures.js';

const mountPrejoin = (patch: Parameters<typeof prejoinView>[0] = {}) => mount(renderPrejoin, prejoinView(patch));
/** The label's own words (its text nodes, not the options of the select inside it). */
const labelOf = (select: HTMLSelectElement) =>
  [...select.labels[0]!.childNodes]
    .filter((n) => n.nodeType === Node.TEXT_NODE)
    .map((n) => n.textContent)
    .join('')
    .trim();

describe('pre-join view', () => {
  before(() => loadStrings('fr-CA'));

  it('shows the live camera preview, mirrored', async () => {
    const ui = mountPrejoin({ local: localMedia({ stream: canvasStream() }) });
    const video = ui.$<HTMLVideoElement>('video[part="local-video"]');
    expect(video.hidden).to.equal(false);
    expect(video.muted).to.equal(true);
    expect(getComputedStyle(video).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
    await until(() => video.videoWidth > 0, 'a decoded frame');
    expect(ui.$('[part="preview"]').getAttribute('aria-label')).to.equal('Camera preview');
  });

  it('says the camera is starting until there is a stream, then shows initials while the camera is off', () => {
    const ui = mountPrejoin();
    expect(ui.$('.placeholder').textContent).to.equal('Starting camera…');
    ui.update({ local: localMedia({ stream: canvasStream(), cameraOn: false }) });
    expect(ui.$<HTMLVideoElement>('video[part="local-video"]').hidden).to.equal(true);
    expect(ui.$('[part="avatar"]').textContent).to.equal('AL');
  });

  it('opens nothing before it is asked: "Check camera" in the preview, no pickers until the devices are named', () => {
    const ui = mountPrejoin({
      local: localMedia({ asked: false }),
      devices: devices({
        cameras: [],
        microphones: [],
        speakers: [],
        cameraId: null,
        microphoneId: null,
        speakerId: null,
      }),
    });
    expect(ui.$$('video[part="local-video"]:not([hidden])')).to.have.length(0);
    expect(ui.$$('[part="device-pickers"]'), 'no "None found" before permission').to.have.length(0);
    const check = ui.$<HTMLButtonElement>('[part="check-camera-button"]');
    expect(check.textContent).to.equal('Check camera');
    check.click();
    expect(ui.calls.onCheckCamera).to.have.length(1);
    expect(ui.$('[part="join-button"]').textContent!.trim(), 'Join works without a preview').to.equal('Join');
  });

  it('says a full room or a lost service in plain words, with "Try again" and never "Join anyway"', () => {
    const full = visitorNotice('room_full', false, en);
    const ui = mountPrejoin({ issue: full });
    expect(ui.$('[part="notice"]').textContent).to.contain('This call is full.');
    expect(ui.$('[part="retry-button"]').textContent).to.equal('Try again');
    expect(ui.$('[part="join-button"]').textContent!.trim()).to.equal('Join');
    ui.update({ issue: visitorNotice('connection_failed', false, en) });
    expect(ui.$('[part="notice"]').getAttribute('role'), 'a passing state, not an alert').to.equal('status');
    expect(ui.$('[part="notice"]').textContent).to.contain('Trying again');
    expect(ui.$('[part="join-button"]').textContent!.trim()).to.equal('Join');
    for (const code of ['api_key_invalid', 'origin_not_allowed', 'protocol_unsupported']) {
      const text = visitorNotice(code, true, en).text;
      expect(text, code).to.equal("Video chat isn't available right now.");
    }
  });

  it('lists cameras, microphones and speakers in labelled pickers, and reports a choice', () => {
    const ui = mountPrejoin();
    const camera = ui.$<HTMLSelectElement>('select[part="camera-picker"]');
    const microphone = ui.$<HTMLSelectElement>('select[part="microphone-picker"]');
    const speaker = ui.$<HTMLSelectElement>('select[part="speaker-picker"]');
    expect([labelOf(camera), labelOf(microphone), labelOf(speaker)]).to.deep.equal(['Camera', 'Microphone', 'Speaker']);
    expect([...camera.options].map((o) => o.text)).to.deep.equal(['Front camera', 'Camera 2']);
    expect(camera.value).to.equal('cam-1');
    expect(speaker.value).to.equal('spk-1');

    camera.value = 'cam-2';
    camera.dispatchEvent(new Event('change'));
    speaker.value = 'spk-2';
    speaker.dispatchEvent(new Event('change'));
    microphone.dispatchEvent(new Event('change'));
    expect(ui.calls.onSelectCamera).to.deep.equal([['cam-2']]);
    expect(ui.calls.onSelectSpeaker).to.deep.equal([['spk-2']]);
    expect(ui.calls.onSelectMicrophone).to.deep.equal([['mic-1']]);
  });

  it('follows a device change made elsewhere, and offers no speaker picker where the browser cannot route audio', () => {
    const ui = mountPrejoin({ devices: devices({ speakers: [] }) });
    expect(ui.$$('select[part="speaker-picker"]')).to.have.length(0);
    expect(ui.$$('select')).to.have.length(2);
    ui.view.devices.cameraId = 'cam-2';
    ui.update({});
    expect(ui.$<HTMLSelectElement>('select[part="camera-picker"]').value).to.equal('cam-2');
  });

  it('disables a picker with no device in it', () => {
    const ui = mountPrejoin({ devices: devices({ cameras: [], cameraId: null }) });
    const camera = ui.$<HTMLSelectElement>('select[part="camera-picker"]');
    expect(camera.disabled).to.equal(true);
    expect(camera.options[0]!.text).to.equal('None found');
  });

  it('has a labelled name field of at most 64 characters that reports what is typed', async () => {
    const ui = mountPrejoin({ displayName: '' });
    const input = ui.$<HTMLInputElement>('input[part="name-input"]');
    expect(input.labels?.[0]?.textContent?.trim()).to.equal('Your name');
    expect(input.maxLength).to.equal(64);
    input.focus();
    await sendKeys({ type: 'Grace' });
    expect(ui.calls.onDisplayNameInput!.at(-1)).to.deep.equal(['Grace']);
    expect(input.value).to.equal('Grace');
  });

  it('toggles microphone and camera, each button saying what pressing it does', () => {
    const ui = mountPrejoin({ local: localMedia({ stream: canvasStream() }) });
    const mic = ui.$<HTMLButtonElement>('[part="microphone-button"]');
    const cam = ui.$<HTMLButtonElement>('[part="camera-button"]');
    const labels = () => [mic.getAttribute('aria-label'), cam.getAttribute('aria-label')];
    expect(labels()).to.deep.equal(['Turn microphone off', 'Turn camera off']);
    mic.click();
    cam.click();
    expect(ui.calls.onToggleMicrophone).to.have.length(1);
    expect(ui.calls.onToggleCamera).to.have.length(1);
    expect(labels()).to.deep.equal(['Turn microphone on', 'Turn camera on']);
    expect(mic.hasAttribute('aria-pressed')).to.equal(false);
    expect(ui.$<HTMLVideoElement>('video[part="local-video"]').hidden).to.equal(true);
  });

  it('disables the toggle of a missing device', () => {
    const ui = mountPrejoin({ local: localMedia({ hasCamera: false, cameraOn: false }) });
    expect(ui.$<HTMLButtonElement>('[part="camera-button"]').disabled).to.equal(true);
    expect(ui.$<HTMLButtonElement>('[part="microphone-button"]').disabled).to.equal(false);
  });

  it('joins on Join, and on Enter in the name field', async () => {
    const ui = mountPrejoin();
    const join = ui.$<HTMLButtonElement>('[part="join-button"]');
    expect(join.textContent!.trim()).to.equal('Join');
    join.click();
    expect(ui.calls.onJoin).to.have.length(1);
    ui.$('input[part="name-input"]').focus();
    await sendKeys({ press: 'Enter' });
    expect(ui.calls.onJoin).to.have.length(2);
  });

  it('says "Joining…" and does not join twice while joining', () => {
    const ui = mountPrejoin({ joining: true });
    const join = ui.$<HTMLButtonElement>('[part="join-button"]');
    expect(join.textContent!.trim()).to.equal('Joining…');
    expect(join.disabled).to.equal(true);
    join.click();
    expect(ui.calls.onJoin).to.equal(undefined);
  });

  it('explains a device problem, offers "Try again", and still lets the user "Join anyway"', () => {
    const issue = visitorNotice(
      'media_permission_denied',
      false,
      en,
      'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36',
    );
    const ui = mountPrejoin({
      issue,
      local: localMedia({ hasCamera: false, hasMicrophone: false, cameraOn: false, microphoneOn: false }),
    });
    const notice = ui.$('[part="notice"]');
    expect(notice.getAttribute('role')).to.equal('alert');
    expect(notice.dataset.code).to.equal('media_permission_denied');
    expect(notice.textContent).to.contain('Your camera and microphone are blocked.');
    expect(notice.textContent, 'how to allow them in this browser').to.contain('site settings');
    ui.$<HTMLButtonElement>('[part="retry-button"]').click();
    expect(ui.calls.onRetry).to.have.length(1);
    expect(ui.$('[part="retry-button"]').textContent).to.equal('Try again');
    expect(ui.$('[part="avatar"]').textContent, 'no endless "Starting camera…"').to.equal('AL');
    const join = ui.$<HTMLButtonElement>('[part="join-button"]');
    expect(join.textContent!.trim()).to.equal('Join anyway');
    join.click();
    expect(ui.calls.onJoin).to.have.length(1);
  });

  it('speaks the chosen language', () => {
    const ui = mountPrejoin({ strings: resolveStrings('fr-CA'), issue: { code: 'media_unavailable', text: '…' } });
    expect(ui.$('[part="join-button"]').textContent!.trim()).to.equal('Rejoindre quand même');
    expect(ui.$('[part="microphone-button"]').getAttribute('aria-label')).to.equal('Couper le micro');
    expect(labelOf(ui.$<HTMLSelectElement>('select[part="speaker-picker"]'))).to.equal('Haut-parleur');
  });
});
