/**
 * The JSON file and the live reporter give the same TestResult for the same test. Each case is written once as
 * the live reporter sees it (Playwright's TestCase and TestResults, as plain objects), and turned into the JSON
 * file the way Playwright's JSON reporter serialises it (`jsonReport` below follows its _serializeSuite,
 * _serializeTestSpec, _serializeTest and _serializeTestResult, and formatError for `errors[]`). Both go through
 * their adapter; the results must be equal but for `source`. One case per rule on which the two paths used to
 * disagree, with the result it must give.
 */
import { describe, expect, it } from 'vitest';
import type { TestResult } from '../../src/model.js';
import { playwrightTestToResult, type LivePlaywrightTest } from '../../src/formats/playwright/from-live.js';
import { parsePlaywrightJson } from '../../src/formats/playwright/playwright-json.js';

type LiveResult = LivePlaywrightTest['results'][number];
type LiveError = NonNullable<LiveResult['error']> & { snippet?: string };
type Outcome = 'expected' | 'unexpected' | 'flaky' | 'skipped';

interface Case {
  describes?: string[];
  title?: string;
  expectedStatus?: string;
  outcome: Outcome;
  /** TestCase.annotations: Playwright sets them to the last attempt's (plus those declared, for a test never run). */
  annotations?: { type: string; description?: string }[];
  tags?: string[];
  results: (Partial<Omit<LiveResult, 'errors'>> & { status: string; errors?: LiveError[] })[];
}

const ROOT = '/repo';
const FILE = '/repo/tests/login.spec.ts';

function live(c: Case): LivePlaywrightTest {
  const title = c.title ?? 'signs in';
  return {
    title,
    titlePath: () => ['', 'chromium', 'tests/login.spec.ts', ...(c.describes ?? ['Login']), title],
    outcome: () => c.outcome,
    expectedStatus: c.expectedStatus ?? 'passed',
    annotations: c.annotations ?? [],
    tags: c.tags ?? [],
    location: { file: FILE, line: 3, column: 5 },
    parent: { project: () => ({ name: 'chromium' }) },
    results: c.results.map((r, retry) => ({
      duration: 100 + retry,
      retry,
      attachments: [],
      stdout: [],
      stderr: [],
      annotations: [],
      errors: [],
      ...(r.errors && r.errors.length > 0 && { error: r.errors[0] }),
      ...r,
    })),
  };
}

/** Playwright's formatError with colours off: message (from the stack), snippet, stack frames in one text. */
function formatError(error: LiveError): { message: string } {
  const message = error.message ?? error.value ?? '';
  if (!error.stack) return { message };
  const lines = error.stack.split('\n');
  const found = lines.findIndex((line) => line.startsWith('    at '));
  const first = found === -1 ? lines.length : found;
  const tokens = [lines.slice(0, first).join('\n') || message];
  if (error.snippet) tokens.push('', error.snippet);
  if (first < lines.length) tokens.push(lines.slice(first).join('\n'));
  return { message: tokens.join('\n') };
}

function jsonReport(test: LivePlaywrightTest): unknown {
  const describes = test.titlePath().slice(3, -1);
  const spec = {
    title: test.title,
    ok: test.outcome() !== 'unexpected',
    tags: (test.tags ?? []).map((tag) => tag.substring(1)),
    tests: [
      {
        timeout: 30000,
        annotations: test.annotations,
        expectedStatus: test.expectedStatus,
        projectId: 'chromium',
        projectName: 'chromium',
        results: test.results.map((r) => ({
          workerIndex: 0,
          parallelIndex: 0,
          status: r.status,
          duration: r.duration,
          error: r.error,
          errors: (r.errors ?? []).map(formatError),
          stdout: (r.stdout ?? []).map((s) => (typeof s === 'string' ? { text: s } : { buffer: Buffer.from(s).toString('base64') })),
          stderr: (r.stderr ?? []).map((s) => (typeof s === 'string' ? { text: s } : { buffer: Buffer.from(s).toString('base64') })),
          retry: r.retry,
          startTime: '2026-01-01T00:00:00.000Z',
          annotations: r.annotations,
          attachments: r.attachments.map((a) => ({
            name: a.name,
            contentType: a.contentType,
            path: a.path,
            body: a.body && Buffer.from(a.body).toString('base64'),
          })),
        })),
        status: test.outcome(),
      },
    ],
    id: 'x',
    file: 'tests/login.spec.ts',
    line: 3,
    column: 5,
  };
  let suite: Record<string, unknown> = { specs: [spec] };
  for (const title of [...describes].reverse()) suite = { title, file: 'tests/login.spec.ts', line: 2, column: 1, specs: [], suites: [suite] };
  const fileSuite = describes.length === 0 ? suite : { specs: [], suites: [suite] };
  // JSON.stringify drops `undefined` as the real file does.
  return JSON.parse(
    JSON.stringify({ config: {}, suites: [{ title: 'login.spec.ts', file: 'tests/login.spec.ts', column: 0, line: 0, ...fileSuite }], errors: [] }),
  );
}

/** Both paths; fails unless they agree, then returns the result. */
function bothPaths(c: Case): TestResult {
  const test = live(c);
  const fromLive = playwrightTestToResult(test, { rootDir: ROOT });
  const fromJson = parsePlaywrightJson(jsonReport(test), 'results.json');
  expect(fromJson).toHaveLength(1);
  expect({ ...fromJson[0], source: 'playwright' }).toEqual(fromLive);
  return fromLive;
}

const DID_NOT_RUN =
  'Did not run: Playwright never started this test (an earlier test of its serial group failed, or --max-failures / an interruption stopped the run).';
const INTERRUPTED = 'Interrupted: the test run was stopped before this test finished (Ctrl-C, --max-failures or the global timeout).';
const boom = (text: string, line = 4): LiveError => ({
  message: `Error: ${text}`,
  stack: `Error: ${text}\n    at /repo/tests/login.spec.ts:${line}:13`,
  snippet: `  ${line - 1} | test('signs in', async () => {\n> ${line} |   expect(1).toBe(2);\n    |             ^`,
});

describe('the JSON file and the live reporter agree', () => {
  it('a passing test: titles, project, file relative to the root, tags, annotations', () => {
    const r = bothPaths({
      outcome: 'expected',
      describes: ['Auth', '', 'Login'],
      tags: ['@DEMO-8', '@smoke'],
      annotations: [{ type: 'testsigma', description: 'DEMO-7' }],
      results: [{ status: 'passed' }],
    });
    expect(r).toMatchObject({
      file: 'tests/login.spec.ts',
      suitePath: ['Auth', 'Login'],
      name: 'signs in',
      project: 'chromium',
      status: 'passed',
      tags: ['@DEMO-8', '@smoke'],
    });
    expect(r.properties).toEqual([{ name: 'testsigma', value: 'DEMO-7' }]);
  });

  it('skip message: "Skipped: why", from a run-time skip (the attempt\'s annotations)…', () => {
    const skip = [{ type: 'skip', description: 'flag off' }];
    const r = bothPaths({ outcome: 'skipped', expectedStatus: 'skipped', annotations: skip, results: [{ status: 'skipped', annotations: skip }] });
    expect(r).toMatchObject({ status: 'skipped', message: 'Skipped: flag off' });
  });

  it("…and from a declared skip (the test's annotations only)", () => {
    const r = bothPaths({
      outcome: 'skipped',
      expectedStatus: 'skipped',
      annotations: [{ type: 'fixme', description: 'broken on CI' }],
      results: [{ status: 'skipped' }],
    });
    expect(r).toMatchObject({ status: 'skipped', message: 'Skipped: broken on CI' });
    expect(bothPaths({ outcome: 'skipped', expectedStatus: 'skipped', results: [{ status: 'skipped' }] }).message).toBeUndefined();
  });

  it('a test that never started is skipped and says it did not run', () => {
    const never = bothPaths({ outcome: 'skipped', results: [] });
    expect(never).toMatchObject({ status: 'skipped', message: DID_NOT_RUN, attempts: [{ status: 'skipped', message: DID_NOT_RUN }] });
    // Serial mode: skipped after a failure, though it expected to pass.
    expect(bothPaths({ outcome: 'skipped', results: [{ status: 'skipped' }] })).toMatchObject({ status: 'skipped', message: DID_NOT_RUN });
  });

  it('an interrupted test is an error saying so, also after a failed attempt', () => {
    expect(bothPaths({ outcome: 'skipped', results: [{ status: 'interrupted' }] })).toMatchObject({ status: 'error', message: INTERRUPTED });
    const after = bothPaths({ outcome: 'unexpected', results: [{ status: 'failed', errors: [boom('one')] }, { status: 'interrupted' }] });
    expect(after.status).toBe('error');
    expect(after.attempts.map((a) => a.status)).toEqual(['failed', 'error']);
  });

  it('timedOut is a failure with its error, also under test.fail() (which expects `failed`)', () => {
    const timeout = { message: 'Test timeout of 30000ms exceeded.' };
    expect(bothPaths({ outcome: 'unexpected', results: [{ status: 'timedOut', errors: [timeout] }] })).toMatchObject({
      status: 'failed',
      message: 'Test timeout of 30000ms exceeded.',
    });
    expect(bothPaths({ outcome: 'unexpected', expectedStatus: 'failed', results: [{ status: 'timedOut', errors: [timeout] }] }).status).toBe('failed');
  });

  it('test.fail(): the expected failure is a pass without message, a pass is a failure', () => {
    const asExpected = bothPaths({ outcome: 'expected', expectedStatus: 'failed', results: [{ status: 'failed', errors: [boom('expected')] }] });
    expect(asExpected).toMatchObject({ status: 'passed', attempts: [{ status: 'passed', durationMs: 100 }] });
    expect(asExpected.message).toBeUndefined();
    expect(bothPaths({ outcome: 'unexpected', expectedStatus: 'failed', results: [{ status: 'passed' }] })).toMatchObject({
      status: 'failed',
      message: 'Expected to fail (test.fail()), but passed.',
    });
  });

  it("final status is Playwright's verdict: failed then not run is a failure, with the failure's message", () => {
    const r = bothPaths({ outcome: 'unexpected', results: [{ status: 'failed', errors: [boom('real cause')] }, { status: 'skipped' }] });
    expect(r).toMatchObject({ status: 'failed', message: 'Error: real cause', stack: 'Error: real cause\n    at /repo/tests/login.spec.ts:4:13' });
    expect(r.attempts.map((a) => a.status)).toEqual(['failed', 'failed']);
  });

  it("flaky: passed, the failure kept on its attempt, the failing attempt's attachments shown", () => {
    const shot = { name: 'screenshot', contentType: 'image/png', path: '/repo/test-results/a/shot.png' };
    const note = { name: 'note', contentType: 'text/plain', body: Buffer.from('hello') };
    const r = bothPaths({
      outcome: 'flaky',
      results: [
        { status: 'failed', errors: [boom('first')], attachments: [shot] },
        { status: 'passed', attachments: [note] },
      ],
    });
    expect(r.status).toBe('passed');
    expect(r.message).toBeUndefined();
    expect(r.attempts[0]).toMatchObject({ status: 'failed', message: 'Error: first', attachments: [shot] });
    expect(r.attempts[1]?.attachments).toEqual([{ name: 'note', contentType: 'text/plain', body: 'aGVsbG8=' }]);
    expect(r.attachments).toEqual([shot]);
  });

  it('several errors of one attempt (soft assertions): every message and stack, whatever their form in the file', () => {
    const r = bothPaths({ outcome: 'unexpected', results: [{ status: 'failed', errors: [boom('one', 4), boom('two', 5), { value: '42' }] }] });
    expect(r.message).toBe('Error: one\n\nError: two\n\n42');
    expect(r.stack).toBe('Error: one\n    at /repo/tests/login.spec.ts:4:13\n\nError: two\n    at /repo/tests/login.spec.ts:5:13');
  });

  it("annotations of every attempt, though Playwright keeps only the last attempt's on the test", () => {
    const r = bothPaths({
      outcome: 'flaky',
      annotations: [{ type: 'testsigma', description: 'DEMO-2' }],
      results: [
        { status: 'failed', errors: [boom('x')], annotations: [{ type: 'testsigma', description: 'DEMO-1' }] },
        { status: 'passed', annotations: [{ type: 'testsigma', description: 'DEMO-2' }] },
      ],
    });
    expect(r.properties).toEqual([
      { name: 'testsigma', value: 'DEMO-2' },
      { name: 'testsigma', value: 'DEMO-1' },
    ]);
  });

  it('output of the last attempt, text and bytes, colours stripped', () => {
    const r = bothPaths({
      outcome: 'expected',
      results: [{ status: 'passed', stdout: ['\u001b[32mhello\u001b[39m\n', Buffer.from('bytes\n')], stderr: ['warn\n'] }],
    });
    expect(r.output).toBe('hello\nbytes\nwarn');
  });
});
