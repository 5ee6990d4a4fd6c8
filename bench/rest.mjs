#!/usr/bin/env node
// bench/rest: autocannon against POST /v1/rooms on the real service process, every request a real SQLite
// write (a new room). Prints requests/s, latency percentiles and errors. Target: >= 2,000 req/s, p99 <= 50 ms,
// no errors. Usage: node bench/rest.mjs [seconds] [connections]
import autocannon from 'autocannon';
import { startServiceProcess } from '../scripts/service-process.mjs';

const seconds = Number(process.argv[2] ?? 10) || 10;
const connections = Number(process.argv[3] ?? 20) || 20;
// The bench measures throughput, so the per-key rate limit (600/min by default) is off.
const service = await startServiceProcess({ env: { RATE_LIMIT_REST_PER_MINUTE: '0' }, name: 'bench' });
const { port, secretKey, dataDir } = service;

try {
  // One request first: a bench of refusals would measure nothing.
  const probe = await fetch(`http://127.0.0.1:${port}/v1/rooms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ privacy: 'public' }),
  });
  if (probe.status !== 201) throw new Error(`POST /v1/rooms answered ${probe.status}: ${await probe.text()}`);
  const load = {
    url: `http://127.0.0.1:${port}/v1/rooms`,
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    connections,
  };
  // Two seconds of the same load first, not counted: the figures are for a warmed-up service (JIT compiled,
  // SQLite pages cached), as a running service is.
  await autocannon({ ...load, body: JSON.stringify({ privacy: 'public' }), duration: 2 });
  const result = await autocannon({
    ...load,
    body: JSON.stringify({ privacy: 'public', maxParticipants: 4, metadata: { source: 'bench' } }),
    duration: seconds,
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  console.log(`\nbench/rest: POST /v1/rooms, ${connections} connections, ${seconds} s, SQLite in ${dataDir}`);
  console.log(
    `requests/s   mean ${result.requests.average.toFixed(0)}   min ${result.requests.min}   total ${result.requests.total}`,
  );
  console.log(
    `latency ms   p50 ${result.latency.p50}   p90 ${result.latency.p90}   p99 ${result.latency.p99}   max ${result.latency.max}`,
  );
  console.log(
    `errors       ${errors} (${result.non2xx} non-2xx, ${result.timeouts} timeouts, ${result.errors} socket errors)`,
  );
  const ok = result.requests.average >= 2000 && result.latency.p99 <= 50 && errors === 0;
  console.log(`target       >= 2000 req/s, p99 <= 50 ms, no errors: ${ok ? 'met' : 'NOT met'}`);
} finally {
  await service.stop();
}
