// What several service nodes share, started for one test run: a Redis of its own and a PostgreSQL of its own,
// each on a free loopback port with its files in a temporary directory. E2E tests run in a loopback-only
// network namespace, where the machine's Redis and PostgreSQL are out of reach, so they cannot be borrowed.
// `stop()` ends each server by its own PID and removes its directory.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../../scripts/service-process.mjs';

const onPath = (name) => {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
};

/** The directory holding initdb and postgres: on PATH, in /usr/local/bin, or Debian's newest /usr/lib/postgresql/N/bin. */
function postgresBinDir() {
  const candidates = [];
  const initdb = onPath('initdb');
  if (initdb) candidates.push(path.dirname(initdb));
  candidates.push('/usr/local/bin');
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian))
    for (const version of readdirSync(debian).sort((a, b) => Number(b) - Number(a)))
      candidates.push(path.join(debian, version, 'bin'));
  return candidates.find((dir) => ['initdb', 'postgres'].every((bin) => existsSync(path.join(dir, bin)))) ?? null;
}

/** Why a shared Redis and PostgreSQL cannot be started here, or null when they can. */
export function clusterMissing() {
  const missing = [];
  if (!onPath('redis-server')) missing.push('redis-server is not on PATH (apt-get install redis-server)');
  if (!postgresBinDir())
    missing.push(
      'initdb and postgres are neither on PATH, in /usr/local/bin nor in /usr/lib/postgresql/*/bin (apt-get install postgresql)',
    );
  return missing.length > 0 ? missing.join('; ') : null;
}

/** Resolves once `ready()` does, or fails when `child` exits first or `timeoutMs` passes. */
async function until(what, child, ready, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ends `child` with `signal` (SIGKILL after 10 s) and waits until it is gone. */
async function stopChild(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A Redis answering PING on loopback, keeping nothing on disk. */
export async function startRedis() {
  const dir = mkdtempSync(path.join(tmpdir(), 'vcw-redis-'));
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const pong = () =>
    new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
      socket.once('data', (data) => resolve(socket.end() && data.toString().startsWith('+PONG')));
      socket.once('error', () => resolve(false));
    });
  try {
    await until('redis-server', child, pong);
  } catch (error) {
    await stopChild(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await stopChild(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * PostgreSQL refuses to run as root: as root, the server runs as the `postgres` account Debian's package makes.
 * Returns the spawn options for that (and the account's ids for the files), or {} when not root.
 */
function postgresAccount() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0)
    throw new Error('running as root, and PostgreSQL will not: there is no `postgres` account to run it as');
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/**
 * A throwaway PostgreSQL: a fresh cluster (trust auth, no fsync: nothing here must survive a crash) listening on
 * loopback only, with a database `vcw` made for the services. Its socket file stays in its own directory.
 */
export async function startPostgres() {
  const bin = postgresBinDir();
  const account = postgresAccount();
  const dir = mkdtempSync(path.join(tmpdir(), 'vcw-postgres-'));
  const data = path.join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  if (account.uid !== undefined) for (const d of [dir, data]) chownSync(d, account.uid, account.gid);
  const initdb = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C'],
    { ...account, encoding: 'utf8' },
  );
  if (initdb.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${initdb.status ?? initdb.error}):\n${initdb.stdout}${initdb.stderr}`);
  }
  const port = await freePort();
  let log = '';
  const child = spawn(
    path.join(bin, 'postgres'),
    [
      ...['-D', data, '-p', String(port)],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`],
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    ],
    { ...account, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr.on('data', (chunk) => (log += chunk));
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const accepts = async () => {
    const client = new pg.Client({ connectionString: admin });
    try {
      await client.connect();
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const stop = async () => {
    await stopChild(child, 'SIGINT'); // fast shutdown: ends sessions, no checkpoint wait worth keeping
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('postgres', child, accepts);
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query('CREATE DATABASE vcw');
    await client.end();
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n${log}`, { cause: error });
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/vcw`, stop };
}

/**
 * Redis and PostgreSQL for several nodes, and the environment that makes a node one of them: the same REDIS_URL,
 * REDIS_KEY_PREFIX, TOKEN_SECRET and DATABASE_URL for all.
 */
export async function startSharedStores() {
  const redis = await startRedis();
  let postgres;
  try {
    postgres = await startPostgres();
  } catch (error) {
    await redis.stop();
    throw error;
  }
  return {
    env: {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'vcw-e2e:',
      TOKEN_SECRET: 'e2e-nodes-token-secret-0123456789abcdef',
      DATABASE_URL: postgres.url,
    },
    async stop() {
      await postgres.stop();
      await redis.stop();
    },
  };
}
