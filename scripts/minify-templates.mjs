// A Rollup plugin that shrinks the static text of Lit's `css` and `html` tagged templates, which the
// JavaScript minifier must leave as they are: indentation, line breaks and CSS comments. Only the literal
// parts change, never an interpolation.
//   css:  comments go, whitespace runs become one space, and the spaces next to `{ } ; , :` and `>` go
//         (a space before `:` stays: `a :hover` and `a:hover` differ).
//   html: a line break with its indentation becomes one space (the browser collapses it to that anyway).
import MagicString from 'magic-string';

const squeezeCss = (text) =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':');

const squeezeHtml = (text) => text.replace(/\s*\n\s*/g, ' ');

const SQUEEZE = { css: squeezeCss, html: squeezeHtml, svg: squeezeHtml };

/** Every node of an ESTree, depth first. */
function* nodes(node) {
  if (!node || typeof node.type !== 'string') return;
  yield node;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) yield* nodes(child);
    else if (value && typeof value === 'object') yield* nodes(value);
  }
}

export function minifyTemplates({ include = /[\\/]packages[\\/]widget[\\/]dist[\\/]src[\\/]/ } = {}) {
  return {
    name: 'minify-templates',
    transform(code, id) {
      if (!include.test(id) || !/\b(css|html|svg)\s*`/.test(code)) return null;
      const out = new MagicString(code);
      for (const node of nodes(this.parse(code))) {
        if (node.type !== 'TaggedTemplateExpression' || node.tag.type !== 'Identifier') continue;
        const squeeze = SQUEEZE[node.tag.name];
        if (!squeeze) continue;
        for (const quasi of node.quasi.quasis) {
          const raw = quasi.value.raw;
          const small = squeeze(raw);
          if (small !== raw && quasi.end > quasi.start) out.overwrite(quasi.start, quasi.end, small);
        }
      }
      return out.hasChanged() ? { code: out.toString(), map: out.generateMap({ hires: true }) } : null;
    },
  };
}
