// The reporters' shared plumbing on plain data: start, printed lines, and how an upload's outcome becomes lines
// and the "fail the test run" decision. The reporters' own tests run it inside Jest and Playwright.
import { describe, expect, it } from 'vitest';
import { ApiError, ConfigError } from '../../src/errors.js';
import type { TestResult } from '../../src/model.js';
import type { UploadInput, UploadOutcome } from '../../src/pipeline.js';
import {
  REPORTER_PREFIX,
  noTestRanMessage,
  noTokenMessage,
  reportResults,
  reporterLines,
  reporterLogger,
  resolveReporterStart,
  unexpectedUploadError,
  uploadFailureLine,
  type ReporterUpload,
} from '../../src/reporting.js';
import { emptySummary, renderText } from '../../src/summary.js';

const TOKEN = 'tms_secret_token_1234';
const RESULT: TestResult = { source: 'jest', suitePath: [], name: 'DEMO-1 works', status: 'passed', properties: [], tags: [], attachments: [], attempts: [{ status: 'passed' }] };
const refused = (): ApiError => new ApiError('API_UNAUTHORIZED', { method: 'GET', path: '/projects', status: 401, serverMessage: `Invalid token ${TOKEN}` }, 'The API token was refused.');

describe('resolveReporterStart', () => {
  it('resolves the options, an option beating the environment', () => {
    const { settings, tokenSettingName } = resolveReporterStart({ projectId: 'Demo', closeRun: false }, { TESTSIGMA_API_TOKEN: TOKEN, TESTSIGMA_PROJECT_ID: 'Other', TESTSIGMA_CLOSE_RUN: 'true' }, 'some-reporter');
    expect(settings).toMatchObject({ token: TOKEN, projectId: 'Demo', closeRun: false });
    expect(tokenSettingName).toBe('TESTSIGMA_API_TOKEN');
  });

  it('names the apiToken option in messages when the token came from there', () => {
    expect(resolveReporterStart({ projectId: 'Demo', apiToken: TOKEN }, {}, 'some-reporter').tokenSettingName).toBe('the apiToken reporter option');
  });

  it("names the package in core's configuration errors", () => {
    expect(() => resolveReporterStart({ projectID: 'Demo' }, {}, 'some-reporter')).toThrow(ConfigError);
    expect(() => resolveReporterStart({ projectID: 'Demo' }, {}, 'some-reporter')).toThrow('some-reporter: Unknown reporter option(s) "projectID"');
  });

  it('refuses a token without a project, unless the run records nothing', () => {
    expect(() => resolveReporterStart({}, { TESTSIGMA_API_TOKEN: TOKEN }, 'some-reporter')).toThrow(
      'some-reporter: No project: set the projectId reporter option (or TESTSIGMA_PROJECT_ID) to the project UUID or its exact name.',
    );
    expect(resolveReporterStart({}, { TESTSIGMA_API_TOKEN: TOKEN }, 'some-reporter', { requireProject: false }).settings.projectId).toBeUndefined();
    expect(resolveReporterStart({}, {}, 'some-reporter').settings.token).toBeUndefined();
  });
});

describe('printed lines', () => {
  it('are prefixed one by one, the token redacted', () => {
    expect(reporterLines(`a ${TOKEN}\nb`, [TOKEN])).toEqual([`${REPORTER_PREFIX} a ***`, `${REPORTER_PREFIX} b`]);
    expect(noTokenMessage()).toBe('[testsigma-tm] No API token (set TESTSIGMA_API_TOKEN): test results were not recorded in Testsigma Test Management.');
    expect(noTestRanMessage()).toBe('[testsigma-tm] No test ran, so nothing was recorded.');
  });

  it('of the logger say their level, and debug ones appear only with TESTSIGMA_DEBUG on', () => {
    const lines: string[] = [];
    const quiet = reporterLogger((l) => lines.push(l), [TOKEN], { TESTSIGMA_DEBUG: 'off' });
    quiet.debug('hidden');
    quiet.info('info');
    quiet.warn(`careful ${TOKEN}`);
    quiet.error('broke');
    reporterLogger((l) => lines.push(l), [], { TESTSIGMA_DEBUG: '1' }).debug('GET /projects');
    expect(lines).toEqual(['[testsigma-tm] info', '[testsigma-tm] warning: careful ***', '[testsigma-tm] error: broke', '[testsigma-tm] debug: GET /projects']);
  });

  it('say whether a failed upload fails the test run', () => {
    expect(uploadFailureLine('x', true)).toBe('error: x (failOnUploadError is true, so the test run is marked failed)');
    expect(uploadFailureLine('x', false)).toBe("warning: x (failOnUploadError is false, so the test run's status is kept)");
    expect(unexpectedUploadError(new Error('boom'), 'some-reporter').message).toBe('Unexpected failure while uploading results: boom. Please report this as a bug of some-reporter.');
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

describe('reportResults', () => {
  function setup(options: Record<string, unknown>, outcome: Partial<UploadOutcome> | (() => never), results: TestResult[] = [RESULT]) {
    const lines: string[] = [];
    const inputs: UploadInput[] = [];
    const upload = async (input: UploadInput): Promise<UploadOutcome> => {
      inputs.push(input);
      if (typeof outcome === 'function') outcome();
      return { summary: { ...emptySummary(false), total: input.results.length }, exitCode: 0, ...outcome };
    };
    const env = { TESTSIGMA_API_TOKEN: TOKEN };
    const run: ReporterUpload = { start: resolveReporterStart({ projectId: 'Demo', ...options }, env, 'some-reporter'), packageName: 'some-reporter', runner: 'Jest', results, env, write: (l) => lines.push(l), upload };
    return { run, lines, inputs };
  }

  it('uploads once and prints the summary in the runner’s words', async () => {
    const { run, lines, inputs } = setup({}, {});
    await expect(reportResults(run)).resolves.toBeUndefined();
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({ results: [RESULT], tokenSettingName: 'TESTSIGMA_API_TOKEN' });
    expect(lines).toEqual(['[testsigma-tm] Collected 1 Jest test result(s).', '[testsigma-tm] No test run was written to.']);
  });

  it('sends nothing when no test ran', async () => {
    const { run, lines, inputs } = setup({}, {}, []);
    await reportResults(run);
    expect(inputs).toHaveLength(0);
    expect(lines).toEqual(['[testsigma-tm] No test ran, so nothing was recorded.']);
  });

  it('returns the error that fails the run only when failOnUploadError is on, printing it either way, redacted', async () => {
    const strict = setup({}, { error: refused(), exitCode: 1 });
    const error = await reportResults(strict.run);
    expect(error?.message).toBe('GET /projects failed with HTTP 401: Invalid token ***. The API token was refused.');
    expect(strict.lines.at(-1)).toBe(`[testsigma-tm] error: ${error?.message} (failOnUploadError is true, so the test run is marked failed)`);

    const lenient = setup({ failOnUploadError: false }, { error: refused(), exitCode: 1 });
    await expect(reportResults(lenient.run)).resolves.toBeUndefined();
    expect(lenient.lines.at(-1)).toMatch(/^\[testsigma-tm\] warning: GET \/projects failed with HTTP 401.*\(failOnUploadError is false, so the test run's status is kept\)$/);
    expect([...strict.lines, ...lenient.lines].join('\n')).not.toContain(TOKEN);
  });

  it('turns an exception of the upload into a failed upload instead of rejecting', async () => {
    const { run, lines } = setup({}, () => {
      throw new Error(`socket broke for ${TOKEN}`);
    });
    const error = await reportResults(run);
    expect(error?.message).toBe('Unexpected failure while uploading results: socket broke for ***. Please report this as a bug of some-reporter.');
    expect(lines.join('\n')).not.toContain(TOKEN);
  });
});
