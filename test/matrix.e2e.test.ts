/**
 * A matrix on one token, the way a GitHub Actions matrix runs it: a create job, 4 concurrent CLI processes with
 * the same CI context (so the same run key) and a close job, against the emulator with its rate limit on at 10
 * requests/s. Every job must succeed and report into one run that carries the plan, environments and title they
 * were given. Every output and every file the jobs wrote is searched for the token.
 *
 * Four jobs, not sixteen: what many jobs do to each other is proven on virtual time by the seeded simulation
 * (packages/core/test/sim: 2–16 shards, late writes, lost answers, the rate limit), and the shared rate limit's
 * waiting lines by the contract test of pacing (packages/core/test/api/pacing.test.ts: 8 clients on one token).
 * This file checks that the real CLI, as a matrix runs it, ends in the right run.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, baseEnv, runNode } from './helpers/run.js';
import { SecretSearch } from './helpers/secrets.js';

const JOBS = 4;
const ENVIRONMENT = '0b7e6f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const CREDENTIALS = 'tm-user:tm-pass-S3cret';

let emulator: EmulatorHandle;
let dir: string;
let search: SecretSearch;

beforeAll(async () => {
  emulator = await start({ rateLimit: { perSecond: 10 } });
  dir = await mkdtemp(join(tmpdir(), 'tm-matrix-'));
  search = new SecretSearch([emulator.token, `${CREDENTIALS}@`, 'tm-pass-S3cret']);
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

/** What every job of one GitHub workflow run sees; each job has its own temp directory and home. */
async function job(name: string, args: string[], extra: Record<string, string> = {}) {
  const home = join(dir, name);
  await mkdir(join(home, 'tmp'), { recursive: true });
  const env = baseEnv({
    TESTSIGMA_API_TOKEN: emulator.token,
    TESTSIGMA_BASE_URL: emulator.url,
    TESTSIGMA_PROJECT_ID: DEMO_FACTS.project.id,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_NUMBER: '12',
    GITHUB_WORKFLOW: 'E2E',
    GITHUB_REF_NAME: 'main',
    GITHUB_SHA: 'c0ffee0123456789',
    GITHUB_JOB: name,
    HOME: home,
    TMPDIR: join(home, 'tmp'),
    RUNNER_TEMP: join(home, 'tmp'),
    ...extra,
  });
  return search.record(name, await runNode(CLI, args, { env, cwd: home, timeoutMs: 240_000 }));
}

/** Job i (1-based) records DEMO-(2i-1) passing and DEMO-2i failing. */
async function resultFile(i: number): Promise<string> {
  const file = join(dir, `job-${i}.xml`);
  await writeFile(
    file,
    `<testsuites><testsuite name="job ${i}"><testcase classname="j${i}" name="DEMO-${2 * i - 1} works"/><testcase classname="j${i}" name="DEMO-${2 * i} works"><failure message="expected 1, received 2">stack</failure></testcase></testsuite></testsuites>`,
  );
  return file;
}

describe('a matrix of 4 jobs on one token', () => {
  it('create job → 4 matrix jobs → close job: every job exits 0 into one run holding every result once', async () => {
    const cases = Array.from({ length: 2 * JOBS }, (_, i) => `DEMO-${i + 1}`).join(',');
    const fields = ['--test-plan', 'DEMO-P-1', '--environment-id', ENVIRONMENT, '--run-title', '{workflow} #{run_number} {branch}'];
    const created = await job('create', ['run', 'create', ...fields, '--cases', cases]);
    expect(created.code, created.stderr).toBe(0);
    const files = await Promise.all(Array.from({ length: JOBS }, (_, i) => resultFile(i + 1)));
    const results = await Promise.all(files.map((file, i) => job(`shard-${i + 1}`, ['upload', '--no-close', file])));
    for (const r of results) expect(r.code, `exit ${r.code}: ${r.stderr}`).toBe(0);
    const close = await job('close', ['run', 'close']);
    expect(close.code, close.stderr).toBe(0);

    const runs = newRuns(emulator);
    expect(runs).toHaveLength(1);
    const [run] = runs;
    expect(run).toMatchObject({
      id: created.stdout.trim(),
      status: 'CLOSED',
      title: 'E2E #12 main [gh-4242]',
      test_plan_id: DEMO_FACTS.plan.id,
      environment_ids: [ENVIRONMENT],
    });
    const expected: Record<string, string> = {};
    for (let i = 1; i <= 2 * JOBS; i++) expected[`DEMO-${i}`] = i % 2 === 1 ? 'Passed' : 'Failed';
    expect(statusesByHumanId(emulator, run!)).toEqual(expected);
    expect(Object.values(run!.results).map((r) => r.writes)).toEqual(Array<number>(2 * JOBS).fill(1));
    // A generous budget: the jobs share one rate limit (10 requests/s) on two busy cores; speed is not what is tested here.
  }, 300_000);

  it('run create takes the plan, environments and title; a wrong plan or a base URL with credentials stops before any run', async () => {
    const created = await job('create', [
      'run',
      'create',
      '--test-plan',
      'demo-p-1',
      '--environment-id',
      ENVIRONMENT,
      '--run-title',
      '{repository} {sha}',
      '--cases',
      'DEMO-1',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(newRuns(emulator)).toMatchObject([
      { id: created.stdout.trim(), title: 'acme/shop c0ffee0 [gh-4242]', test_plan_id: DEMO_FACTS.plan.id, environment_ids: [ENVIRONMENT] },
    ]);

    emulator.reset();
    const wrongPlan = await job('wrong-plan', ['upload', '--test-plan', 'DEMO-P-7', await resultFile(1)]);
    expect(wrongPlan.code).toBe(2);
    expect(wrongPlan.stderr).toContain('No test plan DEMO-P-7 in this project (--test-plan (or TESTSIGMA_TEST_PLAN)): the service answered 404');
    expect(wrongPlan.stderr).toContain('Its test plans: DEMO-P-1 "Release 2.4". Set it to the UUID or human id of one of the project\'s plans, or unset it.');
    expect(newRuns(emulator)).toHaveLength(0);

    const withCredentials = emulator.url.replace('http://', `http://${CREDENTIALS}@`);
    const refused = await job('credentials', ['upload', await resultFile(1)], { TESTSIGMA_BASE_URL: withCredentials });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('TESTSIGMA_BASE_URL: expected a URL without user name or password in it');
    expect(newRuns(emulator)).toHaveLength(0);
  });

  it('the search finds a planted secret, in an output and in a nested file', async () => {
    const planted = await mkdtemp(join(tmpdir(), 'tm-planted-'));
    await mkdir(join(planted, 'a', 'b'), { recursive: true });
    await writeFile(join(planted, 'a', 'b', 'spool.json'), `{"base":"http://${CREDENTIALS}@host"}`);
    const probe = new SecretSearch([emulator.token, `${CREDENTIALS}@`]);
    probe.record('probe', { code: 0, stdout: `Bearer ${emulator.token}`, stderr: '' });
    expect(await probe.leaks([planted])).toEqual(['secret #1 in probe stdout', `secret #2 in ${join(planted, 'a', 'b', 'spool.json')}`]);
  });

  it('no output and no file of any job holds the token or the credentials of a base URL', async () => {
    expect(search.recorded).toBeGreaterThanOrEqual(JOBS + 4);
    expect(await search.leaks([dir])).toEqual([]);
  });
});
