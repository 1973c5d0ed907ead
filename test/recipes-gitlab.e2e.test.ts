/**
 * The README's GitLab recipe and its "merged result files" recipe, followed as written (see
 * test/helpers/recipes.ts): `parallel: 3` jobs that each run Jest and `testsigma-tm upload` (the last upload closes
 * the run), and one report step over every shard's artifacts. Local processes stand in for the jobs, parallel
 * where the jobs are, with the CI's variables set as the CI sets them. Assertions on what the emulator holds.
 */
import { describe, expect, it } from 'vitest';
import { statusesByHumanId } from './helpers/emulator.js';
import { JEST_STATUSES, githubEnv, gitlabEnv, jestProject, useRecipeJobs, writtenOnce } from './helpers/recipes.js';

const jobs = useRecipeJobs('gitlab');

// Real runners in parallel jobs: on a 2-core machine shared with other work, a recipe can take tens of seconds.
describe('the README recipes for GitLab parallel jobs and merged artifacts, with local processes standing in for the jobs', { timeout: 120_000 }, () => {
  it.concurrent('GitLab parallel: 3 — Jest JSON and testsigma-tm upload in each job, no close job: the last upload closes the run', async () => {
    const { checkout, step } = jobs;
    const { emulator, service, onlyRun } = await jobs.service();
    const [tests, upload] = [
      'npx jest --ci --shard=$CI_NODE_INDEX/$CI_NODE_TOTAL --json --outputFile=results.json || true',
      'npx testsigma-tm upload --project Demo results.json',
    ];
    await jobs.exampleHolds('gitlab-ci.yml', ['parallel: 3', tests, upload]);
    const gitlabJobs = await Promise.all(
      [1, 2, 3].map(async (index) => ({
        cwd: await checkout('gitlab', `test-${index}`, jestProject(false)),
        env: { ...gitlabEnv('9001', index, 3), ...service() },
      })),
    );
    const ran = await Promise.all(
      gitlabJobs.map(async (job, i) => {
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

  it.concurrent('merged artifacts: one report step over artifacts/**/*.xml makes one closed run', async () => {
    const { action, emulator, onlyRun } = await jobs.service();
    const files: Record<string, string> = {};
    for (const shard of [1, 2, 3])
      files[`artifacts/shard-${shard}/junit.xml`] =
        `<testsuites><testsuite name="shard ${shard}"><testcase classname="s${shard}" name="DEMO-${2 * shard - 1} works"/>` +
        `<testcase classname="s${shard}" name="DEMO-${2 * shard} works"><failure message="expected 1, received 2">at shard ${shard}</failure></testcase></testsuite></testsuites>`;
    const report = await action(
      'report',
      { 'project-id': 'Demo', results: 'artifacts/**/*.xml' },
      { cwd: await jobs.checkout('merged', 'report', files), env: githubEnv('5005') },
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
    // 3 Jest steps, 3 uploads, the merged report step.
    expect(jobs.search.recorded).toBe(7);
    expect(await jobs.search.leaks([jobs.dir])).toEqual([]);
  });
});
