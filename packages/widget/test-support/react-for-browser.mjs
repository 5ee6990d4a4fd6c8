// React ships CommonJS only, which a browser cannot import. For the @vcw/widget/react tests this bundles
// `react`, `react-dom` and `react-dom/client` with Rollup (on first use) into ES modules, and points those imports
// at them. Only default imports work (`import React from 'react'`), as in Node.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import { rollup } from 'rollup';

const PREFIX = '/__vcw/react/';
/** Output file name (without `.js`) → the import it stands for. */
const ENTRIES = { react: 'react', 'react-dom': 'react-dom', 'react-dom-client': 'react-dom/client' };

async function bundle() {
  const build = await rollup({
    input: ENTRIES,
    plugins: [
      replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('development') } }),
      nodeResolve({ browser: true }),
      commonjs(),
    ],
  });
  try {
    const { output } = await build.generate({
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
    });
    return new Map(output.filter((file) => file.type === 'chunk').map((file) => [PREFIX + file.fileName, file.code]));
  } finally {
    await build.close();
  }
}

export function reactForBrowser() {
  let files = null;
  return {
    name: 'vcw-react-for-browser',
    resolveImport({ source }) {
      const name = Object.keys(ENTRIES).find((key) => ENTRIES[key] === source);
      if (name) return `${PREFIX}${name}.js`;
    },
    async serve(context) {
      if (!context.path.startsWith(PREFIX)) return;
      files ??= bundle();
      const code = (await files).get(context.path);
      if (code !== undefined) return { body: code, type: 'js' };
    },
  };
}
