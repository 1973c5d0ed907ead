/**
 * The README's close-job recipe with an outage, local processes standing in for the jobs (issue 17, "holes found
 * under faults"): shard 1 spools half its results, shard 2 reports, the close job (`if: always()`) closes the
 * run; then `resume` — as a re-run of shard 1 would — reports into the key's next run, carrying shard 2's
 * results over, and counts as shard 1: the close job run again reads "2 of 2". Assertions on what the emulator holds.
 */
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FACTS, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, baseEnv, runNode } from './helpers/run.js';
import { SecretSearch } from './helpers/secrets.js';

let emulator: EmulatorHandle;
let dir: string;
let search: SecretSearch;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-resume-e2e-'));
  await mkdir(join(dir, 'tmp'));
  search = new SecretSearch([emulator.token]);
});
afterAll(() => emulator.close());

async function cli(args: string[], extraEnv: Record<string, string> = {}) {
  const temp = join(dir, 'tmp');
  const env = baseEnv({
    TESTSIGMA_API_TOKEN: emulator.token,
    TESTSIGMA_BASE_URL: emulator.url,
    TESTSIGMA_PROJECT_ID: 'Demo',
    TMPDIR: temp,
    RUNNER_TEMP: temp,
    ...extraEnv,
  });
  return search.record(args.join(' '), await runNode(CLI, args, { env, timeoutMs: 180_000 }));
}

/** Shard 1: DEMO-1..4, DEMO-2 failing; shard 2: DEMO-5..6, DEMO-6 failing. */
async function shardFile(i: number): Promise<string> {
  const cases = i === 1 ? [1, 2, 3, 4] : [5, 6];
  const failing = new Set([2, 6]);
  const file = join(dir, `shard-${i}.xml`);
  const testcases = cases
    .map((n) => `<testcase classname="s${i}" name="DEMO-${n} works">${failing.has(n) ? '<failure message="expected 1">stack</failure>' : ''}</testcase>`)
    .join('');
  await writeFile(file, `<testsuites><testsuite name="shard ${i}">${testcases}</testsuite></testsuites>`);
  return file;
}

const keyRuns = (key: string) => emulator.state().test_runs.filter((r) => r.title.endsWith(`[${key}]`));

describe('resume after the close job closed the run', { timeout: 240_000 }, () => {
  it("goes to the key's next run as shard 1's re-run would, and the close job counts it", async () => {
    const spool = join(dir, 'shard-1.json');
    const upload = (i: number, extra: string[] = []) =>
      shardFile(i).then((file) => cli(['upload', '--run-key', 'nightly-7', '--no-close', '--shard-index', String(i), ...extra, file]));
    // Shard 1: two results land, then the service is down for the rest until its deadline.
    emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 503, after: 2 }]);
    const first = await upload(1, ['--batch-size', '1', '--deadline', '2', '--spool', spool]);
    emulator.setFaults([]);
    expect(first.code).toBe(1);
    expect((await upload(2)).code).toBe(0);
    const closed = await cli(['run', 'close', '--run-key', 'nightly-7']);
    expect(closed.code, closed.stderr).toBe(0);
    const [old] = keyRuns('nightly-7');
    expect(old!.status).toBe('CLOSED');

    const resumed = await cli(['resume', spool]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const [, next] = keyRuns('nightly-7');
    expect(resumed.stdout).toContain(
      `recorded 4 result(s) in test run ${next!.human_id} (the upload had written to ${old!.human_id}, closed since: this run continues it)`,
    );
    expect(statusesByHumanId(emulator, next!)).toEqual({
      'DEMO-1': 'Passed',
      'DEMO-2': 'Failed',
      'DEMO-3': 'Passed',
      'DEMO-4': 'Passed',
      'DEMO-5': 'Passed',
      'DEMO-6': 'Failed',
    });
    expect(Object.values(next!.results).map((r) => r.writes)).toEqual([1, 1, 1, 1, 1, 1]);

    const again = await cli(['run', 'close', '--run-key', 'nightly-7', '--shard-total', '2']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^Closed test run ${next!.human_id}: 2 of 2 upload\\(s\\) reported\\.`));
    expect(keyRuns('nightly-7').map((r) => r.status)).toEqual(['CLOSED', 'CLOSED']);
    expect(await readdir(dir)).toContain('shard-1.json.sent');
    expect(await search.leaks([dir])).toEqual([]);
  });
});

describe('resume of a spool whose run was deleted since', { timeout: 240_000 }, () => {
  /** Shard 1 with the service refusing its results after two of them (a 403, not retried): the rest is spooled. */
  async function spooled(name: string, extra: string[]): Promise<{ spool: string; run: string }> {
    const spool = join(dir, `${name}.json`);
    emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 403, after: 2 }]);
    const first = await cli(['upload', '--batch-size', '1', '--spool', spool, ...extra, await shardFile(1)]);
    emulator.setFaults([]);
    expect(first.code, first.stderr).not.toBe(0);
    const [run] = emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id && Object.keys(r.results).length === 2);
    // Someone deletes the run in Testsigma.
    const deleted = await fetch(`${emulator.url}/projects/${DEMO_FACTS.project.id}/test_runs/${run!.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${emulator.token}` },
    });
    expect(deleted.status).toBe(204);
    return { spool, run: run!.human_id };
  }

  it('without a run key: says so and sends nothing (exit 2); --new-run sends every result into a new run', async () => {
    const { spool, run } = await spooled('deleted', ['--run-title', 'deleted e2e']);
    const kept = await readFile(spool, 'utf8');
    const runsBefore = emulator.state().test_runs.length;

    const refused = await cli(['resume', spool]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`testsigma-tm: Test run ${run} no longer exists in Testsigma`);
    expect(refused.stderr).toContain(`Nothing was sent, and all 4 result(s) are still in ${spool}`);
    expect(refused.stderr).toContain(`run: testsigma-tm resume --new-run ${spool}`);
    expect([emulator.state().test_runs.length, await readFile(spool, 'utf8')]).toEqual([runsBefore, kept]);

    const resumed = await cli(['resume', '--new-run', spool]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const fresh = emulator.state().test_runs.at(-1)!;
    expect(resumed.stdout).toContain(
      `recorded 4 result(s) in test run ${fresh.human_id} (a new run: the upload had written to ${run}, which no longer exists), closed.`,
    );
    expect(statusesByHumanId(emulator, fresh)).toEqual({ 'DEMO-1': 'Passed', 'DEMO-2': 'Failed', 'DEMO-3': 'Passed', 'DEMO-4': 'Passed' });
    expect(Object.values(fresh.results).map((r) => r.writes)).toEqual([1, 1, 1, 1]);
    expect(await search.leaks([dir])).toEqual([]);
  });

  it("with a run key: TESTSIGMA_NEW_RUN=true sends them into the key's new run", async () => {
    const { spool, run } = await spooled('deleted-keyed', ['--run-key', 'deleted-7', '--no-close']);
    expect((await cli(['resume', spool])).code).toBe(2);

    const resumed = await cli(['resume', spool], { TESTSIGMA_NEW_RUN: 'true' });
    expect(resumed.code, resumed.stderr).toBe(0);
    const [fresh] = keyRuns('deleted-7');
    expect(resumed.stdout).toContain(`recorded 4 result(s) in test run ${fresh!.human_id} (the upload had written to ${run}, which no longer exists).`);
    expect(Object.values(fresh!.results).map((r) => r.writes)).toEqual([1, 1, 1, 1]);
  });
});
