/**
 * The CLI end to end, as a user runs it: `testsigma-tm upload` as a child process against the emulator over
 * loopback; assertions on exit codes, exact messages and what the emulator recorded.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_FACTS,
  EXPECTED_NATIVE_STATUSES,
  EXPECTED_SAMPLE_STATUSES,
  descriptionOf,
  newRuns,
  requestCount,
  start,
  statusesByHumanId,
  type EmulatorHandle,
} from './helpers/emulator.js';
import { CLI, EXAMPLES, baseEnv, runNode } from './helpers/run.js';

const samples = ['jest-junit.xml', 'playwright-junit.xml', 'pytest-junit.xml'].map((f) => join(EXAMPLES, f));

let emulator: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-cli-'));
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
  emulator.setPagination('cursor');
});

function upload(args: string[], env: Record<string, string | undefined> = {}) {
  return runNode(CLI, ['upload', ...args], {
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', ...env }),
  });
}

describe('testsigma-tm upload', () => {
  it('records JUnit from Jest, Playwright and pytest in one new closed run with the expected statuses', async () => {
    const summaryFile = join(dir, 'summary.json');
    const res = await upload([...samples, '--summary-json', summaryFile]);
    expect(res.stderr).not.toContain(emulator.token);
    expect(res.stdout).not.toContain(emulator.token);
    expect(res.code).toBe(0);

    const runs = newRuns(emulator);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.status).toBe('CLOSED');
    expect(run.selection_type).toBe('STATIC');
    expect(statusesByHumanId(emulator, run)).toEqual(EXPECTED_SAMPLE_STATUSES);
    expect(run.selection).toHaveLength(12);
    expect(requestCount(emulator, 'PUT', /\/test_cases$/)).toBe(1);

    expect(descriptionOf(emulator, run, 'DEMO-2')).toContain('Expected: "Wrong password"');
    const demo8 = descriptionOf(emulator, run, 'DEMO-8');
    expect(demo8).toContain('2 automated tests map to this case');
    expect(demo8).toContain('test_logout[DEMO-8]');
    expect(demo8).toContain('logs out and clears the session [DEMO-8]');

    const summaryText = await readFile(summaryFile, 'utf8');
    expect(summaryText).not.toContain(emulator.token);
    const summary = JSON.parse(summaryText);
    expect(summary).toMatchObject({
      runId: run.id,
      runHumanId: 'DEMO-R-2',
      created: true,
      closed: true,
      total: 14,
      uploaded: 12,
      byStatus: { Passed: 6, Failed: 4, Skipped: 2 },
      unmapped: ['Account › Account remembers the last email used'],
      files: [
        { path: samples[0], tests: 5, error: null },
        { path: samples[1], tests: 4, error: null },
        { path: samples[2], tests: 5, error: null },
      ],
    });
    expect(res.stdout).toContain('Test run DEMO-R-2 (created), closed: recorded 12 of 12 test case(s): 6 Passed, 4 Failed, 2 Skipped.');
    expect(res.stdout).toContain('DEMO-999 (in pytest › test_old_report)');
  });

  it('detects Jest --json and Playwright JSON by content and keeps retries, annotations, tags and projects', async () => {
    const res = await upload([join(EXAMPLES, '../native/*.json')]);
    expect(res.code).toBe(0);
    const run = newRuns(emulator)[0]!;
    expect(statusesByHumanId(emulator, run)).toEqual(EXPECTED_NATIVE_STATUSES);
    const flaky = descriptionOf(emulator, run, 'DEMO-14');
    expect(flaky).toContain('flaky');
    expect(flaky).toMatch(/attempt 1[^\n]*failed/i);
    const twoProjects = descriptionOf(emulator, run, 'DEMO-29');
    expect(twoProjects).toContain('Project: chromium');
    expect(twoProjects).toContain('Project: firefox');
    expect(descriptionOf(emulator, run, 'DEMO-28')).toContain('search › is case-insensitive');
  });

  it('exits 2 on a wrong token (a setting to fix), naming TESTSIGMA_API_TOKEN, the request and its id, without printing the token', async () => {
    const wrong = 'tms_wrong_0123456789abcdef';
    const res = await upload(samples, { TESTSIGMA_API_TOKEN: wrong });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /testsigma-tm: GET \/projects\?page_size=100 failed with HTTP 401: .+ \(request id [\w-]+\)\. The API token was refused: check TESTSIGMA_API_TOKEN/,
    );
    expect(res.stderr + res.stdout).not.toContain(wrong);
    expect(newRuns(emulator)).toHaveLength(0);
  });

  it('exits 2 without a token, before any request', async () => {
    const res = await upload(samples, { TESTSIGMA_API_TOKEN: undefined });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('No API token: set TESTSIGMA_API_TOKEN to a Test Management API key');
    expect(emulator.state().requests).toHaveLength(0);
  });

  it('exits 2 for a project that does not exist, by name or by UUID, listing what the token can see', async () => {
    const byName = await upload(samples, { TESTSIGMA_PROJECT_ID: 'Nope' });
    expect(byName.code).toBe(2);
    expect(byName.stderr).toContain('No project has the id or exact name "Nope". Projects this token can see: "Demo", "Sandbox".');
    const byId = await upload(['--project', '00000000-0000-4000-8000-000000000000', ...samples]);
    expect(byId.code).toBe(2);
    expect(byId.stderr).toMatch(/GET \/projects\/00000000-0000-4000-8000-000000000000 failed with HTTP 404/);
    expect(newRuns(emulator)).toHaveLength(0);
  });

  it('says what to do after the error it is about, once: the last lines, on the stream of the error', async () => {
    const res = await upload(samples, { TESTSIGMA_PROJECT_ID: 'Nope' });
    expect(res.code).toBe(2);
    // "one of them" names the projects the message lists: said before the message, it named nothing.
    expect(res.stderr.trimEnd().split('\n').slice(-2)).toEqual([
      'testsigma-tm: No project has the id or exact name "Nope". Projects this token can see: "Demo", "Sandbox". Set --project (or TESTSIGMA_PROJECT_ID) to one of them or to its UUID.',
      'What to do: Set the project to one of them. (CONFIG_UNKNOWN_PROJECT)',
    ]);
    expect(res.stdout).not.toContain('What to do');
  });

  it('exits 2 on a bad flag or value, with what was expected', async () => {
    const unknownFlag = await upload(['--colour', ...samples]);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain("testsigma-tm: Unknown option '--colour'. Run testsigma-tm upload --help.");
    const typo = await upload(['--projct', 'Demo', ...samples]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Unknown option '--projct' (did you mean --project?). Run testsigma-tm upload --help.");
    const tokenFlag = await upload(['--token', 'tms_on_the_command_line', ...samples]);
    expect(tokenFlag.code).toBe(2);
    expect(tokenFlag.stderr).toContain('There is no --token flag: the API token is read only from the TESTSIGMA_API_TOKEN environment variable');
    expect(tokenFlag.stderr).not.toContain('tms_on_the_command_line');
    const badPolicy = await upload(['--unmapped', 'explode', ...samples]);
    expect(badPolicy.code).toBe(2);
    expect(badPolicy.stderr).toContain('--unmapped: expected one of ignore, warn, fail, received "explode"');
    const noFiles = await upload([]);
    expect(noFiles.code).toBe(2);
  });

  it('still uploads the good files when one is malformed, names the bad one and exits 2', async () => {
    const bad = join(dir, 'broken.xml');
    await writeFile(bad, '<testsuite><testcase name="DEMO-20 x">');
    const res = await upload([samples[0]!, bad]);
    expect(res.code).toBe(2);
    expect(res.stdout + res.stderr).toContain('broken.xml');
    const run = newRuns(emulator)[0]!;
    expect(Object.keys(statusesByHumanId(emulator, run))).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-3', 'DEMO-4']);
  });

  it('warns about a file with no results but still uploads the others', async () => {
    const empty = join(dir, 'empty-suite.xml');
    await writeFile(empty, '<testsuites name="nothing ran"/>');
    const res = await upload([samples[0]!, empty]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`warning: ${empty} contains no test results.`);
  });

  it('a first upload whose tests name no case says how to name one, and exits 0 (unmapped: warn) without a run', async () => {
    const noIds = join(dir, 'no-ids.xml');
    await writeFile(
      noIds,
      '<testsuites><testsuite name="login"><testcase classname="login" name="logs in"/><testcase classname="login" name="logs out"><failure message="boom"/></testcase></testsuite></testsuites>',
    );
    const res = await upload([noIds]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(
      'warning: None of the 2 test result(s) names a test case of the project, so no test run was written to. ' +
        'Name each test\'s case: its id (DEMO-12) in the test\'s name, or a testsigma property or annotation (README: "How tests find their test case"); ' +
        'or record each test into the case of the same title with --match-by-title (or TESTSIGMA_MATCH_BY_TITLE), ' +
        'or create the missing cases with --create-missing-cases (or TESTSIGMA_CREATE_MISSING_CASES).\n',
    );
    expect(newRuns(emulator)).toHaveLength(0);
  });

  it('a file that cannot be used, alone: the error names it and where its reason is, and no request is sent', async () => {
    const missing = join(dir, 'not-there.xml');
    const one = await upload([missing]);
    expect(one.code).toBe(2);
    expect(one.stdout).toContain(`File not used: No result file matches "${missing}"`);
    expect(one.stderr).toBe(
      `testsigma-tm: The result file ${missing} could not be used (the "File not used" line above says why); nothing was sent.\n` +
        'What to do: Fix the files named above it. (INPUT_NOTHING_READABLE)\n',
    );
    const empty = join(dir, 'empty.xml');
    await writeFile(empty, '');
    const two = await upload([missing, empty]);
    expect(two.code).toBe(2);
    expect(two.stderr.split('\n')[0]).toBe(
      'testsigma-tm: None of the 2 result files could be used (each "File not used" line above says why); nothing was sent.',
    );
    expect(emulator.state().requests).toHaveLength(0);
  });

  it('refuses a hostile file (external entity) without reading what it points to', async () => {
    const hostile = join(dir, 'xxe.xml');
    await writeFile(hostile, '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><testsuite><testcase name="DEMO-1 &x;"/></testsuite>');
    const res = await upload([hostile]);
    expect(res.code).toBe(2);
    expect(res.stdout + res.stderr).toContain('xxe.xml');
    expect(res.stdout + res.stderr).not.toContain('root:');
    expect(emulator.state().requests).toHaveLength(0);
  });

  it('--dry-run reads and maps but writes nothing', async () => {
    const res = await upload(['--dry-run', ...samples]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Dry run: would record 12 test case(s): 6 Passed, 4 Failed, 2 Skipped. Nothing was written.');
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('--status-map records outcomes under other status names, and refuses a name the service does not offer', async () => {
    const res = await upload(['--status-map', 'skipped=Blocked,error=Blocked', ...samples]);
    expect(res.code).toBe(0);
    const statuses = statusesByHumanId(emulator, newRuns(emulator)[0]!);
    expect(statuses).toMatchObject({ 'DEMO-4': 'Blocked', 'DEMO-11': 'Blocked', 'DEMO-12': 'Blocked', 'DEMO-2': 'Failed' });
    const missing = await upload(['--status-map', 'skipped=Parked', ...samples]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('The service has no test run status named "Parked" (for skipped).');
  });

  it('--unmapped fail stops before writing anything, naming the unmapped tests', async () => {
    const res = await upload(['--unmapped', 'fail', ...samples]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      '2 test(s) or reference(s) map to no test case: Account › Account remembers the last email used; DEMO-999 (no such test case).',
    );
    expect(newRuns(emulator)).toHaveLength(0);
  });

  it('--run-id records into an existing open run by human id, adds missing cases and leaves it open', async () => {
    const first = await upload(['--no-close', samples[0]!]);
    expect(first.code).toBe(0);
    const run = newRuns(emulator)[0]!;
    expect(run.status).toBe('ACTIVE');
    const second = await upload(['--run-id', run.human_id, samples[2]!]);
    expect(second.code).toBe(0);
    const after = newRuns(emulator);
    expect(after).toHaveLength(1);
    expect(after[0]!.status).toBe('ACTIVE');
    expect(statusesByHumanId(emulator, after[0]!)).toMatchObject({ 'DEMO-1': 'Passed', 'DEMO-8': 'Passed', 'DEMO-11': 'Failed' });
  });

  it('--run-id of a CLOSED run exits 2 and says how to proceed', async () => {
    const res = await upload(['--run-id', DEMO_FACTS.closedRun.humanId, samples[0]!]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Test run DEMO-R-1 is CLOSED and takes no results.');
  });

  it('exits 1 when the service refuses results (422), naming each case with the server message, and closes the run', async () => {
    emulator.setFaults([
      {
        kind: 'status',
        route: 'PUT /projects/*/test_runs/*/test_cases',
        status: 422,
        body: { message: 'Invalid data', errors: { code: 422, message: 'bad entry', details: 'test_case_id x' } },
      },
    ]);
    const res = await upload(samples);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /The service refused 12 of 12 result\(s\) for test run DEMO-R-\d+ \(0 recorded\):\n {2}- DEMO-1: HTTP 422: Invalid data — bad entry — test_case_id x \(request id [\w-]+\)\n {2}- DEMO-2: HTTP 422/,
    );
    expect(res.stdout).toContain('12 test case result(s) were NOT recorded.');
    expect(newRuns(emulator)[0]!.status).toBe('CLOSED');
  });

  it('rides out transient failures: 503 with Retry-After, resets, and a lost answer to the create (no second run)', async () => {
    emulator.setFaults([
      { kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 503, retryAfter: 0, times: 2 },
      { kind: 'reset', route: 'GET /test_runs/statuses', times: 1 },
      { kind: 'lost-answer', route: 'POST /projects/*/test_runs', times: 1 },
    ]);
    const res = await upload(samples);
    expect(res.stderr).toBe(res.stderr.replace(emulator.token, ''));
    expect(res.code).toBe(0);
    const runs = newRuns(emulator);
    expect(runs).toHaveLength(1);
    expect(statusesByHumanId(emulator, runs[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
  });

  it('splits a batch the service refuses as too large (413) and still records everything', async () => {
    const small = await start({ maxBodyBytes: 3000 });
    try {
      const res = await runNode(CLI, ['upload', ...samples], {
        env: baseEnv({ TESTSIGMA_API_TOKEN: small.token, TESTSIGMA_BASE_URL: small.url, TESTSIGMA_PROJECT_ID: 'Demo' }),
      });
      expect(res.code).toBe(0);
      const run = newRuns(small)[0]!;
      expect(statusesByHumanId(small, run)).toEqual(EXPECTED_SAMPLE_STATUSES);
      expect(small.state().requests.filter((r) => r.method === 'PUT' && r.status === 413).length).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });

  it('paces itself under the default rate limit (10/s) and follows URL pagination', async () => {
    const limited = await start({ rateLimit: { perSecond: 10 }, pagination: 'url' });
    try {
      const res = await runNode(CLI, ['upload', '--batch-size', '1', ...samples], {
        env: baseEnv({ TESTSIGMA_API_TOKEN: limited.token, TESTSIGMA_BASE_URL: limited.url, TESTSIGMA_PROJECT_ID: DEMO_FACTS.project.id }),
      });
      expect(res.code).toBe(0);
      const requests = limited.state().requests;
      expect(requests.filter((r) => r.status === 500)).toHaveLength(0);
      expect(requests.filter((r) => r.method === 'PUT' && r.route?.endsWith('/test_cases'))).toHaveLength(12);
    } finally {
      await limited.close();
    }
  });
});
