// An open-loop load at a fixed rate: request i is due at start + i/rate whatever happened to
// the ones before it, and its latency counts from when it was due, so a stall of the system
// (or of this generator) shows in the figures instead of quietly lowering the rate. (autocannon's
// rate limit sends each connection's quota for a second back to back and then pauses, and
// its latency histogram adds values for the requests it thinks the pause skipped.)
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request on a kept-alive connection; rejects on a status of 300 or more. */
export function httpRequest(method, url, headers = {}, body = undefined) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () =>
        response.statusCode < 300
          ? resolve(Buffer.concat(chunks).toString())
          : reject(new Error(`HTTP ${response.statusCode} ${Buffer.concat(chunks)}`)),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Calls `fn(i)` `rate` times a second for `seconds`; p50/p99 (ms) from each call's due time. */
export async function paced(fn, rate, seconds) {
  const latencies = [];
  let failed = 0;
  let firstError;
  const interval = 1000 / rate;
  const started = performance.now();
  const inFlight = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      fn(i).then(
        () => latencies.push(performance.now() - due),
        (error) => {
          failed++;
          firstError ??= error;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round(latencies[Math.floor(q * (latencies.length - 1))] * 10) / 10;
  const elapsed = (performance.now() - started) / 1000;
  if (firstError) console.log(`[bench] first failure: ${firstError.message}`);
  return { p50: at(0.5), p99: at(0.99), rps: Math.round((rate * seconds) / elapsed), failed };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One line per measured path: median p50 and p99 over the reps with their ranges, failures. */
export function printLatencies(runs) {
  console.log('\nname          p50 ms (range)        p99 ms (range)        failed');
  for (const name of Object.keys(runs[0])) {
    const p50 = runs.map((r) => r[name].p50);
    const p99 = runs.map((r) => r[name].p99);
    console.log(
      `${name.padEnd(13)} ${String(median(p50)).padEnd(5)} (${Math.min(...p50)}–${Math.max(...p50)})`.padEnd(
        36,
      ) +
        `${String(median(p99)).padEnd(5)} (${Math.min(...p99)}–${Math.max(...p99)})`.padEnd(22) +
        runs.reduce((a, r) => a + r[name].failed, 0),
    );
  }
}
