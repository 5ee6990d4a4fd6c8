// The real service as its own process, the way `npm start` runs it: SQLite in a temporary DATA_DIR, one
// project made with the admin CLI. For what needs a process to kill (SIGKILL, SIGTERM) or to measure
// without the test's own load in the same event loop. `kill()` then `start()` brings it back on the same
// port with the same store.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ADMIN = path.join(root, 'packages/service/dist/src/cli/admin.js');
const SERVER = path.join(root, 'packages/service/dist/src/server.js');

export async function freePort() {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts `server.js` as `npm start` does, with exactly `env`; resolves once it printed its banner (it listens
 * then) with the process, everything it printed so far (`output()`, stderr too) and the demo page's URL.
 */
export async function spawnService(env) {
  const child = spawn(process.execPath, [SERVER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk) => {
    output += chunk;
    process.stderr.write(chunk);
  });
  await new Promise((resolve, reject) => {
    // The banner is written in one go: everything it says is in the output once the demo URL is.
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (/demo page:\s+\S+\n/.test(output)) resolve();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`service exited (${code ?? signal}) before listening:\n${output}`)),
    );
  });
  child.removeAllListeners('exit');
  return { child, output: () => output, demoUrl: /demo page:\s+(\S+)/.exec(output)[1] };
}

/**
 * `sameStoreAs`: a second node of the same deployment — another process on its own port, sharing the first
 * one's DATA_DIR (store, token secret) and so its project and keys.
 */
export async function startServiceProcess({
  env: extra = {},
  origins = ['https://bench.example'],
  name = 'test site',
  sameStoreAs = null,
} = {}) {
  const dataDir = sameStoreAs?.dataDir ?? mkdtempSync(path.join(tmpdir(), 'vcw-service-'));
  const port = await freePort();
  const env = { ...process.env, LOG_LEVEL: 'warn', ...extra, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' };
  const project = sameStoreAs
    ? { id: sameStoreAs.projectId, publishableKey: sameStoreAs.publishableKey, secretKey: sameStoreAs.secretKey }
    : createProject(env, name, origins);
  let child = null;

  const start = async () => {
    child = (await spawnService(env)).child;
  };
  /** Ends the process with `signal` and waits for it to be gone; resolves with how long that took. */
  const kill = async (signal = 'SIGKILL') => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return 0;
    const began = Date.now();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    return Date.now() - began;
  };
  const owner = !sameStoreAs;
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    projectId: project.id,
    /** The process id while it runs (benches read its memory and CPU from /proc). */
    pid: () => child?.pid ?? null,
    publishableKey: project.publishableKey,
    secretKey: project.secretKey,
    start,
    kill,
    /** How the process last ended: its exit code, or null while it runs (or when a signal ended it). */
    exitCode: () => child?.exitCode ?? null,
    async stop() {
      await kill('SIGTERM');
      if (owner) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function createProject(env, name, origins) {
  const created = JSON.parse(
    execFileSync(
      process.execPath,
      [ADMIN, 'projects', 'create', '--name', name, ...origins.flatMap((o) => ['--origin', o]), '--json'],
      { env },
    ),
  );
  return {
    id: created.project.id,
    publishableKey: created.publishableKey.plaintext,
    secretKey: created.secretKey.plaintext,
  };
}
