/// <reference types="mocha" />
// `@vcw/widget/react` in a React 19 app: props reach the element as properties, `on…` props receive its events.
import { expect } from '@esm-bundle/chai';
import React from 'react';
import ReactDOM from 'react-dom';
import ReactDOMClient from 'react-dom/client';
import type { VideoChatWidget as VideoChatWidgetElement } from '../src/element/video-chat-widget.js';
import type { VcErrorEvent, VcJoinEvent } from '../src/events/index.js';
import { VideoChatWidget, type VideoChatWidgetProps } from '../src/react.js';
import { service, uniqueRoom, until } from './helpers.js';

describe('@vcw/widget/react', () => {
  let container: HTMLElement;
  let root: ReactDOMClient.Root;
  /** Renders and commits at once, as React does for a user's click. */
  const render = (props: VideoChatWidgetProps): VideoChatWidgetElement => {
    ReactDOM.flushSync(() => root.render(React.createElement(VideoChatWidget, props)));
    return container.querySelector('video-chat-widget')!;
  };

  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
    root = ReactDOMClient.createRoot(container);
  });

  afterEach(async () => {
    await container.querySelector('video-chat-widget')?.leave();
    root.unmount();
    container.remove();
  });

  it('renders the defined element with its props as properties, and onJoin receives vc-join', async () => {
    const { serviceUrl, publishableKey } = await service();
    const room = uniqueRoom();
    const joins: VcJoinEvent[] = [];
    const widget = render({
      apiKey: publishableKey,
      server: serviceUrl,
      room,
      displayName: 'Ada',
      className: 'call',
      onJoin: (e) => joins.push(e),
    });
    expect(widget).to.be.instanceOf(customElements.get('video-chat-widget')!);
    expect(widget.className).to.equal('call');
    expect([widget.apiKey, widget.server, widget.room, widget.displayName]).to.deep.equal([
      publishableKey,
      serviceUrl,
      room,
      'Ada',
    ]);
    await until(() => widget.state === 'prejoin', 'prejoin');
    await widget.join();
    await until(() => joins.length === 1, 'onJoin');
    expect(joins[0]!.detail.room).to.equal(room);
  });

  it('onError receives vc-error, and a new onError replaces the old one', async () => {
    const first: VcErrorEvent[] = [];
    // No api-key: the element reports configuration_invalid as soon as it is on the page.
    const widget = render({ room: 'lobby', onError: (e) => first.push(e) });
    await until(() => first.length === 1, 'onError');
    expect(first[0]!.detail).to.include({ code: 'configuration_invalid', fatal: true });

    const second: VcErrorEvent[] = [];
    expect(render({ room: 'lobby', onError: (e) => second.push(e) })).to.equal(widget);
    widget.dispatchEvent(
      new CustomEvent('vc-error', {
        detail: { code: 'internal', message: 'probe', fatal: false },
        bubbles: true,
        composed: true,
      }),
    );
    expect(second.map((e) => e.detail.message)).to.deep.equal(['probe']);
    expect(first).to.have.length(1);
  });
});
