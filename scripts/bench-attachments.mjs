// `npm run bench:attachments -- [--count 200] [--mib 5]`: peak memory of an upload with many large attachments.
// The emulator runs here; the uploader runs in a child process (packages/core/test/upload/many-attachments-child.mjs)
// so its resident memory is measured alone. Streaming from disk keeps it flat: compare --count 20 with --count 200.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from 'testsigma-tm-emulator';

const { values } = parseArgs({ options: { count: { type: 'string', default: '200' }, mib: { type: 'string', default: '5' } } });
const count = Number(values.count);
const size = Number(values.mib) * 1024 * 1024;
const child = fileURLToPath(new URL('../packages/core/test/upload/many-attachments-child.mjs', import.meta.url));

const seed = { projects: [{ name: 'Bench', human_id_prefix: 'BIG', test_cases: Array.from({ length: count }, (_, i) => ({ title: `Case ${i + 1}` })) }] };
const emulator = await startEmulator({ port: 0, seed, rateLimit: false });
const dir = await mkdtemp(join(tmpdir(), 'tm-bench-att-'));
const block = Buffer.alloc(size);
for (let i = 1; i <= count; i++) await writeFile(join(dir, `${i}.bin`), block);

const t0 = performance.now();
// Asynchronous: the emulator answers from this process's event loop while the child uploads.
const out = await new Promise((resolve, reject) => {
  const c = spawn(process.execPath, ['--expose-gc', child, emulator.url, emulator.token, dir, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  c.stdout.on('data', (d) => (text += d));
  c.on('error', reject);
  c.on('close', () => resolve(text));
});
const t1 = performance.now();
const report = JSON.parse(String(out).trim().split('\n').pop());
const mib = (n) => `${Math.round(n / 1024 / 1024)} MiB`;
const rows = [
  ['attachments', `${count} × ${values.mib} MiB`],
  ['sent', `${report.summary.attachments.sent} files, ${mib(report.summary.attachments.sentBytes)} in ${report.summary.requests} requests`],
  ['upload', `${Math.round(t1 - t0)} ms`],
  ['uploader peak RSS', `${mib(report.peakRss)} (baseline ${mib(report.baselineRss)})`],
];
for (const [k, v] of rows) console.log(`${k.padEnd(40)} ${v}`);
await emulator.close();
await rm(dir, { recursive: true, force: true });
if (report.exitCode !== 0) process.exitCode = 1;
