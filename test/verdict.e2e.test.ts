/**
 * The verdict across jobs, with CLI processes standing in for the jobs of a pipeline against the emulator: a
 * case every shard runs, failing in one shard only, ends Failed whatever order the shards' writes land in, and
 * no shard that did nothing wrong fails its job; a create applied after the client gave up on it leaves one run.
 * Assertions on what the emulator holds and on exit codes, never on durations.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, heldClock, newRuns, start, statusesByHumanId, untilTurn, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, baseEnv, runNode } from './helpers/run.js';

let emulator: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-verdict-'));
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

function cli(args: string[], env: Record<string, string> = {}) {
  return runNode(CLI, args, {
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', TMPDIR: dir, ...env }),
    timeoutMs: 90_000,
  });
}

/** Shard i runs DEMO-1 (shared by every shard: failing in `failingIn` only) and DEMO-(i+1), passing. */
async function shardFile(i: number, failingIn: number): Promise<string> {
  const file = join(dir, `shard-${i}-of-${failingIn}.xml`);
  const shared = i === failingIn ? '<failure message="only on this shard">at shard</failure>' : '';
  await writeFile(
    file,
    `<testsuite name="shard ${i}"><testcase classname="s${i}" name="DEMO-1 shared">${shared}</testcase><testcase classname="s${i}" name="DEMO-${i + 1} own"/></testsuite>`,
  );
  return file;
}

describe('the verdict across the jobs of one run', { timeout: 120_000 }, () => {
  it('create → 4 shards → close: a case failing in shard 3 only ends Failed, and every shard exits 0', async () => {
    const create = await cli(['run', 'create', '--run-key', 'verdict-1']);
    expect(create.code, create.stderr).toBe(0);
    const files = await Promise.all([1, 2, 3, 4].map((i) => shardFile(i, 3)));
    const shards = await Promise.all(files.map((file, i) => cli(['upload', '--run-key', 'verdict-1', '--no-close', '--shard-index', String(i + 1), file])));
    for (const shard of shards) expect(shard.code, shard.stderr).toBe(0);
    const close = await cli(['run', 'close', '--run-key', 'verdict-1', '--shard-total', '4']);
    expect(close.code, close.stderr).toBe(0);
    expect(close.stdout).toMatch(/^Closed test run DEMO-R-\d+: 4 of 4 upload\(s\) reported\./);
    const runs = newRuns(emulator);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('CLOSED');
    expect(statusesByHumanId(emulator, runs[0]!)).toEqual({
      'DEMO-1': 'Failed',
      'DEMO-2': 'Passed',
      'DEMO-3': 'Passed',
      'DEMO-4': 'Passed',
      'DEMO-5': 'Passed',
    });
  });

  it('a shard whose pass lands after the failing shard keeps the failure and says so; the last of --shard-total closes', async () => {
    const failing = await cli(['upload', '--run-key', 'verdict-2', '--shard-total', '2', '--shard-index', '1', await shardFile(1, 1)]);
    expect(failing.code, failing.stderr).toBe(0);
    const passing = await cli(['upload', '--run-key', 'verdict-2', '--shard-total', '2', '--shard-index', '2', await shardFile(2, 1)]);
    expect(passing.code, passing.stderr).toBe(0);
    expect(passing.stdout + passing.stderr).toContain('    DEMO-1: Failed by another job of this run — kept');
    const [run] = newRuns(emulator);
    expect(run!.status).toBe('CLOSED');
    expect(run!.description).toContain('Closed by testsigma-tm: 2 of 2 upload(s) reported.');
    expect(statusesByHumanId(emulator, run!)).toEqual({ 'DEMO-1': 'Failed', 'DEMO-2': 'Passed', 'DEMO-3': 'Passed' });
  });

  it('the close step restores a failure that a later pass replaced (a job that wrote without looking)', async () => {
    const file = await shardFile(1, 1);
    expect((await cli(['upload', '--run-key', 'verdict-3', '--no-close', '--shard-index', '1', file])).code).toBe(0);
    const [run] = newRuns(emulator);
    // Another writer replaces the failure with a pass behind the protocol's back.
    const entry = {
      test_case_id: DEMO_FACTS.caseId(1),
      test_run_status_id: DEMO_FACTS.runStatusId('Passed'),
      user_id: DEMO_FACTS.users.alice.id,
      description: '',
    };
    const put = await fetch(`${emulator.url}/projects/${DEMO_FACTS.project.id}/test_runs/${run!.id}/test_cases`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ test_run_cases: [entry] }),
    });
    expect(put.status).toBe(200);
    expect(statusesByHumanId(emulator, newRuns(emulator)[0]!)['DEMO-1']).toBe('Passed');
    const close = await cli(['run', 'close', '--run-key', 'verdict-3', '--shard-total', '1']);
    expect(close.code, close.stderr).toBe(0);
    expect(close.stdout).toContain('Restored the worst result of 1 case(s): DEMO-1.');
    expect(statusesByHumanId(emulator, newRuns(emulator)[0]!)).toEqual({ 'DEMO-1': 'Failed', 'DEMO-2': 'Passed' });
  });

  it('a create the service applies after the client gave up on it leaves one live run, holding every result', async () => {
    // The create job's first create is held by the emulator until the test lets it go: the client gives up on it
    // (its 2 s timeout) and finds no run; it may still land until LATE_WRITE_MS (60 s) after it was sent, past the
    // job's 5 s deadline, so the job fails rather than create a second run (a wait within the deadline is proven on
    // virtual time: packages/core/test/upload/create-late.test.ts). The step run again creates the run; the held
    // create then lands, late: two open runs of the key, until the shard and the close step converge them.
    const clock = heldClock();
    const late = await start({ clock, faults: [{ kind: 'latency', route: 'POST /projects/*/test_runs', ms: 1, times: 1 }] });
    try {
      const env = { TESTSIGMA_BASE_URL: late.url, TESTSIGMA_API_TOKEN: late.token };
      const gaveUp = await cli(['run', 'create', '--run-key', 'verdict-4', '--timeout-ms', '2000', '--deadline', '5'], env);
      expect(gaveUp.code, gaveUp.stderr).toBe(1);
      expect(gaveUp.stderr).toMatch(/it got no answer, and may still be applied until 60 s after it was sent, which would come after the deadline/);
      expect(clock.held()).toBe(1);
      expect(newRuns(late)).toHaveLength(0);
      const create = await cli(['run', 'create', '--run-key', 'verdict-4'], env);
      expect(create.code, create.stderr).toBe(0);
      expect(newRuns(late)).toHaveLength(1);
      clock.release();
      await untilTurn('the held create to land', () => newRuns(late).length === 2);

      const upload = await cli(['upload', '--run-key', 'verdict-4', '--no-close', '--shard-index', '1', await shardFile(1, 1)], env);
      expect(upload.code, upload.stderr).toBe(0);
      expect(upload.stdout + upload.stderr).toMatch(
        /Test run DEMO-R-\d+ duplicated DEMO-R-\d+ \(run key verdict-4\): moved its 0 result\(s\) there and deleted it\./,
      );
      const close = await cli(['run', 'close', '--run-key', 'verdict-4', '--shard-total', '1'], env);
      expect(close.code, close.stderr).toBe(0);
      const live = newRuns(late);
      expect(live).toHaveLength(1);
      expect(live[0]!.status).toBe('CLOSED');
      expect(live[0]!.title).toMatch(/\[verdict-4\]$/);
      expect(statusesByHumanId(late, live[0]!)).toEqual({ 'DEMO-1': 'Failed', 'DEMO-2': 'Passed' });
      expect(late.state().requests.filter((r) => r.method === 'POST' && /test_runs$/.test(r.path))).toHaveLength(2);
    } finally {
      await late.close();
    }
  });
});
