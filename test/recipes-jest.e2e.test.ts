/**
 * The README's Jest recipe, followed as written (see test/helpers/recipes.ts): Jest shards with the Jest reporter
 * in the config (TESTSIGMA_CLOSE_RUN=false in the shards), then `testsigma-tm run close` in a final job. Local
 * processes stand in for the jobs, parallel where the jobs are. Assertions on what the emulator holds.
 */
import { describe, expect, it } from 'vitest';
import { statusesByHumanId } from './helpers/emulator.js';
import { JEST_STATUSES, githubEnv, jestProject, useRecipeJobs, writtenOnce } from './helpers/recipes.js';

const jobs = useRecipeJobs('jest');

// Real runners in parallel jobs: on a 2-core machine shared with other work, a recipe can take tens of seconds.
describe('the README recipe for Jest shards, with local processes standing in for the jobs', { timeout: 120_000 }, () => {
  it('Jest shards with the Jest reporter (TESTSIGMA_CLOSE_RUN=false in the shards) and testsigma-tm run close at the end', async () => {
    const { checkout, step } = jobs;
    const { emulator, service, onlyRun } = await jobs.service();
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
});

describe('secrets', () => {
  it('no output and no file of any job above holds the token', async () => {
    // 2 Jest shards (the reporter uploads), the close.
    expect(jobs.search.recorded).toBe(3);
    expect(await jobs.search.leaks([jobs.dir])).toEqual([]);
  });
});
