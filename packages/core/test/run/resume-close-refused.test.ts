/**
 * `resume` of an upload without a run key whose spool says to close the run: when every result has landed and the
 * close then fails (refused by the service, or stopped by the deadline), against the emulator over loopback with
 * every wait on a virtual clock, the outcome says that the results were recorded and the run left open, why, and
 * the `testsigma-tm run close` command that closes it — the upload's message — and the file, nothing left to send,
 * is marked resumed. The command given closes the run. The token is nowhere. The same holds under a run key
 * (resumeKeyed, through recordResults): its command names the key and the shard total.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle, type FaultRule } from 'testsigma-tm-emulator';
import type { ApiError, ErrorCode } from '../../src/errors.js';
import { closeRunCommand, resumeCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { closeMeetingFaults, recordingLogger, result, virtualClock, expectClosedById } from './close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'resume-close-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DEADLINE_S = 2;

/**
 * An upload that the service failed after one of its three batches: the rest is spooled to `name` in the test's
 * folder. Without a run key unless `keyed` names one (then as the pipeline's only shard).
 */
async function spooledUpload(name: string, keyed: { runKey: string; shardIndex: number; shardTotal: number } | Record<string, never> = {}): Promise<string> {
  const spool = path.join(dir, name);
  emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 503, after: 1 }]);
  try {
    const outcome = await uploadResults({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', ...keyed, batchSize: 1, deadline: DEADLINE_S, spool }, {}),
      results: [result(1, 'passed', 'resume'), result(2, 'failed', 'resume'), result(3, 'passed', 'resume')],
      env: {},
      host: 'cli',
      clock: virtualClock(),
    });
    expect([outcome.exitCode, outcome.summary.spoolFile]).toEqual([1, spool]);
  } finally {
    emulator.setFaults([]);
  }
  return spool;
}

/** A close refused for its token: a setting to fix (exit 2). */
const FORBIDDEN = [2, 'RUN_CLOSE_FORBIDDEN'] as const;

/**
 * Resume `spool` while the service meets the close with `faults`, and check what every such resume shares: the
 * run's results all recorded, the run left open, the exit and code `failed` (RUN_NOT_CLOSED, exit 1, unless the
 * token was refused) naming the run, the refused request's id kept as the cause, and the token nowhere. Returns the
 * outcome and that cause for the message's checks.
 */
async function resumeLeftOpen(spool: string, run: { id: string; human_id: string }, faults: FaultRule[], failed: readonly [number, ErrorCode]) {
  const log = recordingLogger();
  const outcome = await closeMeetingFaults(emulator, faults, (transport) =>
    resumeCommand({ file: spool, token: emulator.token, host: 'cli', log, clock: virtualClock(), http: { transport } }),
  );
  const after = emulator.state().test_runs.find((r) => r.id === run.id)!;
  expect([after.status, Object.keys(after.results).length]).toEqual(['ACTIVE', 3]);
  expect([outcome.exitCode, outcome.error?.code, outcome.run?.human_id]).toEqual([...failed, run.human_id]);
  const last = outcome.error?.cause as ApiError;
  expect(last.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(JSON.stringify(outcome)).not.toContain(emulator.token);
  expect(log.lines.join('\n')).not.toContain(emulator.token);
  return { outcome, last };
}

describe('resume without a run key, every result landed, when closing the run fails', () => {
  it.each([
    [
      'the service refuses the close (403)',
      [{ kind: 'status', route: 'PUT /projects/*/test_runs/*', status: 403 }],
      (req: string) =>
        `the service refused to close it; its request, ${req}, was answered HTTP 403: Injected error 403 — Injected by the emulator (fault injection)`,
      "Close it with TESTSIGMA_API_TOKEN set to a key of a user allowed to close the project's test runs: ",
      FORBIDDEN,
    ],
    [
      'the close is answered 503 until the deadline',
      [{ kind: 'status', route: 'PUT /projects/*/test_runs/*', status: 503 }],
      (req: string) =>
        `closing it did not finish before the deadline (--deadline ${DEADLINE_S} s) passed; its last request, ${req}, was answered HTTP 503: Service Unavailable — Injected by the emulator (fault injection)`,
      'Close it once the service answers, with TESTSIGMA_API_TOKEN set: ',
      [1, 'RUN_NOT_CLOSED'],
    ],
  ] satisfies [string, FaultRule[], (req: string) => string, string, readonly [number, ErrorCode]][])(
    '%s: recorded, left open, the file marked resumed, and the command closes it',
    async (_, faults, why, todo, failed) => {
      const spool = await spooledUpload('upload.json');
      const [run, ...others] = emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id);
      expect([others.length, Object.keys(run!.results).length]).toEqual([0, 1]);
      const { outcome, last } = await resumeLeftOpen(spool, run!, faults, failed);
      const command = `testsigma-tm run close --project Demo --base-url ${emulator.url} --run-id ${run!.human_id}`;
      const message =
        `Recorded 3 result(s) in test run ${run!.human_id} "${run!.title}", but the run was left open: ` +
        `${why(`PUT /projects/${DEMO_FACTS.project.id}/test_runs/${run!.id}`)} (request id ${last.requestId}). ${todo}${command} ` +
        `Nothing is left to send: the file is kept as ${spool}.sent.`;
      expect([outcome.message, outcome.error?.message]).toEqual([message, message]);
      expect(await readdir(dir)).toEqual(['upload.json.sent']);

      await expectClosedById(emulator, run!);
    },
  );
});

describe('resume under a run key, every result landed, when the service refuses the close', () => {
  it('says the run was left open and how to close it, and marks the file resumed: nothing is left to send', async () => {
    const key = 'resume-keyed-refused';
    const spool = await spooledUpload('keyed.json', { runKey: key, shardIndex: 1, shardTotal: 1 });
    const [run, ...others] = emulator.state().test_runs.filter((r) => r.title.endsWith(`[${key}]`));
    expect([others.length, run?.status, Object.keys(run!.results).length]).toEqual([0, 'ACTIVE', 1]);
    const { outcome, last } = await resumeLeftOpen(spool, run!, [{ kind: 'status', route: 'PUT /projects/*/test_runs/*', status: 403 }], FORBIDDEN);
    const command = `testsigma-tm run close --project Demo --base-url ${emulator.url} --run-key ${key} --shard-total 1`;
    const message =
      `Recorded 3 result(s) in test run ${run!.human_id} "${run!.title}", but the run was left open: the service refused to close it; ` +
      `its request, PUT /projects/${DEMO_FACTS.project.id}/test_runs/${run!.id}, was answered HTTP 403: Injected error 403 — Injected by the emulator (fault injection) (request id ${last.requestId}). ` +
      `Close it with TESTSIGMA_API_TOKEN set to a key of a user allowed to close the project's test runs: ${command} ` +
      `Nothing is left to send: the file is kept as ${spool}.sent.`;
    expect([outcome.message, outcome.error?.message]).toEqual([message, message]);
    expect(await readdir(dir)).toEqual(['keyed.json.sent']);

    // The command given closes the run, by its key.
    const closed = await closeRunCommand({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: key, shardTotal: 1 }, {}),
      env: {},
      clock: virtualClock(),
    });
    expect([closed.exitCode, closed.message]).toEqual([0, `Closed test run ${run!.human_id}: 1 of 1 upload(s) reported.`]);
    expect(emulator.state().test_runs.find((r) => r.id === run!.id)?.status).toBe('CLOSED');
  });
});
