/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { emulateMedia } from '@web/test-runner-commands';
import { renderCall } from '../src/ui/call-view.js';
import { recordingEn, withRecordingStrings } from '../src/ui/recording-strings.js';
import { adoptRecordingStyles } from '../src/ui/recording-styles.js';
import { renderRecordButton, renderRecordingStatus } from '../src/ui/recording-view.js';
import { loadStrings, resolveStrings } from '../src/ui/strings.js';
import type { CallView, RecordingView } from '../src/ui/view-model.js';
import { callView, mount, recordingView } from './ui-fixtures.js';

/** A call whose control bar and status bar carry the recording views, re-rendered after each callback. */
function recordingCall(recording: RecordingView = recordingView()) {
  const draw = (view: CallView & { rec: RecordingView }) =>
    renderCall({
      ...view,
      recording: { control: renderRecordButton(view.rec), status: renderRecordingStatus(view.rec) },
    });
  const ui = mount(draw, { ...callView(), rec: recording });
  adoptRecordingStyles(ui.root);
  ui.track(recording);
  return ui;
}

const visible = (element: Element): boolean =>
  element.getBoundingClientRect().height > 0 && getComputedStyle(element).visibility !== 'hidden';

describe('call view: recording', () => {
  it('puts a labelled record toggle after screen share, before the panels', () => {
    const ui = recordingCall();
    const parts = ui.$$('[part="controls"] button').map((b) => b.getAttribute('part'));
    expect(parts.slice(2, 5)).to.deep.equal(['screen-share-button', 'record-button', 'chat-button']);
    const button = ui.$<HTMLButtonElement>('[part="record-button"]');
    expect(button.getAttribute('aria-label')).to.equal('Record the call');
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    expect(button.type).to.equal('button');
    expect(button.querySelector('svg')?.getAttribute('aria-hidden')).to.equal('true');
  });

  it('asks for consent on click, says it waits for everyone, and cannot be clicked again meanwhile', () => {
    const ui = recordingCall();
    ui.$('[part="record-button"]').click();
    expect(ui.calls.onToggleRecording).to.have.length(1);
    const pending = ui.$('[part="recording-pending"]');
    expect(pending.textContent).to.equal('Waiting for everyone to agree to the recording…');
    expect(pending.getAttribute('role')).to.equal('status');
    expect(ui.$<HTMLButtonElement>('[part="record-button"]').disabled).to.equal(true);
    expect(ui.$$('[part="recording-indicator"]')).to.have.length(0, 'no indicator before everyone agreed');
  });

  it('shows the red indicator to whoever records, and a pressed button that stops it', () => {
    const ui = recordingCall(recordingView({ recording: true, active: { self: true } }));
    const indicator = ui.$('[part="recording-indicator"]');
    expect(visible(indicator)).to.equal(true);
    expect(indicator.getAttribute('role')).to.equal('status');
    expect(indicator.dataset.self).to.equal('true');
    expect(indicator.title).to.equal('You are recording this call');
    expect(getComputedStyle(indicator).backgroundColor).to.equal('rgb(220, 38, 38)'); // --vc-danger, light theme
    const button = ui.$<HTMLButtonElement>('[part="record-button"]');
    expect(button.getAttribute('aria-pressed')).to.equal('true');
    expect(button.disabled).to.equal(false);
    button.click();
    expect(ui.calls.onToggleRecording).to.have.length(1);
    expect(ui.$$('[part="recording-indicator"]')).to.have.length(0);
  });

  it('shows the others who records, and keeps their record button disabled meanwhile', () => {
    const ui = recordingCall(recordingView({ active: { self: false, by: 'Grace Hopper' } }));
    const indicator = ui.$('[part="recording-indicator"]');
    expect(indicator.textContent).to.contain('Recording');
    expect(indicator.textContent).to.contain('Grace Hopper is recording this call');
    expect(indicator.title).to.equal('Grace Hopper is recording this call');
    expect(indicator.dataset.self).to.equal('false');
    expect(ui.$<HTMLButtonElement>('[part="record-button"]').disabled).to.equal(true);
  });

  it('asks this participant with Allow and Decline, and answers the request shown', () => {
    for (const [button, accept] of [
      ['recording-allow-button', true],
      ['recording-decline-button', false],
    ] as const) {
      const ui = recordingCall(recordingView({ ask: { requestId: 'rec_abcdefghijkl', by: 'Grace Hopper' } }));
      const prompt = ui.$('[part="recording-consent"]');
      expect(visible(prompt)).to.equal(true);
      const text = ui.$('#recording-consent-text');
      expect(prompt.getAttribute('aria-labelledby')).to.equal(text.id);
      expect(text.textContent).to.equal('Grace Hopper wants to record this call: everyone’s video and sound.');
      expect(text.getAttribute('role')).to.equal('alert');
      expect(ui.$(`[part="recording-allow-button"]`).textContent).to.equal('Allow');
      expect(ui.$(`[part="recording-decline-button"]`).textContent).to.equal('Decline');
      ui.$(`[part="${button}"]`).click();
      expect(ui.calls.onAnswer).to.deep.equal([['rec_abcdefghijkl', accept]]);
      expect(ui.$$('[part="recording-consent"]')).to.have.length(0, 'the prompt closes once answered');
    }
  });

  it('lets someone in another’s recording leave it, says they are left out, and takes them back in', () => {
    const ui = recordingCall(recordingView({ active: { self: false, by: 'Grace Hopper' }, included: true }));
    expect(ui.$$('[part="recording-left-out"]')).to.have.length(0);
    const leave = ui.$('[part="recording-leave-out-button"]');
    expect(leave.textContent).to.equal('Leave me out');
    leave.click();
    expect(ui.calls.onSetIncluded).to.deep.equal([[false]]);
    expect(ui.$('[part="recording-indicator"]').textContent, 'the recording goes on').to.contain(
      'Grace Hopper is recording this call',
    );
    expect(ui.$('[part="recording-left-out"]').textContent).to.equal('You are left out of the recording');
    expect(ui.$$('[part="recording-leave-out-button"]')).to.have.length(0);
    ui.$('[part="recording-include-button"]').click();
    expect(ui.calls.onSetIncluded).to.deep.equal([[false], [true]]);
    expect(ui.$$('[part="recording-left-out"]')).to.have.length(0);
    expect(ui.$('[part="recording-leave-out-button"]').textContent).to.equal('Leave me out');
  });

  it('offers the last recording for download, named and with its duration', () => {
    const url = URL.createObjectURL(new Blob(['x'], { type: 'video/webm' }));
    const ui = recordingCall(
      recordingView({ download: { url, fileName: 'call-recording-2026-01-02-10-20-30.webm', durationMs: 65_400 } }),
    );
    const link = ui.$<HTMLAnchorElement>('[part="recording-download"]');
    expect(link.href).to.equal(url);
    expect(link.download).to.equal('call-recording-2026-01-02-10-20-30.webm');
    expect(link.textContent).to.equal('Download the recording (1:05)');
    URL.revokeObjectURL(url);
  });

  it('adds no bar above the tiles while there is nothing to say', () => {
    const ui = recordingCall();
    expect(ui.$$('.recording-bar')).to.have.length(0);
  });

  it('speaks the call’s language, and lets overrides win', async () => {
    await loadStrings('fr');
    const fr = withRecordingStrings(resolveStrings('fr', { allowRecording: 'Oui' } as never));
    const ui = recordingCall(
      recordingView({
        strings: fr,
        ask: { requestId: 'rec_abcdefghijkl', by: 'Ada' },
        active: { self: false, by: 'Ada' },
      }),
    );
    expect(ui.$('[part="record-button"]').getAttribute('aria-label')).to.equal('Enregistrer l’appel');
    expect(ui.$('[part="recording-allow-button"]').textContent).to.equal('Oui');
    expect(ui.$('[part="recording-decline-button"]').textContent).to.equal('Refuser');
    expect(ui.$('[part="recording-indicator"]').title).to.equal('Ada enregistre cet appel');
    expect(withRecordingStrings(resolveStrings('zz')).record).to.equal(recordingEn.record);
  });

  it('holds still under prefers-reduced-motion: no pulsing recording dot, no fading speaker outline', async () => {
    const ui = recordingCall(recordingView({ active: { self: false, by: 'Grace' }, included: true }));
    const dot = ui.$('[part="recording-indicator"] i');
    const tile = ui.$('[part~="tile"]');
    expect([getComputedStyle(dot).animationName, getComputedStyle(tile).transitionDuration]).to.deep.equal([
      'vc-recording',
      '0.2s',
    ]);
    await emulateMedia({ reducedMotion: 'reduce' });
    try {
      expect([getComputedStyle(dot).animationName, getComputedStyle(tile).transitionDuration]).to.deep.equal([
        'none',
        '0s',
      ]);
    } finally {
      await emulateMedia({ reducedMotion: 'no-preference' });
    }
  });
});
