import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { build } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openSqlite } from '../src/store/database.js';
import { buildService, command, connect, TEST_TOKEN_SECRET } from './helpers/service.js';
import { until } from './helpers/toolkit.js';

/** The value of one series of a Prometheus text exposition, or undefined when it is absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('operations: readiness and metrics', () => {
  it('GET /ready is 200 while the store answers, and 503 naming the store once it does not', async (t) => {
    const db = await openSqlite(':memory:');
    const app = await build({
      config: loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }),
      db,
      logger: false,
      tokenSecret: TEST_TOKEN_SECRET,
    });
    t.after(() => app.close().catch(() => undefined));
    const ready = await app.inject({ method: 'GET', url: '/ready' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready', store: 'ok', bus: 'in-process' });

    await db.destroy(); // the store goes away under the running service
    const unavailable = await app.inject({ method: 'GET', url: '/ready' });
    assert.equal(unavailable.statusCode, 503);
    assert.deepEqual(unavailable.json(), { status: 'unavailable', store: 'unreachable', bus: 'in-process' });
    assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'still alive: only not ready');
  });

  it('GET /metrics counts requests and commands by outcome, and what the node holds, without ids', async (t) => {
    const service = await buildService(t);
    const ada = await connect(t, service);
    const grace = await connect(t, service);
    const visitor = await connect(t, service);
    assert.ok((await command(ada, 'room:join', { room: 'metered', displayName: 'Ada' })).ok);
    assert.ok((await command(grace, 'room:join', { room: 'metered', displayName: 'Grace' })).ok);
    assert.ok((await command(visitor, 'queue:enter', { mode: 'random', queue: 'lobby' })).ok);
    assert.equal((await command(ada, 'room:join', { room: '' })).ok, false);
    await fetch(`${service.url}/health`);
    await fetch(`${service.url}/v1/rooms/nope`);

    const res = await fetch(`${service.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    assert.equal(sample(body, 'vcw_connections'), 3);
    assert.equal(sample(body, 'vcw_rooms_active'), 1);
    assert.equal(sample(body, 'vcw_participants'), 2);
    assert.equal(sample(body, 'vcw_queue_waiting{mode="random"}'), 1);
    assert.equal(sample(body, 'vcw_queue_waiting{mode="support"}'), 0);
    assert.equal(sample(body, 'vcw_agents_online'), 0);
    assert.equal(sample(body, 'vcw_signaling_commands_total{command="room:join",outcome="ok"}'), 2);
    assert.equal(sample(body, 'vcw_signaling_commands_total{command="room:join",outcome="invalid_payload"}'), 1);
    assert.equal(sample(body, 'vcw_signaling_commands_total{command="queue:enter",outcome="ok"}'), 1);
    assert.equal(sample(body, 'vcw_http_requests_total{method="GET",route="/health",status="200"}'), 1);
    assert.equal(
      sample(body, 'vcw_http_requests_total{method="GET",route="/v1/rooms/:id",status="401"}'),
      1,
      'route patterns, not URLs',
    );
    assert.ok((sample(body, 'vcw_http_request_duration_seconds_count{method="GET",route="/health"}') ?? 0) >= 1);
    // The process figures too. CPU time is counted from when the metrics were set up, in the kernel's ticks, so a
    // short test on a busy machine may see none of it in user mode: it must be there, not above zero.
    assert.ok((sample(body, 'vcw_process_cpu_user_seconds_total') ?? -1) >= 0, 'process CPU time');
    assert.ok((sample(body, 'vcw_process_resident_memory_bytes') ?? 0) > 0, 'process memory');
    for (const secret of [service.projectId, service.publishableKey, 'metered', 'lobby', 'Ada'])
      assert.ok(!body.includes(secret), `no ${secret} in the metrics`);

    ada.disconnect();
    const scrape = async () => sample(await (await fetch(`${service.url}/metrics`)).text(), 'vcw_connections');
    await until(async () => (await scrape()) === 2, 'the closed connection to leave the gauge');
  });
});
