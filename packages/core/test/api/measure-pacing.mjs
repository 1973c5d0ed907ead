// Measures how close an upload comes to the rate limit's ideal: 10,000 results (100 per batch) against the
// emulator at 10 requests/s with 20 ms latency on every request. Prints, asserts nothing (speed is not a
// unit test's business). Run after `npm run build:packages`:  npx node packages/core/test/api/measure-pacing.mjs [results]
import { startEmulator } from 'testsigma-tm-emulator';
import { uploadResults, resolveSettings } from '../../dist/index.js';

const count = Number(process.argv[2] ?? 10_000);
const perSecond = 10;
const emulator = await startEmulator({
  port: 0,
  rateLimit: { perSecond },
  faults: [{ kind: 'latency', ms: 20 }],
  seed: { projects: [{ name: 'Big', human_id_prefix: 'BIG', test_cases: Array.from({ length: count }, (_, i) => ({ title: `Case ${i + 1}` })) }] },
});
const results = Array.from({ length: count }, (_, i) => ({
  source: 'measure',
  suitePath: ['suite'],
  name: `BIG-${i + 1} works`,
  status: 'passed',
  properties: [],
  tags: [],
  attachments: [],
  attempts: [{ status: 'passed' }],
}));

/** The most requests in any sliding one-second window of the emulator's clock. */
function busiestWindow(times) {
  let busiest = 0;
  for (let last = 0, first = 0; last < times.length; last++) {
    while (times[first] <= times[last] - 1000) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

/** With at most `perWindow` starts in any second, the last of `n` starts comes this many seconds after the first. */
const floorSeconds = (n, perWindow) => Math.ceil(n / perWindow) - 1;

try {
  const started = performance.now();
  const startedAt = Date.now();
  const outcome = await uploadResults({ settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Big' }, {}), results });
  const seconds = (performance.now() - started) / 1000;
  const requests = emulator.state().requests;
  const limited = requests.filter((r) => r.status === 500).length;
  const ideal = requests.length / perSecond;
  console.log(`${count} results: exit ${outcome.exitCode}, ${outcome.summary.uploaded} recorded, ${requests.length} requests in ${seconds.toFixed(1)} s`);
  const first = requests[0];
  const last = requests[requests.length - 1];
  const span = (last.time + last.duration_ms - first.time) / 1000;
  console.log(`ideal (requests ÷ ${perSecond}/s) ${ideal.toFixed(1)} s → ${(seconds / ideal).toFixed(3)}× the ideal; rate-limit answers: ${limited}`);
  console.log(
    `first to last request ${span.toFixed(1)} s → ${(span / ideal).toFixed(3)}×; before the first request ${((first.time - startedAt) / 1000).toFixed(2)} s; ` +
      `busiest second ${busiestWindow(requests.map((r) => r.time))} requests`,
  );
  const n = requests.length;
  console.log(
    `floor from the first start to the last, no latency: ${floorSeconds(n, perSecond)} s (${(floorSeconds(n, perSecond) / ideal).toFixed(3)}×) at ${perSecond} a second, ` +
      `${floorSeconds(n, perSecond - 1)} s (${(floorSeconds(n, perSecond - 1) / ideal).toFixed(3)}×) one under`,
  );
} finally {
  await emulator.close();
}
