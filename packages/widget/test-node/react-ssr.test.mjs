// `@vcw/widget/react` on a server (Next.js, Remix…): importing it in Node must not crash, and server rendering
// emits the custom element's tag. Element properties (room, apiKey, handlers) are applied in the browser, after
// hydration; the browser side is tested in packages/widget/test/react.test.ts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import React from 'react';
import { renderToString } from 'react-dom/server';
import { VideoChatWidget } from '@vcw/widget/react';

test('the ./react export resolves to built code and types', () => {
  const { exports } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  for (const file of Object.values(exports['./react']))
    assert.ok(existsSync(new URL(`../${file}`, import.meta.url)), file);
});

test('server rendering emits <video-chat-widget> with its plain attributes', () => {
  assert.equal(VideoChatWidget.displayName, 'VideoChatWidget');
  const html = renderToString(
    React.createElement(VideoChatWidget, {
      room: 'x',
      apiKey: 'pk_test',
      className: 'call',
      id: 'support',
      onError: () => {},
    }),
  );
  assert.match(html, /^<video-chat-widget class="call" id="support"><\/video-chat-widget>$/);
});
