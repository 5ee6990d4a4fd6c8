// The README's API tables are generated from custom-elements.json by scripts/element-docs.mjs (run by
// `npm run build`); a README edited by hand between the markers, or not regenerated, fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { elementTables, MANIFEST, README, renderReadme } from '../../../scripts/element-docs.mjs';

const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
const readme = readFileSync(README, 'utf8');

test('the README holds every table the manifest makes, as the manifest makes it', () => {
  for (const [name, body] of Object.entries(elementTables(manifest))) {
    assert.ok(
      readme.includes(`<!-- manifest:${name} -->\n${body}\n<!-- /manifest:${name} -->`),
      `README table ${name} differs from the manifest: run \`npm run build\``,
    );
  }
  assert.equal(renderReadme(readme, manifest), readme);
});

test('a change to the manifest shows in the README it renders', () => {
  const changed = structuredClone(manifest);
  const element = changed.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'video-chat-widget');
  element.cssParts = element.cssParts.filter((p) => p.name !== 'leave-button');
  const rendered = renderReadme(readme, changed);
  assert.notEqual(rendered, readme);
  assert.ok(readme.includes('| `leave-button` |') && !rendered.includes('| `leave-button` |'));
});
