// The reporter class on plain data, with the upload replaced: option handling, the idle cases, and how an
// upload's outcome becomes Jest's exit code. The real Jest and the emulator are in e2e.test.ts.
import { ApiError, ConfigError, emptySummary, type UploadInput, type UploadOutcome } from 'testsigma-tm-core';
import { describe, expect, it, vi } from 'vitest';
import Reporter, { TestsigmaReporter } from '../src/index.js';
import type { JestTestFileResult } from '../src/jest-types.js';

const TOKEN = 'tms_secret_token_1234';
const FILE: JestTestFileResult = {
  testFilePath: '/p/test/a.test.js',
  testResults: [{ ancestorTitles: ['DEMO-4 cart'], title: '[DEMO-3] pays', status: 'passed', failureMessages: [] }],
};

function setup(options: Record<string, unknown> = { projectId: 'Demo' }, env: Record<string, string> = { TESTSIGMA_API_TOKEN: TOKEN }, outcome?: Partial<UploadOutcome>) {
  const lines: string[] = [];
  const upload = vi.fn(async (input: UploadInput): Promise<UploadOutcome> => {
    input.log?.warn(`a warning that mentions ${TOKEN}`);
    return { summary: { ...emptySummary(input.settings.dryRun), total: input.results.length }, exitCode: 0, ...outcome };
  });
  const reporter = new TestsigmaReporter({ rootDir: '/p' }, options, undefined, { env, write: (line) => lines.push(line), upload });
  return { reporter, lines, upload };
}

async function run(reporter: TestsigmaReporter, files: JestTestFileResult[] = [FILE]): Promise<void> {
  reporter.onRunStart();
  for (const f of files) reporter.onTestFileResult(undefined, f);
  await reporter.onRunComplete(new Set(), { testResults: files });
}

const refused = (): ApiError => new ApiError('API_UNAUTHORIZED', { method: 'GET', path: '/projects', status: 401, serverMessage: 'Invalid token' }, 'The API token was refused.');

describe('jest-testsigma-tm-reporter', () => {
  it('is the default export, as Jest loads it', () => {
    expect(Reporter).toBe(TestsigmaReporter);
  });

  it('uploads every converted test once, at the end, and prints the summary', async () => {
    const { reporter, lines, upload } = setup();
    await run(reporter);
    expect(upload).toHaveBeenCalledTimes(1);
    const input = upload.mock.calls[0]?.[0];
    expect(input?.results).toEqual([expect.objectContaining({ suitePath: ['DEMO-4 cart'], name: '[DEMO-3] pays', file: 'test/a.test.js' })]);
    expect(input?.files).toEqual([{ path: '/p/test/a.test.js', results: input?.results }]);
    expect(input?.settings).toMatchObject({ projectId: 'Demo', token: TOKEN, failOnUploadError: true });
    expect(input?.tokenSettingName).toBe('TESTSIGMA_API_TOKEN');
    expect(lines[0]).toBe('[testsigma-tm] warning: a warning that mentions ***');
    expect(lines).toContain('[testsigma-tm] Collected 1 Jest test result(s) from 0 test file(s).');
    expect(reporter.getLastError()).toBeUndefined();
  });

  it('never prints the token, even when core hands it a message with it', async () => {
    const { reporter, lines } = setup();
    await run(reporter);
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(lines).toContain('[testsigma-tm] warning: a warning that mentions ***');
  });

  it('lets an explicit option beat the environment', () => {
    const { reporter, upload } = setup({ projectId: 'Demo', closeRun: false }, { TESTSIGMA_API_TOKEN: TOKEN, TESTSIGMA_PROJECT_ID: 'Other', TESTSIGMA_CLOSE_RUN: 'true', TESTSIGMA_RUN_TITLE: 'from env' });
    return run(reporter).then(() => expect(upload.mock.calls[0]?.[0].settings).toMatchObject({ projectId: 'Demo', closeRun: false, runTitle: 'from env' }));
  });

  it('names the apiToken option in messages when the token came from there', async () => {
    const { reporter, upload } = setup({ projectId: 'Demo', apiToken: TOKEN }, {});
    await run(reporter);
    expect(upload.mock.calls[0]?.[0].tokenSettingName).toBe('the apiToken reporter option');
  });

  describe('invalid options stop Jest at start with core message', () => {
    it.each([
      [{ projectId: 'Demo', closeRun: 'maybe' }, 'closeRun: expected true or false, received "maybe"'],
      [{ projectID: 'Demo' }, 'Unknown reporter option(s) "projectID": expected any of apiToken, projectId'],
      [{ projectId: 'Demo', unmapped: 'loud' }, 'unmapped: expected one of ignore, warn, fail, received "loud"'],
      [{ projectId: 'Demo', batchSize: 500 }, 'batchSize: expected a whole number from 1 to 100, received number 500'],
      ['Demo', 'Reporter options: expected an object'],
    ])('%j', (options, message) => {
      expect(() => new TestsigmaReporter({}, options as Record<string, unknown>, undefined, { env: {} })).toThrow(ConfigError);
      expect(() => new TestsigmaReporter({}, options as Record<string, unknown>, undefined, { env: {} })).toThrow(`jest-testsigma-tm-reporter: `);
      expect(() => new TestsigmaReporter({}, options as Record<string, unknown>, undefined, { env: {} })).toThrow(message);
    });

    it('checks values from the environment too', () => {
      expect(() => new TestsigmaReporter({}, { projectId: 'Demo' }, undefined, { env: { TESTSIGMA_FAIL_ON_UPLOAD_ERROR: 'nope' } })).toThrow('TESTSIGMA_FAIL_ON_UPLOAD_ERROR: expected true or false');
    });

    it('refuses a token without a project, before any test runs', () => {
      expect(() => new TestsigmaReporter({}, {}, undefined, { env: { TESTSIGMA_API_TOKEN: TOKEN } })).toThrow('jest-testsigma-tm-reporter: No project: set the projectId reporter option (or TESTSIGMA_PROJECT_ID)');
    });
  });

  describe('without a token', () => {
    it('says so in one line, once, and does nothing else', async () => {
      const { reporter, lines, upload } = setup({ projectId: 'Demo' }, {});
      await run(reporter);
      await run(reporter);
      expect(lines).toEqual(['[testsigma-tm] No API token (set TESTSIGMA_API_TOKEN): test results were not recorded in Testsigma Test Management.']);
      expect(upload).not.toHaveBeenCalled();
      expect(reporter.getLastError()).toBeUndefined();
    });

    it('needs no project either (fork pull requests have no secrets)', () => {
      expect(() => setup({}, {})).not.toThrow();
    });
  });

  it('records nothing in watch mode or with --collectTests', async () => {
    for (const config of [{ watch: true }, { watchAll: true }, { collectTests: true }]) {
      const lines: string[] = [];
      const upload = vi.fn();
      const reporter = new TestsigmaReporter(config, { projectId: 'Demo' }, undefined, { env: { TESTSIGMA_API_TOKEN: TOKEN }, write: (l) => lines.push(l), upload });
      await run(reporter);
      expect(upload).not.toHaveBeenCalled();
      expect(lines).toHaveLength(1);
    }
  });

  describe('a failed upload', () => {
    it('fails the Jest run through getLastError with core message (failOnUploadError defaults to true)', async () => {
      const error = refused();
      const { reporter, lines } = setup({ projectId: 'Demo' }, { TESTSIGMA_API_TOKEN: TOKEN }, { error, exitCode: 1 });
      await run(reporter);
      expect(reporter.getLastError()).toBe(error);
      expect(lines).toContain(`[testsigma-tm] error: ${error.message} (failOnUploadError is true, so the test run is marked failed)`);
    });

    it('is printed but passes when failOnUploadError is false', async () => {
      const { reporter, lines } = setup({ projectId: 'Demo', failOnUploadError: false }, { TESTSIGMA_API_TOKEN: TOKEN }, { error: refused(), exitCode: 1 });
      await run(reporter);
      expect(reporter.getLastError()).toBeUndefined();
      expect(lines).toContain("[testsigma-tm] warning: GET /projects failed with HTTP 401: Invalid token. The API token was refused. (failOnUploadError is false, so the test run's status is kept)");
    });

    it('clears a previous error when a new run starts', async () => {
      const { reporter } = setup({ projectId: 'Demo' }, { TESTSIGMA_API_TOKEN: TOKEN }, { error: refused(), exitCode: 1 });
      await run(reporter);
      reporter.onRunStart();
      expect(reporter.getLastError()).toBeUndefined();
    });

    it('turns an unexpected exception into a failed upload instead of crashing Jest', async () => {
      const lines: string[] = [];
      const reporter = new TestsigmaReporter({}, { projectId: 'Demo' }, undefined, {
        env: { TESTSIGMA_API_TOKEN: TOKEN },
        write: (l) => lines.push(l),
        upload: () => Promise.reject(new Error(`socket broke for ${TOKEN}`)),
      });
      await expect(run(reporter)).resolves.toBeUndefined();
      expect(reporter.getLastError()?.message).toMatch(/^Unexpected failure while uploading results: socket broke for \*\*\*/);
      expect(lines.join('\n')).not.toContain(TOKEN);
    });
  });

  it('says so when no test ran, and sends nothing', async () => {
    const { reporter, lines, upload } = setup();
    await run(reporter, []);
    expect(upload).not.toHaveBeenCalled();
    expect(lines).toEqual(['[testsigma-tm] No test ran, so nothing was recorded.']);
  });

  it('takes files Jest aggregated but never announced, and each file once', async () => {
    const { reporter, upload } = setup();
    reporter.onRunStart();
    reporter.onTestFileResult(undefined, FILE);
    reporter.onTestResult(undefined, FILE);
    const other: JestTestFileResult = { testFilePath: '/p/b.test.js', testResults: [{ ancestorTitles: [], title: 'DEMO-9', status: 'failed', failureMessages: ['Error: x'] }] };
    await reporter.onRunComplete(new Set(), { testResults: [FILE, other] });
    expect(upload.mock.calls[0]?.[0].results.map((r) => r.name)).toEqual(['[DEMO-3] pays', 'DEMO-9']);
  });
});
