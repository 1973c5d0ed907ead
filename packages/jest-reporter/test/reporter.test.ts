// The reporter class driven by hand, the way Jest drives it, against the emulator over loopback: option
// handling, the idle cases, and how an upload's outcome becomes Jest's exit code. The real Jest is in e2e.test.ts.
import { inspect } from 'node:util';
import { ConfigError } from 'testsigma-tm-core';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Reporter, { TestsigmaReporter } from '../src/index.js';
import type { JestTestFileResult } from '../src/jest-types.js';

const TOKEN = 'tms_secret_token_1234';
const FILE: JestTestFileResult = {
  testFilePath: '/p/test/a.test.js',
  testResults: [{ ancestorTitles: ['DEMO-4 cart'], title: '[DEMO-3] pays', status: 'passed', failureMessages: [] }],
};

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false, token: TOKEN });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function setup(options: Record<string, unknown> = { projectId: 'Demo' }, env: Record<string, string> = { TESTSIGMA_API_TOKEN: TOKEN }) {
  const lines: string[] = [];
  const reporter = new TestsigmaReporter({ rootDir: '/p' }, options, undefined, {
    env: { TESTSIGMA_BASE_URL: emulator.url, ...env },
    write: (line) => lines.push(line),
  });
  return { reporter, lines };
}

async function run(reporter: TestsigmaReporter, files: JestTestFileResult[] = [FILE]): Promise<void> {
  reporter.onRunStart();
  for (const f of files) reporter.onTestFileResult(undefined, f);
  await reporter.onRunComplete(new Set(), { testResults: files });
}

/** `{ 'DEMO-3': 'Passed' }` for the newest run. */
function recorded(): Record<string, string> {
  const state = emulator.state();
  const run = state.test_runs.at(-1)!;
  const humanId = new Map(state.test_cases.map((c) => [c.id, c.human_id]));
  return Object.fromEntries(Object.entries(run.results).map(([id, r]) => [humanId.get(id), r.status]));
}

const writes = (): number => emulator.state().requests.filter((r) => r.method !== 'GET').length;

describe('jest-testsigma-tm-reporter', () => {
  it('is the default export, as Jest loads it', () => {
    expect(Reporter).toBe(TestsigmaReporter);
  });

  it('uploads every converted test once, at the end, and prints the summary', async () => {
    const { reporter, lines } = setup();
    await run(reporter);
    expect(recorded()).toEqual({ 'DEMO-3': 'Passed', 'DEMO-4': 'Passed' });
    expect(emulator.state().requests.filter((r) => r.route === 'PUT /projects/{pid}/test_runs/{rid}/test_cases')).toHaveLength(1);
    expect(lines).toContain('[testsigma-tm] Collected 1 Jest test result(s) from 1 test file(s).');
    expect(lines).toContain('[testsigma-tm] Test run DEMO-R-2 (created), closed: recorded 2 of 2 test case(s): 2 Passed.');
    expect(reporter.getLastError()).toBeUndefined();
  });

  it('never prints the token', async () => {
    const { reporter, lines } = setup();
    await run(reporter);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('lets an explicit option beat the environment', async () => {
    const { reporter } = setup(
      { projectId: 'Demo', closeRun: false },
      { TESTSIGMA_API_TOKEN: TOKEN, TESTSIGMA_PROJECT_ID: 'Sandbox', TESTSIGMA_CLOSE_RUN: 'true', TESTSIGMA_RUN_TITLE: 'from env' },
    );
    await run(reporter);
    const created = emulator.state().test_runs.at(-1)!;
    expect(created).toMatchObject({ human_id: 'DEMO-R-2', status: 'ACTIVE', title: 'from env' });
  });

  it('names the token setting, the apiToken option included, in messages', async () => {
    const { reporter, lines } = setup({ projectId: 'Demo', apiToken: 'tms_wrong_option_token' }, {});
    await run(reporter);
    // One pair of parentheses: the setting's name holds its own, and the reasons used to follow in a second pair.
    expect(lines.join('\n')).toContain(
      'The API token was refused: check TESTSIGMA_API_TOKEN (or the apiToken reporter option); it may be missing, mistyped, expired or revoked (create one under Settings > API Keys).',
    );
    expect(lines.join('\n')).not.toContain('tms_wrong_option_token');
  });

  // What Jest does with a bad setting (runs its tests, exits 1) is in e2e.test.ts; here, each message.
  describe('a bad setting is said at start and at the end, records nothing, and fails the run through getLastError', () => {
    function construct(options: unknown, env: Record<string, string> = { TESTSIGMA_API_TOKEN: TOKEN }) {
      const lines: string[] = [];
      const reporter = new TestsigmaReporter({}, options as Record<string, unknown>, undefined, {
        env: { TESTSIGMA_BASE_URL: emulator.url, ...env },
        write: (line) => lines.push(line),
      });
      return { reporter, lines };
    }

    it.each([
      [{ projectId: 'Demo', closeRun: 'maybe' }, 'closeRun: expected true or false, received "maybe"'],
      [{ projectID: 'Demo' }, 'Unknown reporter option(s) "projectID" (did you mean "projectId"?): expected any of apiToken, projectId'],
      [{ projectId: 'Demo', unmapped: 'loud' }, 'unmapped: expected one of ignore, warn, fail, received "loud"'],
      [{ projectId: 'Demo', batchSize: 500 }, 'batchSize: expected a whole number from 1 to 100, received number 500'],
      ['Demo', 'Reporter options: expected an object'],
      [{}, 'No project: set the projectId reporter option (or TESTSIGMA_PROJECT_ID)'],
    ])('%j', async (options, message) => {
      const { reporter, lines } = construct(options);
      expect(lines[0]).toBe(
        '[testsigma-tm] error: Test results will not be recorded in Testsigma Test Management: a setting of jest-testsigma-tm-reporter is wrong. The tests run anyway.',
      );
      expect(lines.filter((line) => line.includes(message))).toHaveLength(1);
      await run(reporter);
      expect(lines.filter((line) => line.includes(message))).toHaveLength(2);
      const error = reporter.getLastError();
      expect(error).toBeInstanceOf(ConfigError);
      expect(error?.message).toContain(`jest-testsigma-tm-reporter: Invalid settings:\n  - ${message}`);
      expect(emulator.state().requests).toHaveLength(0);
    });

    it('checks values from the environment too, failOnUploadError included (then its default applies)', async () => {
      const { reporter, lines } = construct({ projectId: 'Demo' }, { TESTSIGMA_API_TOKEN: TOKEN, TESTSIGMA_FAIL_ON_UPLOAD_ERROR: 'nope' });
      await run(reporter);
      expect(lines.filter((line) => line.includes('TESTSIGMA_FAIL_ON_UPLOAD_ERROR: expected true or false, received "nope"'))).toHaveLength(2);
      expect(lines.at(-1)).toContain('(failOnUploadError could not be read either, so its default applies: true, and the test run is marked failed)');
      expect(reporter.getLastError()).toBeInstanceOf(ConfigError);
    });

    it('keeps the run green with failOnUploadError: false, read beside an unknown option', async () => {
      const { reporter, lines } = construct({ projectID: 'Demo', failOnUploadError: false });
      expect(lines[0]).toMatch(/^\[testsigma-tm\] warning: Test results will not be recorded/);
      expect(lines.at(-1)).toContain("(failOnUploadError is false, so the test run's status will be kept)");
      await run(reporter);
      expect(lines.at(-1)).toContain("(failOnUploadError is false, so the test run's status is kept)");
      expect(reporter.getLastError()).toBeUndefined();
    });

    it.each([
      [TOKEN, `Reporter options: expected an object such as { projectId: 'Demo' }, received "***"`],
      [{ projectId: 'Demo', closeRun: TOKEN }, 'closeRun: expected true or false, received "***"'],
      [
        { projectId: 'Demo', apiToken: 'tms_option_token_5678', batchSize: 'tms_option_token_5678' },
        'batchSize: expected a whole number from 1 to 100, received "***"',
      ],
    ])('never names the token when it ended up in the wrong place: %j', async (options, message) => {
      const secrets = [TOKEN, 'tms_option_token_5678'];
      const { reporter, lines } = construct(options);
      await run(reporter);
      expect(lines).toContain(`[testsigma-tm]   - ${message}`);
      // What a host prints of an error: its message, stack and causes.
      const printed = `${lines.join('\n')}\n${inspect(reporter.getLastError())}`;
      for (const secret of secrets) expect(printed).not.toContain(secret);
    });

    it('without a token, is said as a warning and leaves the run alone', async () => {
      const { reporter, lines } = construct({ projectID: 'Demo' }, {});
      await run(reporter);
      expect(lines.filter((line) => line.startsWith('[testsigma-tm] warning: A setting of jest-testsigma-tm-reporter is wrong'))).toHaveLength(2);
      expect(lines).toContain('[testsigma-tm] No API token (set TESTSIGMA_API_TOKEN): test results were not recorded in Testsigma Test Management.');
      expect(reporter.getLastError()).toBeUndefined();
    });
  });

  describe('without a token', () => {
    it('says so in one line, once, and does nothing else', async () => {
      const { reporter, lines } = setup({ projectId: 'Demo' }, {});
      await run(reporter);
      await run(reporter);
      expect(lines).toEqual(['[testsigma-tm] No API token (set TESTSIGMA_API_TOKEN): test results were not recorded in Testsigma Test Management.']);
      expect(emulator.state().requests).toHaveLength(0);
      expect(reporter.getLastError()).toBeUndefined();
    });

    it('needs no project either (fork pull requests have no secrets)', () => {
      expect(() => setup({}, {})).not.toThrow();
    });
  });

  it('records nothing in watch mode or with --collectTests', async () => {
    for (const config of [{ watch: true }, { watchAll: true }, { collectTests: true }]) {
      const lines: string[] = [];
      const reporter = new TestsigmaReporter(config, { projectId: 'Demo' }, undefined, {
        env: { TESTSIGMA_API_TOKEN: TOKEN, TESTSIGMA_BASE_URL: emulator.url },
        write: (l) => lines.push(l),
      });
      await run(reporter);
      expect(lines).toHaveLength(1);
    }
    expect(emulator.state().requests).toHaveLength(0);
  });

  describe('a failed upload', () => {
    it('fails the Jest run through getLastError with core message (failOnUploadError defaults to true)', async () => {
      const { reporter, lines } = setup({ projectId: 'Demo' }, { TESTSIGMA_API_TOKEN: 'tms_wrong_token_9' });
      await run(reporter);
      const error = reporter.getLastError();
      expect(error?.message).toMatch(/^GET \/projects\?page_size=100 failed with HTTP 401: .+ check TESTSIGMA_API_TOKEN/);
      expect(lines).toContain(`[testsigma-tm] error: ${error?.message} (failOnUploadError is true, so the test run is marked failed)`);
      expect(writes()).toBe(0);
    });

    it('is printed but passes when failOnUploadError is false', async () => {
      const { reporter, lines } = setup({ projectId: 'Demo', failOnUploadError: false }, { TESTSIGMA_API_TOKEN: 'tms_wrong_token_9' });
      await run(reporter);
      expect(reporter.getLastError()).toBeUndefined();
      expect(lines.at(-1)).toMatch(
        /^\[testsigma-tm\] warning: GET \/projects\?page_size=100 failed with HTTP 401: .+\(failOnUploadError is false, so the test run's status is kept\)$/,
      );
    });

    it('clears a previous error when a new run starts', async () => {
      const { reporter } = setup({ projectId: 'Demo' }, { TESTSIGMA_API_TOKEN: 'tms_wrong_token_9' });
      await run(reporter);
      expect(reporter.getLastError()).toBeDefined();
      reporter.onRunStart();
      expect(reporter.getLastError()).toBeUndefined();
    });
  });

  it('says so when no test ran, and sends nothing', async () => {
    const { reporter, lines } = setup();
    await run(reporter, []);
    expect(emulator.state().requests).toHaveLength(0);
    expect(lines).toEqual(['[testsigma-tm] No test ran, so nothing was recorded.']);
  });

  it('takes files Jest aggregated but never announced, and each file once', async () => {
    const { reporter, lines } = setup();
    reporter.onRunStart();
    reporter.onTestFileResult(undefined, FILE);
    reporter.onTestResult(undefined, FILE);
    const other: JestTestFileResult = {
      testFilePath: '/p/b.test.js',
      testResults: [{ ancestorTitles: [], title: 'DEMO-9', status: 'failed', failureMessages: ['Error: x'] }],
    };
    await reporter.onRunComplete(new Set(), { testResults: [FILE, other] });
    expect(recorded()).toEqual({ 'DEMO-3': 'Passed', 'DEMO-4': 'Passed', 'DEMO-9': 'Failed' });
    expect(lines).toContain('[testsigma-tm] Collected 2 Jest test result(s) from 2 test file(s).');
  });
});
