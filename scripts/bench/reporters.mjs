// The reporter-overhead scenarios of `npm run bench`: a generated 2,000-test Jest suite and a 2,000-test
// Playwright suite (plain `test()`s, no browser), each run by the real runner with and without our reporter,
// alternately, several times; the median wall times give the overhead.
//
// The reporters are installed as a user installs them: real directories inside the suite's node_modules (the
// workspace's links lead outside node_modules, and Playwright compiles with Babel every module whose real path
// lies outside node_modules — a cost no installed reporter pays).
//
// Upload excluded: with the reporter, the run is a dry run (`dryRun: true`) against the emulator in this process:
// the reporter converts every test, then loads its upload code, reads the lookups (project, statuses, users, test
// case pages), maps and plans every entry, prints its summary and writes nothing. That upload phase is timed
// inside the run (TESTSIGMA_TM_UPLOAD_TIMING makes the reporter print its wall and CPU time) and subtracted; what
// stays counted is the reporter's own cost in the test run: loading it, its start, converting and collecting every
// test. The emulator's rate limit is set far above what the runs need, so the client's pacing adds no wait.
//
// Wall time runs from the spawn to the end of the process (its stdout and stderr closed): after the runner's exit
// event Node still frees the process, and that takes longer once the upload phase has loaded its code and
// allocated what it read — a cost the test run pays, so it stays in the measure. The time to the runner's exit
// event is shown beside it.
//
// Resolving a 2 % target on a shared machine: each round runs both variants back to back (their order alternating),
// the overhead is the median of the rounds' own overheads, and beside it the median's distribution-free interval
// (order statistics) says whether the rounds resolve the target at all: met only when the whole interval is at or
// under 2 %, not met only when it is wholly over, otherwise "not resolved at this load". CPU time (all the run's
// Node processes, from the OS) gets the same treatment: it moves less with the load than wall time does. The load
// average at the start and the end of each runner's rounds is printed with them.
import { copyFile, cp, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from 'testsigma-tm-emulator';
import { metText } from './parse.mjs';
import { runMeasured } from './usage.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const JEST = join(REPO, 'node_modules/jest/bin/jest.js');
const PLAYWRIGHT = join(REPO, 'node_modules/@playwright/test/cli.js');
/** Our packages, copied into each suite's node_modules; every other package there links to the repository's. */
const OWN_PACKAGES = {
  'testsigma-tm-core': 'packages/core',
  'jest-testsigma-tm-reporter': 'packages/jest-reporter',
  'playwright-testsigma-tm-reporter': 'packages/playwright-reporter',
};
/** The line TESTSIGMA_TM_UPLOAD_TIMING makes the reporter print at the end of its upload phase. */
const UPLOAD_TIMING = /timing: the upload phase .* took (\d+) ms wall, (\d+) ms CPU/;
const PREFIX = 'BENCH';
const TESTS = 2000;
const FILES = 20;
const TARGET_PERCENT = 2;

/** `count` tests in `files` files, each test named after its own case (BENCH-1 …), as `render(i)` writes one. */
async function writeTests(dir, extension, header, render) {
  await mkdir(join(dir, 'tests'), { recursive: true });
  const perFile = TESTS / FILES;
  for (let f = 0; f < FILES; f++) {
    const lines = [header];
    for (let t = 1; t <= perFile; t++) lines.push(render(f * perFile + t));
    await writeFile(join(dir, 'tests', `bench-${String(f + 1).padStart(2, '0')}.${extension}`), `${lines.join('\n')}\n`);
  }
}

/** A node_modules in `dir` as an installation leaves it: our packages as real directories (package.json and its `files`). */
async function installPackages(dir) {
  const modules = join(dir, 'node_modules');
  await mkdir(modules, { recursive: true });
  for (const name of await readdir(join(REPO, 'node_modules'))) {
    if (!(name in OWN_PACKAGES)) await symlink(join(REPO, 'node_modules', name), join(modules, name), 'dir');
  }
  for (const [name, folder] of Object.entries(OWN_PACKAGES)) {
    const manifest = JSON.parse(await readFile(join(REPO, folder, 'package.json'), 'utf8'));
    for (const entry of ['package.json', ...manifest.files.filter((f) => f !== 'README.md')])
      await cp(join(REPO, folder, entry), join(modules, name, entry), { recursive: true });
    // Dependencies npm installed under the package itself (a version the root does not hold: core's undici).
    if (existsSync(join(REPO, folder, 'node_modules'))) await symlink(join(REPO, folder, 'node_modules'), join(modules, name, 'node_modules'), 'dir');
  }
}

async function writeJestSuite(dir, reporterOptions) {
  await writeTests(dir, 'test.js', '', (i) => `test('${PREFIX}-${i} adds numbers', () => { expect(${i} + 1).toBe(${i + 1}); });`);
  // `transform: {}`: plain CommonJS tests need no Babel.
  const config = (reporters) => JSON.stringify({ transform: {}, reporters }, null, 2);
  await writeFile(join(dir, 'jest.without.json'), config(['default']));
  await writeFile(join(dir, 'jest.with.json'), config(['default', ['jest-testsigma-tm-reporter', reporterOptions]]));
  // Jest resolves a reporter named by its package from rootDir.
  await installPackages(dir);
}

async function writePlaywrightSuite(dir, reporterOptions) {
  await writeTests(
    dir,
    'spec.mjs',
    "import { test, expect } from '@playwright/test';",
    (i) => `test('${PREFIX}-${i} adds numbers', () => { expect(${i} + 1).toBe(${i + 1}); });`,
  );
  const config = (reporters) =>
    `export default {\n  testDir: './tests',\n  outputDir: './test-results',\n  workers: 1,\n  reporter: ${JSON.stringify(reporters)},\n};\n`;
  await writeFile(join(dir, 'playwright.without.config.mjs'), config([['dot']]));
  await writeFile(join(dir, 'playwright.with.config.mjs'), config([['dot'], ['playwright-testsigma-tm-reporter', reporterOptions]]));
  // `@playwright/test` and the reporter resolve by name from the suite's node_modules.
  await installPackages(dir);
}

const RUNNERS = {
  jest: {
    label: `Jest, ${TESTS.toLocaleString('en')} tests in ${FILES} files (--runInBand)`,
    write: writeJestSuite,
    // This Jest finds its configuration by name (jest.config.json) whatever --config says: each run writes it first.
    prepare: (dir, variant) => copyFile(join(dir, `jest.${variant}.json`), join(dir, 'jest.config.json')),
    args: (dir) => [JEST, '--rootDir', dir, '--ci', '--no-watchman', '--runInBand'],
  },
  playwright: {
    label: `Playwright, ${TESTS.toLocaleString('en')} tests in ${FILES} files (1 worker, no browser)`,
    write: writePlaywrightSuite,
    prepare: async () => undefined,
    args: (dir, variant) => [PLAYWRIGHT, 'test', '--config', join(dir, `playwright.${variant}.config.mjs`)],
  },
};

/** The runners whose suites the group can run (`--runner`). */
export const REPORTER_RUNNERS = Object.keys(RUNNERS);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * A distribution-free interval for the median of `values` (order statistics; no assumption about how a loaded
 * machine's noise is distributed): the k-th smallest to the k-th largest, k the largest for which the chance that
 * the true median lies outside stays under 5 % (11 rounds: 2nd to 10th, 98.8 %). Undefined under 6 values.
 */
function medianInterval(values) {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  // P(Binomial(n, ½) ≤ j), summed term by term.
  const below = (j) => {
    let term = 0.5 ** n;
    let sum = term;
    for (let i = 1; i <= j; i++) sum += term *= (n - i + 1) / i;
    return sum;
  };
  let k = 0;
  while (k + 1 <= n / 2 && below(k) <= 0.025) k++;
  if (k === 0) return undefined;
  return { low: sorted[k - 1], high: sorted[n - k], confidence: 1 - 2 * below(k - 1) };
}

/**
 * What the rounds can say about a target of `target` per cent: met only if the median's interval lies wholly at or
 * under it, not met only if wholly over it; otherwise the load let no verdict through.
 */
function resolution(values, target) {
  const interval = medianInterval(values);
  if (!interval) return { text: 'too few rounds for an interval of the median', resolved: false };
  const p = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} %`;
  const verdict = interval.high <= target ? 'resolved: met' : interval.low > target ? 'resolved: not met' : 'not resolved at this load';
  return {
    text: `the median's ${(interval.confidence * 100).toFixed(1)} % interval ${p(interval.low)} to ${p(interval.high)}: ${verdict}`,
    resolved: interval.high <= target || interval.low > target,
  };
}

/**
 * @param {string} dir  where the suites are generated
 * @param {{ repeats: number, runners?: string[] }} options  runs of each variant (after one warm-up run of each, not
 *   counted); the runners whose suites run (default all)
 */
export async function runReporterScenarios(dir, { repeats, runners = REPORTER_RUNNERS }) {
  const seed = { projects: [{ name: 'Bench', human_id_prefix: PREFIX, test_cases: Array.from({ length: TESTS }, (_, i) => ({ title: `Case ${i + 1}` })) }] };
  const emulator = await startEmulator({ port: 0, seed, rateLimit: { perSecond: 100_000 } });
  const measured = {};
  try {
    const projectId = emulator.state().projects[0].id;
    const reporterOptions = { projectId, baseUrl: emulator.url, dryRun: true };
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LANG: 'C.UTF-8',
      NO_COLOR: '1',
      TESTSIGMA_API_TOKEN: emulator.token,
      TESTSIGMA_TM_UPLOAD_TIMING: '1',
    };
    for (const [name, runner] of Object.entries(RUNNERS).filter(([name]) => runners.includes(name))) {
      const suite = join(dir, `${name}-suite`);
      await runner.write(suite, reporterOptions);
      const runs = { without: [], with: [], load: [loadavg()[0]] };
      for (let round = 0; round <= repeats; round++) {
        // The order alternates too, so that neither variant always runs first after a pause or a change of load.
        for (const variant of round % 2 ? ['with', 'without'] : ['without', 'with']) {
          emulator.reset();
          await runner.prepare(suite, variant);
          const run = await runMeasured(runner.args(suite, variant), { env, cwd: suite, workers: true });
          const requests = emulator.state().requests;
          const lookupsMs = requests.length ? Math.max(...requests.map((r) => r.time + r.duration_ms)) - Math.min(...requests.map((r) => r.time)) : 0;
          const timing = UPLOAD_TIMING.exec(run.output);
          const upload = timing ? { ms: Number(timing[1]), cpuMs: Number(timing[2]) } : { ms: 0, cpuMs: 0 };
          const problem =
            run.code !== 0
              ? `exit ${run.code}`
              : variant === 'with' && !run.output.includes(`${TESTS} test`)
                ? 'the reporter did not report on every test'
                : variant === 'with' && !timing
                  ? 'the reporter did not say how long its upload phase took'
                  : undefined;
          if (problem) throw new Error(`${runner.label}, ${variant} the reporter: ${problem}\n${run.output.slice(-3000)}`);
          if (variant === 'with' && round === 0)
            for (const line of run.output.split('\n').filter((l) => l.includes('[testsigma-tm]'))) process.stderr.write(`    ${line}\n`);
          process.stderr.write(
            `  ${name} ${variant} reporter, round ${round}: ${(run.ms / 1000).toFixed(2)} s wall, ${(run.cpuMs / 1000).toFixed(2)} s CPU` +
              (variant === 'with' ? `; upload phase ${upload.ms} ms wall (lookups ${lookupsMs} ms), ${upload.cpuMs} ms CPU\n` : '\n'),
          );
          if (round > 0)
            runs[variant].push({
              ms: run.msToExit,
              netMs: run.msToExit - upload.ms,
              // To the end of the process (the measure): Node freeing it takes longer after the upload phase loaded
              // its code and allocated what it read, and the test run waits for that too.
              toEndMs: run.ms,
              netToEndMs: run.ms - upload.ms,
              cpuMs: run.cpuMs,
              netCpuMs: run.cpuMs - upload.cpuMs,
              uploadMs: upload.ms,
              uploadCpuMs: upload.cpuMs,
              lookupsMs,
            });
        }
      }
      runs.load.push(loadavg()[0]);
      measured[name] = runs;
    }
  } finally {
    await emulator.close();
  }
  return measured;
}

export const REPORTERS_HEADER = ['suite', 'measure', 'measured', 'target', 'met'];

/** Rows: the medians of both variants, the overhead against its target, and CPU time; the targets. */
export function reporterTable(measured) {
  const rows = [];
  const targets = [];
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const percent = (p) => `${p >= 0 ? '+' : ''}${p.toFixed(1)} %`;
  for (const [name, runs] of Object.entries(measured)) {
    const { label } = RUNNERS[name];
    const n = runs.without.length;
    const without = median(runs.without.map((r) => r.toEndMs));
    const withNet = median(runs.with.map((r) => r.netToEndMs));
    // A round's two runs follow each other, under about the same load: the overhead is the median of the rounds'
    // own overheads, which the slow swings of a shared machine's load disturb less than a ratio of two medians
    // taken from different rounds.
    const overheads = runs.with.map((r, i) => (r.netToEndMs / runs.without[i].toEndMs - 1) * 100);
    const overhead = median(overheads);
    const toExitOverhead = median(runs.with.map((r, i) => (r.netMs / runs.without[i].ms - 1) * 100));
    const cpuOverheads = runs.with.map((r, i) => (r.netCpuMs / runs.without[i].cpuMs - 1) * 100);
    const cpuOverhead = median(cpuOverheads);
    // The rounds' spread says how much the machine's load let this run resolve.
    const rounds = (list) => `rounds: ${percent(Math.min(...list))} to ${percent(Math.max(...list))}`;
    const load = runs.load ? `; load average ${runs.load[0].toFixed(1)} at the start, ${runs.load[1].toFixed(1)} at the end` : '';
    const wallResolution = resolution(overheads, TARGET_PERCENT);
    const cpuResolution = resolution(cpuOverheads, TARGET_PERCENT);
    const cpuWithout = median(runs.without.map((r) => r.cpuMs));
    const cpuWith = median(runs.with.map((r) => r.netCpuMs));
    const spread = (list) => `${s(Math.min(...list))}–${s(Math.max(...list))}`;
    const phase = `upload phase ${s(median(runs.with.map((r) => r.uploadMs)))} wall, of which lookups ${s(median(runs.with.map((r) => r.lookupsMs)))}; ${s(median(runs.with.map((r) => r.uploadCpuMs)))} CPU`;
    rows.push(
      [
        label,
        `wall time, start to the end of the process, without → with the reporter (its upload phase subtracted), median of ${n}`,
        `${s(without)} → ${s(withNet)} (runs: ${spread(runs.without.map((r) => r.toEndMs))} → ${spread(runs.with.map((r) => r.netToEndMs))}; ${phase}; to the runner's exit event: ${s(median(runs.without.map((r) => r.ms)))} → ${s(median(runs.with.map((r) => r.netMs)))}, overhead ${percent(toExitOverhead)})`,
        '-',
        '-',
      ],
      [
        label,
        "reporter overhead, wall time to the end of the process (median of the rounds' own overheads)",
        `${percent(overhead)} (${rounds(overheads)}; ${wallResolution.text}${load})`,
        `≤ ${TARGET_PERCENT} %`,
        metText(overhead <= TARGET_PERCENT),
      ],
      [
        label,
        `CPU time of all its Node processes without → with (its upload phase subtracted), median of ${n}`,
        `${s(cpuWithout)} → ${s(cpuWith)} (overhead, median of the rounds' own: ${percent(cpuOverhead)}; ${rounds(cpuOverheads)}; ${cpuResolution.text})`,
        '-',
        '-',
      ],
    );
    targets.push({
      target: `${name === 'jest' ? 'Jest' : 'Playwright'} reporter overhead ≤ ${TARGET_PERCENT} % of the suite's wall time to the end of the process (median of ${n} rounds)`,
      measured: `${percent(overhead)} (${rounds(overheads)}; ${wallResolution.text}; CPU ${percent(cpuOverhead)}, ${cpuResolution.text}${load})`,
      met: overhead <= TARGET_PERCENT,
    });
  }
  return { rows, targets };
}
