/**
 * The README's recipes for a GitHub matrix of Playwright shards, followed as written (see test/helpers/recipes.ts):
 * with a create job and then "re-run failed jobs", and with the run key alone. The same shell commands (run by
 * `sh`, `npx` finding the real Playwright in the project's node_modules) and the same Action inputs (dist/index.js
 * run the way the Actions runner runs it), local processes standing in for the jobs — parallel where the jobs are —
 * and the CI's variables set as the CI sets them. The two recipes share the matrix's test step (run once) and run
 * at the same time, each against an emulator of its own. Assertions on what the emulator holds.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newRuns, statusesByHumanId } from './helpers/emulator.js';
import { PLAYWRIGHT_SHARD, PLAYWRIGHT_STATUSES, expectThreeOfThree, githubEnv, useRecipeJobs, writtenOnce } from './helpers/recipes.js';

const jobs = useRecipeJobs('github');

// Real runners in parallel jobs: on a 2-core machine shared with other work, a recipe can take tens of seconds.
describe('the README recipes for a GitHub matrix, with local processes standing in for the jobs', { timeout: 120_000 }, () => {
  // Two workflow runs in one test (the first, then "re-run failed jobs"): twice the others' guard against a hang.
  it.concurrent(
    'GitHub matrix with Playwright --shard: create job → 3 shards (mode: upload) → close job; then re-run failed jobs',
    { timeout: 240_000 },
    async () => {
      const { action, emulator, onlyRun } = await jobs.service();
      await jobs.exampleHolds('github-playwright-shards.yml', [PLAYWRIGHT_SHARD, 'mode: create', 'mode: upload', 'mode: close', 'shard-total: 3']);
      const create = await action(
        'create',
        { mode: 'create', 'project-id': 'Demo' },
        { cwd: await jobs.checkout('gh1', 'create', {}), env: githubEnv('5001') },
      );
      expect(create.code, create.stdout).toBe(0);
      const runId = create.outputs['run-id'];
      expect(runId).toMatch(/^[0-9a-f-]{36}$/);

      const shards = await jobs.playwrightShards('5001');
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
        { cwd: await jobs.checkout('gh1', 'close', {}), env: githubEnv('5001') },
      );
      expect(close.code, close.stdout).toBe(0);
      expect(close.outputs['run-id']).toBe(runId);
      const run = onlyRun();
      expect(close.stdout).toContain(`Closed test run ${run.human_id}`);
      expect(run).toMatchObject({ id: runId, status: 'CLOSED' });
      expect(statusesByHumanId(emulator, run)).toEqual(PLAYWRIGHT_STATUSES);
      writtenOnce(run);
      // Every upload into a keyed run leaves its marker (the shard's index), so the close job counts them.
      expectThreeOfThree(close.stdout, run);

      // "Re-run failed jobs" (attempt 2): the failed shards and the close job that needs them run again. The run is
      // closed, so they make the key's next run, which carries the first run's results over and is closed again.
      const failed = (await jobs.playwrightShards('5001', 2)).filter((job) => job.testsFailed);
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
        { cwd: join(jobs.dir, 'gh1', 'close'), env: githubEnv('5001', 2) },
      );
      expect(reClose.code, reClose.stdout).toBe(0);
      const [first, newest] = newRuns(emulator);
      expect(newRuns(emulator)).toHaveLength(2);
      expect(first).toMatchObject({ id: runId, status: 'CLOSED' });
      expect(newest!.status).toBe('CLOSED');
      expect(newest!.description).toContain(`Continues test run ${run.human_id}`);
      expect(statusesByHumanId(emulator, newest!)).toEqual(PLAYWRIGHT_STATUSES);
    },
  );

  it.concurrent('the same without the create job: the run key alone brings the 3 shards (and one repeated) into one run', async () => {
    const { action, emulator, onlyRun } = await jobs.service();
    const shards = await jobs.playwrightShards('5002');
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
      { cwd: await jobs.checkout('gh2', 'close', {}), env: githubEnv('5002') },
    );
    expect(close.code, close.stdout).toBe(0);
    const run = onlyRun();
    expect(close.stdout).toContain(`Closed test run ${run.human_id}`);
    expect(run.status).toBe('CLOSED');
    expect(run.title).toMatch(/\[gh-5002\]$/);
    expect(statusesByHumanId(emulator, run)).toEqual(PLAYWRIGHT_STATUSES);
    // Every result written once, but the repeated shard's two, written again.
    expect(Object.values(run.results).reduce((sum, r) => sum + r.writes, 0)).toBe(8);
    // Every upload into a keyed run leaves its marker (the shard's index), so the close job counts them.
    expectThreeOfThree(close.stdout, run);
  });
});

describe('secrets', () => {
  it('no output and no file of any job above holds the token', async () => {
    // Recipe 1: create, 3 test steps, 3 uploads, close, 2 re-run uploads, re-run close; recipe 2: 3 uploads, the
    // repeated upload, the close.
    expect(jobs.search.recorded).toBe(16);
    expect(await jobs.search.leaks([jobs.dir])).toEqual([]);
  });
});
