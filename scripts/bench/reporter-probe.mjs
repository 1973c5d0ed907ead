// The Jest reporter's whole life outside Jest, in one process, for timing it from outside (whole process: CPU,
// wall, peak RSS) and for saying what it loads: import the built reporter entry, convert 2,000 passing tests in 20
// files as Jest hands them over, and run `onRunComplete` (a dry-run upload against an emulator in another
// process: lookups, mapping, planning, the summary; nothing written).
//
//   node scripts/bench/reporter-probe.mjs --serve
//       starts the emulator (2,000 cases, no rate limit to speak of) and prints one line: the environment the
//       probe needs (TESTSIGMA_BASE_URL=… TESTSIGMA_API_TOKEN=… TESTSIGMA_PROJECT_ID=…); stays until killed.
//   TESTSIGMA_BASE_URL=… TESTSIGMA_API_TOKEN=… TESTSIGMA_PROJECT_ID=… node scripts/bench/reporter-probe.mjs [ENTRY] [--report]
//       ENTRY: the reporter's built entry (default this checkout's packages/jest-reporter/dist/index.js), so that
//       another checkout's reporter is timed by the same probe. --report prints to stderr, at the exit event, one
//       JSON line: each phase's wall and CPU time, and which of Node's own modules the import and the upload
//       phase loaded (`process.moduleLoadList`, deterministic on one Node).
//   node scripts/bench/reporter-probe.mjs --rounds N ENTRY_A ENTRY_B
//       starts the emulator, then runs the probe N times for each entry, A and B in turn (after one warm-up of
//       each), and prints each side's medians: every phase's CPU and wall time, the whole process's CPU, wall and
//       peak RSS, and the time from the exit event to the end of the process (Node freeing what the run loaded).
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TESTS = 2000;
const FILES = 20;
const PREFIX = 'BENCH';

if (process.argv.includes('--rounds')) {
  const { startEmulator } = await import('testsigma-tm-emulator');
  const { runMeasured } = await import('./usage.mjs');
  const args = process.argv.slice(2);
  const rounds = Number(args[args.indexOf('--rounds') + 1]);
  const entries = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds').map((e) => resolve(e));
  const seed = { projects: [{ name: 'Bench', human_id_prefix: PREFIX, test_cases: Array.from({ length: TESTS }, (_, i) => ({ title: `Case ${i + 1}` })) }] };
  const emulator = await startEmulator({ port: 0, seed, rateLimit: { perSecond: 100_000 } });
  const env = {
    PATH: process.env.PATH ?? '',
    TESTSIGMA_BASE_URL: emulator.url,
    TESTSIGMA_API_TOKEN: emulator.token,
    TESTSIGMA_PROJECT_ID: emulator.state().projects[0].id,
  };
  const runs = entries.map(() => []);
  try {
    for (let round = 0; round <= rounds; round++) {
      for (const [side, entry] of entries.entries()) {
        emulator.reset();
        const run = await runMeasured([fileURLToPath(import.meta.url), entry, '--report'], { env });
        const report = JSON.parse(run.output.trim().split('\n').pop());
        if (run.code !== 0) throw new Error(`${entry}: exit ${run.code}\n${run.output}`);
        if (round > 0) runs[side].push({ ...run, phases: report.phases, modules: report.modules });
      }
    }
  } finally {
    await emulator.close();
  }
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  for (const [side, entry] of entries.entries()) {
    const list = runs[side];
    const phases = Object.keys(list[0].phases).map(
      (name) => `${name} ${median(list.map((r) => r.phases[name].cpuMs))} ms CPU, ${median(list.map((r) => r.phases[name].wallMs))} ms wall`,
    );
    const moduleCounts = Object.entries(list[0].modules).map(([name, loaded]) => `${name} ${loaded.length}`);
    process.stdout.write(
      `${String.fromCharCode(65 + side)} ${entry}\n  medians of ${list.length}: ${phases.join('; ')}\n` +
        `  whole process: ${Math.round(median(list.map((r) => r.cpuMs)))} ms CPU, ${Math.round(median(list.map((r) => r.ms)))} ms wall, ` +
        `${(median(list.map((r) => r.maxRssBytes)) / 2 ** 20).toFixed(1)} MiB peak RSS; exit event to the end ${median(list.map((r) => r.ms - r.msToExit)).toFixed(1)} ms\n` +
        `  Node modules loaded, by phase: ${moduleCounts.join(', ')}\n`,
    );
  }
} else if (process.argv.includes('--serve')) {
  const { startEmulator } = await import('testsigma-tm-emulator');
  const seed = { projects: [{ name: 'Bench', human_id_prefix: PREFIX, test_cases: Array.from({ length: TESTS }, (_, i) => ({ title: `Case ${i + 1}` })) }] };
  const emulator = await startEmulator({ port: 0, seed, rateLimit: { perSecond: 100_000 } });
  process.stdout.write(`TESTSIGMA_BASE_URL=${emulator.url} TESTSIGMA_API_TOKEN=${emulator.token} TESTSIGMA_PROJECT_ID=${emulator.state().projects[0].id}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGTERM', stop).on('SIGINT', stop);
} else {
  const report = process.argv.includes('--report');
  const entry = resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? join(REPO, 'packages/jest-reporter/dist/index.js'));
  const phases = {};
  const modules = {};
  let loaded = new Set(process.moduleLoadList);
  const phase = async (name, work) => {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const value = await work();
    const used = process.cpuUsage(cpu);
    phases[name] = { wallMs: Math.round(performance.now() - wall), cpuMs: Math.round((used.user + used.system) / 1000) };
    modules[name] = process.moduleLoadList.filter((m) => !loaded.has(m) && m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
    loaded = new Set(process.moduleLoadList);
    return value;
  };

  const { default: Reporter } = await phase('import', () => import(pathToFileURL(entry).href));
  const rootDir = join(REPO, 'bench-suite');
  const lines = [];
  const reporter = await phase('start', () => new Reporter({ rootDir }, { dryRun: true }, undefined, { env: process.env, write: (line) => lines.push(line) }));
  await phase('convert', () => {
    reporter.onRunStart();
    for (let f = 0; f < FILES; f++) {
      const testFilePath = join(rootDir, 'tests', `bench-${String(f + 1).padStart(2, '0')}.test.js`);
      const testResults = [];
      for (let t = 1; t <= TESTS / FILES; t++) {
        const i = f * (TESTS / FILES) + t;
        const title = `${PREFIX}-${i} adds numbers`;
        testResults.push({
          ancestorTitles: [],
          title,
          fullName: title,
          status: 'passed',
          duration: 1,
          failureMessages: [],
          failureDetails: [],
          invocations: 1,
          numPassingAsserts: 1,
        });
      }
      reporter.onTestFileResult(undefined, {
        testFilePath,
        testResults,
        perfStats: { start: 0, end: 100, runtime: 100, slow: false },
        numFailingTests: 0,
        numPassingTests: 100,
        numPendingTests: 0,
        numTodoTests: 0,
      });
    }
  });
  await phase('upload', () => reporter.onRunComplete(undefined, { testResults: [] }));
  if (!lines.some((line) => line.includes(`${TESTS} test`))) {
    process.stderr.write(`the reporter did not report on every test:\n${lines.join('\n')}\n`);
    process.exitCode = 1;
  }
  if (report) process.on('exit', () => process.stderr.write(`${JSON.stringify({ node: process.version, phases, modules })}\n`));
}
