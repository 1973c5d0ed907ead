/**
 * A job writes again a worse result of its own that another job's better one replaced (record.ts reassertWorse: a
 * pass never hides a failure). When the service is down (or refuses) at that very write, the worse result is not
 * dropped without a word: it is named, spooled as not recorded, and the upload fails; `resume` writes it again.
 * Against the emulator over loopback, the outage turned on by a transport in front of it at that step; every wait
 * on a virtual clock.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle, type FaultRule } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import { resumeCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import type { EntriesSpool } from '../../src/spool/spool.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { recordingLogger, result, virtualClock } from './close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'reassert-outage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const RESULTS_ROUTE = 'PUT /projects/*/test_runs/*/test_cases';
const KEY = 'reassert-outage';

/**
 * In front of the emulator: once this job's results are answered, another job's Passed for DEMO-2 lands (it read
 * the run before this job wrote, as jobs that finish together do), and from then on every write of results meets
 * `faults`: the write again of this job's Failed is the one that meets them.
 */
async function betterResultThenOutage(faults: FaultRule[]): Promise<{ transport: Transport; done: () => Promise<void>; fired: () => boolean }> {
  const dispatcher = await makeDispatcher(30_000, undefined);
  let fired = false;
  const transport: Transport = async (request) => {
    const answer = await exchange(dispatcher, request.method, request.url, request.headers, request.body, request.timeoutMs, request.nowMs);
    if (!fired && request.method === 'PUT' && request.url.pathname.endsWith('/test_cases')) {
      fired = true;
      const runPath = request.url.pathname;
      const other = await fetch(`${emulator.url}${runPath.slice(runPath.indexOf('/projects/'))}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          test_run_cases: [{ test_case_id: DEMO_FACTS.caseId(2), test_run_status_id: DEMO_FACTS.runStatusId('Passed'), user_id: DEMO_FACTS.users.alice.id }],
        }),
      });
      expect(other.status).toBe(200);
      emulator.setFaults(faults);
    }
    return answer;
  };
  return { transport, done: () => dispatcher.close(), fired: () => fired };
}

function statusOf(n: number): string | undefined {
  const run = emulator.state().test_runs.find((r) => r.title.endsWith(`[${KEY}]`));
  return run?.results[DEMO_FACTS.caseId(n)]?.status;
}

function writesOf(n: number): number | undefined {
  const run = emulator.state().test_runs.find((r) => r.title.endsWith(`[${KEY}]`));
  return run?.results[DEMO_FACTS.caseId(n)]?.writes;
}

async function readSpoolFile(file: string): Promise<EntriesSpool> {
  return JSON.parse(await readFile(file, 'utf8')) as EntriesSpool;
}

/** Where the outage meets the step, what the upload says, and how many of its 3 results it counts recorded and unsent. */
const OUTAGES = [
  ['down (503 until the deadline) at the write again', RESULTS_ROUTE, 503, 'API_SERVER_ERROR', 'Could not write again 1 worse result(s) of this job', [2, 1]],
  ['refusing (403) the write again', RESULTS_ROUTE, 403, 'API_FORBIDDEN', 'Could not write again 1 worse result(s) of this job', [2, 1]],
  // Unread, any of them may have been replaced: all three are kept (resume writes only what the run does not hold).
  ['down (503 until the deadline) at the read before it', 'GET /projects/*/test_runs/*/test_cases', 503, 'API_SERVER_ERROR', 'Could not read test run', [0, 3]],
] as const;

describe.each(OUTAGES)('the service %s of a worse result of this job', (_label, route, status, code, said, counts) => {
  it.each([true, false])('verify %s: the Failed result is named and spooled, never dropped; resume writes it again', async (verify) => {
    const spool = path.join(dir, 'spool.json');
    const log = recordingLogger();
    const outage = await betterResultThenOutage([{ kind: 'status', route, status }]);
    let outcome;
    try {
      outcome = await uploadResults({
        settings: resolveSettings(
          { token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: KEY, shardIndex: 1, closeRun: false, verify, deadline: 2, spool },
          {},
        ),
        results: [result(1, 'passed', 'reassert'), result(2, 'failed', 'reassert'), result(3, 'passed', 'reassert')],
        env: {},
        host: 'cli',
        log,
        clock: virtualClock(),
        http: { transport: outage.transport },
      });
    } finally {
      await outage.done();
      emulator.setFaults([]);
    }
    expect(outage.fired()).toBe(true);
    // The run holds the other job's Passed: the upload says it could not write its Failed again, and keeps it.
    expect(statusOf(2)).toBe('Passed');
    expect([outcome.exitCode === 0, outcome.error?.code, outcome.summary.spoolFile]).toEqual([false, code, spool]);
    expect([outcome.summary.uploaded, outcome.summary.unsent]).toEqual(counts);
    expect(log.lines.join('\n')).toContain(said);
    expect(log.lines.join('\n')).toContain('DEMO-2 (Failed)');
    const written = await readSpoolFile(spool);
    expect(written.landed?.caseIds).not.toContain(DEMO_FACTS.caseId(2));
    expect(written.entries.find((e) => e.test_case_id === DEMO_FACTS.caseId(2))?.test_run_status_id).toBe(DEMO_FACTS.runStatusId('Failed'));

    // Once the service is back, resume writes it again: the failure is what the run shows.
    const resumed = await resumeCommand({ file: spool, token: emulator.token, clock: virtualClock() });
    expect(resumed.exitCode, resumed.message).toBe(0);
    expect([statusOf(1), statusOf(2), statusOf(3)]).toEqual(['Passed', 'Failed', 'Passed']);
    // Never a result twice: only DEMO-2 was written again (after the other job's write).
    expect([writesOf(1), writesOf(2), writesOf(3)]).toEqual([1, 3, 1]);
  });
});
