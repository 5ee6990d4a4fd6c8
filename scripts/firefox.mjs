// How the browser tests launch Firefox: Debian's firefox-esr (never a downloaded one), driven by puppeteer-core
// over WebDriver BiDi, in a fresh profile with fake camera and microphone and loopback allowed for WebRTC.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

export const firefoxPath = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

/** Whether Firefox is installed; its tests are skipped with one line without it (under CI, a failure). */
export const firefoxAvailable = () => existsSync(firefoxPath);

/** Why the Firefox tests cannot run here, in one line. */
export const firefoxMissing = () =>
  `Firefox not found at ${firefoxPath} (install it with \`apt-get install firefox-esr\` or set FIREFOX_PATH)`;

/** Preferences of a headless Firefox with fake devices that never asks for them, and host candidates on loopback. */
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // Autoplay with sound, as after a click: the tests click Join through WebDriver, which may not count as one.
  'media.autoplay.default': 0,
};

/** Launches Firefox in a new profile directory; `close()` ends it and removes the profile. */
export async function launchFirefox() {
  const profile = mkdtempSync(path.join(tmpdir(), 'vcw-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    userDataDir: profile,
    extraPrefsFirefox: FIREFOX_PREFS,
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
