/**
 * dist/index.js run the way the Actions runner runs it: `node dist/index.js` with INPUT_* variables (hyphens
 * kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, against the emulator over loopback.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXPECTED_SAMPLE_STATUSES, newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { ACTION, ROOT, baseEnv, runNode, SAMPLE_RESULTS } from './helpers/run.js';

let emulator: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-action-'));
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

/** Parse the runner's output file: `name<<delimiter\nvalue\ndelimiter` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

/** Compare with a file under test/golden; UPDATE_GOLDEN=1 rewrites it (then review the diff). */
async function expectGolden(name: string, text: string): Promise<void> {
  const file = join(ROOT, 'test/golden', name);
  if (process.env.UPDATE_GOLDEN) await writeFile(file, text);
  expect(text).toBe(await readFile(file, 'utf8'));
}

/** The parts of a job summary that change from run to run: the run's UUID, the emulator's port, the time and number of requests (checked apart). */
function normalise(summary: string, runId: string): string {
  return summary
    .replaceAll(runId, '<run-id>')
    .replaceAll(new URL(emulator.url).origin, '<origin>')
    .replace(/^Upload: \d+ request\(s\) in [\d.]+ m?s,/m, 'Upload: <n> request(s) in <time>,');
}

async function runAction(inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const stamp = Math.random().toString(36).slice(2);
  const outputFile = join(dir, `output-${stamp}`);
  const summaryFile = join(dir, `summary-${stamp}`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env = baseEnv({
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: ROOT,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '777',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_NUMBER: '12',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_EVENT_NAME: 'push',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...extraEnv,
  });
  const res = await runNode(ACTION, [], { env, cwd: ROOT });
  return { ...res, outputs: parseOutputs(await readFile(outputFile, 'utf8')), summary: await readFile(summaryFile, 'utf8') };
}

const results = SAMPLE_RESULTS;

describe('the GitHub Action (dist/index.js)', () => {
  it('records the sample results in one closed run, sets outputs and writes a job summary', async () => {
    const res = await runAction({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`::add-mask::${emulator.token}`);
    expect(res.stdout.replace(`::add-mask::${emulator.token}`, '')).not.toContain(emulator.token);
    const runs = newRuns(emulator);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('CLOSED');
    expect(runs[0]!.title).toBe('acme/shop CI #12 [gh-777]');
    expect(statusesByHumanId(emulator, runs[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
    expect(res.outputs).toEqual({
      'run-id': runs[0]!.id,
      'run-url': expect.stringContaining(runs[0]!.id),
      'spool-file': '',
      total: '14',
      passed: '8',
      failed: '4',
      skipped: '2',
      unmapped: '1',
      'cases-recorded': '12',
      'cases-passed': '6',
      'cases-failed': '4',
      'cases-skipped': '2',
    });
    await expectGolden('action-summary.md', normalise(res.summary, runs[0]!.id));
    expect(res.summary).toContain(`\nUpload: ${emulator.state().requests.length} request(s) in `);
    expect(res.summary).not.toContain(emulator.token);
    // Every description links back to the job.
    const anyResult = Object.values(runs[0]!.results)[0]!;
    expect(anyResult.description).toContain('CI job: https://github.com/acme/shop/actions/runs/777');
  });

  it('fails the step on a 401, with the request and the input to fix, and masks the token', async () => {
    const res = await runAction({ 'api-token': 'tms_wrong_token_value_123', 'project-id': 'Demo', 'base-url': emulator.url, results });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/::error::GET \/projects\?page_size=100 failed with HTTP 401: .+ The API token was refused: check the api-token input/);
    expect(res.stdout).toContain('::add-mask::tms_wrong_token_value_123');
    expect(res.stdout.replace('::add-mask::tms_wrong_token_value_123', '')).not.toContain('tms_wrong_token_value_123');
    expect(newRuns(emulator)).toHaveLength(0);
  });

  it('fails the step on a 404 project and on a refused batch (422)', async () => {
    const missing = await runAction({ 'api-token': emulator.token, 'project-id': '00000000-0000-4000-8000-000000000000', 'base-url': emulator.url, results });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/::error::GET \/projects\/00000000-0000-4000-8000-000000000000 failed with HTTP 404/);

    emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 422, body: { message: 'refused' } }]);
    const refused = await runAction({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(
      /::error::The service refused 12 of 12 result\(s\) for test run DEMO-R-\d+ \(0 recorded\):%0A {2}- DEMO-1: HTTP 422: refused \(request id [\w-]+\)%0A/,
    );
    // The job summary names each refused case.
    expect(refused.summary).toContain('Refused by the service (12):\n\n- DEMO-1: HTTP 422: refused (request id ');
  });

  it('takes settings from TESTSIGMA_* variables when inputs are empty, and honours dry-run', async () => {
    const res = await runAction(
      { 'api-token': emulator.token, results, 'dry-run': 'true' },
      { TESTSIGMA_PROJECT_ID: 'Demo', TESTSIGMA_BASE_URL: emulator.url },
    );
    expect(res.code).toBe(0);
    expect(res.summary).toContain('dry run');
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('leaves the run open with close-run: false and fails on an invalid input value', async () => {
    const open = await runAction({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results, 'close-run': 'false' });
    expect(open.code).toBe(0);
    expect(newRuns(emulator)[0]!.status).toBe('ACTIVE');
    const bad = await runAction({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results, 'close-run': 'sometimes' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('close-run: expected true or false, received \\"sometimes\\"'.replace(/\\"/g, '"'));
  });

  it('skips with one warning when a pull request has no token (forks get no secrets)', async () => {
    const res = await runAction({ 'api-token': '', 'project-id': 'Demo', 'base-url': emulator.url, results }, { GITHUB_EVENT_NAME: 'pull_request' });
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(
      '::warning::testsigma-tm: the api-token input is empty (no secret reached this pull request), so no results were uploaded. To record them, keep the result files with actions/upload-artifact (name: testsigma-results, if: always()) and report them from a workflow_run workflow with this action\'s artifact: testsigma-results input (see "Pull requests from forks" in the README).',
    );
    expect(emulator.state().requests).toHaveLength(0);
  });

  it('on a pull request without a token, the close job of create → upload → close sits out as its create and upload jobs do', async () => {
    const base = { 'api-token': '', 'project-id': 'Demo', 'base-url': emulator.url };
    const fork = { GITHUB_EVENT_NAME: 'pull_request' };
    for (const mode of ['create', 'upload']) {
      const res = await runAction({ ...base, mode, results }, fork);
      expect(res.code, res.stdout).toBe(0);
      expect(res.stdout).toContain('::warning::testsigma-tm: the api-token input is empty (no secret reached this pull request), so no results were uploaded.');
    }
    const closed = await runAction({ ...base, mode: 'close' }, fork);
    expect(closed.code, closed.stdout).toBe(0);
    expect(closed.stdout.trim()).toBe(
      '::warning::testsigma-tm: the api-token input is empty (no secret reached this pull request), so no results were uploaded and no run was closed. To record them, keep the result files with actions/upload-artifact (name: testsigma-results, if: always()) and report them from a workflow_run workflow with this action\'s artifact: testsigma-results input (see "Pull requests from forks" in the README).',
    );
    expect(emulator.state().requests).toHaveLength(0);
  });

  it('records a pull request whose token comes from TESTSIGMA_API_TOKEN (the fallback action.yml names), not only from the input', async () => {
    const res = await runAction(
      { 'project-id': 'Demo', 'base-url': emulator.url, results, comment: 'off' },
      { GITHUB_EVENT_NAME: 'pull_request', TESTSIGMA_API_TOKEN: emulator.token },
    );
    expect(res.stdout).not.toContain('::warning::testsigma-tm: the api-token input is empty');
    expect(res.code, res.stdout).toBe(0);
    expect(statusesByHumanId(emulator, newRuns(emulator)[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
    // The runner masks only what it knows to be a secret: a token from the environment is registered too.
    expect(res.stdout).toContain(`::add-mask::${emulator.token}\n`);
  });

  it('modes create → upload (two shards) → close make one run for the workflow run, closed by the close job; doctor checks the settings', async () => {
    const base = { 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url };
    const created = await runAction({ ...base, mode: 'create', results: '' });
    expect(created.code, created.stdout).toBe(0);
    const runId = created.outputs['run-id'];
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    for (const file of ['examples/results/jest-junit.xml', 'examples/results/pytest-junit.xml']) {
      const shard = await runAction({ ...base, mode: 'upload', results: file });
      expect(shard.code, shard.stdout).toBe(0);
      expect(shard.outputs['run-id']).toBe(runId);
    }
    expect(newRuns(emulator)).toHaveLength(1);
    expect(newRuns(emulator)[0]!.status).toBe('ACTIVE');
    const closed = await runAction({ ...base, mode: 'close' });
    expect(closed.code, closed.stdout).toBe(0);
    expect(closed.outputs['run-id']).toBe(runId);
    expect(newRuns(emulator)[0]!.status).toBe('CLOSED');
    const doctor = await runAction({ ...base, mode: 'doctor' });
    expect(doctor.code, doctor.stdout).toBe(0);
    expect(doctor.stdout).toContain('✓ project: Demo');
    const bad = await runAction({ ...base, mode: 'sometimes' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('mode: expected one of report, create, upload, close, doctor, received "sometimes"');
  });

  it('uses the input names of action.yml', async () => {
    const yml = await readFile(join(ROOT, 'action.yml'), 'utf8');
    for (const input of ['api-token', 'project-id', 'results', 'base-url', 'run-id', 'run-title', 'close-run', 'unmapped', 'dry-run', 'status-map'])
      expect(yml).toContain(`\n  ${input}:\n`);
    for (const output of ['run-id', 'run-url', 'total', 'passed', 'failed', 'skipped', 'unmapped']) expect(yml).toContain(`\n  ${output}:\n`);
    expect(yml).toContain("using: 'node24'");
  });
});

interface Stamp {
  inputs: string;
  files: Record<string, string>;
}

/** dist/'s stamp as the tree is now (scripts/action-stamp.mjs): what a build would read, and the files dist/ holds. */
async function stampNow(): Promise<Stamp> {
  const stamp = await runNode(join(ROOT, 'scripts/action-stamp.mjs'), [join(ROOT, 'dist')], { env: baseEnv() });
  expect(stamp.code, stamp.stderr).toBe(0);
  return JSON.parse(stamp.stdout) as Stamp;
}

describe('dist/', () => {
  it('is the bundle of the current sources (rebuild with npm run build:action and commit)', async () => {
    const stampFile = join(ROOT, 'dist/stamp.json');
    if (existsSync(stampFile)) {
      const [now, built] = [await stampNow(), JSON.parse(await readFile(stampFile, 'utf8')) as Stamp];
      // dist/ holds the files its last build wrote (a hand edit shows here)...
      expect(now.files, 'dist/ is not what npm run build:action wrote: run it and commit dist/').toEqual(built.files);
      // ...and that build read what the tree holds now: the bundle is a function of it, so it is current.
      if (now.inputs === built.inputs) return;
    }
    // The inputs changed since (or no stamp says what they were): build again and compare, naming a stale file.
    const fresh = await mkdtemp(join(tmpdir(), 'tm-dist-'));
    // ncc takes half a minute on an idle two-core machine and minutes on a busy one: the limits only catch a hang.
    const build = await runNode(join(ROOT, 'scripts/build-action.mjs'), [fresh], { env: baseEnv(), timeoutMs: 230_000 });
    expect(build.code, build.stderr).toBe(0);
    for (const file of ['index.js', 'package.json', 'licenses.txt']) {
      const [committed, rebuilt] = await Promise.all([readFile(join(ROOT, 'dist', file), 'utf8'), readFile(join(fresh, file), 'utf8')]);
      expect(committed === rebuilt, `dist/${file} is stale: run npm run build:action and commit dist/`).toBe(true);
    }
  }, 240_000);
});

/** A checkout with two test files and a JUnit report of `failures` failed tests placed in them. */
async function workspaceWithFailures(failures: number): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), 'tm-ws-'));
  await mkdir(join(ws, 'tests'), { recursive: true });
  await writeFile(join(ws, 'tests/login.test.ts'), '// login tests\n');
  await writeFile(join(ws, 'tests/cart.test.ts'), '// cart tests\n');
  const cases = Array.from({ length: failures }, (_, i) =>
    i === 1
      ? // No file attribute: the stack frame inside the workspace places it.
        `<testcase name="DEMO-2 cart total" classname="cart"><failure message="expected 3 to be 4">Error: expected 3 to be 4\n    at Object.&lt;anonymous&gt; (${ws}/node_modules/expect/build/index.js:1:1)\n    at Object.&lt;anonymous&gt; (${ws}/tests/cart.test.ts:33:5)</failure></testcase>`
      : `<testcase name="DEMO-${i + 1} login ${i + 1}" classname="login" file="tests/login.test.ts" line="${10 + i}"><failure message="login ${i + 1} failed: 500">stack</failure></testcase>`,
  );
  await writeFile(
    join(ws, 'junit.xml'),
    `<testsuites><testsuite name="s" tests="${failures + 1}">${cases.join('')}<testcase name="passes" classname="login"/></testsuite></testsuites>`,
  );
  return ws;
}

const errorLines = (stdout: string): string[] => stdout.split('\n').filter((l) => l.startsWith('::error'));

describe('annotations', () => {
  it('marks failed tests at their file and line, at most 10, and counts the rest in one notice', async () => {
    const ws = await workspaceWithFailures(12);
    const res = await runAction({ 'api-token': '', results: 'junit.xml', 'dry-run': 'true' }, { GITHUB_WORKSPACE: ws });
    expect(res.code).toBe(0);
    const errors = errorLines(res.stdout);
    expect(errors).toHaveLength(10);
    expect(errors[0]).toBe('::error title=Failed%3A s › DEMO-1 login 1,file=tests/login.test.ts,line=10::login 1 failed: 500');
    expect(errors[1]).toBe('::error title=Failed%3A s › DEMO-2 cart total,file=tests/cart.test.ts,line=33::expected 3 to be 4');
    expect(errors[9]).toBe('::error title=Failed%3A s › DEMO-10 login 10,file=tests/login.test.ts,line=19::login 10 failed: 500');
    expect(res.stdout).toContain(
      '::notice::testsigma-tm: 2 more failed test(s) are not annotated (2 beyond the 10 annotations a step can show); the job summary lists every failed test.\n',
    );
  });

  it('keeps one of the 10 for the failed step, and is switched off with annotations: false', async () => {
    const ws = await workspaceWithFailures(12);
    const failing = await runAction(
      { 'api-token': 'tms_wrong_token_value_123', 'project-id': 'Demo', 'base-url': emulator.url, results: 'junit.xml' },
      { GITHUB_WORKSPACE: ws },
    );
    expect(failing.code).toBe(1);
    const errors = errorLines(failing.stdout);
    expect(errors).toHaveLength(10);
    expect(errors.filter((l) => l.includes('file='))).toHaveLength(9);
    expect(errors.at(-1)).toMatch(/^::error::GET \/projects\?page_size=100 failed with HTTP 401/);
    expect(failing.stdout).toContain('::notice::testsigma-tm: 3 more failed test(s) are not annotated (3 beyond the 9 annotations a step can show)');

    const off = await runAction({ 'api-token': '', results: 'junit.xml', 'dry-run': 'true', annotations: 'false' }, { GITHUB_WORKSPACE: ws });
    expect(off.code).toBe(0);
    expect(errorLines(off.stdout)).toEqual([]);
    expect(off.stdout).not.toContain('::notice::');
  });
});

describe('annotations of a path the disk refuses', () => {
  it('a file name too long to look up is not annotated, and the step still ends with its summary', async () => {
    const ws = await workspaceWithFailures(1);
    // A name past the file system's 255 bytes: stat refuses it (ENAMETOOLONG) rather than saying "no such file".
    const long = `tests/${'generated-case-'.repeat(20)}.test.ts`;
    await writeFile(
      join(ws, 'long.xml'),
      `<testsuites><testsuite name="g"><testcase name="DEMO-3 generated" classname="g" file="${long}" line="4"><failure message="generated failed">stack</failure></testcase></testsuite></testsuites>`,
    );
    const res = await runAction({ 'api-token': '', results: 'junit.xml\nlong.xml', 'dry-run': 'true' }, { GITHUB_WORKSPACE: ws });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(errorLines(res.stdout)).toEqual(['::error title=Failed%3A s › DEMO-1 login 1,file=tests/login.test.ts,line=10::login 1 failed: 500']);
    expect(res.summary).toContain('#### Failed tests (2)');
  });
});

describe('the job summary of a failed step', () => {
  it('says what failed and what to do (401)', async () => {
    const res = await runAction({ 'api-token': 'tms_wrong_token_value_123', 'project-id': 'Demo', 'base-url': emulator.url, results });
    expect(res.code).toBe(1);
    const lines = res.summary.split('\n');
    expect(lines[0]).toBe('### Testsigma Test Management');
    expect(lines[2]).toMatch(
      /^\*\*The step failed\*\* \(`API_UNAUTHORIZED`\): GET \/projects\?page_size=100 failed with HTTP 401: .+ The API token was refused: check the api-token input/,
    );
    expect(lines[4]).toBe('**What to do:** Check the token setting.');
    // The log says what to do once, right after the error it is about.
    const log = res.stdout.trimEnd().split('\n');
    expect(log.slice(-2)).toEqual([
      expect.stringMatching(/^::error::GET \/projects\?page_size=100 failed with HTTP 401/),
      'What to do: Check the token setting. (API_UNAUTHORIZED)',
    ]);
    expect(log.filter((l) => l.startsWith('What to do:'))).toHaveLength(1);
    // The failed tests are listed although nothing was recorded, without a case (nothing was mapped).
    expect(res.summary).toContain('#### Failed tests (4)');
    expect(res.summary).toContain(
      '| pytest › test_add_single_item | — | failed on setup with "ConnectionRefusedError: [Errno 111] Connection refused" | `tests/conftest.py:12` |',
    );
    expect(res.summary).not.toContain('tms_wrong_token_value_123');
  });

  it('results that match no file: the error is that, with no word about mapping or the user results would be recorded as', async () => {
    const res = await runAction({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results: 'reports/not-there.xml' });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`::error::No result file matches "reports/not-there.xml" (looked in ${ROOT}).`);
    expect(res.stdout).not.toContain('maps to a test case');
    expect(res.stdout).not.toContain('Recording results as');
    expect(newRuns(emulator)).toHaveLength(0);
  });

  it('fails the step on a Playwright file whose run failed outside any test (its errors[]), naming the error', async () => {
    const file = 'test/fixtures/native/Hypersequent__qas-cli/src__tests__fixtures__playwright-json__global-errors.json';
    const res = await runAction({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results: file });
    expect(res.code).toBe(1);
    const heading = `${file}: Playwright reported 1 error(s) outside any test (global setup or teardown, a worker, loading a test file, the test runner itself); the run that wrote this file failed, whatever the results recorded say:`;
    expect(res.stdout).toContain(`::error::${heading}%0A    Error: Global teardown failed: database connection timeout%0A`);
    expect(res.summary).toContain(`**The step failed** (\`INPUT_RUN_FAILED\`): ${heading}`);
    expect(res.summary).toContain("**What to do:** Fix the error named (the test step's output shows it in full) and run the tests again.");
    expect(res.summary).toContain(`#### Runs that failed outside any test (1)\n\n- ${heading} Error: Global teardown failed: database connection timeout\n`);
    expect(res.outputs.total).toBe('2');
  });

  it("fails the step on an Allure directory whose run failed outside any test (allure-jest's globals file), naming the error", async () => {
    const file = 'test/fixtures/allure/allure-jest/allure-results';
    const res = await runAction({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results: file });
    expect(res.code).toBe(1);
    const heading = `${file}: the test runner reported 1 error(s) outside any test (global setup or teardown, a worker, loading a test file, the test runner itself); the run that wrote this file failed, whatever the results recorded say:`;
    expect(res.stdout).toContain(`::error::${heading}%0A    afterAll failed: could not close the gateway connection%0A`);
    expect(res.summary).toContain(`**The step failed** (\`INPUT_RUN_FAILED\`): ${heading}`);
    expect(res.summary).toContain(`#### Runs that failed outside any test (1)\n\n- ${heading} afterAll failed: could not close the gateway connection\n`);
    expect(res.outputs.total).toBe('3');
  });

  it('says what to do about an invalid input, before anything is read', async () => {
    const res = await runAction({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results, 'batch-size': 'lots' });
    expect(res.code).toBe(1);
    expect(res.summary).toContain('**The step failed** (`CONFIG_INVALID`): ');
    expect(res.summary).toContain('**What to do:** Fix each value named in the message.');
  });

  // 5,000 is past the 1,000 the summary shows of each list, all the cap needs: 50,000 proved no more.
  it('stays under 1 MiB with 5,000 failed tests, and says how many it left out', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'tm-big-'));
    const message = 'x'.repeat(200);
    const cases = Array.from(
      { length: 5_000 },
      (_, i) =>
        `<testcase name="DEMO-${i + 1} test number ${i + 1} with a fairly long descriptive title" classname="big"><failure message="${message} ${i}"/></testcase>`,
    );
    await writeFile(join(ws, 'junit.xml'), `<testsuites><testsuite name="big">${cases.join('')}</testsuite></testsuites>`);
    const res = await runAction({ 'api-token': '', results: 'junit.xml', 'dry-run': 'true', annotations: 'false' }, { GITHUB_WORKSPACE: ws });
    expect(res.code).toBe(0);
    expect(Buffer.byteLength(res.summary)).toBeLessThan(1024 * 1024);
    expect(res.summary).toContain('#### Failed tests (5000)');
    expect(res.summary).toContain('*… and 4000 more failed test(s) not shown (only the first 1000 are shown).*');
    expect(res.summary).toMatch(/\*… and 4000 more test\(s\) not shown \(only the first 1000 are shown\)\.\*\n\n<\/details>/);
  }, 60_000);
});

describe('results left unset', () => {
  // action.yml: "Default: **/TEST-*.xml and **/junit*.xml". A project writes one of the two (Maven's
  // TEST-*.xml, jest-junit's or pytest's junit.xml), rarely both: the other name matching nothing is no error.
  it.each(['junit.xml', 'target/surefire-reports/TEST-com.acme.LoginTest.xml'])('reads %s alone and passes', async (file) => {
    const ws = await mkdtemp(join(tmpdir(), 'tm-default-'));
    await mkdir(join(ws, file, '..'), { recursive: true });
    await writeFile(join(ws, file), '<testsuites><testsuite name="s"><testcase name="DEMO-1 logs in" classname="login"/></testsuite></testsuites>');
    const res = await runAction({ 'api-token': '', 'dry-run': 'true' }, { GITHUB_WORKSPACE: ws });
    expect(res.stdout).not.toContain('::error::');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Read 1 test result(s) from 1 file(s).\n');
    expect(res.outputs.total).toBe('1');
  });

  it('names both default names when neither is there', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'tm-default-'));
    const res = await runAction({ 'api-token': '', 'dry-run': 'true' }, { GITHUB_WORKSPACE: ws });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`::error::No result file matches "**/{TEST-*,junit*}.xml" (looked in ${ws}).`);
  });
});

describe('a dry run without a token', () => {
  it('reads and lists every test with the ids found, says what it could not check, and exits 0', async () => {
    const res = await runAction({ 'api-token': '', results, 'dry-run': 'true' });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      'Dry run without a token or project: ids were not checked against the project, so no test case is named below. Nothing was written.',
    );
    expect(res.stdout).toContain('    Account › Account remembers the last email used → none: no id\n');
    expect(res.stdout).toContain('    pytest › test_remember_me_and_two_factor → not checked: ids found DEMO-9, DEMO-10\n');
    expect(res.summary).toContain('No token or project: ids were found in the tests but not checked against the project. Nothing was written.');
    expect(res.summary).toContain('<details><summary>Mapping: test → test case (14 tests)</summary>');
    expect(res.outputs['cases-recorded']).toBe('0');
    expect(emulator.state().requests).toHaveLength(0);
  });
});
