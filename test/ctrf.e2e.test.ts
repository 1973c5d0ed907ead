/**
 * CTRF reports through the real CLI against the emulator, as a team that already writes them uploads one: each
 * test lands on the case its title, tag or `testsigma` label names, with the outcome CTRF gave it (a test that
 * passed after retries is flaky, `pending` and a `todo` are skips, any other `other` is an error), and the
 * screenshot of a failure is attached. A truncated report fails the upload with a message that says so and what to do.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { descriptionOf, newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, ROOT, baseEnv, runNode, runAction } from './helpers/run.js';

let emulator: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-ctrf-'));
  await writeFile(join(dir, 'failure.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  await writeFile(join(dir, 'ctrf-report.json'), JSON.stringify(REPORT, null, 2));
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function upload(args: string[]) {
  return runNode(CLI, ['upload', ...args], {
    cwd: dir,
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', TMPDIR: dir }),
  });
}

/** What playwright-ctrf-json-reporter and jest-ctrf-json-reporter write, with the Demo project's case ids in it. */
const REPORT = {
  reportFormat: 'CTRF',
  specVersion: '0.0.0',
  results: {
    tool: { name: 'playwright' },
    summary: { tests: 8, passed: 3, failed: 2, pending: 1, skipped: 0, other: 2, suites: 2, start: 1765100000000, stop: 1765100009000 },
    tests: [
      { name: 'DEMO-1 signs in', status: 'passed', duration: 1200, suite: 'login.spec.ts > Login', filePath: 'tests/login.spec.ts' },
      {
        name: 'rejects a wrong password',
        status: 'failed',
        duration: 800,
        message: 'Error: expect(received).toBe(expected)\n\nExpected: "Wrong password"\nReceived: "Welcome"',
        trace: 'Error: expect(received).toBe(expected)\n    at tests/login.spec.ts:21:5',
        tags: ['@DEMO-2'],
        suite: 'login.spec.ts > Login',
        filePath: 'tests/login.spec.ts',
        attachments: [{ name: 'screenshot', contentType: 'image/png', path: 'failure.png' }],
      },
      {
        name: 'DEMO-3 updates the profile',
        status: 'passed',
        duration: 950,
        retries: 2,
        flaky: true,
        retryAttempts: [
          { status: 'failed', duration: 900, message: 'Timeout 5000ms exceeded.' },
          { status: 'failed', duration: 910, message: 'Timeout 5000ms exceeded.' },
        ],
        suite: ['profile.spec.ts', 'Profile'],
      },
      { name: 'DEMO-4 cleans up the session', status: 'other', rawStatus: 'interrupted', duration: 1050, suite: ['profile.spec.ts', 'Profile'] },
      { name: 'DEMO-5 loads user data', status: 'pending', duration: 0 },
      { name: 'DEMO-6 exports a report', status: 'other', rawStatus: 'todo', duration: 0 },
      { name: 'applies a coupon', status: 'passed', duration: 300, labels: { testsigma: 'DEMO-7' } },
      { name: 'applies a coupon twice', status: 'failed', duration: 310, message: 'expected 1 coupon, got 2', labels: { testsigma: 'DEMO-7' } },
    ],
  },
};

/** What ctrf-report.json's tests record on their cases, through the CLI and through the Action alike. */
const REPORT_STATUSES = {
  'DEMO-1': 'Passed',
  'DEMO-2': 'Failed',
  'DEMO-3': 'Passed',
  'DEMO-4': 'Failed',
  'DEMO-5': 'Skipped',
  'DEMO-6': 'Skipped',
  'DEMO-7': 'Failed',
};
describe('a CTRF report uploaded through the CLI', () => {
  it('records each test on its case with the outcome CTRF gave it, retries as flaky, and attaches the failure screenshot', async () => {
    const res = await upload(['ctrf-report.json']);
    expect(res.code).toBe(0);
    // No warning about the report: every entry was read.
    expect(res.stderr).not.toContain('ctrf-report.json');
    expect(res.stdout.split('\n')[0]).toBe('Read 8 test result(s) from 1 file(s).');
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual(REPORT_STATUSES);
    expect(descriptionOf(emulator, run!, 'DEMO-3')).toContain(
      'Outcome: flaky (status Passed) in 950 ms\nAttempts: flaky: passed on attempt 3 of 3; attempt 1 failed: Timeout 5000ms exceeded.; attempt 2 failed: Timeout 5000ms exceeded.',
    );
    expect(descriptionOf(emulator, run!, 'DEMO-4')).toContain(
      `Message:\n  CTRF reported the status "other" (the runner's status "interrupted"), which is no pass, failure or skip, so it is recorded as an error.`,
    );
    expect(descriptionOf(emulator, run!, 'DEMO-6')).toContain('Not run: the runner reported "todo" (CTRF status "other").');
    expect(descriptionOf(emulator, run!, 'DEMO-7')).toContain('2 automated tests map to this case; the worst outcome decides its status: Failed.');
    const failed = run?.results[emulator.state().test_cases.find((c) => c.human_id === 'DEMO-2')?.id ?? ''];
    expect(failed?.description).toContain('File: tests/login.spec.ts');
    expect(failed?.attachments.map((a) => [a.name, a.content_type])).toEqual([['failure.png', 'image/png']]);
  });

  it('names an attachment at a URL as a link in the description, uploads the local file beside it, and looks for no file', async () => {
    const cloud = 'https://artifacts.example.com/runs/779/login-failure.png';
    const linked = {
      results: {
        tool: { name: 'playwright' },
        tests: [
          {
            name: 'DEMO-2 rejects a wrong password',
            status: 'failed',
            duration: 800,
            message: 'Error: expected "Wrong password"',
            attachments: [
              { name: 'cloud screenshot', contentType: 'image/png', path: cloud },
              { name: 'screenshot', contentType: 'image/png', path: 'failure.png' },
            ],
          },
        ],
      },
    };
    await writeFile(join(dir, 'linked.json'), JSON.stringify(linked));
    const res = await upload(['linked.json']);
    expect(res.code).toBe(0);
    // No warning of a file not found: the only one is the user's, said of every upload without one.
    expect(res.stderr.split('\n').filter((line) => line.startsWith('warning:'))).toEqual([
      'warning: Recording results as alice@example.com, the first active user; set --user-email (or TESTSIGMA_USER_EMAIL) to choose.',
    ]);
    const [run] = newRuns(emulator);
    expect(descriptionOf(emulator, run!, 'DEMO-2')).toBe(
      'Test: DEMO-2 rejects a wrong password\nOutcome: failed (status Failed) in 800 ms\nMessage:\n  Error: expected "Wrong password"\n' +
        `Attachments: cloud screenshot: ${cloud}, screenshot`,
    );
    const failed = run?.results[emulator.state().test_cases.find((c) => c.human_id === 'DEMO-2')?.id ?? ''];
    expect(failed?.attachments.map((a) => a.name)).toEqual(['failure.png']);
  });

  it('reports a truncated report (exit 2), saying where it ends and what to do; the tests before the cut are recorded', async () => {
    const text = JSON.stringify(REPORT);
    await writeFile(join(dir, 'truncated.json'), text.slice(0, text.indexOf('{"name":"DEMO-3 updates')));
    const res = await upload(['truncated.json']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      'testsigma-tm: truncated.json is not valid JSON: the file ends at byte offset 1556 (line 1, column 1557) with 3 objects or arrays still open. ' +
        'Expected CTRF JSON (a CTRF reporter’s ctrf-report.json); the file may be truncated (the test run was killed while writing it) or have console output mixed in. Regenerate it.\n',
    );
    // A truncated report still holds real results (formats/read-files.ts): those read before the cut are not lost.
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual({ 'DEMO-1': 'Passed', 'DEMO-2': 'Failed' });
  });

  it('fails the upload (exit 2) when the summary counts a failure the report does not hold; the tests it holds are recorded', async () => {
    // The report with its failed tests filtered out of results.tests (a script that kept what it wanted): its summary still counts them.
    const filtered = { ...REPORT, results: { ...REPORT.results, tests: REPORT.results.tests.filter((t) => t.status !== 'failed') } };
    await writeFile(join(dir, 'filtered.json'), JSON.stringify(filtered));
    const res = await upload(['filtered.json']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      'testsigma-tm: filtered.json: its summary counts 2 failed tests, but results.tests holds none (and 6 of the 8 tests it counts): 2 failures are not in the report, ' +
        'so they cannot be recorded, and the run must not read as passing. The report was cut or filtered after the CTRF reporter wrote it (by a merge, ' +
        "a script or a size limit). Upload the report as the reporter wrote it; the test step's output shows the failures.\n",
    );
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual({
      'DEMO-1': 'Passed',
      'DEMO-3': 'Passed',
      'DEMO-4': 'Failed',
      'DEMO-5': 'Skipped',
      'DEMO-6': 'Skipped',
      'DEMO-7': 'Passed',
    });
  });

  it("shows jest-ctrf-json-reporter's names once, and a case id in a describe title still maps its tests", async () => {
    // As jest-ctrf-json-reporter writes them: name = Jest's fullName (describe titles, then the test's), suite = file > describes.
    const jest = {
      results: {
        tool: { name: 'jest' },
        summary: { tests: 2, passed: 1, failed: 1, pending: 0, skipped: 0, other: 0 },
        tests: [
          { name: 'DEMO-1 Login rejects a wrong password', status: 'failed', duration: 5, message: 'expected 401', suite: 'login.test.ts > DEMO-1 Login' },
          { name: 'Profile saving keeps the name DEMO-3', status: 'passed', duration: 4, suite: 'profile.test.ts > Profile > saving' },
        ],
      },
    };
    await writeFile(join(dir, 'jest-ctrf.json'), JSON.stringify(jest));
    const res = await upload(['jest-ctrf.json']);
    expect(res.code).toBe(0);
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual({ 'DEMO-1': 'Failed', 'DEMO-3': 'Passed' });
    expect(descriptionOf(emulator, run!, 'DEMO-1').split('\n')[0]).toBe('Test: login.test.ts › DEMO-1 Login › rejects a wrong password');
    expect(descriptionOf(emulator, run!, 'DEMO-3').split('\n')[0]).toBe('Test: profile.test.ts › Profile › saving › keeps the name DEMO-3');
  });

  it('reads the real report of ctrf-io/github-test-reporter in a dry run', async () => {
    const res = await upload(['--dry-run', join(ROOT, 'test/fixtures/native/ctrf-io__github-test-reporter/ctrf-reports__ctrf-report.json')]);
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[0]).toBe('Read 10 test result(s) from 1 file(s).');
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });
});

describe('a CTRF report uploaded through the Action (dist/index.js)', () => {
  it("reads playwright-ctrf-json-reporter's ctrf/ctrf-report.json: the same cases, the flaky one Passed", async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'tm-ctrf-action-'));
    await mkdir(join(workspace, 'ctrf'));
    await writeFile(join(workspace, 'ctrf', 'ctrf-report.json'), JSON.stringify(REPORT));
    const res = await runAction(emulator, workspace, 'ctrf/ctrf-report.json');
    expect(res.code).toBe(0);
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual(REPORT_STATUSES);
  });
});
