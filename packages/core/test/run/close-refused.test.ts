/**
 * The upload that closes the run, when the close fails for another reason than the deadline (the service refuses
 * it: 403, 400, or a 5xx the client does not retry), against the emulator over loopback with every wait on a
 * virtual clock: the results are recorded, the run stays open, nothing is spooled (nothing is left to send), and
 * the outcome says so, names the run, gives the service's answer and the `testsigma-tm run close` command that
 * closes it later — never the bare request error, never the token. The command it gives then closes the run.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import type { Clock } from '../../src/clock.js';
import { ApiError, ERROR_CODES } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import type { TestResult } from '../../src/model.js';
import { closeRunCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { closeMeetingFaults, faultsAtClose, recordingLogger, SHARD, virtualClock, expectClosedById } from './close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let spoolDir: string;
beforeEach(async () => {
  spoolDir = await mkdtemp(path.join(os.tmpdir(), 'close-refused-'));
});
afterEach(async () => {
  await rm(spoolDir, { recursive: true, force: true });
});

function upload(results: TestResult[], extra: Record<string, string | number>, clock: Clock, log: Logger, transport?: Transport) {
  return uploadResults({
    settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', deadline: 120, ...extra }, {}),
    results,
    env: { RUNNER_TEMP: spoolDir },
    host: 'cli',
    clock,
    log,
    ...(transport && { http: { transport } }),
  });
}

/** Each refusal: its name, status, the service's message, what the error says to do, and the exit and code. */
const REFUSALS = [
  [
    '403',
    403,
    'Injected error 403 — Injected by the emulator (fault injection)',
    `Close it with TESTSIGMA_API_TOKEN set to a key of a user allowed to close the project's test runs: `,
    [2, 'RUN_CLOSE_FORBIDDEN'],
  ],
  [
    '400',
    400,
    'Injected error 400 — Injected by the emulator (fault injection)',
    'Close it once the service takes the close (report the request id if it keeps refusing), with TESTSIGMA_API_TOKEN set: ',
    [1, 'RUN_NOT_CLOSED'],
  ],
  [
    '501 (not retried)',
    501,
    'Injected error 501 — Injected by the emulator (fault injection)',
    'Close it once the service takes the close (report the request id if it keeps refusing), with TESTSIGMA_API_TOKEN set: ',
    [1, 'RUN_NOT_CLOSED'],
  ],
] as const;

describe('the closing upload of the when-complete mode, when the service refuses the close', () => {
  it.each(REFUSALS)(
    '%s: recorded, left open, nothing spooled, and the message says why and how to close it',
    async (name, status, said, todo, [exit, code]) => {
      const key = `refused-${status}`;
      const log = recordingLogger();
      expect((await upload(SHARD[1]!, { runKey: key, shardIndex: 1, shardTotal: 2 }, virtualClock(), log)).exitCode).toBe(0);
      const outcome = await closeMeetingFaults(
        emulator,
        [{ kind: 'status', route: 'PUT /projects/*/test_runs/*', status }],
        (transport) => upload(SHARD[2]!, { runKey: key, shardIndex: 2, shardTotal: 2 }, virtualClock(), log, transport),
        name,
      );

      const runs = emulator.state().test_runs.filter((r) => r.title.endsWith(`[${key}]`));
      expect(runs).toHaveLength(1);
      const run = runs[0]!;
      expect(run.status).toBe('ACTIVE');
      expect(Object.keys(run.results)).toHaveLength(4);
      expect([outcome.exitCode, outcome.error?.code, outcome.summary.closed, outcome.summary.uploaded, outcome.summary.spoolFile]).toEqual([
        exit,
        code,
        false,
        2,
        null,
      ]);
      expect(ERROR_CODES[code].exit).toBe(exit);
      expect(await readdir(spoolDir)).toEqual([]);
      const refusal = outcome.error?.cause as ApiError;
      expect(refusal).toBeInstanceOf(ApiError);
      expect([refusal.status, refusal.deadlinePassed]).toEqual([status, false]);
      expect(refusal.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const command = `testsigma-tm run close --project Demo --base-url ${emulator.url} --run-key ${key} --shard-total 2`;
      expect(outcome.error?.message).toBe(
        `Recorded 2 result(s) in test run ${run.human_id} "${run.title}", but the run was left open: the service refused to close it; ` +
          `its request, PUT /projects/${DEMO_FACTS.project.id}/test_runs/${run.id}, was answered HTTP ${status}: ${said} (request id ${refusal.requestId}). ${todo}${command}`,
      );
      expect(JSON.stringify(outcome)).not.toContain(emulator.token);
      expect(log.lines.join('\n')).not.toContain(emulator.token);

      // The command given closes the run once the service takes it.
      const closed = await closeRunCommand({
        settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: key, shardTotal: 2 }, {}),
        env: {},
        clock: virtualClock(),
      });
      expect([closed.exitCode, closed.message]).toEqual([0, `Closed test run ${run.human_id}: 2 of 2 upload(s) reported.`]);
      expect(emulator.state().test_runs.find((r) => r.id === run.id)?.status).toBe('CLOSED');
    },
  );
});

describe('an upload without a run key, when the service refuses to close the run it created', () => {
  it('names the run by its id, spools nothing, and the command closes it', async () => {
    const log = recordingLogger();
    const proxy = await faultsAtClose(emulator, [{ kind: 'status', route: 'PUT /projects/*/test_runs/*', status: 403 }]);
    let outcome;
    try {
      outcome = await upload(SHARD[2]!, {}, virtualClock(), log, proxy.transport);
    } finally {
      emulator.setFaults([]);
      await proxy.done();
    }
    const [run, ...others] = emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id);
    expect(others).toHaveLength(0);
    expect([run!.status, Object.keys(run!.results).length]).toEqual(['ACTIVE', 3]);
    expect([outcome.exitCode, outcome.error?.code, outcome.summary.uploaded, outcome.summary.spoolFile]).toEqual([2, 'RUN_CLOSE_FORBIDDEN', 3, null]);
    expect(await readdir(spoolDir)).toEqual([]);
    const refusal = outcome.error?.cause as ApiError;
    const command = `testsigma-tm run close --project Demo --base-url ${emulator.url} --run-id ${run!.human_id}`;
    expect(outcome.error?.message).toBe(
      `Recorded 3 result(s) in test run ${run!.human_id} "${run!.title}", but the run was left open: the service refused to close it; ` +
        `its request, PUT /projects/${DEMO_FACTS.project.id}/test_runs/${run!.id}, was answered HTTP 403: Injected error 403 — Injected by the emulator (fault injection) (request id ${refusal.requestId}). ` +
        `Close it with TESTSIGMA_API_TOKEN set to a key of a user allowed to close the project's test runs: ${command}`,
    );
    expect(JSON.stringify(outcome)).not.toContain(emulator.token);
    expect(log.lines.join('\n')).not.toContain(emulator.token);

    await expectClosedById(emulator, run!);
  });
});
