/**
 * `resume` against the emulator over loopback (issue 17, "holes found under faults"): a resume goes where a re-run
 * would and counts as its shard; the when-complete mode closes a re-run's run; a resume that stops half way (a
 * lost answer, a killed job) never makes the next one write a result twice. Every wait runs on a virtual clock.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import type { Clock } from '../../src/clock.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import type { TestResult, TestStatus } from '../../src/model.js';
import { closeRunCommand, resumeCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import type { EntriesSpool } from '../../src/spool/spool.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { VirtualClock } from '../virtual-clock.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let dir: string;
let clock: Clock;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tm-resume-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  // Bound: the code under test may hand `clock.random` on as a function.
  const virtual = new VirtualClock();
  clock = { now: () => virtual.now(), sleep: (ms) => virtual.sleep(ms), random: () => virtual.random() };
});

const RESULTS_ROUTE = 'PUT /projects/*/test_runs/*/test_cases';

function result(n: number, status: TestStatus): TestResult {
  return { source: 'test', suitePath: ['resume'], name: `DEMO-${n} works`, status, properties: [], tags: [], attachments: [], attempts: [{ status }] };
}

/** Shard 1 reports DEMO-1..4 (DEMO-2 failing), shard 2 DEMO-5..6 (DEMO-6 failing unless fixed); shard 3 DEMO-7..12. */
const SHARD: Record<number, (fixed?: boolean) => TestResult[]> = {
  1: () => [result(1, 'passed'), result(2, 'failed'), result(3, 'passed'), result(4, 'passed')],
  2: (fixed = false) => [result(5, 'passed'), result(6, fixed ? 'passed' : 'failed')],
  3: () => [7, 8, 9, 10, 11, 12].map((n) => result(n, 'passed')),
};

function upload(key: string, shard: number, extra: Record<string, unknown> = {}, fixed = false) {
  return uploadResults({
    settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: key, shardIndex: shard, ...extra }, {}),
    results: SHARD[shard]!(fixed),
    env: {},
    clock,
  });
}

/** A shard with the service failing after `landing` of its batches (of one result each): the rest is spooled. */
async function failingShard(key: string, landing: number, extra: Record<string, unknown> = {}, shard = 1) {
  const spool = join(dir, `${key}.json`);
  emulator.setFaults([{ kind: 'status', route: RESULTS_ROUTE, status: 503, after: landing }]);
  const outcome = await upload(key, shard, { batchSize: 1, deadline: 2, spool, ...extra });
  emulator.setFaults([]);
  expect(outcome.exitCode).toBe(1);
  expect(outcome.summary.spoolFile).toBe(spool);
  return spool;
}

function resume(file: string, transport?: Transport) {
  return resumeCommand({ file, token: emulator.token, clock, ...(transport && { http: { transport } }) });
}

function close(key: string, total: number) {
  return closeRunCommand({
    settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: key, shardTotal: total }, {}),
    env: {},
    clock,
  });
}

type Run = ReturnType<EmulatorHandle['state']>['test_runs'][number];

function keyRuns(key: string): Run[] {
  return emulator.state().test_runs.filter((r) => r.title.endsWith(`[${key}]`));
}

/** `{ DEMO-1: 'Passed', … }` and the writes of each case, for one run. */
function held(run: Run): { statuses: Record<string, string>; writes: Record<string, number> } {
  const human = new Map(emulator.state().test_cases.map((c) => [c.id, c.human_id]));
  const statuses: Record<string, string> = {};
  const writes: Record<string, number> = {};
  for (const [id, r] of Object.entries(run.results).sort(([a], [b]) => (human.get(a) ?? a).localeCompare(human.get(b) ?? b, 'en', { numeric: true }))) {
    statuses[human.get(id) ?? id] = r.status;
    writes[human.get(id) ?? id] = r.writes;
  }
  return { statuses, writes };
}

const ALL = { 'DEMO-1': 'Passed', 'DEMO-2': 'Failed', 'DEMO-3': 'Passed', 'DEMO-4': 'Passed', 'DEMO-5': 'Passed', 'DEMO-6': 'Failed' };
const ONCE = { 'DEMO-1': 1, 'DEMO-2': 1, 'DEMO-3': 1, 'DEMO-4': 1, 'DEMO-5': 1, 'DEMO-6': 1 };

async function readSpoolFile(file: string): Promise<EntriesSpool> {
  return JSON.parse(await readFile(file, 'utf8')) as EntriesSpool;
}

describe('resume with a run key', () => {
  it("after the close job closed the run: reports into the key's next generation, carrying results over, and counts as its shard", async () => {
    const spool = await failingShard('close-job', 2, { closeRun: false });
    const written = await readSpoolFile(spool);
    // Every entry of the job, and the two that landed.
    expect([written.entries.length, written.landed?.caseIds.length, written.settings.shardIndex]).toEqual([4, 2, 1]);
    expect((await upload('close-job', 2, { closeRun: false })).exitCode).toBe(0);
    const closed = await close('close-job', 2);
    expect(closed.message).toContain('Only 1 of 2 uploads reported');
    const [first] = keyRuns('close-job');

    const resumed = await resume(spool);
    expect(resumed.exitCode, resumed.message).toBe(0);
    const [, second] = keyRuns('close-job');
    expect(resumed.message).toBe(
      `Resumed ${spool}: recorded 4 result(s) in test run ${second!.human_id} (the upload had written to ${first!.human_id}, closed since: this run continues it). The file is kept as ${spool}.sent.`,
    );
    // The new generation holds every result: shard 2's carried over, shard 1's sent once; nothing closed it yet.
    expect(second!.status).toBe('ACTIVE');
    expect(held(second!)).toEqual({ statuses: ALL, writes: ONCE });
    // The resumed shard's second attempt: newer than the line carried over from its first.
    expect(second!.description).toMatch(/^testsigma-tm job 1 \(done, attempt 2\): Failed DEMO-2; Passed DEMO-1 DEMO-3\.\.4$/m);
    expect(second!.description).toMatch(/^testsigma-tm job 2 \(done\): Failed DEMO-6; Passed DEMO-5$/m);

    // The close job, run again (`if: always()`), counts both shards in the new run.
    const again = await close('close-job', 2);
    expect(again.message).toBe(`Closed test run ${second!.human_id}: 2 of 2 upload(s) reported.`);
    expect(keyRuns('close-job').map((r) => r.status)).toEqual(['CLOSED', 'CLOSED']);
  });

  it('when-complete: into the open run, only what did not land, and the resumed shard completing the total closes the run', async () => {
    const spool = await failingShard('when-complete', 2, { shardTotal: 2 });
    expect((await upload('when-complete', 2, { shardTotal: 2 })).exitCode).toBe(0);
    expect(keyRuns('when-complete').map((r) => r.status)).toEqual(['ACTIVE']);

    const resumed = await resume(spool);
    expect(resumed.exitCode, resumed.message).toBe(0);
    const [run] = keyRuns('when-complete');
    expect(resumed.message).toBe(`Resumed ${spool}: recorded 4 result(s) in test run ${run!.human_id}, closed. The file is kept as ${spool}.sent.`);
    expect(run!.status).toBe('CLOSED');
    expect(run!.description).toContain('Closed by testsigma-tm: 2 of 2 upload(s) reported.');
    expect(held(run!)).toEqual({ statuses: ALL, writes: ONCE });
  });
});

describe('resume of a keyed job without a shard index', () => {
  it("writes its line under the failed upload's own id: the run holds one line of that job, done", async () => {
    const spool = await failingShard('no-shard', 2, { closeRun: false, shardIndex: undefined });
    const written = await readSpoolFile(spool);
    expect(written.job).toMatch(/^[0-9a-f]{8}$/);
    const [before] = keyRuns('no-shard');
    expect(before!.description).toContain(`testsigma-tm job ${written.job} (reporting): Failed DEMO-2; Passed DEMO-1 DEMO-3..4`);

    const resumed = await resume(spool);
    expect(resumed.exitCode, resumed.message).toBe(0);
    const [run] = keyRuns('no-shard');
    expect(run!.description!.split('\n').filter((l) => l.startsWith('testsigma-tm job '))).toEqual([
      `testsigma-tm job ${written.job} (done, attempt 2): Failed DEMO-2; Passed DEMO-1 DEMO-3..4`,
    ]);
    expect(held(run!).writes).toEqual({ 'DEMO-1': 1, 'DEMO-2': 1, 'DEMO-3': 1, 'DEMO-4': 1 });
  });
});

describe('the when-complete mode (--shard-total without a close job)', () => {
  it("closes a re-run's run: the new generation counts the shards that were not re-run", async () => {
    expect((await upload('rerun', 1, { shardTotal: 2 })).exitCode).toBe(0);
    expect((await upload('rerun', 2, { shardTotal: 2 })).exitCode).toBe(0);
    // "Re-run failed jobs": shard 2 again, now passing.
    const rerun = await upload('rerun', 2, { shardTotal: 2 }, true);
    expect(rerun.exitCode, rerun.error?.message).toBe(0);
    const [first, second] = keyRuns('rerun');
    expect([first!.status, second!.status]).toEqual(['CLOSED', 'CLOSED']);
    expect(second!.description).toContain(`Continues test run ${first!.human_id} (closed)`);
    expect(second!.description).toContain('Closed by testsigma-tm: 2 of 2 upload(s) reported.');
    expect(held(second!).statuses).toEqual({ ...ALL, 'DEMO-6': 'Passed' });
  });
});

/** A resume of six one-result batches killed after two: the other requests never get an answer. */
async function resumeKilledAfterTwoBatches(spool: string): Promise<void> {
  const dispatcher = await makeDispatcher(30_000, undefined);
  let puts = 0;
  let stuck = 0;
  let allStuck!: () => void;
  const killed = new Promise<void>((resolve) => (allStuck = resolve));
  const transport: Transport = async (request) => {
    if (request.method === 'PUT' && request.url.pathname.endsWith('/test_cases') && ++puts > 2) {
      // Every worker now waits here, each having recorded what it sent before: what a kill leaves on disk.
      if (++stuck === 4) allStuck();
      return new Promise(() => {});
    }
    return exchange(dispatcher, request.method, request.url, request.headers, request.body, request.timeoutMs, request.nowMs);
  };
  void resume(spool, transport);
  await killed;
  await dispatcher.close();
}

describe('a partial resume followed by another', () => {
  it('a batch that landed without its answer is not sent again by the next resume', async () => {
    const spool = await failingShard('lost-answer', 1, { closeRun: false });
    // Resume 1: one batch lands, the next lands but its answer is lost, then the service is down until the deadline.
    emulator.setFaults([
      { kind: 'lost-answer', route: RESULTS_ROUTE, after: 1, times: 1 },
      // Counted among the requests the first rule let through: the third on.
      { kind: 'status', route: RESULTS_ROUTE, status: 503, after: 1 },
    ]);
    const first = await resume(spool);
    emulator.setFaults([]);
    expect(first.exitCode, first.message).toBe(1);
    const [run] = keyRuns('lost-answer');
    expect(Object.keys(run!.results)).toHaveLength(3);

    const second = await resume(spool);
    expect(second.exitCode, second.message).toBe(0);
    expect(held(keyRuns('lost-answer')[0]!).writes).toEqual({ 'DEMO-1': 1, 'DEMO-2': 1, 'DEMO-3': 1, 'DEMO-4': 1 });
  });

  it('a resume killed half way leaves in the file what landed: the next one sends only the rest', async () => {
    const spool = await failingShard('killed', 0, { runKey: undefined }, 3);
    // Resume 1 is killed after two of its batches.
    await resumeKilledAfterTwoBatches(spool);
    const left = await readSpoolFile(spool);
    expect(left.landed?.caseIds).toHaveLength(2);

    const second = await resume(spool);
    expect(second.exitCode, second.message).toBe(0);
    const run = emulator.state().test_runs.find((r) => r.id !== DEMO_FACTS.closedRun.id)!;
    expect(second.message).toBe(`Resumed ${spool}: recorded 4 result(s) in test run ${run.human_id}, closed. The file is kept as ${spool}.sent.`);
    expect(held(run).writes).toEqual({ 'DEMO-7': 1, 'DEMO-8': 1, 'DEMO-9': 1, 'DEMO-10': 1, 'DEMO-11': 1, 'DEMO-12': 1 });
    expect(await readdir(dir)).toContain('killed.json.sent');
  });

  it('a resume of results (no run was open) killed half way: the file holds the run and what landed, the next sends the rest', async () => {
    // The upload fails before a run is open: every result is spooled, to be uploaded from scratch.
    const spool = join(dir, 'results-killed.json');
    emulator.setFaults([{ kind: 'status', route: 'POST /projects/*/test_runs', status: 503 }]);
    const failed = await upload('results-killed', 3, { runKey: undefined, batchSize: 1, deadline: 2, spool });
    emulator.setFaults([]);
    expect([failed.exitCode, failed.summary.spoolFile, (await readSpoolFile(spool)).kind]).toEqual([1, spool, 'results']);

    await resumeKilledAfterTwoBatches(spool);
    const left = await readSpoolFile(spool);
    const run = emulator.state().test_runs.find((r) => r.id !== DEMO_FACTS.closedRun.id)!;
    expect([left.kind, left.run.id, left.entries.length, left.landed?.runId, left.landed?.caseIds.length]).toEqual(['entries', run.id, 6, run.id, 2]);
    expect(JSON.stringify(left)).not.toContain(emulator.token);

    const second = await resume(spool);
    expect(second.exitCode, second.message).toBe(0);
    expect(second.message).toBe(`Resumed ${spool}: recorded 4 result(s) in test run ${run.human_id}, closed. The file is kept as ${spool}.sent.`);
    const runs = emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id);
    expect(runs.map((r) => [r.id, r.status])).toEqual([[run.id, 'CLOSED']]);
    expect(held(runs[0]!).writes).toEqual({ 'DEMO-7': 1, 'DEMO-8': 1, 'DEMO-9': 1, 'DEMO-10': 1, 'DEMO-11': 1, 'DEMO-12': 1 });
  });
});

describe('a file already resumed, given again', () => {
  it('without a run key: its .sent file, every result landed in the run (closed since): nothing is sent, said so (exit 0)', async () => {
    const spool = join(dir, 'again.json');
    emulator.setFaults([{ kind: 'status', route: RESULTS_ROUTE, status: 503, after: 1 }]);
    const failed = await uploadResults({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', batchSize: 1, deadline: 2, spool }, {}),
      results: SHARD[1]!(),
      env: {},
      clock,
    });
    emulator.setFaults([]);
    expect([failed.exitCode, failed.summary.spoolFile]).toEqual([1, spool]);
    expect((await resume(spool)).exitCode).toBe(0);
    const run = emulator.state().test_runs.find((r) => r.id === failed.summary.runId)!;
    expect(run.status).toBe('CLOSED');

    const again = await resume(`${spool}.sent`);
    expect([again.exitCode, again.error?.code, again.message]).toEqual([
      0,
      undefined,
      `${spool}.sent: test run ${run.human_id} (closed) holds every one of its 4 result(s); nothing was sent.`,
    ]);
    expect(held(emulator.state().test_runs.find((r) => r.id === run.id)!).writes).toEqual({ 'DEMO-1': 1, 'DEMO-2': 1, 'DEMO-3': 1, 'DEMO-4': 1 });
    expect((await readdir(dir)).filter((f) => f.startsWith('again'))).toEqual(['again.json.sent']);
  });
});
