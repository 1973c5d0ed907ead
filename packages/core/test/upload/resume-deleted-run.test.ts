/**
 * `resume` of a spool whose run was deleted in Testsigma since (someone removed it; the service answers 404 for
 * it): the results are never lost, never sent anywhere without being asked. Without `--new-run` the resume stops,
 * says that the run no longer exists, that the results are still in the file, and how to send them into a new
 * run; with it, they go into a new run (the key's, with a run key), once each. Over the emulator on loopback.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import type { Clock } from '../../src/clock.js';
import { closeRunCommand, resumeCommand, type CommandOutcome } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import type { EntriesSpool } from '../../src/spool/spool.js';
import { useDemoEmulator } from '../demo-emulator.js';
import {
  ALL_ONCE,
  closing,
  deleteRun,
  deletedBefore,
  requestsAfterDeletion,
  runsOtherThanSeeded,
  secondBatch,
  writes,
  type Request,
  type Run,
} from './deleted-run-fixtures.js';
import { recordingLogger, result, virtualClock } from '../run/close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let dir: string;
let clock: Clock;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tm-resume-deleted-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  clock = virtualClock();
});

const RESULTS_ROUTE = 'PUT /projects/*/test_runs/*/test_cases';

const RESULTS = [result(1, 'passed', 'resume'), result(2, 'failed', 'resume'), result(3, 'passed', 'resume'), result(4, 'passed', 'resume')];

/** An upload whose service fails after two of its four one-result batches: the other two are spooled. */
async function spooledUpload(name: string, extra: Record<string, unknown>): Promise<{ spool: string; runId: string }> {
  const spool = join(dir, `${name}.json`);
  emulator.setFaults([{ kind: 'status', route: RESULTS_ROUTE, status: 503, after: 2 }]);
  const outcome = await uploadResults({
    settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', batchSize: 1, deadline: 2, spool, ...extra }, {}),
    results: RESULTS,
    env: {},
    clock,
  });
  emulator.setFaults([]);
  expect([outcome.exitCode, outcome.summary.spoolFile]).toEqual([1, spool]);
  return { spool, runId: outcome.summary.runId! };
}

/** The resume's outcome, with every line it logged. */
async function resume(file: string, newRun?: boolean, transport?: Transport): Promise<CommandOutcome & { logged: string[] }> {
  const log = recordingLogger();
  const outcome = await resumeCommand({ file, token: emulator.token, clock, log, ...(newRun && { newRun }), ...(transport && { http: { transport } }) });
  return { ...outcome, logged: log.lines };
}

/**
 * A resume's RUN_DELETED for `run`, deleted while the resume sent to it, `landed` of the 4 results having gone with
 * it; `where` says where --new-run sends them. The request id, new each time, is left out. No line says a plain
 * `resume` of the file, which would only say RUN_DELETED again.
 */
function expectDeletedWhileSending(
  resumed: CommandOutcome & { logged: string[] },
  run: { id: string; human_id: string },
  spool: string,
  landed: number,
  where: string,
): void {
  expect([resumed.exitCode, resumed.error?.code]).toEqual([2, 'RUN_DELETED']);
  const went = landed > 0 ? ` (${landed} of them had been recorded in ${run.human_id} and went with it)` : '';
  expect(resumed.message.replace(/request id [0-9a-f-]+/, 'request id <id>')).toBe(
    `Test run ${run.human_id} no longer exists in Testsigma (the service answers HTTP 404 for it: Test run not found — Test run not found with ID: ${run.id}, request id <id>): it was deleted while this resume was sending to it. Nothing more was written to it, and all 4 result(s) are still in ${spool}${went}.${where}, run: testsigma-tm resume --new-run ${spool}`,
  );
  expect(resumed.logged.filter((line) => line.includes(`resume ${spool}`))).toEqual([]);
}

async function readSpoolFile(file: string): Promise<EntriesSpool> {
  return JSON.parse(await readFile(file, 'utf8')) as EntriesSpool;
}

const KEY = 'deleted-key';

describe.each([
  ['without a run key', {}, ' To send them into a new test run'],
  [
    'with a run key',
    { runKey: KEY, closeRun: false },
    ` To send them into a new test run (the open run of run key ${KEY}, else a new one, as a re-run of the job would)`,
  ],
])('resume of a spool whose run was deleted, %s', (label, extra, where) => {
  const name = label.replace(/\s+/g, '-');
  const keyed = 'runKey' in extra;

  it('sends nothing and says so: the run no longer exists, the results are still in the file, --new-run sends them', async () => {
    const { spool, runId } = await spooledUpload(`${name}-refused`, extra);
    const before = await readFile(spool, 'utf8');
    const human = emulator.state().test_runs.find((r) => r.id === runId)!.human_id;
    await deleteRun(emulator, runId);

    const resumed = await resume(spool);
    expect([resumed.exitCode, resumed.error?.code]).toEqual([2, 'RUN_DELETED']);
    expect(resumed.message).toMatch(
      new RegExp(
        `^Test run ${human} no longer exists in Testsigma \\(the service answers HTTP 404 for it: Test run not found[^)]*, request id [0-9a-f-]+\\): it was deleted since the upload wrote to it\\.`,
      ),
    );
    expect(resumed.message).toContain(
      ` Nothing was sent, and all 4 result(s) are still in ${spool} (2 of them had been recorded in ${human} and went with it).${where}, run: testsigma-tm resume --new-run ${spool}`,
    );
    // Nothing was sent anywhere (no run was created), and the file is as the upload wrote it.
    expect(runsOtherThanSeeded(emulator)).toEqual([]);
    expect(await readFile(spool, 'utf8')).toBe(before);
  });

  it('deleted while the resume sends: RUN_DELETED at once, the file keeps every result, --new-run sends each once', async () => {
    const { spool, runId } = await spooledUpload(`${name}-mid-way`, extra);
    const human = emulator.state().test_runs.find((r) => r.id === runId)!.human_id;
    const proxy = await deletedBefore(emulator, secondBatch(), runId);
    const resumed = await resume(spool, false, proxy.transport).finally(proxy.done);

    expectDeletedWhileSending(resumed, { id: runId, human_id: human }, spool, 3, where);
    // No run but the seeded one is left; after the deletion, the batch met the 404 and the resume read the run
    // once to tell a deleted run from another 404: nothing else was sent, here or anywhere.
    expect(runsOtherThanSeeded(emulator)).toEqual([]);
    expect(requestsAfterDeletion(emulator)).toEqual([`PUT /test_runs/${runId}/test_cases 404`, `GET /test_runs/${runId} 404`]);
    // The file names the deleted run, every result, and the three that landed in it.
    const file = await readSpoolFile(spool);
    expect([file.run.id, file.entries.length, file.landed?.runId, file.landed?.caseIds.length]).toEqual([runId, 4, runId, 3]);

    // The next resume says the same, sending nothing; --new-run sends every result into a new run, once each.
    const again = await resume(spool);
    expect([again.exitCode, again.error?.code]).toEqual([2, 'RUN_DELETED']);
    const moved = await resume(spool, true);
    expect(moved.exitCode, moved.message).toBe(0);
    const [run] = runsOtherThanSeeded(emulator);
    expect(writes(emulator, run!)).toEqual(ALL_ONCE);
    expect(await readdir(dir)).toContain(`${name}-mid-way.json.sent`);
  });

  it('with --new-run: every result goes into a new run, once each, and the file is marked resumed', async () => {
    const { spool, runId } = await spooledUpload(`${name}-new-run`, extra);
    const human = emulator.state().test_runs.find((r) => r.id === runId)!.human_id;
    await deleteRun(emulator, runId);

    const resumed = await resume(spool, true);
    expect(resumed.exitCode, resumed.message).toBe(0);
    const [run] = runsOtherThanSeeded(emulator);
    expect(resumed.message).toBe(
      `Resumed ${spool}: recorded 4 result(s) in test run ${run!.human_id} (${keyed ? '' : 'a new run: '}the upload had written to ${human}, which no longer exists)${keyed ? '' : ', closed'}. The file is kept as ${spool}.sent.`,
    );
    expect(run!.title.endsWith(`[${KEY}]`)).toBe(keyed);
    expect(writes(emulator, run!)).toEqual(ALL_ONCE);
    expect(await readdir(dir)).toContain(`${name}-new-run.json.sent`);
  });

  it('a --new-run resume that fails half way leaves a file naming the new run: the next resume goes on there', async () => {
    const { spool, runId } = await spooledUpload(`${name}-half-way`, extra);
    await deleteRun(emulator, runId);

    // One batch lands in the new run, then the service is down until the deadline.
    emulator.setFaults([{ kind: 'status', route: RESULTS_ROUTE, status: 503, after: 1 }]);
    const first = await resume(spool, true);
    emulator.setFaults([]);
    expect(first.exitCode, first.message).toBe(1);
    const [run] = runsOtherThanSeeded(emulator);
    expect((await readSpoolFile(spool)).run).toEqual({ id: run!.id, human_id: run!.human_id });

    // No --new-run this time: the file names a run that exists.
    const second = await resume(spool);
    expect(second.exitCode, second.message).toBe(0);
    expect(runsOtherThanSeeded(emulator).map((r) => r.id)).toEqual([run!.id]);
    expect(writes(emulator, runsOtherThanSeeded(emulator)[0]!)).toEqual(ALL_ONCE);
  });
});

describe.each([
  ['without a run key', {}, ' To send them into a new test run'],
  [
    'with a run key, its last shard',
    { runKey: `${KEY}-closing`, shardIndex: 1, shardTotal: 1 },
    ` To send them into a new test run (the open run of run key ${KEY}-closing, else a new one, as a re-run of the job would)`,
  ],
])('a run deleted while the resume closes it, every result recorded in it, %s', (label, extra, where) => {
  const name = `closing-${label.replace(/\W+/g, '-')}`;

  it('says RUN_DELETED and keeps the file, not marked resumed: the results went with the run, --new-run sends them again', async () => {
    const { spool, runId } = await spooledUpload(name, extra);
    const human = emulator.state().test_runs.find((r) => r.id === runId)!.human_id;
    const proxy = await deletedBefore(emulator, closing, runId);
    const resumed = await resume(spool, false, proxy.transport).finally(proxy.done);

    expectDeletedWhileSending(resumed, { id: runId, human_id: human }, spool, 4, where);
    expect(requestsAfterDeletion(emulator)).toEqual([`PUT /test_runs/${runId} 404`, `GET /test_runs/${runId} 404`]);
    expect(await readdir(dir)).not.toContain(`${name}.json.sent`);
    const file = await readSpoolFile(spool);
    expect([file.run.id, file.landed?.runId, file.landed?.caseIds.length]).toEqual([runId, runId, 4]);

    const moved = await resume(spool, true);
    expect(moved.exitCode, moved.message).toBe(0);
    const [run] = runsOtherThanSeeded(emulator);
    expect([run!.status, writes(emulator, run!)]).toEqual(['CLOSED', ALL_ONCE]);
  });
});

/** The close job of the pipeline of run key `key`: `run close --run-key`. */
function closeKeyRun(key: string): Promise<CommandOutcome> {
  const settings = resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: key }, {});
  return closeRunCommand({ settings, env: {}, clock });
}

describe.each([
  ['the close job closed its run', false],
  ['its run deleted, with --new-run', true],
])("a keyed resume into the key's next run (%s), that run deleted while the resume sends", (label, newRun) => {
  const name = `next-${label.replace(/\W+/g, '-')}`;
  const key = `${KEY}-${name}`;

  it('says RUN_DELETED for that run: the file names it and keeps every result, and --new-run sends each once', async () => {
    const { spool, runId } = await spooledUpload(name, { runKey: key, closeRun: false });
    if (newRun) await deleteRun(emulator, runId);
    else expect((await closeKeyRun(key)).exitCode).toBe(0);
    // The key's next run is deleted before the resume's first write to it (its job line), nothing of the file sent.
    let next: Run | undefined;
    const firstWriteToNext = (request: Request): boolean => {
      const id = /test_runs\/([^/]+)$/.exec(request.url.pathname)?.[1];
      if (request.method !== 'PUT' || !id || id === runId) return false;
      next = emulator.state().test_runs.find((r) => r.id === id);
      return true;
    };
    const proxy = await deletedBefore(emulator, firstWriteToNext);
    const resumed = await resume(spool, newRun, proxy.transport).finally(proxy.done);

    expectDeletedWhileSending(
      resumed,
      next!,
      spool,
      0,
      ` To send them into a new test run (the open run of run key ${key}, else a new one, as a re-run of the job would)`,
    );
    // After the deletion, its job line met the 404, and reads of the run told a deleted run from another 404.
    expect(new Set(requestsAfterDeletion(emulator))).toEqual(new Set([`PUT /test_runs/${next!.id} 404`, `GET /test_runs/${next!.id} 404`]));
    // The file names the deleted run from the moment the resume opened it, with every result.
    const file = await readSpoolFile(spool);
    expect([file.run, file.entries.length]).toEqual([{ id: next!.id, human_id: next!.human_id }, 4]);

    const moved = await resume(spool, true);
    expect(moved.exitCode, moved.message).toBe(0);
    const fresh = runsOtherThanSeeded(emulator).filter((r) => r.id !== runId);
    expect(fresh.map((r) => writes(emulator, r))).toEqual([ALL_ONCE]);
  });
});

describe('--new-run when the run still exists', () => {
  it('changes nothing: the results go into the run the upload wrote to', async () => {
    const { spool, runId } = await spooledUpload('still-there', {});
    const resumed = await resume(spool, true);
    expect(resumed.exitCode, resumed.message).toBe(0);
    expect(runsOtherThanSeeded(emulator).map((r) => r.id)).toEqual([runId]);
    expect(writes(emulator, runsOtherThanSeeded(emulator)[0]!)).toEqual(ALL_ONCE);
  });
});
