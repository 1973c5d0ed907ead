// The reporters' shared plumbing: start and printed lines on plain data; the upload's outcome becoming lines
// and the "fail the test run" decision against the emulator. The reporters' own tests run it inside Jest and Playwright.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { ConfigError } from '../../src/errors.js';
import type { TestResult } from '../../src/model.js';
import {
  REPORTER_PREFIX,
  noTestRanMessage,
  noTokenMessage,
  reportResults,
  reporterLines,
  reporterLogger,
  resolveReporterStart,
  sayInvalidSettings,
  unexpectedUploadError,
  uploadFailureLine,
  type ReporterUpload,
} from '../../src/hosts/reporter.js';
import { emptySummary } from '../../src/report/summary.js';
import { renderText } from '../../src/report/summary-text.js';

const TOKEN = 'tms_secret_token_1234';
const RESULT: TestResult = {
  source: 'jest',
  suitePath: [],
  name: 'DEMO-1 works',
  status: 'passed',
  properties: [],
  tags: [],
  attachments: [],
  attempts: [{ status: 'passed' }],
};

describe('resolveReporterStart', () => {
  it('resolves the options, an option beating the environment', () => {
    const { settings } = resolveReporterStart(
      { projectId: 'Demo', closeRun: false },
      { TESTSIGMA_API_TOKEN: TOKEN, TESTSIGMA_PROJECT_ID: 'Other', TESTSIGMA_CLOSE_RUN: 'true' },
      'some-reporter',
    );
    expect(settings).toMatchObject({ token: TOKEN, projectId: 'Demo', closeRun: false });
  });

  it('takes the token from the apiToken option too', () => {
    expect(resolveReporterStart({ projectId: 'Demo', apiToken: TOKEN }, {}, 'some-reporter').settings.token).toBe(TOKEN);
  });

  it("keeps what is wrong, never throwing, with the package named in core's message", () => {
    const { invalid } = resolveReporterStart({ projectID: 'Demo', closeRun: 'maybe' }, {}, 'some-reporter');
    expect(invalid?.error).toBeInstanceOf(ConfigError);
    expect(invalid?.error.message).toMatch(
      /^some-reporter: Invalid settings:\n {2}- Unknown reporter option\(s\) "projectID" \(did you mean "projectId"\?\): expected any of /,
    );
    expect(invalid?.error.message).toMatch(/\n {2}- closeRun: expected true or false, received "maybe"$/);
    expect(resolveReporterStart({ projectId: 'Demo' }, {}, 'some-reporter').invalid).toBeUndefined();
  });

  it('reads the known options beside an unknown one, and knows when failOnUploadError itself could not be read', () => {
    const kept = resolveReporterStart({ projectID: 'Demo', failOnUploadError: false }, {}, 'some-reporter');
    expect(kept.settings.failOnUploadError).toBe(false);
    expect(kept.invalid?.failOnUploadErrorUnread).toBe(false);
    const unread = resolveReporterStart({ projectId: 'Demo' }, { TESTSIGMA_FAIL_ON_UPLOAD_ERROR: 'nope' }, 'some-reporter');
    expect(unread.settings.failOnUploadError).toBe(true);
    expect(unread.invalid?.failOnUploadErrorUnread).toBe(true);
  });

  it('refuses a token without a project, unless the run records nothing', () => {
    expect(resolveReporterStart({}, { TESTSIGMA_API_TOKEN: TOKEN }, 'some-reporter').invalid?.problems).toEqual([
      'No project: set the projectId reporter option (or TESTSIGMA_PROJECT_ID) to the project UUID or its exact name.',
    ]);
    expect(resolveReporterStart({}, { TESTSIGMA_API_TOKEN: TOKEN }, 'some-reporter', { requireProject: false }).invalid).toBeUndefined();
    expect(resolveReporterStart({}, {}, 'some-reporter').invalid).toBeUndefined();
  });
});

describe('sayInvalidSettings', () => {
  const said = (start: ReturnType<typeof resolveReporterStart>, when: 'start' | 'end', recording: boolean) => {
    const lines: string[] = [];
    const error = sayInvalidSettings(start, (l) => lines.push(l), when, recording);
    return { lines, error };
  };

  it('says nothing of settings that are fine', () => {
    expect(said(resolveReporterStart({ projectId: 'Demo' }, {}, 'some-reporter'), 'end', true)).toEqual({ lines: [], error: undefined });
  });

  it('says what is wrong, why and what to do; at the end it fails the run only when failOnUploadError says so', () => {
    const start = resolveReporterStart({ projectId: 'Demo', closeRun: TOKEN }, { TESTSIGMA_API_TOKEN: TOKEN }, 'some-reporter');
    expect(said(start, 'start', true)).toEqual({
      lines: [
        '[testsigma-tm] error: Test results will not be recorded in Testsigma Test Management: a setting of some-reporter is wrong. The tests run anyway.',
        '[testsigma-tm]   - closeRun: expected true or false, received "***"',
        '[testsigma-tm] Fix each setting named above (in the reporter options, or the TESTSIGMA_* variable named) and run again. (failOnUploadError is true, so the test run will be marked failed at its end)',
      ],
      error: undefined,
    });
    const end = said(start, 'end', true);
    expect(end.lines[0]).toBe('[testsigma-tm] error: Test results were not recorded in Testsigma Test Management: a setting of some-reporter is wrong.');
    expect(end.lines.at(-1)).toContain('(failOnUploadError is true, so the test run is marked failed)');
    expect(end.error).toBeInstanceOf(ConfigError);
    expect(end.error?.message).toBe('some-reporter: Invalid settings:\n  - closeRun: expected true or false, received "***"');

    const lenient = resolveReporterStart({ projectId: 'Demo', closeRun: 'maybe', failOnUploadError: false }, { TESTSIGMA_API_TOKEN: TOKEN }, 'some-reporter');
    expect(said(lenient, 'end', true).error).toBeUndefined();
    expect(said(lenient, 'end', true).lines.at(-1)).toContain("(failOnUploadError is false, so the test run's status is kept)");
  });

  it('leaves a run that records nothing anyway (no token, watch mode, a list) alone, saying it as a warning', () => {
    const start = resolveReporterStart({ projectID: 'Demo' }, {}, 'some-reporter');
    const end = said(start, 'end', false);
    expect(end.error).toBeUndefined();
    expect(end.lines[0]).toBe(
      '[testsigma-tm] warning: A setting of some-reporter is wrong: no test run can be recorded until it is fixed (this one records nothing anyway).',
    );
    expect(end.lines.at(-1)).toBe('[testsigma-tm] Fix each setting named above (in the reporter options, or the TESTSIGMA_* variable named) and run again.');
  });
});

describe('printed lines', () => {
  it('are prefixed one by one, the token redacted', () => {
    expect(reporterLines(`a ${TOKEN}\nb`, [TOKEN])).toEqual([`${REPORTER_PREFIX} a ***`, `${REPORTER_PREFIX} b`]);
    expect(noTokenMessage()).toBe('[testsigma-tm] No API token (set TESTSIGMA_API_TOKEN): test results were not recorded in Testsigma Test Management.');
    expect(noTestRanMessage()).toBe('[testsigma-tm] No test ran, so nothing was recorded.');
  });

  it('of the logger say their level; progress only when verbose, debug only with TESTSIGMA_DEBUG on', () => {
    const lines: string[] = [];
    const quiet = reporterLogger((l) => lines.push(l), [TOKEN], { TESTSIGMA_DEBUG: 'off' });
    quiet.debug('hidden');
    quiet.info('info');
    quiet.warn(`careful ${TOKEN}`);
    quiet.error('broke');
    reporterLogger((l) => lines.push(l), [], { TESTSIGMA_DEBUG: '1' }).debug('GET /projects');
    reporterLogger((l) => lines.push(l), [], {}, true).info('progress');
    expect(lines).toEqual([
      '[testsigma-tm] warning: careful ***',
      '[testsigma-tm] error: broke',
      '[testsigma-tm] debug: GET /projects',
      '[testsigma-tm] progress',
    ]);
  });

  it('say whether a failed upload fails the test run', () => {
    expect(uploadFailureLine('x', true)).toBe('error: x (failOnUploadError is true, so the test run is marked failed)');
    expect(uploadFailureLine('x', false)).toBe("warning: x (failOnUploadError is false, so the test run's status is kept)");
    expect(unexpectedUploadError(new Error('boom'), 'some-reporter').message).toBe(
      'Unexpected failure while uploading results: boom. Please report this as a bug of some-reporter.',
    );
  });
});

describe('renderText for reporters', () => {
  it('says what a reporter collected instead of the files it read', () => {
    const summary = { ...emptySummary(false), total: 14, files: [{ path: 'a', tests: 14, error: null }] };
    expect(renderText(summary, { collectedBy: 'Jest', countTestFiles: true }).split('\n')[0]).toBe('Collected 14 Jest test result(s) from 1 test file(s).');
    expect(renderText(summary, { collectedBy: 'Playwright' }).split('\n')[0]).toBe('Collected 14 Playwright test result(s).');
    expect(renderText({ ...summary, files: [] }).split('\n')[0]).toBe('Collected 14 test result(s).');
    expect(renderText(summary).split('\n')[0]).toBe('Read 14 test result(s) from 1 file(s).');
  });
});

describe('reportResults (against the emulator)', () => {
  let emulator: EmulatorHandle;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false, token: TOKEN });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  function setup(options: Record<string, unknown>, results: TestResult[] = [RESULT], token = TOKEN) {
    const lines: string[] = [];
    const env = { TESTSIGMA_API_TOKEN: token, TESTSIGMA_BASE_URL: emulator.url };
    const run: ReporterUpload = {
      start: resolveReporterStart({ projectId: 'Demo', ...options }, env, 'some-reporter'),
      packageName: 'some-reporter',
      runner: 'Jest',
      results,
      env,
      write: (l) => lines.push(l),
    };
    return { run, lines };
  }

  it('uploads once and prints the summary in the runner’s words', async () => {
    const { run, lines } = setup({});
    await expect(reportResults(run)).resolves.toBeUndefined();
    expect(emulator.state().requests.filter((r) => r.route === 'PUT /projects/{pid}/test_runs/{rid}/test_cases')).toHaveLength(1);
    expect(lines).toContain('[testsigma-tm] Collected 1 Jest test result(s).');
    expect(lines).toContain('[testsigma-tm] Test run DEMO-R-2 (created), closed: recorded 1 of 1 test case(s): 1 Passed.');
  });

  it('says how long its upload phase took, as its last line, only when TESTSIGMA_TM_UPLOAD_TIMING is set (npm run bench)', async () => {
    const timed = setup({ dryRun: true });
    timed.run.env = { ...timed.run.env, TESTSIGMA_TM_UPLOAD_TIMING: '1' };
    await expect(reportResults(timed.run)).resolves.toBeUndefined();
    expect(timed.lines).toContain('[testsigma-tm] Collected 1 Jest test result(s).');
    expect(timed.lines.at(-1)).toMatch(
      /^\[testsigma-tm\] timing: the upload phase \(loading the upload code, lookups, mapping, summary\) took \d+ ms wall, \d+ ms CPU\.$/,
    );
    const untimed = setup({ dryRun: true });
    await reportResults(untimed.run);
    expect(untimed.lines.filter((l) => l.includes('timing:'))).toEqual([]);
  });

  it('warns, naming the test, when two tests of one file share a title (it.each without %s), and records the worst', async () => {
    const row = (status: TestResult['status']): TestResult => ({ ...RESULT, file: 'cart.test.js', suitePath: ['cart'], name: 'DEMO-1 adds', status });
    const other = { ...row('passed'), file: 'other.test.js' };
    const { run, lines } = setup({}, [row('failed'), row('passed'), other]);
    await reportResults(run);
    expect(lines).toContain(
      '[testsigma-tm] warning: Jest: 1 test(s) repeat the title of an earlier test in the same file ("cart › DEMO-1 adds (cart.test.js)"); ' +
        'each is recorded as a result of its own and the worst decides the case. To record them apart, give each a title of its own (test.each with %s or $name in the title).',
    );
    expect(lines.join('\n')).toContain('1 Failed');
  });

  it('sends nothing when no test ran', async () => {
    const { run, lines } = setup({}, []);
    await reportResults(run);
    expect(emulator.state().requests).toHaveLength(0);
    expect(lines).toEqual(['[testsigma-tm] No test ran, so nothing was recorded.']);
  });

  it('returns the error that fails the run only when failOnUploadError is on, printing it either way, redacted', async () => {
    const wrong = 'tms_wrong_token_5678';
    const strict = setup({}, [RESULT], wrong);
    const error = await reportResults(strict.run);
    expect(error?.message).toMatch(/^GET \/projects\?page_size=100 failed with HTTP 401: .+ The API token was refused: check TESTSIGMA_API_TOKEN/);
    expect(strict.lines.at(-1)).toBe(`[testsigma-tm] error: ${error?.message} (failOnUploadError is true, so the test run is marked failed)`);

    const lenient = setup({ failOnUploadError: false }, [RESULT], wrong);
    await expect(reportResults(lenient.run)).resolves.toBeUndefined();
    expect(lenient.lines.at(-1)).toMatch(
      /^\[testsigma-tm\] warning: GET \/projects\?page_size=100 failed with HTTP 401.*\(failOnUploadError is false, so the test run's status is kept\)$/,
    );
    expect([...strict.lines, ...lenient.lines].join('\n')).not.toContain(wrong);
  });

  it("names the runner's errors outside any test after the summary, one line each (the first ten), plain and redacted", async () => {
    const { run, lines } = setup({});
    const errors = Array.from({ length: 12 }, (_, i) => ({ message: `Error: broke ${i}`, file: 'global-teardown.ts', line: i + 1 }));
    errors[0] = { message: `\u001b[31mError: token ${TOKEN} refused\u001b[39m\n    at stack`, file: 'global-teardown.ts', line: 1 };
    await expect(reportResults({ ...run, runner: 'Playwright', outsideTests: { errors, runStatus: 'failed' } })).resolves.toBeUndefined();
    const at = lines.findIndex((l) => l.startsWith('[testsigma-tm] warning: Playwright reported 12 error(s) outside any test'));
    expect(at).toBeGreaterThan(lines.findIndex((l) => l.includes('recorded 1 of 1 test case(s)')));
    expect(lines[at]).toContain('its verdict for this run is failed, whatever the results recorded say:');
    expect(lines.slice(at + 1, at + 3)).toEqual([
      '[testsigma-tm]     global-teardown.ts:1: Error: token *** refused',
      '[testsigma-tm]     global-teardown.ts:2: Error: broke 1',
    ]);
    expect(lines[at + 11]).toBe('[testsigma-tm]     … and 2 more');
    expect(lines[at + 12]).toMatch(/^\[testsigma-tm\] An error outside any test belongs to no test case, so none is recorded against one/);
  });

  it('says why no test ran when errors outside any test kept them from running, and says nothing of an empty list', async () => {
    const kept = setup({}, []);
    const outsideTests = { errors: [{ message: 'Error: database is down' }], runStatus: 'failed' };
    await expect(reportResults({ ...kept.run, runner: 'Playwright', outsideTests })).resolves.toBeUndefined();
    expect(kept.lines.slice(0, 3)).toEqual([
      '[testsigma-tm] No test ran, so nothing was recorded.',
      '[testsigma-tm] warning: Playwright reported 1 error(s) outside any test (global setup or teardown, a worker, loading a test file, the test runner itself); its verdict for this run is failed, whatever the results recorded say:',
      '[testsigma-tm]     Error: database is down',
    ]);
    const none = setup({}, []);
    await reportResults({ ...none.run, outsideTests: { errors: [], runStatus: 'passed' } });
    expect(none.lines).toEqual(['[testsigma-tm] No test ran, so nothing was recorded.']);
    expect(emulator.state().requests).toHaveLength(0);
  });
});
