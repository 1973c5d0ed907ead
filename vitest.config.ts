import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Three tiers, each a vitest project (`npm run test:unit`, `test:contract`, `test:e2e`; `npm test` runs all):
 * - unit: pure code on virtual time; no sockets, no child processes, no real waits.
 * - contract: the client against the emulator (and the emulator against its contract) over loopback, port 0.
 * - e2e: real runners (Jest, Playwright, Vitest, cucumber-js), the Action's `dist/index.js`, the CLI's bin, the
 *   packed tarballs, real child processes. It asserts outcomes, never durations.
 * A file's tier comes from its name or folder: `*.e2e.test.ts` (or a file listed in E2E) is end to end,
 * `*.contract.test.ts`, a file in a CONTRACT folder (unless listed as pure) or one that starts the emulator is
 * contract, everything else is unit. `npx vitest list --project unit` (or `--project contract`, `--project e2e`) shows a tier's files.
 */
const E2E = [
  /\be2e\.test\.ts$/,
  /-real\.test\.ts$/,
  /^packages\/jest-reporter\/test\/pack\.test\.ts$/,
  // npm publish --dry-run of every package from a clean copy (each prepack builds it), npm install, npx.
  /^packages\/cli\/test\/packed\.test\.ts$/,
  /^packages\/playwright-reporter\/test\/packed\.test\.ts$/,
  /^packages\/emulator\/test\/(cli|web-browser)\.test\.ts$/,
  /^packages\/core\/test\/api\/node20\.test\.ts$/,
];

// Folders whose tests start the emulator or another loopback server; the pure files among them are unit.
const CONTRACT = [
  /\.contract\.test\.ts$/,
  /^packages\/core\/test\/(api|upload|hosts)\//,
  /^packages\/emulator\/test\//,
  /^packages\/jest-reporter\/test\/reporter\.test\.ts$/,
];
const PURE_IN_CONTRACT_FOLDERS = [
  /^packages\/core\/test\/api\/(pacing-rules|retry-timing)\.test\.ts$/,
  /^packages\/core\/test\/upload\/(annotations|attachments-plan|run-title|spool-file|summary-render)\.test\.ts$/,
  /^packages\/emulator\/test\/(catalog|junit|runs|sync)\.test\.ts$/,
];

type Tier = 'unit' | 'contract' | 'e2e';

// Elsewhere, a file that starts the emulator is contract too, so a new one lands in its tier without a list.
const STARTS_EMULATOR = /\b(startEmulator|useDemoEmulator)\(/;

function tierOf(file: string): Tier {
  const matches = (patterns: RegExp[]) => patterns.some((pattern) => pattern.test(file));
  if (matches(E2E)) return 'e2e';
  if (matches(CONTRACT)) return matches(PURE_IN_CONTRACT_FOLDERS) ? 'unit' : 'contract';
  return STARTS_EMULATOR.test(readFileSync(`${ROOT}/${file}`, 'utf8')) ? 'contract' : 'unit';
}

/** Every test file, relative to the repository with `/`, outside fixtures and node_modules. */
function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'fixtures' || entry.name === 'tmp' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const ROOT = import.meta.dirname;
const ALL = [...readdirSync(`${ROOT}/packages`).map((name) => `packages/${name}/test`), 'test'].flatMap((dir) =>
  testFiles(`${ROOT}/${dir}`).map((file) => file.slice(ROOT.length + 1)),
);
const filesOf = (tier: Tier) => ALL.filter((file) => tierOf(file) === tier);

/**
 * The files that take longest (longest first, whatever their tier): each starts first, so that none begins late
 * and keeps one core busy alone at the end. vitest's own order puts the longest of its last run first, but a fresh
 * clone (CI) has no last run and gets the largest files first: the release-build test, a short file of one
 * minute-long test, started three minutes in, and a 45 s unit file ran in the last minute.
 * Measured: each end-to-end file's wall in a full `npm test` from a clean clone at load 6-7 (BENCHMARKS.md "The
 * suite's cost" has the first measure, per tier on one worker); the end-to-end files mostly wait on their child
 * processes, so their wall hardly depends on the load, while the simulation files are CPU-bound and placed by their
 * CPU time (what they take on a quiet core).
 */
const LONGEST_FIRST = [
  'test/action-github.e2e.test.ts', // 75 s
  'test/action.e2e.test.ts', // 43 s
  'test/verdict.e2e.test.ts', // 40 s
  'test/shards.e2e.test.ts', // 30 s
  'packages/cli/test/packed.test.ts', // 27 s wall, 36-42 s CPU
  'test/resume.e2e.test.ts', // 27 s
  'packages/playwright-reporter/test/reporter.e2e.test.ts', // 24 s
  'packages/playwright-reporter/test/projects-shards.e2e.test.ts', // 21 s
  'test/recipes-github.e2e.test.ts', // 18 s
  'test/cli.e2e.test.ts', // 18 s
  'test/recipes-gitlab.e2e.test.ts', // 18 s
  'test/matrix.e2e.test.ts', // 17 s
  'packages/jest-reporter/test/e2e.test.ts', // 14 s
  'test/allure-live.e2e.test.ts', // 13 s
  'test/recipes-jest.e2e.test.ts', // 13 s
  'packages/playwright-reporter/test/attachments.e2e.test.ts', // 11 s
  // The six sweeps of the simulation, 1,667 schedules each: 13 to 17 s of CPU each.
  'packages/core/test/sim/protocol.sim.test.ts',
  'packages/core/test/sim/when-complete.sim.test.ts',
  'packages/core/test/sim/protocol.2.sim.test.ts',
  'packages/core/test/sim/when-complete.2.sim.test.ts',
  'packages/core/test/sim/protocol.3.sim.test.ts',
  'packages/core/test/sim/when-complete.3.sim.test.ts',
];

/**
 * The files of LONGEST_FIRST first, then the slowest tier first, so that on two workers the long end-to-end files
 * do not start last and leave one core idle at the end; within a tier vitest's own order (longest last time, else
 * largest file, first).
 */
class SlowestTierFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const longest = (spec: TestSpecification) => {
      const at = LONGEST_FIRST.indexOf(spec.moduleId.slice(ROOT.length + 1));
      return at === -1 ? LONGEST_FIRST.length : at;
    };
    const rank = (spec: TestSpecification) => ['e2e', 'contract', 'unit'].indexOf(spec.project.name);
    return (await super.sort(files)).sort((a, b) => longest(a) - longest(b) || rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    // Forks keep servers and child processes of one file away from another's. One worker more than the cores:
    // the tests use port 0 and their own temporary directories, so any order and any parallelism give the same
    // result, and the end-to-end files mostly wait (their CLI processes sit out the run protocol's pauses at a few
    // % of a core), so with one worker per core the cores idled through much of a run; the extra worker fills
    // them. Not two per core: the CPU-heavy runs (Playwright with Chromium, 50,000 results through the Action)
    // then starved past their hang guards on a loaded machine (4 timeouts at load 20). VITEST_MAX_WORKERS
    // overrides it.
    pool: 'forks',
    maxWorkers: availableParallelism() + 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    sequence: { sequencer: SlowestTierFirst },
    projects: [
      // Unit and contract files share their worker (isolate: false): a fresh process and a fresh import of core for
      // each of ~110 small files cost more CPU than the tests themselves (unit 86 → 67 s, contract 34 → 16 s of
      // CPU with one worker). Nothing of theirs outlives a file: they mock no module, and the one that sets proxy
      // variables puts them back after each test; servers are closed in afterAll. The end-to-end files stay
      // isolated: their cost is in their child processes, not in the worker.
      { extends: true, test: { name: 'unit', include: filesOf('unit'), isolate: false } },
      { extends: true, test: { name: 'contract', include: filesOf('contract'), isolate: false } },
      {
        extends: true,
        // npm pack and the user projects' installs, once per run (see the file).
        test: {
          name: 'e2e',
          include: filesOf('e2e'),
          globalSetup: ['test/setup/packed-projects.ts'],
          // Real runners on a busy two-core machine: a guard against a hang, not a speed target.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
