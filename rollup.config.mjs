// Builds the script-tag file: packages/widget/dist/widget.js, one minified ES module with Lit and
// socket.io-client inside. (The npm ESM build is tsc's output in packages/widget/dist/src.)
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

/** The first file a page loads must stay small: the build fails above this many gzip bytes. */
const GZIP_BUDGET_BYTES = 40 * 1024;

/** Prints the gzip size of each chunk and fails the build over budget. */
function sizeReport() {
  return {
    name: 'size-report',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        const raw = Buffer.byteLength(file.code);
        const gzip = gzipSync(file.code, { level: 9 }).length;
        console.log(`${file.fileName}: ${(raw / 1024).toFixed(1)} KiB minified, ${(gzip / 1024).toFixed(1)} KiB gzip (budget ${GZIP_BUDGET_BYTES / 1024} KiB)`);
        if (file.isEntry && gzip > GZIP_BUDGET_BYTES) {
          this.error(`${file.fileName} is ${gzip} bytes gzip, over the ${GZIP_BUDGET_BYTES}-byte budget.`);
        }
      }
    },
  };
}

export default {
  input: 'packages/widget/dist/src/index.js',
  output: {
    file: 'packages/widget/dist/widget.js',
    format: 'es',
    sourcemap: true,
  },
  plugins: [
    nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
    terser({ module: true, ecma: 2020, format: { comments: false } }),
    sizeReport(),
  ],
};
