// Running a program as a child process with scripts/bench/rss-report.mjs preloaded, and reading back what each
// of its Node processes used: the wall time from spawn to exit (to the child's exit event, and to the end of the
// process), the CPU time of all its Node processes, and the largest peak RSS among them.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RSS_REPORT = fileURLToPath(new URL('./rss-report.mjs', import.meta.url));

/**
 * @param {string[]} args  node's arguments (the script first)
 * @param {{ env: Record<string, string>, cwd?: string, workers?: boolean }} options  workers: preload into every
 *   Node process the child starts too (through NODE_OPTIONS), not only the child itself
 * @returns {Promise<{ code: number | null, output: string, ms: number, msToExit: number, cpuMs: number, maxRssBytes: number }>}
 *   ms: spawn to the end of the process; msToExit: spawn to its exit event (what follows is Node freeing it)
 */
export async function runMeasured(args, { env, cwd, workers = false }) {
  const usageDir = await mkdtemp(join(tmpdir(), 'tm-bench-usage-'));
  const childEnv = { ...env, BENCH_USAGE_DIR: usageDir, ...(workers && { NODE_OPTIONS: `--import=${RSS_REPORT}` }) };
  const nodeArgs = workers ? args : ['--import', RSS_REPORT, ...args];
  try {
    const started = performance.now();
    const { code, output, ms, pid } = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, nodeArgs, { env: childEnv, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (d) => (text += d));
      child.stderr.setEncoding('utf8').on('data', (d) => (text += d));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, output: text, ms: performance.now() - started, pid: child.pid }));
    });
    const records = await Promise.all((await readdir(usageDir)).map(async (name) => JSON.parse(await readFile(join(usageDir, name), 'utf8'))));
    const own = records.find((r) => r.pid === pid);
    return {
      code,
      output,
      ms,
      msToExit: own ? own.exitAt - (performance.timeOrigin + started) : ms,
      cpuMs: records.reduce((sum, r) => sum + r.cpuMs, 0),
      maxRssBytes: Math.max(0, ...records.map((r) => r.maxRssBytes)),
    };
  } finally {
    await rm(usageDir, { recursive: true, force: true });
  }
}
