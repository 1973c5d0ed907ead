// CTRF: the real reports of ctrf-io/github-test-reporter and the spec's examples (test/fixtures/native/MANIFEST.tsv),
// then each mapping rule on a small report, then malformed and hostile reports.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CTRF_RETRY_NOT_KEPT } from '../../src/formats/ctrf/ctrf.js';
import { parseResultText } from '../../src/formats/read-files.js';
import { detect } from '../../src/formats/registry.js';
import { MAX_MESSAGE_CHARS } from '../../src/formats/text.js';
import { titleKey } from '../../src/map/title.js';
import { fullTitle, type TestResult } from '../../src/model.js';
import { FIXTURES_DIR } from './fixture-files.js';
import { readFixture, rows } from './read-fixture.js';

type Test = Record<string, unknown>;

/** A CTRF report around `tests`, as the spec writes one. */
function report(tests: Test[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    reportFormat: 'CTRF',
    specVersion: '0.0.0',
    results: {
      tool: { name: 'jest' },
      summary: { tests: tests.length, passed: 0, failed: 0, pending: 0, skipped: 0, other: 0, start: 1, stop: 2, suites: 1 },
      tests,
    },
    ...extra,
  });
}

async function read(tests: Test[]): Promise<{ results: TestResult[]; warnings: string[] }> {
  const { format, results, warnings } = await parseResultText(report(tests), 'ctrf-report.json');
  expect(format).toBe('ctrf-json');
  return { results, warnings };
}

async function one(test: Test): Promise<TestResult> {
  const { results } = await read([test]);
  expect(results).toHaveLength(1);
  return results[0] as TestResult;
}

describe('CTRF: real reports', () => {
  it("reads ctrf-io/github-test-reporter's report (no reportFormat): suites split at ' > ', flaky retries, pending, other", async () => {
    const read = await readFixture('native/ctrf-io__github-test-reporter/ctrf-reports__ctrf-report.json');
    expect(read.format).toBe('ctrf-json');
    expect(read.error).toBeUndefined();
    expect(rows(read.results)).toEqual([
      ['login.test.ts › login › should be able to login', 'passed', 1200, undefined, 'passed'],
      ['login.test.ts › profile › should display title', 'failed', 800, 'Timed out 5000ms waiting for expect(locator).toHaveTitle(expected)', 'failed'],
      ['login.test.ts › profile › should be able to update profile', 'passed', 1200, undefined, 'failed,failed,passed'],
      ['login.test.ts › login › should be able to logout', 'skipped', 0, undefined, 'skipped'],
      ['settings.test.ts › settings › should validate user settings', 'passed', 1100, undefined, 'passed'],
      ['network.test.ts › network › should fail to update profile on network failure', 'failed', 900, 'Network Timeout', 'failed'],
      ['should load user data', 'skipped', 0, undefined, 'skipped'],
      ['network.test.ts › network › should handle session timeouts', 'passed', 950, undefined, 'failed,passed'],
      [
        'network.test.ts › network › should clean up user session on logout',
        'error',
        1050,
        'CTRF reported the status "other", which is no pass, failure or skip, so it is recorded as an error.',
        'error',
      ],
      ['network.test.ts › network › should allow user to change password', 'passed', 1300, undefined, 'failed,failed,failed,passed'],
    ]);
    expect(read.results[1]).toMatchObject({ file: 'tests/login.test.ts', stack: expect.stringContaining('ProfileTest.js:45') });
    expect(read.results[2]?.attempts[0]?.message).toBe(CTRF_RETRY_NOT_KEPT);
  });

  it("reads the spec's comprehensive example: array suites, retryAttempts holding the final attempt, labels, screenshot, output", async () => {
    const read = await readFixture('native/ctrf-io__ctrf/examples__comprehensive.json');
    expect(read.format).toBe('ctrf-json');
    expect(rows(read.results)).toEqual([
      ['Authentication › Login › user can login', 'passed', 3500, undefined, 'passed'],
      ['Checkout › user can checkout', 'passed', 5200, undefined, 'failed,passed'],
      ['Admin › Dashboard › admin dashboard loads', 'failed', 8000, 'Element not found: .dashboard-metrics', 'failed'],
    ]);
    const [login, checkout, admin] = read.results;
    expect(login?.tags).toEqual(['@smoke', '@critical']);
    expect(login?.properties).toContainEqual({ name: 'owners', value: 'platform' });
    expect(login?.properties).toContainEqual({ name: 'externalId', value: '45678' });
    expect(checkout?.attempts[0]).toMatchObject({
      status: 'failed',
      durationMs: 5100,
      message: 'Payment gateway timeout',
      attachments: [{ name: 'attempt-1-screenshot.png', path: '/artifacts/retry-1.png', contentType: 'image/png' }],
    });
    // A flaky test shows the attachments of its failed attempt.
    expect(checkout?.attachments.map((a) => a.path)).toEqual(['/artifacts/retry-1.png']);
    expect(admin).toMatchObject({ file: 'tests/admin/dashboard.test.js', line: 42 });
    expect(admin?.stack).toContain('at waitForElement (test.js:45:10)');
    expect(admin?.output).toBe(
      'Loading admin dashboard\nChecking authentication\nWarning: Slow network detected\nError: Timeout waiting for .dashboard-metrics',
    );
    expect(admin?.attachments.map((a) => a.path ?? `${a.name} (${a.contentType}, inline)`)).toEqual([
      '/artifacts/screenshots/admin-dashboard-fail.png',
      '/artifacts/traces/admin-dashboard.trace.zip',
      '/artifacts/videos/admin-dashboard.webm',
      'screenshot (image/png, inline)',
    ]);
  });

  it("reads the spec's retries example: retries 2 with three retryAttempts is two failures, then the pass", async () => {
    const read = await readFixture('native/ctrf-io__ctrf/examples__with-retries.json');
    expect(rows(read.results)).toEqual([
      ['stable test', 'passed', 150, undefined, 'passed'],
      ['flaky test', 'passed', 300, undefined, 'failed,failed,passed'],
    ]);
    expect(read.results[1]?.attempts.map((a) => a.message)).toEqual(['Connection timeout', 'Connection timeout', undefined]);
  });
});

type JestAssertion = { ancestorTitles: string[]; title: string; fullName: string; status: string; duration?: number; failureMessages?: string[] };

/**
 * A real `jest --json` output as jest-ctrf-json-reporter (0.0.11, src/generate-report.ts) writes the same run:
 * name = Jest's fullName (the describe titles and the test's, joined by spaces), suite = the file's name and
 * the describe titles joined by " > ", filePath = the test file.
 */
async function asJestCtrf(jestFixture: string): Promise<string> {
  const jest = JSON.parse(await readFile(path.join(FIXTURES_DIR, jestFixture), 'utf8')) as {
    testResults: { name: string; assertionResults: JestAssertion[] }[];
  };
  const tests = jest.testResults.flatMap((file) =>
    file.assertionResults.map((a) => ({
      name: a.fullName,
      duration: a.duration ?? 0,
      status: ['passed', 'failed', 'skipped', 'pending'].includes(a.status) ? a.status : 'other',
      ...(a.status === 'failed' && { message: (a.failureMessages ?? []).join('\n') }),
      rawStatus: a.status,
      type: 'unit',
      filePath: file.name,
      retries: 0,
      flaky: false,
      suite: [file.name.split('/').pop(), ...a.ancestorTitles].join(' > '),
    })),
  );
  return JSON.stringify({ results: { tool: { name: 'jest' }, summary: { tests: tests.length }, tests } });
}

describe('CTRF: names of jest-ctrf-json-reporter', () => {
  it("reads each name once: Jest's fullName without the describe titles its suite already holds, as Jest's own JSON reads", async () => {
    const fixture = 'native/jest-community__jest-editor-support/fixtures__failing-jsons__with-ancestors-and-each.json';
    const { format, results, warnings } = await parseResultText(await asJestCtrf(fixture), 'ctrf-report.json');
    expect([format, warnings]).toEqual(['ctrf-json', []]);
    expect(results.map(fullTitle)).toEqual([
      'tricky-test.ts › block-1 › block-1-1 › testing',
      'tricky-test.ts › block-1 › test should fail',
      'tricky-test.ts › test without describe',
      'tricky-test.ts › block-2 › testing',
      'tricky-test.ts › block-2 › each test "a"',
      'tricky-test.ts › block-2 › each test "b"',
      'tricky-test.ts › block-2 › each test "c"',
    ]);
    // The same tests as Jest's JSON of the run reads them: the same names under the same describe titles.
    const jest = await readFixture(fixture);
    expect(results.map((r) => [...r.suitePath.slice(1), r.name])).toEqual(jest.results.map((r) => [...r.suitePath, r.name]));
    // So results matched to cases by title match as Jest's JSON of the run would.
    expect(results.map((r) => titleKey(r, 'full'))).toEqual(jest.results.map((r) => titleKey(r, 'full')));
  });

  it('keeps a case id of a describe title findable (in the suite path), and names that other tools write as they are', async () => {
    const jest = (tests: Test[], tool = 'jest') => JSON.stringify({ results: { tool: { name: tool }, tests } });
    const test = { name: 'DEMO-5 Cart adding adds DEMO-6', status: 'passed', duration: 1, suite: 'cart.test.ts > DEMO-5 Cart > adding' };
    const [fromJest] = (await parseResultText(jest([test]), 'ctrf-report.json')).results;
    expect([fromJest?.suitePath, fromJest?.name]).toEqual([['cart.test.ts', 'DEMO-5 Cart', 'adding'], 'adds DEMO-6']);
    // Playwright's reporter writes the test's own title, which may begin like its describe block's: it stays whole.
    const [fromPlaywright] = (await parseResultText(jest([test], 'playwright'), 'ctrf-report.json')).results;
    expect(fromPlaywright?.name).toBe('DEMO-5 Cart adding adds DEMO-6');
    // A Jest name that does not repeat its describe titles (written by hand, or by another version) stays whole too.
    const [own] = (await parseResultText(jest([{ ...test, name: 'adds DEMO-6' }]), 'ctrf-report.json')).results;
    expect(own?.name).toBe('adds DEMO-6');
  });
});

describe('CTRF: the mapping', () => {
  it('maps each status; pending is a skip, never a pass', async () => {
    const { results } = await read(['passed', 'failed', 'skipped', 'pending'].map((status) => ({ name: status, status, duration: 1 })));
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['passed', 'passed'],
      ['failed', 'failed'],
      ['skipped', 'skipped'],
      ['pending', 'skipped'],
    ]);
  });

  it('takes "other" as a skip when the runner says the test did not run (test.todo), else as an error naming it', async () => {
    const { results } = await read([
      { name: 'todo', status: 'other', rawStatus: 'todo', duration: 0 },
      { name: 'disabled', status: 'other', rawStatus: 'disabled', duration: 0 },
      { name: 'focused', status: 'other', rawStatus: 'focused', duration: 3, message: 'it ran alone' },
      { name: 'broken', status: 'broken', duration: 1 },
      { name: 'none', duration: 1 },
    ]);
    expect(results.map((r) => [r.name, r.status, r.message])).toEqual([
      ['todo', 'skipped', 'Not run: the runner reported "todo" (CTRF status "other").'],
      ['disabled', 'skipped', 'Not run: the runner reported "disabled" (CTRF status "other").'],
      [
        'focused',
        'error',
        `CTRF reported the status "other" (the runner's status "focused"), which is no pass, failure or skip, so it is recorded as an error: it ran alone`,
      ],
      ['broken', 'error', 'CTRF reported the unknown status "broken".'],
      ['none', 'error', 'CTRF reported no status.'],
    ]);
  });

  it('keeps the message up to its first stack frame, the trace as the stack, and no message for a pass', async () => {
    const failed = await one({
      name: 'f',
      status: 'failed',
      duration: 2,
      message: '\u001b[31mexpected 1\u001b[39m\n\nExpected: 1\nReceived: 2\n    at Object.<anonymous> (cart.test.ts:3:5)',
      trace: 'at Object.<anonymous> (cart.test.ts:3:5)',
    });
    expect(failed.message).toBe('expected 1\n\nExpected: 1\nReceived: 2');
    expect(failed.stack).toBe('expected 1\n\nExpected: 1\nReceived: 2\n    at Object.<anonymous> (cart.test.ts:3:5)');
    const passed = await one({ name: 'p', status: 'passed', duration: 2, message: 'all good', trace: 'at x' });
    expect([passed.message, passed.stack]).toEqual([undefined, undefined]);
  });

  it('reads file, line, suite (array or " > " string) and tags; case references in names and tags stay findable', async () => {
    const { results } = await read([
      { name: 'adds DEMO-12', status: 'passed', duration: 1, filePath: './tests/cart.test.ts', line: 7, suite: 'cart.test.ts > Cart >  adding ' },
      { name: 'removes', status: 'passed', duration: 1, suite: ['Cart', 'removing'], tags: ['DEMO-13', '@smoke', 'smoke', 7] },
    ]);
    expect(results.map((r) => [r.file, r.line, r.suitePath, r.name, r.tags])).toEqual([
      ['tests/cart.test.ts', 7, ['cart.test.ts', 'Cart', 'adding'], 'adds DEMO-12', []],
      [undefined, undefined, ['Cart', 'removing'], 'removes', ['@DEMO-13', '@smoke']],
    ]);
  });

  it('reads labels and Playwright annotations (extra.annotations) as properties: a testsigma one names the case', async () => {
    const result = await one({
      name: 'checkout',
      status: 'passed',
      duration: 1,
      labels: { testsigma: 'DEMO-3', owners: ['qa', 'web'], nested: { no: 1 } },
      extra: { annotations: [{ type: 'testsigma', description: 'DEMO-4' }, { type: 'issue' }] },
    });
    expect(result.properties).toEqual([
      { name: 'testsigma', value: 'DEMO-3' },
      { name: 'owners', value: 'qa' },
      { name: 'owners', value: 'web' },
      { name: 'testsigma', value: 'DEMO-4' },
      { name: 'issue', value: '' },
    ]);
  });

  it('keeps a retried test that failed every time as failed, with each attempt', async () => {
    const result = await one({ name: 'r', status: 'failed', duration: 3, message: 'third', retries: 2 });
    expect(result.attempts.map((a) => [a.status, a.message])).toEqual([
      ['failed', CTRF_RETRY_NOT_KEPT],
      ['failed', CTRF_RETRY_NOT_KEPT],
      ['failed', 'third'],
    ]);
  });

  it("reads retryAttempts without the final attempt (playwright-ctrf-json-reporter's way), in attempt order", async () => {
    const result = await one({
      name: 'r',
      status: 'passed',
      duration: 9,
      retries: 2,
      flaky: true,
      retryAttempts: [
        { attempt: 2, status: 'failed', duration: 5, message: 'second', trace: 'Error: second\n    at b' },
        { attempt: 1, status: 'failed', duration: 4, message: 'first' },
      ],
    });
    expect(result.attempts.map((a) => [a.status, a.durationMs, a.message])).toEqual([
      ['failed', 4, 'first'],
      ['failed', 5, 'second'],
      ['passed', 9, undefined],
    ]);
  });

  it('keeps the final failure when retryAttempts list it too, and a failure repeated in them is not taken for the final one', async () => {
    const listed = await one({
      name: 'r',
      status: 'failed',
      duration: 2,
      retries: 1,
      retryAttempts: [
        { attempt: 1, status: 'failed', message: 'a' },
        { attempt: 2, status: 'failed', message: 'b' },
      ],
      message: 'b',
    });
    expect(listed.attempts.map((a) => [a.status, a.message])).toEqual([
      ['failed', 'a'],
      ['failed', 'b'],
    ]);
    const unknownCount = await one({ name: 'r', status: 'failed', duration: 2, retryAttempts: [{ attempt: 1, status: 'failed', message: 'a' }], message: 'b' });
    expect(unknownCount.attempts.map((a) => [a.status, a.message])).toEqual([
      ['failed', 'a'],
      ['failed', 'b'],
    ]);
  });

  it('keeps a failure that a skipped retry followed: the skip does not hide it', async () => {
    const result = await one({
      name: 's',
      status: 'skipped',
      duration: 0,
      retries: 1,
      retryAttempts: [{ attempt: 1, status: 'failed', message: 'boom', trace: 'Error: boom\n    at a' }],
    });
    expect([result.status, result.message, result.stack]).toEqual([
      'failed',
      'Skipped on its last attempt after attempt 1 failed: boom',
      'Error: boom\n    at a',
    ]);
    expect(result.attempts.map((a) => a.status)).toEqual(['failed', 'failed']);
  });

  it('reads a passed test marked flaky without a retry count as flaky, and the older retry/flake fields', async () => {
    const { results } = await read([
      { name: 'flaky', status: 'passed', duration: 1, flaky: true },
      { name: 'old', status: 'passed', duration: 1, retry: 1, flake: true },
      { name: 'failed flaky', status: 'failed', duration: 1, flaky: true },
    ]);
    expect(results.map((r) => r.attempts.map((a) => a.status).join(','))).toEqual(['failed,passed', 'failed,passed', 'failed']);
  });

  it('names an attachment at a URL (cloud artifacts) as a link, never as a file to look for', async () => {
    const result = await one({
      name: 'f',
      status: 'failed',
      duration: 1,
      attachments: [
        { name: 'screenshot', contentType: 'image/png', path: 'https://artifacts.example.com/run/7/shot.png' },
        { name: 'https://artifacts.example.com/run/7/video.webm', path: 'https://artifacts.example.com/run/7/video.webm' },
        { name: 'trace', contentType: 'application/zip', path: 'traces/trace.zip' },
      ],
      retries: 1,
      retryAttempts: [{ attempt: 1, status: 'failed', attachments: [{ name: 'log', path: 's3://ci-artifacts/run-7/attempt-1.log' }] }],
    });
    expect(result.attachments).toEqual([
      { name: 'screenshot: https://artifacts.example.com/run/7/shot.png' },
      { name: 'https://artifacts.example.com/run/7/video.webm' },
      { name: 'trace', contentType: 'application/zip', path: 'traces/trace.zip' },
    ]);
    expect(result.attempts[0]?.attachments).toEqual([{ name: 'log: s3://ci-artifacts/run-7/attempt-1.log' }]);
  });

  it('warns about tests of one file that repeat a title: each stays a result of its own', async () => {
    const { results, warnings } = await read([
      { name: 'adds', status: 'failed', duration: 1, filePath: 'cart.test.ts' },
      { name: 'adds', status: 'passed', duration: 1, filePath: 'cart.test.ts' },
      { name: 'adds', status: 'passed', duration: 1, filePath: 'other.test.ts' },
    ]);
    expect(results.map((r) => r.status)).toEqual(['failed', 'passed', 'passed']);
    expect(warnings).toEqual([
      expect.stringMatching(/^ctrf-report\.json: 1 test\(s\) repeat the title of an earlier test in the same file \("adds \(cart\.test\.ts\)"\)/),
    ]);
  });
});

describe('CTRF: the summary against the tests read', () => {
  const passed = (name: string): Test => ({ name, status: 'passed', duration: 1 });
  const failed = (name: string): Test => ({ name, status: 'failed', duration: 1, message: 'boom' });
  /** A report with `summary` written before `tests` (as reporters write it) or after them (as a merge may). */
  function counted(summary: Record<string, number>, tests: Test[], summaryFirst = true): string {
    const results = summaryFirst ? { tool: { name: 'jest' }, summary, tests } : { tool: { name: 'jest' }, tests, summary };
    return JSON.stringify({ reportFormat: 'CTRF', results });
  }

  it.each([true, false])('warns of tests the summary counts that the report does not hold (summary first: %s), and records the others', async (first) => {
    const text = counted(
      { tests: 6, passed: 4, failed: 1, pending: 0, skipped: 1, other: 0, start: 1, stop: 2 },
      [passed('a'), passed('b'), failed('c')],
      first,
    );
    const { results, warnings } = await parseResultText(text, 'ctrf-report.json');
    expect(results.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(warnings).toEqual([
      'ctrf-report.json: its summary counts 6 tests, but results.tests holds 3: 3 tests (2 passed, 1 skipped, by the summary) are not in the report, ' +
        'so they are not recorded; none of them failed. The report was cut or filtered after the CTRF reporter wrote it (by a merge, a script ' +
        'or a size limit). Upload the report as the reporter wrote it to record them.',
    ]);
  });

  it.each([true, false])('refuses a report whose summary counts a failure it does not hold (summary first: %s): a pass must not hide it', async (first) => {
    const text = counted({ tests: 3, passed: 1, failed: 2, pending: 0, skipped: 0, other: 0 }, [passed('a'), failed('b')], first);
    await expect(parseResultText(text, 'ctrf-report.json')).rejects.toMatchObject({
      code: 'INPUT_MALFORMED',
      message:
        'ctrf-report.json: its summary counts 2 failed tests, but results.tests holds 1 (and 2 of the 3 tests it counts): 1 failure is not in the report, ' +
        'so it cannot be recorded, and the run must not read as passing. The report was cut or filtered after the CTRF reporter wrote it (by a merge, ' +
        "a script or a size limit). Upload the report as the reporter wrote it; the test step's output shows the failure.",
    });
    // None read at all: the failure is still not hidden behind "no tests".
    await expect(parseResultText(counted({ tests: 1, failed: 1 }, []), 'ctrf-report.json')).rejects.toMatchObject({
      code: 'INPUT_MALFORMED',
      message: expect.stringMatching(/^ctrf-report\.json: its summary counts 1 failed test, but results\.tests holds none \(and 0 of the 1 test it counts\)/),
    });
  });

  it('says nothing when the summary agrees, counts fewer tests than it holds (merged reports), or counts none', async () => {
    const summaries: Record<string, number>[] = [{ tests: 2, passed: 1, failed: 1 }, { tests: 1, passed: 1, failed: 0 }, {}];
    for (const summary of summaries) {
      const { warnings } = await parseResultText(counted(summary, [passed('a'), failed('b')]), 'ctrf-report.json');
      expect(warnings).toEqual([]);
    }
    for (const file of ['native/ctrf-io__github-test-reporter/ctrf-reports__ctrf-report.json', 'native/ctrf-io__ctrf/examples__comprehensive.json']) {
      expect((await readFixture(file)).warnings).toEqual([]);
    }
  });
});

describe('CTRF: detection and malformed reports', () => {
  it('is claimed by its reportFormat, or by results.tool with tests, and not by Playwright JSON (whose key "suites" it has)', () => {
    expect(detect(report([]))?.id).toBe('ctrf-json');
    expect(detect('{"results":{"tool":{"name":"jest"},"summary":{"suites":1},"tests":[]}}')?.id).toBe('ctrf-json');
    expect(detect('{"results":{"tool":{"name":"jest"},"tests":[]}}')?.id).toBe('ctrf-json');
    expect(detect('{"config":{},"suites":[]}')?.id).toBe('playwright-json');
    // `results` and `tool` elsewhere (a Playwright config's metadata) are not CTRF's.
    expect(detect('{"config":{"metadata":{"results":{"dir":"out"},"tool":{},"tests":[]}},"suites":[]}')?.id).toBe('playwright-json');
  });

  it('refuses a truncated report, naming where it ends', async () => {
    const text = report([{ name: 'a', status: 'passed', duration: 1 }]);
    await expect(parseResultText(text.slice(0, 120), 'ctrf-report.json')).rejects.toMatchObject({
      code: 'INPUT_MALFORMED',
      message: expect.stringMatching(
        /^ctrf-report\.json is not valid JSON: .*\. Expected CTRF JSON \(a CTRF reporter’s ctrf-report\.json\); the file may be truncated/,
      ),
    });
  });

  it('refuses a report whose tests are not an array, or missing', async () => {
    const notArray = '{"reportFormat":"CTRF","results":{"tool":{"name":"x"},"tests":{"name":"a","status":"passed"}}}';
    await expect(parseResultText(notArray, 'r.json')).rejects.toMatchObject({
      code: 'INPUT_NOT_RESULTS',
      message:
        'r.json is CTRF without its tests: its "results" has "tests" that is not an array. Pass the ctrf-report.json a CTRF reporter wrote (ctrf.io lists them), as it wrote it.',
    });
    await expect(parseResultText('{"reportFormat":"CTRF","results":{"tool":{"name":"x"}}}', 'r.json')).rejects.toMatchObject({
      message: expect.stringContaining('r.json is CTRF without its tests: its "results" has no "tests".'),
    });
    await expect(parseResultText('{"reportFormat":"CTRF","results":[]}', 'r.json')).rejects.toMatchObject({
      code: 'INPUT_NOT_RESULTS',
      message: expect.stringContaining('r.json is JSON but not CTRF: an object with keys "reportFormat", "results". Expected a "results" object'),
    });
  });

  it('reads fields of the wrong type as absent, and says which entries are no tests', async () => {
    const { results, warnings } = await read([
      {
        name: 42,
        status: 'failed',
        duration: '5',
        message: ['x'],
        trace: 7,
        suite: 9,
        tags: 'smoke',
        filePath: {},
        line: -1,
        retries: 'two',
        attachments: 'a.png',
      },
      'not a test' as unknown as Test,
      [1] as unknown as Test,
      { name: 'ok', status: 'passed', duration: 1, attachments: [{ name: 'no path' }, null, { path: 'shot.png' }] },
    ]);
    expect(results.map((r) => [r.name, r.status, r.durationMs, r.message, r.suitePath, r.tags, r.file, r.line, r.attempts.length])).toEqual([
      ['', 'failed', undefined, undefined, [], [], undefined, undefined, 1],
      ['ok', 'passed', 1, undefined, [], [], undefined, undefined, 1],
    ]);
    expect(results[1]?.attachments).toEqual([{ name: 'shot.png', path: 'shot.png' }]);
    expect(warnings).toEqual([
      'ctrf-report.json: 2 entries of results.tests (the first at index 1) are no test objects and were not read, so nothing of them is recorded. ' +
        'The report was edited or merged by something other than a CTRF reporter: regenerate it.',
    ]);
  });

  it('keeps a huge message at its cap, with its head and tail, and reads on', async () => {
    const huge = `head ${'x'.repeat(5_000_000)} tail`;
    const { results } = await read([
      { name: 'big', status: 'failed', duration: 1, message: huge },
      { name: 'next', status: 'passed', duration: 1 },
    ]);
    expect(results.map((r) => r.name)).toEqual(['big', 'next']);
    const message = results[0]?.message ?? '';
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS + 100);
    expect(message.startsWith('head x')).toBe(true);
    expect(message.endsWith('x tail')).toBe(true);
    expect(message).toMatch(/characters omitted/);
  });
});
