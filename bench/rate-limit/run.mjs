// Rate limits on the phone lookup (issue 12: "1,500 requests in 3.7 s all answered 200, so
// the phone space can be enumerated"). In the same run, on one members service:
//   1. a burst of `burst` lookups (`GET /members?phone=`, a different phone each, `concurrency`
//      in flight) by one staff token through a gateway with limits off, and through one with
//      the default limits: answers 200 vs 429, duration, p50/p99;
//   2. the limiter's added latency: the same lookups at a fixed rate (open loop) through a
//      gateway with limits off and one with limits on but too high to refuse, so every
//      request is counted in NATS KV and passes.
//   npm run build && node bench/rate-limit/run.mjs [burst=1500] [concurrency=32] [rate=100] [seconds=20] [reps=3]
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import testing from '@crm/testing';
import { paced, median } from '../lib/open-loop.mjs';

const { ServiceProcess, staffToken, localEndpoints } = testing;
const [burst = 1500, concurrency = 32, rate = 100, seconds = 20, reps = 3] = process.argv
  .slice(2)
  .map(Number);
const runId = randomUUID().slice(0, 8);
// Its own bus namespace (so its own KV bucket): a system running on the same NATS is untouched.
Object.assign(process.env, {
  ...localEndpoints(),
  ...process.env,
  BUS_NAMESPACE: `bench-${runId}`,
});
const log = (msg) => console.log(`[bench] ${msg}`);

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
/** One GET; resolves with the status (any), rejects only on a network error. */
function get(url, headers) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('error', reject);
    request.end();
  });
}

let phoneSeq = 0;
const nextPhone = () => `135${String(++phoneSeq).padStart(8, '0')}`;
const lookupUrl = (gateway) => `${gateway.url}/api/v1/members?phone=${nextPhone()}`;

/** `burst` lookups by one staff member, `concurrency` at a time, as fast as they are answered. */
async function runBurst(gateway, token) {
  const headers = { authorization: `Bearer ${token}` };
  const statuses = {};
  const latencies = [];
  let next = 0;
  const started = performance.now();
  const startedAt = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < burst) {
        next++;
        const sent = performance.now();
        const status = await get(lookupUrl(gateway), headers);
        latencies.push(performance.now() - sent);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round(latencies[Math.floor(q * (latencies.length - 1))] * 10) / 10;
  // Windows are a minute, aligned to the clock: a burst across a boundary meets two.
  const windows = Math.floor(Date.now() / 60_000) - Math.floor(startedAt / 60_000) + 1;
  return {
    statuses,
    seconds: Math.round(seconds * 100) / 100,
    p50: at(0.5),
    p99: at(0.99),
    windows,
  };
}

/** Fixed-rate lookups (open loop, latency from each request's due time). */
function runPaced(gateway, token) {
  const headers = { authorization: `Bearer ${token}` };
  return paced(
    async () => {
      const status = await get(lookupUrl(gateway), headers);
      if (status !== 200) throw new Error(`HTTP ${status}`);
    },
    rate,
    seconds,
  );
}

log(
  `rate limits: burst ${burst} lookups (${concurrency} in flight), paced ${rate} req/s for ${seconds} s, ${reps} reps; node ${process.version}, ${os.cpus().length} cpus, no pinning`,
);
const members = await ServiceProcess.create('members', {
  MONGO_DB: `test_bench_ratelimit_${runId.replace(/-/g, '')}`,
  LOG_LEVEL: 'warn',
});
const high = '1000000';
const gateways = {
  off: await ServiceProcess.create('gateway', { LOG_LEVEL: 'warn', RATE_LIMITS: 'off' }),
  // The settings' defaults (gateway.config.ts).
  on: await ServiceProcess.create('gateway', { LOG_LEVEL: 'warn' }),
  // Counted in KV like `on`, with limits no request reaches: the limiter's cost alone.
  onHigh: await ServiceProcess.create('gateway', {
    LOG_LEVEL: 'warn',
    RATE_LIMIT_STAFF_PER_WINDOW: high,
    RATE_LIMIT_PHONE_LOOKUPS_PER_WINDOW: high,
    RATE_LIMIT_STORE_PHONE_LOOKUPS_PER_WINDOW: high,
  }),
};
await members.start();
for (const gateway of Object.values(gateways)) await gateway.start();
const tokenFor = (sub) => staffToken(['store_clerk'], { sub, storeId: `S-${sub}` });

// Warm-up, not measured: JIT, connections, the KV bucket.
const warm = await tokenFor(`warm-${runId}`);
for (const gateway of [gateways.off, gateways.onHigh])
  for (let i = 0; i < 300; i++) await get(lookupUrl(gateway), { authorization: `Bearer ${warm}` });
log('warmed up (300 lookups through each of the off and on-high gateways)');

const runs = [];
try {
  for (let rep = 0; rep < reps; rep++) {
    // A fresh staff member (and store) per rep and gateway, so no count carries over.
    const result = {
      burstOff: await runBurst(gateways.off, await tokenFor(`off-${rep}-${runId}`)),
      burstOn: await runBurst(gateways.on, await tokenFor(`on-${rep}-${runId}`)),
      pacedOff: await runPaced(gateways.off, await tokenFor(`poff-${rep}-${runId}`)),
      pacedOn: await runPaced(gateways.onHigh, await tokenFor(`pon-${rep}-${runId}`)),
    };
    for (const [name, r] of Object.entries(result))
      console.log(JSON.stringify({ rep: rep + 1, name, ...r }));
    runs.push(result);
  }
  // The counts went to NATS KV, not to the per-process stand-in.
  for (const name of ['on', 'onHigh']) {
    const metrics = await (await fetch(`${gateways[name].url}/metrics`)).text();
    const failures = /^gateway_rate_limit_store_failures_total\S* (\d+)/m.exec(metrics)?.[1] ?? '0';
    log(`${name}: rate-limit store failures ${failures}`);
  }
} finally {
  for (const gateway of Object.values(gateways)) await gateway.stop();
  await members.stop();
}

const range = (xs) => `${median(xs)} (${Math.min(...xs)}–${Math.max(...xs)})`;
console.log(
  '\nburst of %d lookups, one staff token, %d in flight (median of %d, range)',
  burst,
  concurrency,
  reps,
);
console.log('limits   200        429        seconds            p50 ms             p99 ms');
for (const [label, name] of [
  ['off', 'burstOff'],
  ['on', 'burstOn'],
])
  console.log(
    `${label.padEnd(8)} ${range(runs.map((r) => r[name].statuses[200] ?? 0)).padEnd(10)} ` +
      `${range(runs.map((r) => r[name].statuses[429] ?? 0)).padEnd(10)} ` +
      `${range(runs.map((r) => r[name].seconds)).padEnd(18)} ${range(runs.map((r) => r[name].p50)).padEnd(18)} ` +
      range(runs.map((r) => r[name].p99)),
  );
console.log(
  '\nadded latency, %d req/s for %d s, every request passing (median of %d, range)',
  rate,
  seconds,
  reps,
);
console.log('limits   p50 ms             p99 ms             failed');
for (const [label, name] of [
  ['off', 'pacedOff'],
  ['on', 'pacedOn'],
])
  console.log(
    `${label.padEnd(8)} ${range(runs.map((r) => r[name].p50)).padEnd(18)} ${range(runs.map((r) => r[name].p99)).padEnd(18)} ` +
      runs.reduce((a, r) => a + r[name].failed, 0),
  );
const p50Of = (name) => median(runs.map((r) => r[name].p50));
const p99Of = (name) => median(runs.map((r) => r[name].p99));
console.log(
  `limiter added: p50 ${(p50Of('pacedOn') - p50Of('pacedOff')).toFixed(1)} ms (ratio ${(p50Of('pacedOn') / p50Of('pacedOff')).toFixed(2)}), p99 ${(p99Of('pacedOn') - p99Of('pacedOff')).toFixed(1)} ms (ratio ${(p99Of('pacedOn') / p99Of('pacedOff')).toFixed(2)})`,
);
// Correctness first: with the default limits exactly the per-staff lookup limit passes (per
// window the burst met).
const perWindow = 30;
const exact = runs.every(
  (r) =>
    r.burstOn.statuses[200] === perWindow * r.burstOn.windows &&
    r.burstOn.statuses[429] === burst - perWindow * r.burstOn.windows,
);
console.log(
  exact
    ? `limits on: exactly ${perWindow} per window answered 200 in every rep`
    : 'limits on: NOT EXACT',
);
if (!exact || runs.some((r) => r.pacedOn.failed + r.pacedOff.failed > 0)) process.exit(1);
