// Child process of attachments-many.test.ts and scripts/bench-attachments.mjs: uploads one failed result per file
// of DIR (case BIG-<n> gets file <n>.bin) to the emulator at URL, sampling its own resident memory, and prints one
// JSON line: { baselineRss, peakRss, summary }. The emulator runs in the parent, so only the uploader is measured.
// Usage: node many-attachments-child.mjs URL TOKEN DIR COUNT
import { join } from 'node:path';
import { resolveSettings, uploadResults } from 'testsigma-tm-core';

const [url, token, dir, countText] = process.argv.slice(2);
const count = Number(countText);
const results = Array.from({ length: count }, (_, i) => ({
  source: join(dir, 'results.xml'),
  suitePath: [],
  name: `BIG-${i + 1} shows evidence`,
  status: 'failed',
  properties: [],
  tags: [],
  attachments: [{ name: 'screenshot', path: `${i + 1}.bin`, contentType: 'application/octet-stream' }],
  attempts: [{ status: 'failed' }],
}));
globalThis.gc?.();
const baselineRss = process.memoryUsage().rss;
let peakRss = baselineRss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
const outcome = await uploadResults({ settings: resolveSettings({ token, baseUrl: url, projectId: 'Bench', verify: false }, {}), results, cwd: dir });
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
process.stdout.write(
  `${JSON.stringify({ baselineRss, peakRss, exitCode: outcome.exitCode, error: outcome.error?.message, summary: { uploaded: outcome.summary.uploaded, requests: outcome.summary.requests, attachments: { sent: outcome.summary.attachments.sent, sentBytes: outcome.summary.attachments.sentBytes, skipped: outcome.summary.attachments.skipped.length } } })}\n`,
);
