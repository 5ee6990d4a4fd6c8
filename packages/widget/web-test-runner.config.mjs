// Component tests in real Chromium (Debian's), against the real service booted by the plugin below.
import { fileURLToPath } from 'node:url';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { countReporter } from './test-support/count-reporter.mjs';
import { reactForBrowser } from './test-support/react-for-browser.mjs';
import { vcwService } from './test-support/wtr-service-plugin.mjs';

const launcher = (options) =>
  chromeLauncher({ launchOptions: { executablePath: chromiumPath, headless: true, args: chromiumArgs(options) } });
const repo = fileURLToPath(new URL('../..', import.meta.url));
const tests = fileURLToPath(new URL('dist/test', import.meta.url));
const DENIED = `${tests}/permission-denied.test.js`;
const NO_CAMERA = `${tests}/no-camera.test.js`;

export default {
  rootDir: repo,
  hostname: '127.0.0.1',
  files: [`${tests}/**/*.test.js`, `!${DENIED}`, `!${NO_CAMERA}`],
  nodeResolve: { browser: true, exportConditions: ['browser', 'production'] },
  browsers: [launcher()],
  groups: [
    // A browser whose every camera/microphone prompt is answered "block", as a user would.
    { name: 'media-denied', files: DENIED, browsers: [launcher({ mediaPermission: 'deny' })] },
    // A browser with a microphone but no usable camera.
    { name: 'no-camera', files: NO_CAMERA, browsers: [launcher({ camera: 'missing' })] },
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 180000,
  plugins: [reactForBrowser(), vcwService()],
  reporters: [defaultReporter(), countReporter(process.env.VCW_COUNTS_FILE)],
};
