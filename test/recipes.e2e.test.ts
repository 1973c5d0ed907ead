/**
 * The README's recipes for one run per pipeline, each followed as written: the same shell commands (run by
 * `sh`, with `npx` finding the real Playwright, Jest and testsigma-tm in the project's node_modules) and the same
 * Action inputs (dist/index.js run the way the Actions runner runs it), with local processes standing in for the
 * CI's jobs — parallel where the jobs are — and the CI's variables set as the CI sets them. Each job works in its
 * own checkout of a tiny generated project. Assertions on what the emulator holds.
 */
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { ACTION, ROOT, baseEnv, runNode, type RunResult } from './helpers/run.js';
import { SecretSearch } from './helpers/secrets.js';
import { PLAYWRIGHT_TESTS, githubEnv, gitlabEnv, jestProject, runShell, type Job } from './helpers/recipes.js';

let emulator: EmulatorHandle;
let dir: string;
let search: SecretSearch;
let readme: string;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-recipes-'));
  await mkdir(join(dir, 'tmp'));
  search = new SecretSearch([emulator.token]);
  readme = await readFile(join(ROOT, 'README.md'), 'utf8');
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

/** The service's address and the token, as a CI's secret settings would give them; temp files (spools) under `dir`, for the token search. */
function service(): Record<string, string> {
  return { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TMPDIR: join(dir, 'tmp'), RUNNER_TEMP: join(dir, 'tmp') };
}

/** A job's checkout of the generated project `name`: its files copied, node_modules linked to the repository's. */
async function checkout(name: string, job: string, files: Record<string, string>): Promise<string> {
  const jobDir = join(dir, name, job);
  await mkdir(jobDir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(jobDir, file)), { recursive: true });
    await writeFile(join(jobDir, file), text);
  }
  await symlink(join(ROOT, 'node_modules'), join(jobDir, 'node_modules'), 'dir');
  return jobDir;
}

/** The full example a recipe links to holds the same lines as the README. */
async function exampleHolds(file: string, lines: string[]): Promise<void> {
  const text = await readFile(join(ROOT, 'examples/ci', file), 'utf8');
  for (const line of lines) expect(text, `examples/ci/${file} shows: ${line}`).toContain(line);
}

/** A `run:` / `script:` line, which must be the README's own words, run in a job. */
async function step(what: string, command: string, job: Job): Promise<RunResult> {
  expect(readme, `the README shows: ${command}`).toContain(command);
  return search.record(what, await runShell(command, job));
}

/** A `uses: testsigma-tm/testsigma-tm@v0` step with these inputs (the token input comes from the secret). */
async function action(what: string, inputs: Record<string, string>, job: Job): Promise<RunResult & { outputs: Record<string, string> }> {
  const outputFile = join(job.cwd, `.github-output-${what.replace(/\W+/g, '-')}`);
  await writeFile(outputFile, '');
  const env = baseEnv({
    ...job.env,
    RUNNER_TEMP: join(dir, 'tmp'),
    GITHUB_WORKSPACE: job.cwd,
    GITHUB_OUTPUT: outputFile,
    'INPUT_API-TOKEN': emulator.token,
    'INPUT_BASE-URL': emulator.url,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  });
  const ran = await runNode(ACTION, [], { env, cwd: job.cwd });
  // The one place the token may appear: the runner's own command that masks it in the log.
  const mask = `::add-mask::${emulator.token}\n`;
  expect(ran.stdout.startsWith(mask), ran.stdout).toBe(true);
  const result = search.record(what, { ...ran, stdout: ran.stdout.slice(mask.length) });
  const outputs: Record<string, string> = {};
  for (const m of (await readFile(outputFile, 'utf8')).matchAll(/^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return { ...result, outputs };
}

function onlyRun() {
  const runs = newRuns(emulator);
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

/** Every result written exactly once. */
function writtenOnce(run: ReturnType<typeof onlyRun>): void {
  expect(Object.values(run.results).map((r) => r.writes)).toEqual(Object.values(run.results).map(() => 1));
}

const PLAYWRIGHT_STATUSES = { 'DEMO-1': 'Passed', 'DEMO-2': 'Failed', 'DEMO-3': 'Passed', 'DEMO-4': 'Skipped', 'DEMO-5': 'Passed', 'DEMO-6': 'Failed' };
const JEST_STATUSES = { 'DEMO-7': 'Passed', 'DEMO-8': 'Failed', 'DEMO-9': 'Passed', 'DEMO-10': 'Skipped', 'DEMO-11': 'Passed', 'DEMO-12': 'Passed' };

const PLAYWRIGHT_SHARD = 'npx playwright test --shard=${{ matrix.shard }}/3 --reporter=json > results.json';

type ShardJob = Job & { testsFailed: boolean };
let playwrightRun: Promise<ShardJob[]> | undefined;

/** What the close jobs of recipes 1 and 2 said, and the description they left on the run. */
const closeJobs = new Map<string, { message: string; description: string }>();

/**
 * The matrix's test step, in three parallel jobs that each leave results.json in their checkout. Recipes 1 and 2
 * share this step word for word, so it runs once (Playwright is the slow part on a loaded machine) and each
 * recipe runs its own upload steps in those checkouts, with its own workflow run's variables.
 */
async function playwrightShards(runId: string, attempt = 1): Promise<ShardJob[]> {
  playwrightRun ??= (async () => {
    const jobs = await Promise.all(
      [1, 2, 3].map(async (shard) => ({ cwd: await checkout('playwright', `test-${shard}`, PLAYWRIGHT_TESTS), env: githubEnv(runId), shard })),
    );
    const ran = await Promise.all(jobs.map((job) => step(`playwright shard ${job.shard}`, PLAYWRIGHT_SHARD, job)));
    // Two shards hold a failing test: the step fails, and the upload step runs anyway (`if: !cancelled()`).
    expect(ran.map((r) => r.code).sort(), ran.map((r) => r.stderr).join('\n')).toEqual([0, 1, 1]);
    return jobs.map((job, i) => ({ ...job, testsFailed: ran[i]!.code !== 0 }));
  })();
  return (await playwrightRun).map((job) => ({ ...job, env: githubEnv(runId, attempt) }));
}

// Real runners in parallel jobs: on a 2-core machine shared with other work, a recipe can take tens of seconds.
describe('the README recipes, with local processes standing in for the jobs', { timeout: 120_000 }, () => {
  // Two workflow runs in one test (the first, then "re-run failed jobs"): twice the others' guard against a hang.
  it('GitHub matrix with Playwright --shard: create job → 3 shards (mode: upload) → close job; then re-run failed jobs', { timeout: 240_000 }, async () => {
    await exampleHolds('github-playwright-shards.yml', [PLAYWRIGHT_SHARD, 'mode: create', 'mode: upload', 'mode: close', 'shard-total: 3']);
    const create = await action('create', { mode: 'create', 'project-id': 'Demo' }, { cwd: await checkout('gh1', 'create', {}), env: githubEnv('5001') });
    expect(create.code, create.stdout).toBe(0);
    const runId = create.outputs['run-id'];
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);

    const shards = await playwrightShards('5001');
    const uploads = await Promise.all(
      shards.map((job) =>
        action(`upload ${job.shard}`, { mode: 'upload', 'project-id': 'Demo', results: 'results.json', 'shard-index': String(job.shard) }, job),
      ),
    );
    for (const u of uploads) {
      expect(u.code, u.stdout).toBe(0);
      expect(u.outputs['run-id']).toBe(runId);
    }
    expect(onlyRun().status).toBe('ACTIVE');

    const close = await action(
      'close',
      { mode: 'close', 'project-id': 'Demo', 'shard-total': '3' },
      { cwd: await checkout('gh1', 'close', {}), env: githubEnv('5001') },
    );
    expect(close.code, close.stdout).toBe(0);
    expect(close.outputs['run-id']).toBe(runId);
    const run = onlyRun();
    expect(close.stdout).toContain(`Closed test run ${run.human_id}`);
    expect(run).toMatchObject({ id: runId, status: 'CLOSED' });
    expect(statusesByHumanId(emulator, run)).toEqual(PLAYWRIGHT_STATUSES);
    writtenOnce(run);
    closeJobs.set('with create', { message: close.stdout, description: run.description ?? '' });

    // "Re-run failed jobs" (attempt 2): the failed shards and the close job that needs them run again. The run is
    // closed, so they make the key's next run, which carries the first run's results over and is closed again.
    const failed = (await playwrightShards('5001', 2)).filter((job) => job.testsFailed);
    expect(failed).toHaveLength(2);
    const reruns = await Promise.all(
      failed.map((job) =>
        action(`re-run upload ${job.shard}`, { mode: 'upload', 'project-id': 'Demo', results: 'results.json', 'shard-index': String(job.shard) }, job),
      ),
    );
    for (const re of reruns) expect(re.code, re.stdout).toBe(0);
    // A job that made the key's next run says which closed run it continues.
    expect(
      reruns.some((re) => re.stdout.includes(`, continuing ${run.human_id} (closed).`)),
      reruns.map((re) => re.stdout).join('\n----\n'),
    ).toBe(true);
    const reClose = await action(
      're-run close',
      { mode: 'close', 'project-id': 'Demo', 'shard-total': '3' },
      { cwd: join(dir, 'gh1', 'close'), env: githubEnv('5001', 2) },
    );
    expect(reClose.code, reClose.stdout).toBe(0);
    const [first, newest] = newRuns(emulator);
    expect(newRuns(emulator)).toHaveLength(2);
    expect(first).toMatchObject({ id: runId, status: 'CLOSED' });
    expect(newest!.status).toBe('CLOSED');
    expect(newest!.description).toContain(`Continues test run ${run.human_id}`);
    expect(statusesByHumanId(emulator, newest!)).toEqual(PLAYWRIGHT_STATUSES);
  });

  it('the same without the create job: the run key alone brings the 3 shards (and one repeated) into one run', async () => {
    const shards = await playwrightShards('5002');
    const uploads = await Promise.all(
      shards.map((job) =>
        action(`keyed upload ${job.shard}`, { mode: 'upload', 'project-id': 'Demo', results: 'results.json', 'shard-index': String(job.shard) }, job),
      ),
    );
    for (const u of uploads) expect(u.code, u.stdout).toBe(0);
    expect(new Set(uploads.map((u) => u.outputs['run-id'])).size, uploads.map((u) => u.stdout).join('\n----\n')).toBe(1);
    // A shard run again before the close (a manual re-run of one job) reports into the same run.
    const again = await action('keyed upload 2 again', { mode: 'upload', 'project-id': 'Demo', results: 'results.json', 'shard-index': '2' }, shards[1]!);
    expect(again.code, again.stdout).toBe(0);
    expect(again.outputs['run-id']).toBe(uploads[0]!.outputs['run-id']);
    expect(onlyRun().status).toBe('ACTIVE');

    const close = await action(
      'keyed close',
      { mode: 'close', 'project-id': 'Demo', 'shard-total': '3' },
      { cwd: await checkout('gh2', 'close', {}), env: githubEnv('5002') },
    );
    expect(close.code, close.stdout).toBe(0);
    const run = onlyRun();
    expect(close.stdout).toContain(`Closed test run ${run.human_id}`);
    expect(run.status).toBe('CLOSED');
    expect(run.title).toMatch(/\[gh-5002\]$/);
    expect(statusesByHumanId(emulator, run)).toEqual(PLAYWRIGHT_STATUSES);
    // Every result written once, but the repeated shard's two, written again.
    expect(Object.values(run.results).reduce((sum, r) => sum + r.writes, 0)).toBe(8);
    closeJobs.set('key only', { message: close.stdout, description: run.description ?? '' });
  });

  // Every upload into a keyed run leaves its marker (the shard's index), so the close job can count them.
  it('the close job of recipes 1 and 2 counts the shards\' uploads: "3 of 3 upload(s) reported."', () => {
    for (const recipe of ['with create', 'key only']) {
      const close = closeJobs.get(recipe);
      expect(close?.message).toMatch(/^Closed test run DEMO-R-\d+: 3 of 3 upload\(s\) reported\.$/m);
      expect(close?.description).toContain('Closed by testsigma-tm: 3 of 3 upload(s) reported.');
    }
  });

  it('Jest shards with the Jest reporter (TESTSIGMA_CLOSE_RUN=false in the shards) and testsigma-tm run close at the end', async () => {
    const shards = await Promise.all(
      [1, 2].map(async (shard) => ({
        cwd: await checkout('jest-gh', `test-${shard}`, jestProject(true)),
        env: { ...githubEnv('5003'), ...service(), TESTSIGMA_CLOSE_RUN: 'false' },
        shard,
      })),
    );
    const ran = await Promise.all(shards.map((job) => step(`jest shard ${job.shard}`, 'npx jest --ci --shard=${{ matrix.shard }}/2', job)));
    // DEMO-8 fails in one of the shards (Jest decides which); the reporter's upload itself succeeded in both.
    expect(ran.map((r) => r.code).sort()).toEqual([0, 1]);
    for (const r of ran) expect(`${r.stdout}${r.stderr}`).toMatch(/\[testsigma-tm\] Test run DEMO-R-\d+( \(created\))?: recorded \d of \d test case\(s\)/);
    expect(onlyRun().status).toBe('ACTIVE');

    const close = await step('jest close', 'npx testsigma-tm run close --project Demo', {
      cwd: await checkout('jest-gh', 'close', { 'package.json': '{}' }),
      env: { ...githubEnv('5003'), ...service() },
    });
    expect(close.code, close.stderr).toBe(0);
    const run = onlyRun();
    expect(close.stdout).toBe(`Closed test run ${run.human_id}: 2 upload(s) reported.\n`);
    expect(run.status).toBe('CLOSED');
    expect(statusesByHumanId(emulator, run)).toEqual(JEST_STATUSES);
    writtenOnce(run);
  });

  it('GitLab parallel: 3 — Jest JSON and testsigma-tm upload in each job, no close job: the last upload closes the run', async () => {
    const [tests, upload] = [
      'npx jest --ci --shard=$CI_NODE_INDEX/$CI_NODE_TOTAL --json --outputFile=results.json || true',
      'npx testsigma-tm upload --project Demo results.json',
    ];
    await exampleHolds('gitlab-ci.yml', ['parallel: 3', tests, upload]);
    const jobs = await Promise.all(
      [1, 2, 3].map(async (index) => ({
        cwd: await checkout('gitlab', `test-${index}`, jestProject(false)),
        env: { ...gitlabEnv('9001', index, 3), ...service() },
      })),
    );
    const ran = await Promise.all(
      jobs.map(async (job, i) => {
        const jest = await step(`gitlab jest ${i + 1}`, tests, job);
        expect(jest.code, jest.stderr).toBe(0);
        return step(`gitlab upload ${i + 1}`, upload, job);
      }),
    );
    for (const r of ran) expect(r.code, r.stderr).toBe(0);
    const run = onlyRun();
    expect(run.status).toBe('CLOSED');
    expect(run.title).toMatch(/\[gl-9001\]$/);
    expect(run.description).toContain('Closed by testsigma-tm: 3 of 3 upload(s) reported.');
    expect(statusesByHumanId(emulator, run)).toEqual(JEST_STATUSES);
    writtenOnce(run);
  });

  it('merged artifacts: one report step over artifacts/**/*.xml makes one closed run', async () => {
    const files: Record<string, string> = {};
    for (const shard of [1, 2, 3])
      files[`artifacts/shard-${shard}/junit.xml`] =
        `<testsuites><testsuite name="shard ${shard}"><testcase classname="s${shard}" name="DEMO-${2 * shard - 1} works"/>` +
        `<testcase classname="s${shard}" name="DEMO-${2 * shard} works"><failure message="expected 1, received 2">at shard ${shard}</failure></testcase></testsuite></testsuites>`;
    const report = await action(
      'report',
      { 'project-id': 'Demo', results: 'artifacts/**/*.xml' },
      { cwd: await checkout('merged', 'report', files), env: githubEnv('5005') },
    );
    expect(report.code, report.stdout).toBe(0);
    expect(report.outputs['cases-recorded']).toBe('6');
    const run = onlyRun();
    expect(run.status).toBe('CLOSED');
    expect(statusesByHumanId(emulator, run)).toEqual({
      'DEMO-1': 'Passed',
      'DEMO-2': 'Failed',
      'DEMO-3': 'Passed',
      'DEMO-4': 'Failed',
      'DEMO-5': 'Passed',
      'DEMO-6': 'Failed',
    });
    writtenOnce(run);
  });
});

describe('secrets', () => {
  it('no output and no file of any job above holds the token', async () => {
    expect(search.recorded).toBeGreaterThanOrEqual(20);
    expect(await search.leaks([dir])).toEqual([]);
  });
});
