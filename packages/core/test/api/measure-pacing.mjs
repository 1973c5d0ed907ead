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
try {
  const started = performance.now();
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
    `first to last request ${span.toFixed(1)} s → ${(span / ideal).toFixed(3)}×; one under the limit (${perSecond - 1}/s) cannot go below ${((requests.length - 1) / (perSecond - 1) / ideal).toFixed(3)}×`,
  );
} finally {
  await emulator.close();
}
