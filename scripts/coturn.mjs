// Starts Debian's coturn on loopback for a test or a bench: `use-auth-secret` with the given secret, a free
// port, relay ports from a private range, nothing written outside a temporary directory. Resolves once it
// listens; `stop()` ends it (by its own PID) and `restart()` brings it back on the same port.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const turnserverPath = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';

export function coturnAvailable() {
  return spawnSync(turnserverPath, ['--version'], { stdio: 'ignore' }).error === undefined;
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function listening(port, child, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}`);
    const up = await new Promise((resolve) => {
      const socket = net
        .connect(port, '127.0.0.1', () => resolve(socket.end() && true))
        .on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`turnserver did not listen on ${port} within ${timeoutMs} ms`);
}

export async function startCoturn({ secret, realm = 'vcw.test' }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'vcw-coturn-'));
  const port = await freePort();
  const args = [
    '-n', // no config file
    `--listening-port=${port}`,
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    '--min-port=49160',
    '--max-port=49400',
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    `--realm=${realm}`,
    '--allow-loopback-peers', // the browsers under test are on loopback
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--fingerprint',
    `--pidfile=${path.join(dir, 'turnserver.pid')}`,
    `--log-file=${path.join(dir, 'turnserver.log')}`,
    '--simple-log',
  ];
  let child;
  const launch = async () => {
    child = spawn(turnserverPath, args, { stdio: 'ignore' });
    await listening(port, child);
  };
  await launch();
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    tcpUrl: `turn:127.0.0.1:${port}?transport=tcp`,
    port,
    logFile: path.join(dir, 'turnserver.log'),
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await stop();
      await launch();
    },
  };
}
