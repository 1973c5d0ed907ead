/**
 * The reporter as users run it: a real `playwright test` on small inline projects (no browser), reporting to a
 * local emulator; assertions read what the emulator recorded and what the run printed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle, type EmulatorState, type ResultRecord } from 'testsigma-tm-emulator';
import { UNPACED } from '../../../test/helpers/emulator.js';
import { assertBuilt, makeTempRoot, runPlaywright, writeProject } from './helpers.js';

let emulator: EmulatorHandle;
let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  assertBuilt();
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: UNPACED });
  ({ root, cleanup } = await makeTempRoot('e2e'));
});

afterAll(async () => {
  await emulator?.close();
  await cleanup?.();
});

/** The run with this title and its results by case human id. */
function runNamed(state: EmulatorState, title: string): { status: string; results: Map<string, ResultRecord> } {
  const runs = state.test_runs.filter((r) => r.title === title);
  expect(runs, `runs titled ${title}`).toHaveLength(1);
  const run = runs[0]!;
  const humanId = new Map(state.test_cases.map((c) => [c.id, c.human_id]));
  return { status: run.status, results: new Map(Object.entries(run.results).map(([id, r]) => [humanId.get(id) ?? id, r])) };
}

const PASSING = `import { test } from '@playwright/test';\ntest('signs in DEMO-1', async () => {});\n`;

describe('playwright-testsigma-tm-reporter against the emulator', () => {
  it('maps annotations, tags and titles; one result per test per project; flaky, skipped, expected failures; warns on unmapped', async () => {
    const dir = await writeProject(root, 'main', {
      options: { projectId: 'Demo', baseUrl: emulator.url, runTitle: 'e2e main' },
      config: { retries: 1 },
      // The `firefox` project runs only browsers.spec.mjs, so every other test has exactly one project.
      projectsSource: `[{ name: 'chromium' }, { name: 'firefox', testMatch: /browsers\\.spec\\.mjs/ }]`,
      files: {
        'login.spec.mjs': `
import { test, expect } from '@playwright/test';
test.describe('Login', () => {
  test('by annotation', { annotation: { type: 'testsigma', description: 'DEMO-7' } }, async () => {});
  test('by tag', { tag: '@DEMO-8' }, async () => {});
  test('DEMO-9 by title', async () => {});
  test('flaky DEMO-10', async ({}, testInfo) => {
    expect(testInfo.retry, 'first attempt fails').toBe(1);
  });
  test('skipped DEMO-11', async () => {
    test.skip(true, 'feature flag off');
  });
  test('expected failure DEMO-13', async () => {
    test.fail();
    expect(1).toBe(2);
  });
  test('nobody knows me', async () => {});
});
test.describe('DEMO-14 checkout', () => {
  test('pays', async () => {});
});
`,
        'browsers.spec.mjs': `
import { test, expect } from '@playwright/test';
test('works everywhere DEMO-12', async ({}, testInfo) => {
  expect(testInfo.project.name, 'broken in firefox').toBe('chromium');
});
`,
      },
    });
    const run = await runPlaywright(dir, { env: { TESTSIGMA_API_TOKEN: emulator.token } });
    const output = run.stdout + run.stderr;
    // DEMO-12 fails in firefox, so Playwright itself exits 1; the upload adds no error of its own.
    expect(run.code, output).toBe(1);
    expect(run.reporterLines.join('\n')).not.toMatch(/error:/);

    const recorded = runNamed(emulator.state(), 'e2e main');
    expect(recorded.status).toBe('CLOSED');
    const statuses = Object.fromEntries([...recorded.results].map(([id, r]) => [id, r.status]));
    expect(statuses).toEqual({
      'DEMO-7': 'Passed',
      'DEMO-8': 'Passed',
      'DEMO-9': 'Passed',
      'DEMO-10': 'Passed',
      'DEMO-11': 'Skipped',
      'DEMO-12': 'Failed',
      'DEMO-13': 'Passed',
      'DEMO-14': 'Passed',
    });

    // Flaky: ONE result (not one per attempt), Passed, the failed first attempt described.
    const flaky = recorded.results.get('DEMO-10')!.description;
    expect(flaky).toContain('Test: Login › flaky DEMO-10');
    expect(flaky).not.toContain('map to this case');
    expect(flaky).toContain('Outcome: flaky (status Passed)');
    expect(flaky).toMatch(/Attempts: flaky: passed on attempt 2 of 2; attempt 1 failed: .*first attempt fails/);
    expect(flaky).toContain('Project: chromium');
    expect(flaky).toContain('File: login.spec.mjs');
    expect(flaky).toMatch(/Attachments: .*error-context/);

    // Skipped with its reason.
    expect(recorded.results.get('DEMO-11')!.description).toContain('Skipped: feature flag off');

    // Two projects, one case: the worst outcome decides, both projects are named, the failure is described.
    const browsers = recorded.results.get('DEMO-12')!.description;
    expect(browsers).toContain('2 automated tests map to this case; the worst outcome decides its status: Failed.');
    expect(browsers).toContain('Project: chromium');
    expect(browsers).toContain('Project: firefox');
    expect(browsers).toContain('broken in firefox');
    expect(browsers).toContain('Stack:');
    expect(browsers).toMatch(/browsers\.spec\.mjs:4/);

    // Unmapped: warned and listed, never sent.
    expect(output).toMatch(/\[testsigma-tm\] warning: .*map to no test case.*Login › nobody knows me/);
    expect(output).toContain('[testsigma-tm]     Login › nobody knows me');
    expect(output, 'listed with its project').toContain('[testsigma-tm]     Login › nobody knows me [chromium]');
    expect(output).toMatch(/\[testsigma-tm\] Collected 10 Playwright test result\(s\)\./);
    expect(output).toMatch(/\[testsigma-tm\] Test run DEMO-R-\d+ \(created\), closed: recorded 8 of 8 test case\(s\)/);
  });

  it('records a test that never started (serial group after a failure) as Skipped, saying it did not run', async () => {
    const dir = await writeProject(root, 'serial', {
      options: { projectId: 'Demo', baseUrl: emulator.url, runTitle: 'e2e serial' },
      files: {
        'serial.spec.mjs': `
import { test, expect } from '@playwright/test';
test.describe.serial('wizard', () => {
  test('step one DEMO-22', async () => { expect(1, 'step one breaks').toBe(2); });
  test('step two DEMO-23', async () => {});
});
`,
      },
    });
    const run = await runPlaywright(dir, { env: { TESTSIGMA_API_TOKEN: emulator.token } });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const recorded = runNamed(emulator.state(), 'e2e serial');
    expect(recorded.results.get('DEMO-22')?.status).toBe('Failed');
    expect(recorded.results.get('DEMO-23')?.status).toBe('Skipped');
    expect(recorded.results.get('DEMO-23')?.description).toContain('Did not run: Playwright never started this test');
  });

  it('records a test whose code pushed annotations of the wrong shape, reading the well-formed ones, and leaves the exit code alone', async () => {
    // testInfo.annotations is a plain array: Playwright checks nothing pushed at run time, and a JavaScript test
    // can forget the type (or give a number, or a bare string).
    const dir = await writeProject(root, 'odd-annotations', {
      options: { projectId: 'Demo', baseUrl: emulator.url, runTitle: 'e2e odd annotations' },
      files: {
        'odd.spec.mjs': `
import { test } from '@playwright/test';
test('annotated by hand', async ({}, testInfo) => {
  testInfo.annotations.push({ description: 'no type' }, { type: 7 }, 'DEMO-25', { type: 'testsigma', description: 'DEMO-24' });
});
`,
      },
    });
    const run = await runPlaywright(dir, { env: { TESTSIGMA_API_TOKEN: emulator.token } });
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(0);
    expect(run.reporterLines.join('\n')).not.toMatch(/error:|warning:.*map to no test case/);
    const recorded = runNamed(emulator.state(), 'e2e odd annotations');
    expect(Object.fromEntries([...recorded.results].map(([id, r]) => [id, r.status]))).toEqual({ 'DEMO-24': 'Passed' });
  });

  it('fails the Playwright run when the service refuses the upload (401), and keeps it green with failOnUploadError: false', async () => {
    const badToken = 'tms_wrong_0123456789abcdef';
    const strict = await writeProject(root, 'refused-strict', {
      options: { projectId: 'Demo', baseUrl: emulator.url, runTitle: 'e2e refused' },
      files: { 'a.spec.mjs': PASSING },
    });
    const failed = await runPlaywright(strict, { env: { TESTSIGMA_API_TOKEN: badToken } });
    const failedOutput = failed.stdout + failed.stderr;
    expect(failed.code, failedOutput).not.toBe(0);
    expect(failedOutput).toContain('1 passed');
    expect(failedOutput).toMatch(/\[testsigma-tm\] error: GET \/projects.* failed with HTTP 401/);
    expect(failedOutput).toContain('failOnUploadError is true');
    expect(failedOutput).not.toContain(badToken);

    const lenient = await writeProject(root, 'refused-lenient', {
      options: { projectId: 'Demo', baseUrl: emulator.url, runTitle: 'e2e refused', failOnUploadError: false },
      files: { 'a.spec.mjs': PASSING },
    });
    const kept = await runPlaywright(lenient, { env: { TESTSIGMA_API_TOKEN: badToken } });
    const keptOutput = kept.stdout + kept.stderr;
    expect(kept.code, keptOutput).toBe(0);
    expect(keptOutput).toMatch(/\[testsigma-tm\] warning: .*HTTP 401/);
    expect(keptOutput).not.toContain(badToken);
    expect(emulator.state().test_runs.filter((r) => r.title === 'e2e refused')).toHaveLength(0);
  });

  it('without a token says so in one line, sends nothing and leaves the exit code alone', async () => {
    const dir = await writeProject(root, 'no-token', {
      options: { projectId: 'Demo', baseUrl: emulator.url },
      files: { 'a.spec.mjs': PASSING },
    });
    const before = emulator.state().requests.length;
    const run = await runPlaywright(dir);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.reporterLines).toEqual(['[testsigma-tm] No API token (set TESTSIGMA_API_TOKEN): test results were not recorded in Testsigma Test Management.']);
    expect(emulator.state().requests.length).toBe(before);
  });

  // A bad setting never stops Playwright: it is said before the tests and again after them, nothing is recorded,
  // and failOnUploadError decides whether the run fails. Other refused values: reporter-start.test.ts.
  describe('a bad setting', () => {
    const RUNS = {
      'a.spec.mjs': `import { test } from '@playwright/test';\nimport { writeFileSync } from 'node:fs';\ntest('ran DEMO-1', async () => { writeFileSync('ran.txt', 'yes'); });\n`,
    };
    const FIX = 'Fix each setting named above (in the reporter options, or the TESTSIGMA_* variable named) and run again.';

    it('is said at start and at the end; the tests run, nothing is recorded, and the run fails (failOnUploadError defaults to true)', async () => {
      const dir = await writeProject(root, 'invalid', { options: { projectID: 'Demo', closeRun: 'sometimes' }, files: RUNS });
      const before = emulator.state().requests.length;
      const run = await runPlaywright(dir, { env: { TESTSIGMA_API_TOKEN: emulator.token } });
      const output = run.stdout + run.stderr;
      expect(existsSync(join(dir, 'ran.txt')), output).toBe(true);
      expect(output).toContain('1 passed');
      for (const problem of [
        '[testsigma-tm]   - Unknown reporter option(s) "projectID" (did you mean "projectId"?): expected any of apiToken, projectId,',
        '[testsigma-tm]   - closeRun: expected true or false, received "sometimes"',
      ]) {
        expect(
          run.reporterLines.filter((line) => line.startsWith(problem)),
          output,
        ).toHaveLength(2);
      }
      expect(run.reporterLines[0]).toBe(
        '[testsigma-tm] error: Test results will not be recorded in Testsigma Test Management: a setting of playwright-testsigma-tm-reporter is wrong. The tests run anyway.',
      );
      expect(run.reporterLines).toContain(
        '[testsigma-tm] error: Test results were not recorded in Testsigma Test Management: a setting of playwright-testsigma-tm-reporter is wrong.',
      );
      expect(run.reporterLines.at(-1)).toBe(`[testsigma-tm] ${FIX} (failOnUploadError is true, so the test run is marked failed)`);
      expect(run.code, output).not.toBe(0);
      expect(emulator.state().requests.length).toBe(before);
    });

    it("keeps Playwright's verdict with failOnUploadError: false", async () => {
      const dir = await writeProject(root, 'invalid-lenient', { options: { projectId: 'Demo', baseUrl: 'not a url', failOnUploadError: false }, files: RUNS });
      const run = await runPlaywright(dir, { env: { TESTSIGMA_API_TOKEN: emulator.token } });
      const output = run.stdout + run.stderr;
      expect(run.code, output).toBe(0);
      expect(existsSync(join(dir, 'ran.txt'))).toBe(true);
      expect(run.reporterLines.filter((line) => line.includes('baseUrl: expected an http(s) URL'))).toHaveLength(2);
      expect(run.reporterLines.at(-1)).toBe(`[testsigma-tm] ${FIX} (failOnUploadError is false, so the test run's status is kept)`);
    });

    it('fails the run when failOnUploadError itself cannot be read, saying that its default applies', async () => {
      const dir = await writeProject(root, 'invalid-fail-setting', { options: { projectId: 'Demo' }, files: RUNS });
      const run = await runPlaywright(dir, { env: { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_FAIL_ON_UPLOAD_ERROR: 'nope' } });
      const output = run.stdout + run.stderr;
      expect(run.code, output).not.toBe(0);
      expect(existsSync(join(dir, 'ran.txt'))).toBe(true);
      expect(run.reporterLines.at(-1)).toBe(
        `[testsigma-tm] ${FIX} (failOnUploadError could not be read either, so its default applies: true, and the test run is marked failed)`,
      );
    });
  });

  // An error outside any test (global setup or teardown, a worker's fixture, a test file that does not load) fails
  // Playwright's run but belongs to no test: the summary must not read as a clean pass.
  describe('errors outside any test', () => {
    const TEARDOWN = `export default async () => { throw new Error('cleanup of the test database failed'); };\n`;
    const OUTSIDE =
      /^\[testsigma-tm\] warning: Playwright reported 1 error\(s\) outside any test \(global setup or teardown, a worker, loading a test file, the test runner itself\); its verdict for this run is failed, whatever the results recorded say:$/;
    const WHY =
      '[testsigma-tm] An error outside any test belongs to no test case, so none is recorded against one, and tests it kept from running are not recorded at all. Fix it (Playwright printed it in full above) and run again.';

    it('are named after the summary of a run whose tests all passed (a global teardown that failed)', async () => {
      const dir = await writeProject(root, 'teardown', {
        options: { projectId: 'Demo', baseUrl: emulator.url, runTitle: 'e2e teardown' },
        config: { globalTeardown: './tests/teardown.mjs' },
        files: { 'a.spec.mjs': PASSING, 'teardown.mjs': TEARDOWN },
      });
      const run = await runPlaywright(dir, { env: { TESTSIGMA_API_TOKEN: emulator.token } });
      const output = run.stdout + run.stderr;
      expect(run.code, output).not.toBe(0);
      expect(runNamed(emulator.state(), 'e2e teardown').results.get('DEMO-1')?.status).toBe('Passed');
      const at = run.reporterLines.findIndex((line) => OUTSIDE.test(line));
      expect(at, output).toBeGreaterThan(run.reporterLines.findIndex((line) => line.includes('recorded 1 of 1 test case(s)')));
      expect(run.reporterLines[at + 1]).toBe('[testsigma-tm]     tests/teardown.mjs:1: Error: cleanup of the test database failed');
      expect(run.reporterLines[at + 2]).toBe(WHY);
      expect(run.reporterLines.join('\n')).not.toMatch(/\berror:/);
    });

    it('are named when they kept every test from running (a global setup that failed)', async () => {
      const dir = await writeProject(root, 'setup-failed', {
        options: { projectId: 'Demo', baseUrl: emulator.url, runTitle: 'e2e setup failed' },
        config: { globalSetup: './tests/setup.mjs' },
        files: { 'a.spec.mjs': PASSING, 'setup.mjs': `export default async () => { throw new Error('database is down'); };\n` },
      });
      const before = emulator.state().requests.length;
      const run = await runPlaywright(dir, { env: { TESTSIGMA_API_TOKEN: emulator.token } });
      const output = run.stdout + run.stderr;
      expect(run.code, output).not.toBe(0);
      expect(run.reporterLines.slice(0, 2), output).toEqual(['[testsigma-tm] No test ran, so nothing was recorded.', expect.stringMatching(OUTSIDE)]);
      expect(run.reporterLines[2]).toBe('[testsigma-tm]     tests/setup.mjs:1: Error: database is down');
      expect(run.reporterLines[3]).toBe(WHY);
      expect(emulator.state().requests.length).toBe(before);
    });
  });

  it('takes settings from TESTSIGMA_* variables, an explicit option beating the environment', async () => {
    const dir = await writeProject(root, 'env', {
      options: { runTitle: 'e2e from the option' },
      files: { 'a.spec.mjs': PASSING },
    });
    const run = await runPlaywright(dir, {
      env: {
        TESTSIGMA_API_TOKEN: emulator.token,
        TESTSIGMA_PROJECT_ID: 'Demo',
        TESTSIGMA_BASE_URL: emulator.url,
        TESTSIGMA_RUN_TITLE: 'e2e from the environment',
        TESTSIGMA_CLOSE_RUN: 'false',
      },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const state = emulator.state();
    expect(state.test_runs.filter((r) => r.title === 'e2e from the environment')).toHaveLength(0);
    const recorded = runNamed(state, 'e2e from the option');
    expect(recorded.status).toBe('ACTIVE'); // TESTSIGMA_CLOSE_RUN=false
    expect(recorded.results.get('DEMO-1')?.status).toBe('Passed');
    expect(run.stdout + run.stderr).not.toContain(emulator.token);
  });

  it('writes nothing in a dry run or under --list', async () => {
    const dir = await writeProject(root, 'dry', {
      options: { projectId: 'Demo', baseUrl: emulator.url, runTitle: 'e2e dry', dryRun: true },
      files: { 'a.spec.mjs': PASSING },
    });
    const dry = await runPlaywright(dir, { env: { TESTSIGMA_API_TOKEN: emulator.token } });
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.reporterLines.join('\n')).toContain('Dry run: would record 1 test case(s): 1 Passed. Nothing was written.');

    const before = emulator.state().requests.length;
    const list = await runPlaywright(dir, { args: ['--list'], env: { TESTSIGMA_API_TOKEN: emulator.token } });
    expect(list.code, list.stdout + list.stderr).toBe(0);
    expect(list.reporterLines).toEqual([]);
    const state = emulator.state();
    expect(state.requests.length).toBe(before);
    expect(state.test_runs.filter((r) => r.title === 'e2e dry')).toHaveLength(0);
  });
});
