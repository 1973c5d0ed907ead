// Black-box helpers, as Jest's own e2e tests work: write a small Jest project into a temporary directory,
// run the real jest binary on it in a child process, and read what came out.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EmulatorState } from 'testsigma-tm-emulator';

const REPO = path.resolve(import.meta.dirname, '../../..');
export const PACKAGE_DIR = path.join(REPO, 'packages/jest-reporter');
// Resolved, not joined to node_modules: the jest devDependency is then seen as used (knip).
const require = createRequire(import.meta.url);
const JEST_BIN = require.resolve('jest/bin/jest');
export const REPORTER_ENTRY = path.join(PACKAGE_DIR, 'dist/index.js');

/** The built reporter must exist and be newer than its sources, or the tests would check stale code. */
export function assertBuilt(): void {
  const hint =
    'run `npx tsc -p packages/core/tsconfig.build.json && npx tsc -p packages/emulator/tsconfig.build.json && npx tsc -p packages/jest-reporter/tsconfig.build.json` (or `npm run build:packages`) first';
  if (!existsSync(REPORTER_ENTRY)) throw new Error(`${REPORTER_ENTRY} is missing: ${hint}`);
  const built = statSync(REPORTER_ENTRY).mtimeMs;
  const srcDir = path.join(PACKAGE_DIR, 'src');
  for (const name of readdirSync(srcDir)) {
    if (statSync(path.join(srcDir, name)).mtimeMs > built + 1) throw new Error(`dist/ is older than src/${name}: ${hint}`);
  }
}

/** A temporary Jest project; `reporter` is what goes into `reporters` after 'default'. */
export async function writeProject(
  files: Record<string, string>,
  reporter: string | [string, unknown] | undefined,
  config: Record<string, unknown> = {},
): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'jest-tstm-'));
  // `transform: {}`: plain CommonJS tests need no Babel, which keeps each run fast.
  const jestConfig = { transform: {}, reporters: reporter === undefined ? ['default'] : ['default', reporter], ...config };
  await writeFile(path.join(dir, 'jest.config.json'), JSON.stringify(jestConfig, null, 2));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

export interface JestRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together. */
  output: string;
  /** The lines this reporter printed. */
  reporterLines: string[];
}

/** Variables that would change what the reporter does if they leaked in from the machine running the tests. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const drop = /^(CI$|TESTSIGMA_|GITHUB_|GITLAB_|CI_|CIRCLE|BUILDKITE|TF_BUILD|SYSTEM_|BUILD_|JENKINS|JEST_|VITEST|NODE_OPTIONS$|FORCE_COLOR$|NO_COLOR$)/;
  for (const [key, value] of Object.entries(process.env)) if (!drop.test(key)) env[key] = value;
  return { ...env, NO_COLOR: '1' };
}

/**
 * Run the real jest (async: the emulator serves from this very process, so the event loop must stay free).
 * `process.execPath` is the Node that runs vitest (Node 24 from the `node` devDependency).
 */
export function runJest(
  dir: string,
  env: Record<string, string | undefined> = {},
  args: string[] = ['--runInBand'],
  jestBin = JEST_BIN,
  node = process.execPath,
): Promise<JestRun> {
  const childEnv = { ...cleanEnv(), ...env };
  return new Promise((resolve, reject) => {
    execFile(
      node,
      [jestBin, '--rootDir', dir, ...(args.includes('--config') ? [] : ['--config', path.join(dir, 'jest.config.json')]), '--ci', '--no-watchman', ...args],
      { cwd: dir, env: childEnv, encoding: 'utf8', timeout: 110_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`jest did not finish: ${error.message}\n${stderr}`));
          return;
        }
        const output = `${stdout}\n${stderr}`;
        resolve({
          code: error ? Number(error.code) : 0,
          stdout,
          stderr,
          output,
          reporterLines: output.split('\n').filter((l) => l.startsWith('[testsigma-tm]')),
        });
      },
    );
  });
}

export interface RecordedResult {
  status: string;
  description: string;
}

/** Test runs of the Demo project that the seed did not hold (DEMO-R-1 is seeded). */
export function newRuns(state: EmulatorState): EmulatorState['test_runs'] {
  return state.test_runs.filter((r) => r.human_id !== 'DEMO-R-1');
}

/** A run's results by case human id (`DEMO-3`). */
export function resultsByCase(state: EmulatorState, run: EmulatorState['test_runs'][number]): Record<string, RecordedResult> {
  const humanIds = new Map(state.test_cases.map((c) => [c.id, c.human_id]));
  const out: Record<string, RecordedResult> = {};
  for (const [caseId, result] of Object.entries(run.results)) out[humanIds.get(caseId) ?? caseId] = { status: result.status, description: result.description };
  return out;
}

/** `DEMO-3` → its case id. */
export function caseHumanIds(state: EmulatorState, run: EmulatorState['test_runs'][number]): string[] {
  const humanIds = new Map(state.test_cases.map((c) => [c.id, c.human_id]));
  return run.selection.map((id) => humanIds.get(id) ?? id);
}
