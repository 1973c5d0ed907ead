/**
 * A plain `upload` whose run is deleted in Testsigma while it sends to it (someone removes it in the UI while CI
 * uploads): the upload says so at once, as RUN_DELETED in resume's words — not as the bare 404 of the next batch —
 * with the spool file that holds every result and the `resume --new-run` command that sends them into a new run,
 * once each. Over the emulator on loopback, the deletion made by a transport in front of it at a known request.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from 'testsigma-tm-emulator';
import type { Clock } from '../../src/clock.js';
import { resumeCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { renderText } from '../../src/report/summary-text.js';
import { renderMarkdown } from '../../src/report/summary-markdown.js';
import { resolveSettings } from '../../src/settings/index.js';
import type { EntriesSpool } from '../../src/spool/spool.js';
import { useDemoEmulator } from '../demo-emulator.js';
import {
  ALL_ONCE,
  closing,
  deletedBefore,
  isBatch,
  requestsAfterDeletion,
  runsOtherThanSeeded,
  secondBatch,
  writes,
  type Request,
} from './deleted-run-fixtures.js';
import { recordingLogger, result, virtualClock } from '../run/close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let dir: string;
let clock: Clock;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tm-upload-deleted-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  clock = virtualClock();
});

const RESULTS = [result(1, 'passed', 'upload'), result(2, 'failed', 'upload'), result(3, 'passed', 'upload'), result(4, 'passed', 'upload')];

/** The first request of the run once all four results were sent: the read-back without a run key. */
function afterLastBatch(): (request: Request) => boolean {
  let batches = 0;
  return (request) => {
    if (isBatch(request)) return ++batches > 4;
    return batches === 4 && /test_runs\/[^/]+/.test(request.url.pathname);
  };
}

/**
 * The four results uploaded one per batch into `spool`'s run, which is deleted just before the request `chosen`
 * picks; with every line the upload logged.
 */
async function uploadDeletedBefore(chosen: (request: Request) => boolean, spool: string, extra: Record<string, unknown>) {
  const proxy = await deletedBefore(emulator, chosen);
  const log = recordingLogger();
  const outcome = await uploadResults({
    settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', batchSize: 1, deadline: 2, spool, ...extra }, {}),
    results: RESULTS,
    env: {},
    log,
    clock,
    http: { transport: proxy.transport },
  }).finally(proxy.done);
  return { ...outcome, logged: log.lines };
}

const KEY = 'upload-deleted-key';

describe.each([
  ['without a run key', {}, ' To send them into a new test run'],
  [
    'with a run key',
    { runKey: KEY, closeRun: false },
    ` To send them into a new test run (the open run of run key ${KEY}, else a new one, as a re-run of the job would)`,
  ],
])('an upload whose run is deleted while it sends, %s', (label, extra, where) => {
  it('says RUN_DELETED at once, keeps every result in the spool file, and --new-run records each exactly once', async () => {
    const spool = join(dir, `${label.replace(/\s+/g, '-')}.json`);
    const outcome = await uploadDeletedBefore(secondBatch(), spool, extra);
    const run = { id: outcome.summary.runId, human_id: outcome.summary.runHumanId };

    expect([outcome.exitCode, outcome.error?.code, outcome.summary.spoolFile]).toEqual([2, 'RUN_DELETED', spool]);
    expect(outcome.error?.message.replace(/request id [0-9a-f-]+/, 'request id <id>')).toBe(
      `Test run ${run.human_id} no longer exists in Testsigma (the service answers HTTP 404 for it: Test run not found — Test run not found with ID: ${run.id}, request id <id>): it was deleted while this upload was sending to it. Nothing more was written to it, and all 4 result(s) are still in ${spool} (1 of them had been recorded in ${run.human_id} and went with it).${where}, run: testsigma-tm resume --new-run ${spool}`,
    );
    // The summary says the same: the one result that had landed went with the run, so none is recorded, and the
    // spool file goes into a new run.
    expect([outcome.summary.uploaded, outcome.summary.unsent]).toEqual([0, 4]);
    const text = renderText(outcome.summary, { error: outcome.error! });
    expect(text).toContain('4 test case result(s) were NOT recorded.');
    expect(text).toContain(`They were written to ${spool}: send them with testsigma-tm resume --new-run ${spool}`);
    const markdown = renderMarkdown(outcome.summary, { error: outcome.error! });
    expect(markdown).toContain(`\`${spool}\`: send them with \`testsigma-tm resume --new-run\`.`);
    // The run is gone, not left open.
    expect(markdown).toContain('\nRecorded 0 of 4 test case(s); run created, then deleted in Testsigma.\n');
    // The error alone names the file in the log: no line of its own saying a plain `resume` (which would only say
    // RUN_DELETED again) or counting only the results the batches had not sent.
    expect(outcome.logged.filter((line) => line.includes(spool))).toEqual([]);
    // After the deletion: the batches already on their way (the upload keeps a few in flight) met the 404, and one
    // read of the run told a deleted run from another 404; nothing else was sent.
    const after = requestsAfterDeletion(emulator);
    expect(after.at(-1)).toBe(`GET /test_runs/${run.id} 404`);
    expect(new Set(after.slice(0, -1))).toEqual(new Set([`PUT /test_runs/${run.id}/test_cases 404`]));
    expect(runsOtherThanSeeded(emulator)).toEqual([]);
    // The file names the deleted run, every result, and the one that landed in it.
    const file = JSON.parse(await readFile(spool, 'utf8')) as EntriesSpool;
    expect([file.kind, file.run.id, file.entries.length, file.landed?.runId, file.landed?.caseIds.length]).toEqual(['entries', run.id, 4, run.id, 1]);

    const moved = await resumeCommand({ file: spool, token: emulator.token, clock, newRun: true });
    expect(moved.exitCode, moved.message).toBe(0);
    const [fresh] = runsOtherThanSeeded(emulator);
    expect(writes(emulator, fresh!)).toEqual(ALL_ONCE);
    expect(await readdir(dir)).toContain(`${label.replace(/\s+/g, '-')}.json.sent`);
  });
});

describe.each([
  ['without a run key, at its read-back', {}, afterLastBatch, ''],
  ['without a run key, at its close', {}, () => closing, ''],
  [
    'with a run key, after its last batch',
    { runKey: `${KEY}-last`, closeRun: false },
    afterLastBatch,
    ` (the open run of run key ${KEY}-last, else a new one, as a re-run of the job would)`,
  ],
])('an upload whose run is deleted once every result landed, %s', (label, extra, chosen, where) => {
  it('says RUN_DELETED, spools every result (they went with the run), and --new-run records each exactly once', async () => {
    const spool = join(dir, `${label.replace(/\W+/g, '-')}.json`);
    const outcome = await uploadDeletedBefore(chosen(), spool, extra);
    const run = { id: outcome.summary.runId, human_id: outcome.summary.runHumanId };

    expect([outcome.exitCode, outcome.error?.code, outcome.summary.spoolFile], outcome.error?.message).toEqual([2, 'RUN_DELETED', spool]);
    expect(outcome.error?.message).toMatch(
      new RegExp(
        `^Test run ${run.human_id} no longer exists in Testsigma \\(the service answers HTTP 404 for it: [^)]*\\): it was deleted while this upload was sending to it\\.`,
      ),
    );
    expect(outcome.error?.message).toContain(
      ` Nothing more was written to it, and all 4 result(s) are still in ${spool}${where ? '' : ' (4 of them had been recorded in ' + run.human_id + ' and went with it)'}`,
    );
    expect(outcome.error?.message).toContain(`To send them into a new test run${where}, run: testsigma-tm resume --new-run ${spool}`);
    expect(outcome.logged.filter((line) => line.includes(spool))).toEqual([]);
    expect(runsOtherThanSeeded(emulator)).toEqual([]);
    const file = JSON.parse(await readFile(spool, 'utf8')) as EntriesSpool;
    expect([file.kind, file.run.id, file.entries.length]).toEqual(['entries', run.id, 4]);

    const moved = await resumeCommand({ file: spool, token: emulator.token, clock, newRun: true });
    expect(moved.exitCode, moved.message).toBe(0);
    const [fresh] = runsOtherThanSeeded(emulator);
    expect(writes(emulator, fresh!)).toEqual(ALL_ONCE);
  });
});
