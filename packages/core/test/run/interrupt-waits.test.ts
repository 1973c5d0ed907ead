/**
 * The run protocol's waits once the host is stopped (SIGINT, SIGTERM: `interrupt` aborted), against the emulator
 * over loopback with every wait on a virtual clock: a pause, a closing turn, the wait for a write of this job's own
 * that may still land (up to LATE_WRITE_MS), the close step's polling for the shards' lines — each ends at once,
 * so a cancelled job says what it left within the seconds its CI system gives it, instead of polling until its
 * timeout. The stop comes at the wait itself (the clock hears the sleep): no virtual time may pass after it.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle, type FaultRule } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import { StopRequested } from '../../src/api/interrupt.js';
import type { TestResult } from '../../src/model.js';
import { closeRunCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { CLOSE_POLL_MS, CLOSE_TURN_MS, LATE_WRITE_MS } from '../../src/run/timing.js';
import { resolveSettings } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { expectEndedAtOnce, stoppingAt, type StoppingClock } from '../stop-at-sleep.js';
import { expectClosedById, recordingLogger, SHARD, virtualClock } from './close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let spoolDir: string;
beforeEach(async () => {
  spoolDir = await mkdtemp(path.join(os.tmpdir(), 'interrupt-waits-'));
});
afterEach(async () => {
  await rm(spoolDir, { recursive: true, force: true });
});

function upload(results: TestResult[], extra: Record<string, string | number | boolean>, stopping: StoppingClock) {
  return uploadResults({
    settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', ...extra }, {}),
    results,
    env: { RUNNER_TEMP: spoolDir },
    host: 'cli',
    clock: stopping.clock,
    log: recordingLogger(),
    interrupt: stopping.stop.signal,
  });
}

function keyRuns(key: string) {
  return emulator.state().test_runs.filter((r) => r.title.endsWith(`[${key}]`));
}

describe('a wait of the run protocol, when the host is stopped', () => {
  it('the closing turn of the last shard (close.ts) ends at once; every result is recorded and the run left open', async () => {
    const key = 'stop-turn';
    const first = stoppingAt(() => false);
    expect((await upload(SHARD[2]!, { runKey: key, shardIndex: 2, shardTotal: 2 }, first)).exitCode).toBe(0);
    // Shard 1 completes the total; shard 2, done before it, has the first turn to close: shard 1 waits for its own.
    // That wait is its second as long as a turn once its line says done (the first is the line's confirming gap).
    const doneLine = () => keyRuns(key)[0]?.description?.includes('job 1/2 (done)') === true;
    let long = 0;
    const stopping = stoppingAt((ms) => ms >= CLOSE_TURN_MS && doneLine() && ++long === 2);
    const outcome = await upload(SHARD[1]!, { runKey: key, shardIndex: 1, shardTotal: 2 }, stopping);
    expectEndedAtOnce(stopping);
    expect([outcome.exitCode, outcome.error?.code]).toEqual([130, 'INTERRUPTED']);
    const [run] = keyRuns(key);
    expect(run?.status).toBe('ACTIVE');
    expect(Object.keys(run!.results)).toHaveLength(4);
    // The close was interrupted, not refused: every result landed (nothing spooled), and the command closes the run.
    expect(await readdir(spoolDir)).toEqual([]);
    const command = `testsigma-tm run close --project Demo --base-url ${emulator.url} --run-key ${key} --shard-total 2`;
    expect(outcome.error?.message).toBe(
      `Interrupted by SIGINT while closing test run ${run!.human_id} "${run!.title}": 2 result(s) were recorded, but the run was left open. Close it with TESTSIGMA_API_TOKEN set: ${command}`,
    );
    const closed = await closeRunCommand({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: key, shardTotal: 2 }, {}),
      env: {},
      clock: virtualClock(),
    });
    expect([closed.exitCode, closed.message]).toEqual([0, `Closed test run ${run!.human_id}: 2 of 2 upload(s) reported.`]);
  });

  it('the wait for its own write that got no answer (ledger.ts, up to LATE_WRITE_MS) ends at once; what is left is spooled', async () => {
    const key = 'stop-in-doubt';
    // The job's results are written, applied, and the answer lost: sent again and answered, the first write may
    // still land for LATE_WRITE_MS, which the job waits out before it says its line is done.
    emulator.setFaults([{ kind: 'lost-answer', route: 'PUT /projects/*/test_runs/*/test_cases', times: 1 } satisfies FaultRule]);
    const stopping = stoppingAt((ms) => ms > LATE_WRITE_MS / 2);
    const outcome = await upload(SHARD[1]!, { runKey: key, shardIndex: 1, shardTotal: 2 }, stopping);
    expectEndedAtOnce(stopping);
    expect([outcome.exitCode, outcome.error?.code]).toEqual([130, 'INTERRUPTED']);
    // The results landed; the done line was still to write: the spool holds that, for `resume`.
    const spool = outcome.summary.spoolFile;
    expect(spool).toBeTruthy();
    expect(await readdir(spoolDir)).toEqual([path.basename(spool!)]);
    const [run] = keyRuns(key);
    expect(run?.description).toContain('job 1/2 (reporting)');
    expect(Object.keys(run!.results)).toHaveLength(2);
    expect(outcome.error?.message).toBe(
      `Interrupted by SIGINT while finishing test run ${run!.human_id}: all 2 result(s) were recorded, and the run was left open; ${spool} holds what is left to do. Finish it with: testsigma-tm resume ${spool}`,
    );
  });
});

describe('run close (the Action close mode), when the host is stopped while it waits for the shards', () => {
  it('ends its polling at once and leaves the run open', async () => {
    const key = 'stop-close-poll';
    const shard = stoppingAt(() => false);
    expect((await upload(SHARD[1]!, { runKey: key, shardIndex: 1, shardTotal: 2, closeRun: false }, shard)).exitCode).toBe(0);
    // Shard 2 never reports: the close step polls for it (up to CLOSE_WAIT_MS), and the job is cancelled meanwhile.
    const stopping = stoppingAt((ms) => ms === CLOSE_POLL_MS);
    const outcome = await closeRunCommand({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: key, shardTotal: 2 }, {}),
      env: {},
      host: 'action',
      clock: stopping.clock,
      interrupt: stopping.stop.signal,
    });
    expectEndedAtOnce(stopping);
    expect([outcome.exitCode, outcome.error?.code]).toEqual([130, 'INTERRUPTED']);
    const [run] = keyRuns(key);
    expect(run?.status).toBe('ACTIVE');
    expect(outcome.message).toBe(
      `Interrupted by SIGINT while closing test run ${run!.human_id} "${run!.title}": the run is still open. Re-run this job (the Action's close mode) to close it.`,
    );
  });
});

describe('the closing upload, when the host is stopped as its close request goes out', () => {
  it('says the close was interrupted (not refused), the run left open unless that request lands, and how to close it', async () => {
    const stopping = stoppingAt(() => false);
    // In front of the emulator: the stop comes as the close request is sent; the client abandons it.
    const dispatcher = await makeDispatcher(30_000, undefined);
    const transport: Transport = (request) => {
      const body = request.body?.bytes ? new TextDecoder().decode(request.body.bytes) : '';
      if (request.method === 'PUT' && body.includes('"status":"CLOSED"')) stopping.stop.abort(new StopRequested('SIGTERM'));
      return exchange(
        dispatcher,
        request.method,
        request.url,
        request.headers,
        request.body,
        request.timeoutMs,
        request.nowMs,
        () => stopping.clock.now(),
        request.interrupt,
      );
    };
    let outcome;
    try {
      outcome = await uploadResults({
        settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo' }, {}),
        results: SHARD[2]!,
        env: { RUNNER_TEMP: spoolDir },
        host: 'cli',
        clock: stopping.clock,
        interrupt: stopping.stop.signal,
        http: { transport },
      });
    } finally {
      await dispatcher.close();
    }
    const [run, ...others] = emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id);
    expect(others).toHaveLength(0);
    expect(Object.keys(run!.results)).toHaveLength(3);
    expect([outcome.exitCode, outcome.error?.code, outcome.summary.spoolFile]).toEqual([143, 'TERMINATED', null]);
    expect(await readdir(spoolDir)).toEqual([]);
    const command = `testsigma-tm run close --project Demo --base-url ${emulator.url} --run-id ${run!.human_id}`;
    expect(outcome.error?.message).toBe(
      `Interrupted by SIGTERM while closing test run ${run!.human_id} "${run!.title}": 3 result(s) were recorded, but the run was left open ` +
        `(unless the service still applies the close request that was on its way; closing it again is harmless). Close it with TESTSIGMA_API_TOKEN set: ${command}`,
    );
    await expectClosedById(emulator, run!);
  });
});
