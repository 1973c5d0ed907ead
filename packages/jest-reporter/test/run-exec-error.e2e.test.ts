// Jest's `runExecError`: its test runner failed outside every test file, after some files ran. Jest hands the
// reporters what ran (onRunComplete) with the error and fails the run; the upload must not read as a clean pass,
// live or from a file of the aggregated results, and the reporter must not fail the run a second time.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UNPACED } from '../../../test/helpers/emulator.js';
import { CLI, baseEnv, runNode } from '../../../test/helpers/run.js';
import { REPORTER_ENTRY, assertBuilt, newRuns, removeDir, resultsByCase, runJest, writeProject } from './helpers.js';

// Jest's own runner, as a custom runner of the project extends it (resolved from jest: the project lies in a temp dir).
const JEST_RUNNER = createRequire(createRequire(import.meta.url).resolve('jest')).resolve('jest-runner');

let emulator: EmulatorHandle;
let dir: string | undefined;

beforeAll(async () => {
  assertBuilt();
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: UNPACED });
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(() => emulator.reset());
afterEach(async () => {
  await removeDir(dir);
  dir = undefined;
});

const KINDS = '(global setup or teardown, a worker, loading a test file, the test runner itself)';
const NO_MESSAGE = "Jest's runExecError holds no message (an Error written with JSON.stringify loses it); Jest printed it in full at the end of its output";

/**
 * A project whose runner runs every test file and then throws `thrown` (JS source); a second reporter writes the
 * aggregated results to aggregated.json as they are handed over, as tools such as jest-stare do.
 */
async function failingRunner(thrown: string, reporterOptions: Record<string, unknown> = { projectId: 'Demo' }): Promise<string> {
  return writeProject(
    {
      'ok.test.js': "test('[DEMO-1] works', () => { expect(1).toBe(1); });\n",
      'runner.js':
        `const TestRunner = require(${JSON.stringify(JEST_RUNNER)}).default;\n` +
        `module.exports = class extends TestRunner { async runTests(...args) { await super.runTests(...args); throw ${thrown}; } };\n`,
      'aggregated.js':
        "const { writeFileSync } = require('node:fs');\n" +
        "module.exports = class { onRunComplete(_contexts, results) { writeFileSync('aggregated.json', JSON.stringify(results)); } };\n",
    },
    undefined,
    { runner: './runner.js', reporters: ['default', [REPORTER_ENTRY, reporterOptions], './aggregated.js'] },
  );
}

describe("Jest's runExecError", () => {
  it('the reporter records what ran and names the error after the summary, leaving Jest its own verdict', async () => {
    dir = await failingRunner("new Error('the runner lost its workers')");
    const run = await runJest(dir, { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url });
    expect(run.code, run.output).toBe(1);
    const [recorded] = newRuns(emulator.state());
    expect(resultsByCase(emulator.state(), recorded!)['DEMO-1']?.status).toBe('Passed');
    const at = run.reporterLines.findIndex((l) => l.startsWith('[testsigma-tm] warning: Jest reported'));
    expect(at, run.output).toBeGreaterThan(run.reporterLines.findIndex((l) => l.includes('recorded 1 of 1 test case(s)')));
    expect(run.reporterLines.slice(at)).toEqual([
      `[testsigma-tm] warning: Jest reported 1 error(s) outside any test ${KINDS}; its verdict for this run is failed, whatever the results recorded say:`,
      '[testsigma-tm]     the runner lost its workers',
      '[testsigma-tm] An error outside any test belongs to no test case, so none is recorded against one, and tests it kept from running are not recorded at all. Fix it (Jest printed it in full above) and run again.',
    ]);
    expect(run.output).not.toContain('failOnUploadError');
  });

  it('the reporter says it also when the error kept every file from finishing, and records nothing', async () => {
    dir = await writeProject(
      {
        'ok.test.js': "test('[DEMO-1] works', () => {});\n",
        'runner.js': "module.exports = class { async runTests() { throw new Error('no worker could be started'); } };\n",
      },
      [REPORTER_ENTRY, { projectId: 'Demo' }],
      { runner: './runner.js' },
    );
    const run = await runJest(dir, { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url });
    expect(run.code, run.output).toBe(1);
    expect(run.reporterLines.slice(0, 3)).toEqual([
      '[testsigma-tm] No test ran, so nothing was recorded.',
      `[testsigma-tm] warning: Jest reported 1 error(s) outside any test ${KINDS}; its verdict for this run is failed, whatever the results recorded say:`,
      '[testsigma-tm]     no worker could be started',
    ]);
    expect(newRuns(emulator.state())).toEqual([]);
  });

  describe('in a file of the aggregated results, uploaded with the CLI', () => {
    const upload = (cwd: string) =>
      runNode(CLI, ['upload', 'aggregated.json'], {
        cwd,
        env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo' }),
      });
    const heading = `aggregated.json: Jest reported 1 error(s) outside any test ${KINDS}; the run that wrote this file failed, whatever the results recorded say:`;
    const why =
      'An error outside any test belongs to no test case, so none is recorded against one, and tests it kept from running are not in the file, ' +
      "so they are not recorded at all. Fix it (Jest printed it in full in the test step's output) and run the tests again.";

    it.each([
      ['an Error (its message is lost in JSON)', "new Error('the runner lost its workers')", NO_MESSAGE],
      ['a string (kept as its message)', "'the runner lost its workers'", 'the runner lost its workers'],
    ])('thrown as %s: the tests that ran are recorded, the error named, and the upload exits 2', async (_kind, thrown, listed) => {
      dir = await failingRunner(thrown, { projectId: 'Demo', dryRun: true });
      const run = await runJest(dir, { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url });
      expect(run.code, run.output).toBe(1);
      expect(JSON.parse(await readFile(path.join(dir, 'aggregated.json'), 'utf8'))).toHaveProperty('runExecError');

      const res = await upload(dir);
      expect(res.code, res.stdout + res.stderr).toBe(2);
      expect(res.stderr).toContain(`testsigma-tm: ${heading}\n    ${listed}\n${why}\n`);
      const summary = res.stdout.split('\n');
      expect(summary.slice(summary.indexOf(heading), summary.indexOf(heading) + 2)).toEqual([heading, `    ${listed}`]);
      expect(res.stderr.trimEnd().split('\n').at(-1)).toBe(
        "What to do: Fix the error named (the test step's output shows it in full) and run the tests again. (INPUT_RUN_FAILED)",
      );
      const [recorded] = newRuns(emulator.state());
      expect(resultsByCase(emulator.state(), recorded!)['DEMO-1']?.status).toBe('Passed');
    });
  });
});
