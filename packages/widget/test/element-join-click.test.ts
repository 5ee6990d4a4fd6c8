/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { CallEngine } from '../src/engine/call-engine.js';
import { part, until } from './helpers.js';
import { preJoinWithPreview } from './lazy-code.js';

describe('<video-chat-widget> Join', () => {
  it('sends the join in the click, before anything of it is drawn, when the pre-join prepared the call', async () => {
    const widget = await preJoinWithPreview();
    const engine = (widget as unknown as { engine: CallEngine }).engine;
    await until(() => engine.service?.connected && engine.service.session, 'the connection to the service');
    // What the widget shows (its state) as each room:join leaves the page.
    const sentAt: string[] = [];
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data) {
      if (typeof data === 'string' && data.includes('"room:join"')) sentAt.push(widget.state);
      send.call(this, data);
    };
    try {
      part<HTMLButtonElement>(widget, '[part="join-button"]')!.click();
      expect(sentAt, 'sent before the click returned, the pre-join still shown').to.deep.equal(['prejoin']);
    } finally {
      WebSocket.prototype.send = send;
    }
    await until(() => widget.state === 'connected', 'seated');
  });
});
