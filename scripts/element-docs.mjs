// The widget README's API tables, generated from custom-elements.json (itself generated from the element's
// class: its fields, methods and JSDoc tags). Each table sits between `<!-- manifest:NAME -->` and
// `<!-- /manifest:NAME -->`; everything else in the README is written by hand. Run by the widget's
// `manifest` script (so by `npm run build`); `--check` exits 1 when the README is not what the manifest makes,
// and packages/widget/test-node/readme-tables.test.mjs fails then too.
//
//   node scripts/element-docs.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const widgetDir = new URL('../packages/widget/', import.meta.url);
export const README = new URL('README.md', widgetDir);
export const MANIFEST = new URL('custom-elements.json', widgetDir);

/** The `<video-chat-widget>` declaration of a manifest. */
export function widgetDeclaration(manifest) {
  const element = manifest.modules
    .flatMap((m) => m.declarations ?? [])
    .find((d) => d.customElement && d.tagName === 'video-chat-widget');
  if (!element) throw new Error('custom-elements.json declares no <video-chat-widget>');
  return element;
}

const cell = (text) =>
  (text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replaceAll('|', '\\|')
    .trim();
const code = (text) => `\`${text}\``;
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

/** `'low' | 'medium'` → `low` · `medium`; other types as code. */
function values(type) {
  const text = type?.text ?? '';
  const literals = text.split(' | ').map((t) => /^'([^']*)'$/.exec(t)?.[1]);
  if (literals.every((l) => l !== undefined)) return literals.filter(Boolean).map(code).join(' · ');
  return code(text);
}

/** A default as written in the source (`'medium'`, `false`), or nothing for an empty one. */
function defaultOf(text) {
  if (text === undefined || text === "''" || text === '{}') return '';
  return code(/^'(.*)'$/.exec(text)?.[1] ?? text);
}

const isPublic = (member) => !member.privacy || member.privacy === 'public';

/** Every table, by the name its markers use. */
export function elementTables(manifest) {
  const element = widgetDeclaration(manifest);
  const attributeFields = new Set(element.attributes.map((a) => a.fieldName));
  const fields = element.members.filter(
    (m) => m.kind === 'field' && isPublic(m) && !m.static && !attributeFields.has(m.name),
  );
  const methods = element.members.filter((m) => m.kind === 'method' && isPublic(m) && !m.static);
  const signature = (m) =>
    `${m.name}(${(m.parameters ?? []).map((p) => p.name).join(', ')})${m.return?.type?.text ? `: ${m.return.type.text}` : ''}`;
  return {
    attributes: table(
      ['attribute', 'property', 'values', 'default', 'meaning'],
      element.attributes.map((a) => [
        code(a.name),
        code(a.fieldName),
        values(a.type),
        defaultOf(a.default),
        a.description,
      ]),
    ),
    properties: table(
      ['property', 'type', 'meaning'],
      fields.map((f) => [code(f.name) + (f.readonly ? ' (read-only)' : ''), code(f.type?.text ?? ''), f.description]),
    ),
    methods: table(
      ['method', 'does'],
      methods.map((m) => [code(signature(m)), m.description]),
    ),
    events: table(
      ['event', 'class', 'detail'],
      element.events.map((e) => [code(e.name), code(e.type?.text ?? ''), e.description]),
    ),
    parts: table(
      ['part', 'element'],
      element.cssParts.map((p) => [code(p.name), p.description]),
    ),
    'css-properties': table(
      ['custom property', 'light · dark default', 'used for'],
      element.cssProperties.map((p) => [
        code(p.name),
        (p.default ?? '').split(' · ').map(code).join(' · '),
        p.description,
      ]),
    ),
  };
}

/** The README with every marked table replaced by the manifest's; throws on a marker without its end. */
export function renderReadme(readme, manifest) {
  const tables = elementTables(manifest);
  let out = readme;
  for (const [name, body] of Object.entries(tables)) {
    const start = `<!-- manifest:${name} -->`;
    const end = `<!-- /manifest:${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`);
    out = `${out.slice(0, from + start.length)}\n${body}\n${out.slice(to)}`;
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  const readme = readFileSync(README, 'utf8');
  const rendered = renderReadme(readme, manifest);
  if (process.argv.includes('--check')) {
    if (rendered !== readme) {
      console.error('packages/widget/README.md differs from custom-elements.json: run `npm run build`.');
      process.exit(1);
    }
  } else if (rendered !== readme) {
    writeFileSync(README, rendered);
  }
}
