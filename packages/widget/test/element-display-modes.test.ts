/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { clickPart, twoInCall } from './call-helpers.js';
import { part, until } from './helpers.js';

describe('<video-chat-widget> full screen and picture-in-picture', () => {
  it('puts the whole widget in full screen from its button, and follows the browser leaving it', async () => {
    const { a } = await twoInCall();
    await clickPart(a.widget, '[part="fullscreen-button"]');
    await until(() => document.fullscreenElement === a.widget, 'the widget in full screen');
    await until(
      () => part(a.widget, '[part="fullscreen-button"]')?.getAttribute('aria-pressed') === 'true',
      'the button pressed',
    );
    await document.exitFullscreen(); // as Esc would
    await until(
      () => part(a.widget, '[part="fullscreen-button"]')?.getAttribute('aria-pressed') === 'false',
      'the button released',
    );
  });

  it('floats the remote video in picture-in-picture, and back', async () => {
    const { a, b } = await twoInCall();
    await clickPart(a.widget, '[part="pip-button"]');
    await until(() => document.pictureInPictureElement, 'a floating video');
    const floating = a.widget.shadowRoot!.pictureInPictureElement as HTMLVideoElement;
    expect(floating.getAttribute('data-peer-id')).to.equal(b.peerId);
    await until(
      () => part(a.widget, '[part="pip-button"]')?.getAttribute('aria-pressed') === 'true',
      'the button pressed',
    );
    await clickPart(a.widget, '[part="pip-button"]');
    await until(() => !document.pictureInPictureElement, 'the floating video closed');
    await until(
      () => part(a.widget, '[part="pip-button"]')?.getAttribute('aria-pressed') === 'false',
      'the button released',
    );
  });
});
