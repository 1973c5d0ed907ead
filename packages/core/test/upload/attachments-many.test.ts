/**
 * 24 attachments of 5 MiB (120 MiB in all) uploaded by a child process into the emulator running here: every
 * file lands, one case per request (each request stays below the service's 8 MiB limit). The child's peak
 * resident memory is printed, not asserted: figures, and the 1000 MiB run that shows streaming from disk keeps
 * memory flat, belong to `npm run bench:attachments` (the same child, 200 files). Here the behaviour is tested
 * at a size that costs seconds, not a minute, of a two-core run.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';

const COUNT = 24;
const SIZE = 5 * 1024 * 1024;
const CHILD = fileURLToPath(new URL('./many-attachments-child.mjs', import.meta.url));

let emulator: EmulatorHandle;
let dir: string;
beforeAll(async () => {
  const seed = { projects: [{ name: 'Bench', human_id_prefix: 'BIG', test_cases: Array.from({ length: COUNT }, (_, i) => ({ title: `Case ${i + 1}` })) }] };
  emulator = await startEmulator({ port: 0, seed, rateLimit: false });
  dir = await mkdtemp(path.join(tmpdir(), 'tstm-many-'));
  const block = Buffer.alloc(SIZE);
  for (let i = 1; i <= COUNT; i++) {
    block.writeUInt32BE(i, 0);
    await writeFile(path.join(dir, `${i}.bin`), block);
  }
});
afterAll(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it(`lands ${COUNT} files of 5 MiB, each on its case, streamed from disk`, async () => {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD, emulator.url, emulator.token, dir, String(COUNT)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${out}`))));
  });
  const report = JSON.parse(output.trim().split('\n').pop() ?? '{}') as {
    baselineRss: number;
    peakRss: number;
    exitCode: number;
    error?: string;
    summary: { uploaded: number; requests: number; attachments: { sent: number; sentBytes: number; skipped: number } };
  };
  const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;
  console.log(
    `[attachments] ${COUNT} × 5 MiB uploaded by a child process: peak RSS ${mib(report.peakRss)} (baseline ${mib(report.baselineRss)}) for ${mib(report.summary.attachments.sentBytes)} sent in ${report.summary.requests} requests`,
  );
  expect(report.error).toBeUndefined();
  expect(report.summary).toEqual({ uploaded: COUNT, requests: COUNT, attachments: { sent: COUNT, sentBytes: COUNT * SIZE, skipped: 0 } });
  const run = emulator.state().test_runs.at(-1)!;
  const files = Object.values(run.results).map((r) => r.attachments);
  expect(files).toHaveLength(COUNT);
  expect(files.every((f) => f.length === 1 && f[0]!.size === SIZE)).toBe(true);
  expect(new Set(files.map((f) => f[0]!.sha256)).size).toBe(COUNT);
}, 120_000);
