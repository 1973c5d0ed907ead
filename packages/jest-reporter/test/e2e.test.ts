// The real Jest, on small inline projects, reporting into the emulator: what a user would see and what
// the service would hold. One emulator for the file, reset before each test.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { UNPACED } from '../../../test/helpers/emulator.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { machineNode20 } from '../../../test/helpers/node20.js';
import { REPORTER_ENTRY, assertBuilt, caseHumanIds, newRuns, removeDir, resultsByCase, runJest, writeProject } from './helpers.js';

const NODE20 = machineNode20();
let emulator: EmulatorHandle;
let dir: string | undefined;

beforeAll(async () => {
  assertBuilt();
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: UNPACED });
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(() => {
  emulator.reset();
});
afterEach(async () => {
  await removeDir(dir);
  dir = undefined;
});

const PASSING = { 'ok.test.js': "test('[DEMO-1] works', () => { expect(1).toBe(1); });\n" };

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, ...extra };
}

describe('jest-testsigma-tm-reporter with the real Jest', () => {
  it('records each test case once: passing, failing, skipped, todo, describe ids, test.each rows, a flaky retry and a file that failed to run', async () => {
    dir = await writeProject(
      {
        'login.test.js': [
          "test('[DEMO-3] logs in', () => { expect(1 + 1).toBe(2); });",
          "test('DEMO-10 rejects a wrong password', () => { expect('denied').toBe('granted'); });",
          "test.skip('DEMO-11 remembers me', () => {});",
          "test.todo('DEMO-12 single sign-on');",
          "test('no reference here', () => {});",
        ].join('\n'),
        'cart.test.js': [
          "describe('DEMO-4 cart', () => {",
          "  describe('checkout', () => { test('pays by card', () => {}); });",
          '});',
          "describe('orders', () => {",
          "  describe('[DEMO-13] history', () => { test('lists orders', () => {}); });",
          '});',
        ].join('\n'),
        'each.test.js': "test.each([[14, 1], [15, 2]])('DEMO-%i row', (_id, x) => { expect(x).toBe(1); });\n",
        'retry.test.js': [
          'jest.retryTimes(2);',
          'let runs = 0;',
          "test('[DEMO-16] flaky', () => { runs += 1; if (runs < 2) throw new Error('first attempt broke'); });",
        ].join('\n'),
        'retry-logged.test.js': [
          'jest.retryTimes(3, { logErrorsBeforeRetry: true });',
          'let runs = 0;',
          "test('[DEMO-18] flaky twice', () => { runs += 1; if (runs < 3) throw new Error(`attempt ${runs} broke`); });",
          "test('[DEMO-19] always fails', () => { throw new Error('never works'); });",
        ].join('\n'),
        'DEMO-17.test.js': "require('./does-not-exist');\ntest('[DEMO-20] never collected', () => {});\n",
        'broken.test.js': "describe('DEMO-21 broken', () => { throw new Error('describe body threw'); });\n",
      },
      [REPORTER_ENTRY, { projectId: 'Demo' }],
    );
    // Workers, as in most real runs: results cross a process boundary before the reporter sees them.
    const run = await runJest(dir, env(), ['--maxWorkers=2']);

    expect(run.code, run.output).toBe(1); // failing tests fail Jest, as always
    const state = emulator.state();
    const runs = newRuns(state);
    expect(runs).toHaveLength(1);
    const [testRun] = runs;
    if (!testRun) throw new Error('no run');
    expect(testRun.status).toBe('CLOSED');
    const results = resultsByCase(state, testRun);
    expect(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.status]))).toEqual({
      'DEMO-3': 'Passed',
      'DEMO-10': 'Failed',
      'DEMO-11': 'Skipped',
      'DEMO-12': 'Skipped',
      'DEMO-4': 'Passed',
      'DEMO-13': 'Passed',
      'DEMO-14': 'Passed',
      'DEMO-15': 'Failed',
      'DEMO-16': 'Passed',
      'DEMO-18': 'Passed',
      'DEMO-19': 'Failed',
      'DEMO-17': 'Failed',
    });
    expect(caseHumanIds(state, testRun).sort()).toEqual(Object.keys(results).sort());

    // What a person reads on the case.
    expect(results['DEMO-10']?.description).toContain('Expected: "granted"');
    expect(results['DEMO-10']?.description).toContain('File: login.test.js');
    expect(results['DEMO-4']?.description).toContain('DEMO-4 cart › checkout › pays by card');
    expect(results['DEMO-12']?.description).toContain('test.todo');
    // One result per test, however many attempts; the failed attempts are described.
    expect(results['DEMO-16']?.description).not.toContain('map to this case');
    expect(results['DEMO-16']?.description).toMatch(
      /flaky: passed on attempt 2 of 2; attempt 1 failed: error unknown: Jest keeps it only with jest\.retryTimes/,
    );
    expect(results['DEMO-18']?.description).toContain(
      'flaky: passed on attempt 3 of 3; attempt 1 failed: Error: attempt 1 broke; attempt 2 failed: Error: attempt 2 broke',
    );
    expect(results['DEMO-19']?.description).toContain('failed on attempt 4 of 4');
    // A file that could not run is one error result, mapped by the id in its file name.
    expect(results['DEMO-17']?.description).toContain("Test suite failed to run: Cannot find module './does-not-exist'");
    expect(results['DEMO-20']).toBeUndefined();

    // Unmapped tests are warned about and not sent; the summary says what happened.
    expect(run.reporterLines).toContain('[testsigma-tm] Collected 14 Jest test result(s) from 7 test file(s).');
    const runLine = run.reporterLines.find((l) =>
      l.startsWith(`[testsigma-tm] Test run ${testRun.human_id} (created), closed: recorded 12 of 12 test case(s): `),
    );
    expect(runLine, run.output).toBeDefined();
    for (const count of ['6 Passed', '4 Failed', '2 Skipped']) expect(runLine).toContain(count);
    // The reporter's own lines (Jest's retry logging may interleave with them in the raw output under load). The
    // two tests come in the order their files finished, which two Jest workers decide: either order is right.
    const header = run.reporterLines.findIndex((l) => l.endsWith('2 test(s) map to no test case:'));
    expect(header, run.output).toBeGreaterThan(-1);
    expect(
      run.reporterLines
        .slice(header + 1, header + 3)
        .map((l) => l.replace(/^\[testsigma-tm\]\s+/, ''))
        .sort(),
    ).toEqual(['broken.test.js › Test suite failed to run', 'no reference here']);
    expect(run.output).not.toContain(emulator.token);
  });

  it('lets options beat TESTSIGMA_* variables, and shards record into one run with runId', async () => {
    dir = await writeProject(PASSING, [REPORTER_ENTRY, { projectId: 'Demo', runTitle: 'Nightly from option', closeRun: false }]);
    const first = await runJest(dir, env({ TESTSIGMA_PROJECT_ID: 'No such project', TESTSIGMA_RUN_TITLE: 'from env', TESTSIGMA_CLOSE_RUN: 'true' }));
    expect(first.code, first.output).toBe(0);
    const [created] = newRuns(emulator.state());
    expect(created).toMatchObject({ title: 'Nightly from option', status: 'ACTIVE' });

    // A second shard: the run id from the environment, into the same (open) run; no second run.
    await removeDir(dir);
    dir = await writeProject({ 'other.test.js': "test('DEMO-2 other shard', () => { throw new Error('shard 2 broke'); });\n" }, [
      REPORTER_ENTRY,
      { projectId: 'Demo' },
    ]);
    const second = await runJest(dir, env({ TESTSIGMA_RUN_ID: created?.human_id ?? '' }));
    expect(second.code, second.output).toBe(1);
    const state = emulator.state();
    const runs = newRuns(state);
    expect(runs).toHaveLength(1);
    const results = resultsByCase(state, runs[0] as (typeof runs)[number]);
    expect({ 'DEMO-1': results['DEMO-1']?.status, 'DEMO-2': results['DEMO-2']?.status }).toEqual({ 'DEMO-1': 'Passed', 'DEMO-2': 'Failed' });
    expect(runs[0]?.status).toBe('ACTIVE'); // a run this upload did not create is never closed by it
  });

  it('records a test file once per Jest project that ran it (projects with a displayName)', async () => {
    // The same file in two projects (two environments, two sets of globals): Jest runs it twice, and the test
    // breaks in one project only. Both runs are results; the worst decides the case, as Jest's exit code does.
    dir = await writeProject(
      { 'a.test.js': "test('DEMO-5 works', () => { expect(globalThis.BROKEN).toBe(false); });\n" },
      [REPORTER_ENTRY, { projectId: 'Demo' }],
      {
        projects: [
          { displayName: 'broken', transform: {}, globals: { BROKEN: true } },
          { displayName: 'fine', transform: {}, globals: { BROKEN: false } },
        ],
      },
    );
    const run = await runJest(dir, env());
    expect(run.code, run.output).toBe(1);
    expect(run.reporterLines).toContain('[testsigma-tm] Collected 2 Jest test result(s) from 2 test file(s).');
    const state = emulator.state();
    const [recorded] = newRuns(state);
    const result = resultsByCase(state, recorded as NonNullable<typeof recorded>)['DEMO-5'];
    expect(result?.status).toBe('Failed');
    expect(result?.description).toContain('2 automated tests map to this case; the worst outcome decides its status: Failed.');
    expect(result?.description).toContain('Project: broken');
    expect(result?.description).toContain('Project: fine');
  });

  it('dry run: reports what would be recorded and writes nothing', async () => {
    dir = await writeProject(PASSING, [REPORTER_ENTRY, { projectId: 'Demo', dryRun: true }]);
    const run = await runJest(dir, env());
    expect(run.code, run.output).toBe(0);
    expect(run.reporterLines).toContain('[testsigma-tm] Dry run: would record 1 test case(s): 1 Passed. Nothing was written.');
    const state = emulator.state();
    expect(newRuns(state)).toHaveLength(0);
    expect(state.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  describe('an upload refused with 401 (wrong token)', () => {
    it('fails Jest although every test passed (failOnUploadError defaults to true)', async () => {
      dir = await writeProject(PASSING, [REPORTER_ENTRY, { projectId: 'Demo' }]);
      const run = await runJest(dir, env({ TESTSIGMA_API_TOKEN: 'tms_wrong_token_abcdef' }));
      expect(run.code, run.output).toBe(1);
      expect(run.output).toMatch(/Tests:\s+1 passed, 1 total/);
      expect(run.output).toMatch(
        /\[testsigma-tm\] error: GET \/projects\S* failed with HTTP 401.*The API token was refused: check TESTSIGMA_API_TOKEN.*\(failOnUploadError is true, so the test run is marked failed\)/,
      );
      expect(run.output).not.toContain('tms_wrong_token_abcdef');
      expect(newRuns(emulator.state())).toHaveLength(0);
    });

    it('is printed and passes with TESTSIGMA_FAIL_ON_UPLOAD_ERROR=false', async () => {
      dir = await writeProject(PASSING, [REPORTER_ENTRY, { projectId: 'Demo' }]);
      const run = await runJest(dir, env({ TESTSIGMA_API_TOKEN: 'tms_wrong_token_abcdef', TESTSIGMA_FAIL_ON_UPLOAD_ERROR: 'false' }));
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/failed with HTTP 401/);
      expect(run.output).toMatch(
        /\[testsigma-tm\] warning: GET \/projects\S* failed with HTTP 401.*\(failOnUploadError is false, so the test run's status is kept\)/,
      );
    });

    it('passes with the failOnUploadError: false option', async () => {
      dir = await writeProject(PASSING, [REPORTER_ENTRY, { projectId: 'Demo', failOnUploadError: false }]);
      const run = await runJest(dir, env({ TESTSIGMA_API_TOKEN: 'tms_wrong_token_abcdef' }));
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/failed with HTTP 401/);
    });
  });

  it('fails Jest when unmapped tests are refused (unmapped: fail)', async () => {
    dir = await writeProject({ 'a.test.js': "test('has no id', () => {});\n" }, [REPORTER_ENTRY, { projectId: 'Demo', unmapped: 'fail' }]);
    const run = await runJest(dir, env());
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain('[testsigma-tm] error: 1 test(s) or reference(s) map to no test case: has no id.');
  });

  it.skipIf(!NODE20)("on the machine's Node 20: records the run, and without a token says one line", async () => {
    dir = await writeProject(PASSING, [REPORTER_ENTRY, { projectId: 'Demo', baseUrl: emulator.url }]);
    const run = await runJest(dir, env(), ['--runInBand'], undefined, NODE20);
    expect(run.code, run.output).toBe(0);
    expect(newRuns(emulator.state())).toHaveLength(1);
    const quiet = await runJest(dir, {}, ['--runInBand'], undefined, NODE20);
    expect(quiet.code, quiet.output).toBe(0);
    expect(quiet.reporterLines).toEqual([
      '[testsigma-tm] No API token (set TESTSIGMA_API_TOKEN): test results were not recorded in Testsigma Test Management.',
    ]);
  });

  it('without a token: one line, no request, Jest passes', async () => {
    dir = await writeProject(PASSING, [REPORTER_ENTRY, { projectId: 'Demo', baseUrl: emulator.url }]);
    const run = await runJest(dir, {});
    expect(run.code, run.output).toBe(0);
    expect(run.reporterLines).toEqual(['[testsigma-tm] No API token (set TESTSIGMA_API_TOKEN): test results were not recorded in Testsigma Test Management.']);
    expect(emulator.state().requests).toHaveLength(0);
  });

  // A bad setting never stops Jest: it is said before the tests and again after them, nothing is recorded, and
  // failOnUploadError decides whether the run fails. Each other message (a bad value such as closeRun: "maybe",
  // no project) is asserted in reporter.test.ts against the same constructor, without a Jest process of its own.
  describe('a bad setting', () => {
    const RUNS = { 'a.test.js': "test('DEMO-1 runs anyway', () => { require('fs').writeFileSync(__dirname + '/ran', ''); });\n" };

    it.each([
      [{ projectID: 'Demo' }, {}, 'Unknown reporter option(s) "projectID" (did you mean "projectId"?): expected any of apiToken, projectId,'],
      [{ projectId: 'Demo' }, { TESTSIGMA_TIMEOUT_MS: 'soon' }, 'TESTSIGMA_TIMEOUT_MS: expected a whole number from 100 to 600000, received "soon"'],
      [{ projectId: 'Demo', baseUrl: 'not a url' }, {}, 'baseUrl: '],
    ])('%j %j: is said at start and at the end, Jest runs its tests, nothing is recorded, the run fails', async (options, extraEnv, message) => {
      dir = await writeProject(RUNS, [REPORTER_ENTRY, options]);
      const run = await runJest(dir, env(extraEnv));
      expect(existsSync(path.join(dir, 'ran')), run.output).toBe(true);
      expect(run.output).toMatch(/Tests:\s+1 passed, 1 total/);
      expect(run.output).not.toContain('An error occurred while adding the reporter');
      const said = run.reporterLines.filter((line) => line.includes(message));
      expect(said, run.output).toHaveLength(2);
      expect(run.reporterLines[0]).toBe(
        '[testsigma-tm] error: Test results will not be recorded in Testsigma Test Management: a setting of jest-testsigma-tm-reporter is wrong. The tests run anyway.',
      );
      expect(run.reporterLines.at(-1)).toBe(
        '[testsigma-tm] Fix each setting named above (in the reporter options, or the TESTSIGMA_* variable named) and run again. (failOnUploadError is true, so the test run is marked failed)',
      );
      // Said before the tests ran and again after them.
      expect(run.stderr.indexOf(said[0]!)).toBeLessThan(run.stderr.indexOf('PASS'));
      expect(run.stderr.lastIndexOf(said[1]!)).toBeGreaterThan(run.stderr.indexOf('PASS'));
      expect(run.code, run.output).toBe(1);
      expect(emulator.state().requests).toHaveLength(0);
    });

    it("keeps Jest's verdict with failOnUploadError: false, even beside an unknown option", async () => {
      dir = await writeProject(RUNS, [REPORTER_ENTRY, { projectID: 'Demo', failOnUploadError: false }]);
      const run = await runJest(dir, env());
      expect(run.code, run.output).toBe(0);
      expect(existsSync(path.join(dir, 'ran'))).toBe(true);
      expect(run.reporterLines.at(-1)).toBe(
        "[testsigma-tm] Fix each setting named above (in the reporter options, or the TESTSIGMA_* variable named) and run again. (failOnUploadError is false, so the test run's status is kept)",
      );
      expect(run.reporterLines.filter((line) => line.startsWith('[testsigma-tm] warning: Test results were not recorded'))).toHaveLength(1);
      expect(emulator.state().requests).toHaveLength(0);
    });

    it('fails the run when failOnUploadError itself cannot be read (its default, true, applies) and says so', async () => {
      dir = await writeProject(RUNS, [REPORTER_ENTRY, { projectId: 'Demo' }]);
      const run = await runJest(dir, env({ TESTSIGMA_FAIL_ON_UPLOAD_ERROR: 'nope' }));
      expect(run.code, run.output).toBe(1);
      expect(existsSync(path.join(dir, 'ran'))).toBe(true);
      expect(run.reporterLines.filter((line) => line.includes('TESTSIGMA_FAIL_ON_UPLOAD_ERROR: expected true or false, received "nope"'))).toHaveLength(2);
      expect(run.reporterLines.at(-1)).toContain(
        '(failOnUploadError could not be read either, so its default applies: true, and the test run is marked failed)',
      );
    });

    it('never quotes the token given in the wrong place', async () => {
      dir = await writeProject(RUNS, [REPORTER_ENTRY, { projectId: 'Demo', closeRun: emulator.token }]);
      const run = await runJest(dir, env());
      expect(run.output).toContain('closeRun: expected true or false, received "***"');
      expect(run.output).not.toContain(emulator.token);
    });

    it('without a token, is said but leaves Jest its verdict', async () => {
      dir = await writeProject(RUNS, [REPORTER_ENTRY, { projectID: 'Demo' }]);
      const run = await runJest(dir, {});
      expect(run.code, run.output).toBe(0);
      expect(run.reporterLines.filter((line) => line.includes('Unknown reporter option(s) "projectID"'))).toHaveLength(2);
      expect(run.reporterLines).toContain(
        '[testsigma-tm] No API token (set TESTSIGMA_API_TOKEN): test results were not recorded in Testsigma Test Management.',
      );
    });
  });
});
