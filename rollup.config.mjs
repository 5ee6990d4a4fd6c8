// Builds the script-tag file: packages/widget/dist/widget.js, one minified ES module with Lit and
// socket.io-client inside. What the element loads later with `import()` (stats panel, effects, recording)
// becomes a file of its own under dist/chunks/, fetched from next to widget.js only when needed.
// (The npm ESM build is tsc's output in packages/widget/dist/src.)
import { rmSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { minifyTemplates } from './scripts/minify-templates.mjs';

const OUT_DIR = 'packages/widget/dist';
/** Lazy chunks; their names carry a content hash, so the service may cache them for ever. */
const CHUNKS_DIR = 'chunks';

/** The first file a page loads must stay small: the build fails above this many gzip bytes. */
// 44 KiB: WebRTC-less browsers, sender-side quality, the accessibility hooks and Safari's sound rules (issue 13), the
// layout, notices and pre-join of issue 12, the host and knock hooks (issue 18), taking a seat back through another
// node with a resume token (issue 17), and the link made ahead for the next newcomer (issue 16's call setup); the
// call's views, host powers, matching, recording and effects are lazy chunks, fetched when used (the call's as the visitor goes to Join). Brotli,
// as served, it is ~38 KiB: all the JavaScript a visitor loads before the pre-join shows (bench/page-weight.mjs).
const GZIP_BUDGET_BYTES = 44 * 1024;

/** Prints the gzip size of each file and fails the build when the entry (widget.js) is over budget. */
function sizeReport() {
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  return {
    name: 'size-report',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        const gzip = gzipSync(file.code, { level: 9 }).length;
        const br = brotliCompressSync(file.code, {
          params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
        }).length;
        const entry = file.isEntry && file.name === 'widget';
        const what = entry ? `entry, budget ${kib(GZIP_BUDGET_BYTES)} gzip` : 'lazy chunk';
        console.log(
          `${file.fileName}: ${kib(Buffer.byteLength(file.code))} minified, ${kib(gzip)} gzip, ${kib(br)} brotli (${what})`,
        );
        if (entry && gzip > GZIP_BUDGET_BYTES) {
          this.error(`${file.fileName} is ${gzip} bytes gzip, over the ${GZIP_BUDGET_BYTES}-byte budget.`);
        }
      }
    },
  };
}

/**
 * The widget connects over WebSocket, falling back to long-polling; Engine.IO's WebTransport transport is
 * never asked for, so its transport table is cut to the two in use (about 0.4 KiB gzip).
 */
function twoTransports() {
  return {
    name: 'two-transports',
    load(id) {
      if (!/engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]index\.js$/.test(id)) return null;
      return 'import { XHR } from "./polling-xhr.js";\nimport { WS } from "./websocket.js";\nexport const transports = { websocket: WS, polling: XHR };\n';
    },
  };
}

/**
 * Writes `NAME.br` (brotli, best quality) and `NAME.gz` beside each script, so the service sends them
 * compressed without compressing on a request (it checks they decode to the script before using them).
 */
function precompress() {
  return {
    name: 'precompress',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        const code = Buffer.from(file.code);
        const br = brotliCompressSync(code, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: code.length,
          },
        });
        this.emitFile({ type: 'asset', fileName: `${file.fileName}.br`, source: br });
        this.emitFile({ type: 'asset', fileName: `${file.fileName}.gz`, source: gzipSync(code, { level: 9 }) });
      }
    },
  };
}

/**
 * `new URL('./NAME-worker.js', import.meta.url)` in the widget's code: the worker module becomes a chunk of
 * its own (an entry: nothing imports it, a worker does), and the expression points at that chunk.
 */
function workerChunks() {
  const pattern = /new URL\((['"])(\.\/[\w-]+-worker\.js)\1, import\.meta\.url\)/g;
  return {
    name: 'worker-chunks',
    async transform(code, id) {
      let out = code;
      for (const match of code.matchAll(pattern)) {
        const resolved = await this.resolve(match[2], id);
        if (!resolved) this.error(`cannot resolve the worker module ${match[2]} from ${id}`);
        const ref = this.emitFile({ type: 'chunk', id: resolved.id, name: match[2].slice(2, -3) });
        out = out.replace(match[0], `new URL(import.meta.ROLLUP_FILE_URL_${ref})`);
      }
      return out === code ? null : { code: out, map: null };
    },
  };
}

/** Chunks of earlier builds have other hashes: remove them so dist/ holds only what widget.js can load. */
function cleanChunks() {
  return {
    name: 'clean-chunks',
    renderStart() {
      rmSync(`${OUT_DIR}/${CHUNKS_DIR}`, { recursive: true, force: true });
    },
  };
}

export default {
  input: { widget: 'packages/widget/dist/src/index.js' },
  // Code shared by widget.js and a lazy chunk stays in widget.js (the chunk imports it from `../widget.js`);
  // without this, Rollup would move it to a third file and leave widget.js a stub that loads it, costing a
  // round trip on every page.
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: OUT_DIR,
    format: 'es',
    sourcemap: true,
    // widget.js keeps its name (pages link it); a worker's entry is a lazy chunk like the others.
    entryFileNames: (chunk) => (chunk.name === 'widget' ? '[name].js' : `${CHUNKS_DIR}/[name]-[hash].js`),
    chunkFileNames: `${CHUNKS_DIR}/[name]-[hash].js`,
  },
  plugins: [
    nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
    minifyTemplates(),
    twoTransports(),
    workerChunks(),
    terser({ module: true, ecma: 2020, compress: { passes: 3 }, format: { comments: false } }),
    cleanChunks(),
    sizeReport(),
    precompress(),
  ],
};
