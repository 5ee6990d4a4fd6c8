// How every browser test and benchmark launches Chromium: the Debian binary (never a downloaded one), fake
// camera and microphone, loopback allowed for WebRTC, nothing that phones home.
import { existsSync } from 'node:fs';

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Whether the browser is installed; browser suites are skipped (or fail under CI) without it. */
export const chromiumAvailable = () => existsSync(chromiumPath);

/**
 * Flags for a headless Chromium with fake devices. `mediaPermission: 'deny'` answers every device prompt with
 * "block"; `camera: 'missing'` leaves the browser with a microphone but no usable camera; `cameraFile` (a Y4M
 * file) is what the camera shows instead of its moving pattern.
 */
export function chromiumArgs({ mediaPermission = 'allow', camera = 'present', cameraFile = '' } = {}) {
  return [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-device-for-media-stream',
    mediaPermission === 'deny' ? '--use-fake-ui-for-media-stream=deny' : '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    // The fake camera reads frames from this file; when it does not exist, opening the camera fails (NotFoundError).
    ...(camera === 'missing' ? ['--use-file-for-fake-video-capture=/nonexistent/no-camera.y4m'] : []),
    ...(cameraFile ? [`--use-file-for-fake-video-capture=${cameraFile}`] : []),
  ];
}
