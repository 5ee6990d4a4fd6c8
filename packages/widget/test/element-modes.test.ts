/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { ofType } from './call-helpers.js';
import { mount, part, service, until } from './helpers.js';
import { MATCH_EVENTS, uniqueQueue } from './match-helpers.js';

describe('<video-chat-widget> mode and queue attributes', () => {
  const attributes = async (extra: Record<string, string>) => {
    const { serviceUrl, publishableKey } = await service();
    return { 'api-key': publishableKey, server: serviceUrl, ...extra };
  };

  it('refuses an unknown mode with a fatal configuration_invalid that names the valid ones, and starts once it is fixed', async () => {
    const { widget, events } = mount(await attributes({ mode: 'lobby', queue: uniqueQueue() }), MATCH_EVENTS);
    await until(() => widget.state === 'error', 'the error state');
    expect(ofType(events, 'vc-error').map((e) => e.detail)).to.deep.equal([
      {
        code: 'configuration_invalid',
        message: 'mode="lobby" is not one of room, random, support, agent.',
        fatal: true,
      },
    ]);
    await widget.updateComplete;
    // The site owner's detail is in vc-error; the visitor reads plain words.
    expect(part(widget, '[part="notice"]')!.textContent).to.contain("Video chat isn't available right now.");
    widget.mode = 'random';
    await until(() => widget.state === 'prejoin' && part(widget, '[part="join-button"]'), 'the pre-join screen');
    expect(part(widget, '[part="notice"]')).to.equal(null);
  });

  it('refuses a queue name the service would not take', async () => {
    for (const queue of ['', 'has space', '-leading-dash', 'x'.repeat(65)]) {
      const { widget, events } = mount(await attributes({ mode: 'support', queue }), MATCH_EVENTS);
      await until(() => widget.state === 'error', `the error state for queue="${queue}"`);
      expect(ofType(events, 'vc-error')[0]!.detail, queue).to.deep.equal({
        code: 'configuration_invalid',
        message: `queue="${queue}" is not a valid queue name.`,
        fatal: true,
      });
    }
  });

  it('needs no room attribute in a matching mode, and no queue attribute (the default queue)', async () => {
    const { widget, events } = mount(await attributes({ mode: 'random' }), MATCH_EVENTS);
    await until(() => widget.state === 'prejoin', 'the pre-join screen');
    expect(widget.mode).to.equal('random');
    expect(widget.queue).to.equal('default');
    expect(ofType(events, 'vc-error')).to.deep.equal([]);
  });
});
