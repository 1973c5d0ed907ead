/**
 * Playwright's JSON file with errors outside any test (its top-level `errors[]`), read by the CLI as a user runs
 * it after a real `playwright test`: a global setup or teardown that failed means a failed run, even when every
 * test in the file passed or none is in it. The CLI records what the file holds, names the errors as the live
 * reporter does, and exits non-zero; what the emulator holds is checked.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { UNPACED, newRuns, statusesByHumanId } from '../../../test/helpers/emulator.js';
import { CLI, baseEnv, runNode } from '../../../test/helpers/run.js';
import { assertBuilt, makeTempRoot, runPlaywright, writeProject } from './helpers.js';

let emulator: EmulatorHandle;
let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  assertBuilt();
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: UNPACED });
  ({ root, cleanup } = await makeTempRoot('json-errors'));
});
afterAll(async () => {
  await emulator?.close();
  await cleanup?.();
});
beforeEach(() => emulator.reset());

const PASSING = `import { test } from '@playwright/test';\ntest('signs in DEMO-1', async () => {});\n`;
const HEADING =
  'results.json: Playwright reported 1 error(s) outside any test (global setup or teardown, a worker, loading a test file, the test runner itself); ' +
  'the run that wrote this file failed, whatever the results recorded say:';
const WHY =
  'An error outside any test belongs to no test case, so none is recorded against one, and tests it kept from running are not in the file, ' +
  "so they are not recorded at all. Fix it (Playwright printed it in full in the test step's output) and run the tests again.";
const TODO = "What to do: Fix the error named (the test step's output shows it in full) and run the tests again. (INPUT_RUN_FAILED)";

/** A real run writing Playwright's JSON report to results.json, with `hook` as its global setup or teardown. */
async function jsonRun(name: string, hook: 'globalSetup' | 'globalTeardown', throws: string): Promise<string> {
  const dir = await writeProject(root, name, {
    config: { [hook]: './tests/hook.mjs' },
    files: { 'a.spec.mjs': PASSING, 'hook.mjs': `export default async () => { throw new Error('${throws}'); };\n` },
  });
  const run = await runPlaywright(dir, { args: ['--reporter=json'], env: { PLAYWRIGHT_JSON_OUTPUT_NAME: 'results.json' } });
  expect(run.code, run.stdout + run.stderr).toBe(1);
  return dir;
}

function upload(dir: string, extra: Record<string, string> = {}) {
  return runNode(CLI, ['upload', 'results.json'], {
    cwd: dir,
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', ...extra }),
  });
}

describe("the CLI on Playwright's JSON with errors outside any test", () => {
  it('a global teardown that failed: the passing tests are recorded, the error named, and the upload exits 2', async () => {
    const dir = await jsonRun('teardown', 'globalTeardown', 'cleanup of the test database failed');
    const res = await upload(dir);
    expect(res.code, res.stdout + res.stderr).toBe(2);
    const [run] = newRuns(emulator);
    expect(statusesByHumanId(emulator, run!)).toEqual({ 'DEMO-1': 'Passed' });
    const listed = '    tests/hook.mjs:1: Error: cleanup of the test database failed';
    expect(res.stderr).toContain(`testsigma-tm: ${HEADING}\n${listed}\n${WHY}\n`);
    expect(res.stderr).not.toContain('warning: results.json: Playwright reported');
    const summary = res.stdout.split('\n');
    expect(summary[0]).toBe('Read 1 test result(s) from 1 file(s).');
    expect(summary).toContain('Tests: 1 passed, 0 failed, 0 skipped. Test cases: 1 passed, 0 failed, 0 skipped.');
    const at = summary.indexOf(HEADING);
    expect(at, res.stdout).toBeGreaterThan(0);
    expect(summary[at + 1]).toBe(listed);
    expect(res.stderr.trimEnd().split('\n').at(-1)).toBe(TODO);
  }, 120_000);

  it('a global setup that failed: no test is in the file, so nothing is written, and the error (not "no test ran") is said', async () => {
    const dir = await jsonRun('setup', 'globalSetup', 'database is down');
    for (const failOnEmpty of ['true', 'false']) {
      const res = await upload(dir, { TESTSIGMA_FAIL_ON_EMPTY: failOnEmpty });
      expect(res.code, res.stdout + res.stderr).toBe(2);
      expect(res.stderr).toContain(`testsigma-tm: ${HEADING}\n    tests/hook.mjs:1: Error: database is down\n${WHY}\n`);
      expect(res.stderr).not.toContain('INPUT_NO_TESTS');
      expect(res.stderr).not.toContain('probably ran no test');
      expect(res.stderr.trimEnd().split('\n').at(-1)).toBe(TODO);
      expect(newRuns(emulator)).toEqual([]);
      expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
    }
  }, 120_000);

  it('several such files: one error names each, and the tests of every file are recorded', async () => {
    const teardown = await jsonRun('several-teardown', 'globalTeardown', 'cleanup failed');
    const setup = await jsonRun('several-setup', 'globalSetup', 'database is down');
    // Files are read in the order of their paths.
    const files = [join(setup, 'results.json'), join(teardown, 'results.json')];
    const res = await runNode(CLI, ['upload', ...files], {
      cwd: root,
      env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo' }),
    });
    expect(res.code, res.stdout + res.stderr).toBe(2);
    const kinds = '(global setup or teardown, a worker, loading a test file, the test runner itself)';
    expect(res.stderr).toContain(
      'testsigma-tm: 2 result files say that the run that wrote them failed outside any test:\n' +
        `  - ${files[0]}: Playwright reported 1 error(s) outside any test ${kinds}; the run that wrote this file failed, whatever the results recorded say:\n` +
        '        several-setup/tests/hook.mjs:1: Error: database is down\n' +
        `  - ${files[1]}: Playwright reported 1 error(s) outside any test ${kinds}; the run that wrote this file failed, whatever the results recorded say:\n` +
        '        several-teardown/tests/hook.mjs:1: Error: cleanup failed\n' +
        "Errors outside any test belong to no test case, so none is recorded against one, and tests they kept from running are not in the files. Fix them (the test step's output shows each in full) and run the tests again.\n",
    );
    const [run] = newRuns(emulator);
    expect(statusesByHumanId(emulator, run!)).toEqual({ 'DEMO-1': 'Passed' });
  }, 120_000);

  it('a dry run says the same and exits 2, writing nothing', async () => {
    const dir = await jsonRun('dry', 'globalTeardown', 'cleanup failed');
    const res = await runNode(CLI, ['upload', '--dry-run', join(dir, 'results.json')], {
      cwd: dir,
      env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo' }),
    });
    expect(res.code, res.stdout + res.stderr).toBe(2);
    expect(res.stderr).toContain(`Playwright reported 1 error(s) outside any test`);
    expect(res.stderr.trimEnd().split('\n').at(-1)).toBe(TODO);
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  }, 120_000);
});
