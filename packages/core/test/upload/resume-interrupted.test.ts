/**
 * `resume` of an upload with a run key (and of a results spool), stopped by its host half way (SIGINT: CommandInput.interrupt, as the CLI
 * aborts it; the CLI's own wiring is test/cli-interrupt.e2e.test.ts). The run protocol of a keyed run pauses on
 * its clock, so this runs in process, on virtual time: the stop comes as the resume's second batch goes out (the
 * service applies it, the stopped client never hears). The file then names the run, every result and those
 * acknowledged; the message says so; the next resume reads the run back and writes nothing twice.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import { StopRequested } from '../../src/api/interrupt.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import { resumeCommand } from '../../src/operations/commands.js';
import { stoppedResume } from '../../src/operations/stopped.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import type { EntriesSpool } from '../../src/spool/spool.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { recordingLogger, result, virtualClock } from '../run/close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tm-resume-stopped-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const RESULTS_ROUTE = 'PUT /projects/*/test_runs/*/test_cases';
const RESULTS = [1, 2, 3, 4].map((n) => result(n, n === 2 ? 'failed' : 'passed', 'stopped'));

function resultWrites(): number {
  return emulator.state().requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/test_cases')).length;
}

/** In front of the emulator: the host is stopped once the service applied the resume's second request of results. */
async function stoppedAtSecondBatch(stop: AbortController, heard = false): Promise<{ transport: Transport; done: () => Promise<void> }> {
  const dispatcher = await makeDispatcher(30_000, undefined);
  let batches = 0;
  const transport: Transport = async (request) => {
    const answer = exchange(dispatcher, request.method, request.url, request.headers, request.body, request.timeoutMs, request.nowMs);
    if (!(request.method === 'PUT' && request.url.pathname.endsWith('/test_cases') && ++batches === 2)) return answer;
    // `heard`: its answer comes back, and the stop comes right after it.
    if (heard) return answer.finally(() => stop.abort(new StopRequested('SIGINT')));
    // Applied by the service; the stop comes before its answer reaches the client, which abandons the exchange (as
    // the transport does when its `interrupt` aborts): the answer is never heard.
    await answer;
    stop.abort(new StopRequested('SIGINT'));
    return { kind: 'no-answer', reason: 'abandoned: stopped by SIGINT', permanent: false, timedOut: false, cutOff: false, cause: stop.signal.reason };
  };
  return { transport, done: () => dispatcher.close() };
}

/** An upload (keyed: its own key) whose service failed after two of its four one-result batches: its spool and run. */
async function outageSpool(name: string, keyed = true) {
  const clock = virtualClock();
  const spool = join(dir, `${name}.json`);
  emulator.setFaults([{ kind: 'status', route: RESULTS_ROUTE, status: 503, after: 2 }]);
  const settings = resolveSettings(
    {
      token: emulator.token,
      baseUrl: emulator.url,
      projectId: 'Demo',
      batchSize: 1,
      deadline: 2,
      spool,
      ...(keyed && { runKey: `${name}-key` }),
      closeRun: false,
    },
    {},
  );
  const uploaded = await uploadResults({ settings, results: RESULTS, env: {}, clock });
  emulator.setFaults([]);
  expect([uploaded.exitCode, uploaded.summary.spoolFile]).toEqual([1, spool]);
  return { clock, spool, run: { id: uploaded.summary.runId!, human_id: uploaded.summary.runHumanId! } };
}

function runsOtherThanSeeded() {
  return emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id);
}

it('a keyed resume stopped half way keeps the rest in its file and says so; the next resume writes each result once', async () => {
  const { clock, spool, run } = await outageSpool('keyed');

  const stop = new AbortController();
  const proxy = await stoppedAtSecondBatch(stop);
  const log = recordingLogger();
  const stopped = await resumeCommand({ file: spool, token: emulator.token, clock, log, interrupt: stop.signal, http: { transport: proxy.transport } })
    .then((outcome) => stoppedResume(spool, stop.signal, outcome))
    .finally(proxy.done);

  // The resume's first batch was acknowledged (3 of 4); the second was applied, its answer never heard.
  expect([stopped.exitCode, stopped.error?.code]).toEqual([130, 'INTERRUPTED']);
  expect(stopped.message).toBe(
    `Interrupted by SIGINT while resuming ${spool}: 3 of 4 result(s) are recorded in test run ${run.human_id}; the other 1 are kept in ${spool} (a batch the stop abandoned on its way is checked against the run first, never written twice). Send them with: testsigma-tm resume ${spool}`,
  );
  // The stop's message is the one instruction: no line of the resume's log names the file and a command again.
  expect(log.lines.filter((l) => l.includes(spool))).toEqual([]);
  const file = JSON.parse(await readFile(spool, 'utf8')) as EntriesSpool;
  expect([file.run.id, file.entries.length, file.landed?.runId, file.landed?.caseIds.length]).toEqual([run.id, 4, run.id, 3]);

  const before = resultWrites();
  const resumed = await resumeCommand({ file: spool, token: emulator.token, clock });
  expect(resumed.exitCode, resumed.message).toBe(0);
  const runs = runsOtherThanSeeded().filter((r) => r.id === run.id);
  expect(runs).toHaveLength(1);
  // The run held the batch applied as the stop came: read back, it was not sent again.
  expect(resultWrites() - before).toBe(0);
  expect(Object.values(runs[0]!.results).map((r) => r.writes)).toEqual(Array(4).fill(1));
});

it('a keyed resume stopped once every result landed says so; the next resume finishes it, sending nothing', async () => {
  const { clock, spool, run } = await outageSpool('finishing');
  const stop = new AbortController();
  const proxy = await stoppedAtSecondBatch(stop, true);
  const stopped = await resumeCommand({ file: spool, token: emulator.token, clock, interrupt: stop.signal, http: { transport: proxy.transport } })
    .then((outcome) => stoppedResume(spool, stop.signal, outcome))
    .finally(proxy.done);

  expect([stopped.exitCode, stopped.error?.code]).toEqual([130, 'INTERRUPTED']);
  expect(stopped.message).toBe(
    `Interrupted by SIGINT while finishing test run ${run.human_id}: all 4 result(s) are recorded in it, and the run was left as the stop found it; ${spool} holds what is left to do. Finish it with: testsigma-tm resume ${spool}`,
  );
  const before = resultWrites();
  const resumed = await resumeCommand({ file: spool, token: emulator.token, clock });
  expect(resumed.exitCode, resumed.message).toBe(0);
  expect(resultWrites() - before).toBe(0);
  const [held] = runsOtherThanSeeded().filter((r) => r.id === run.id);
  expect(Object.values(held!.results).map((r) => r.writes)).toEqual(Array(4).fill(1));
});

it('a resume of a results spool stopped half way names its file once: in its message, with the command that sends it', async () => {
  // An upload whose service failed before a run was open (the listing of cases): every result spooled, and the line
  // naming the file logged, since its error (the outage) does not name it.
  const clock = virtualClock();
  const spool = join(dir, 'results.json');
  emulator.setFaults([{ kind: 'status', route: 'GET /projects/*/test_cases', status: 503 }]);
  const settings = resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', batchSize: 1, deadline: 2, spool }, {});
  const uploadLog = recordingLogger();
  const uploaded = await uploadResults({ settings, results: RESULTS, env: {}, clock, log: uploadLog });
  emulator.setFaults([]);
  expect([uploaded.exitCode, uploaded.summary.spoolFile]).toEqual([1, spool]);
  expect(uploadLog.lines.filter((l) => l.includes(spool))).toEqual([
    `4 result(s) could not be sent and were written to ${spool}. Send them later with: testsigma-tm resume ${spool}`,
  ]);

  const stop = new AbortController();
  const proxy = await stoppedAtSecondBatch(stop);
  const log = recordingLogger();
  const stopped = await resumeCommand({ file: spool, token: emulator.token, clock, log, interrupt: stop.signal, http: { transport: proxy.transport } })
    .then((outcome) => stoppedResume(spool, stop.signal, outcome))
    .finally(proxy.done);

  expect([stopped.exitCode, stopped.error?.code]).toEqual([130, 'INTERRUPTED']);
  const file = JSON.parse(await readFile(spool, 'utf8')) as EntriesSpool;
  const landed = file.landed?.caseIds.length ?? 0;
  expect([file.kind, file.entries.length, landed > 0 && landed < 4]).toEqual(['entries', 4, true]);
  expect(stopped.message).toBe(
    `Interrupted by SIGINT while resuming ${spool}: ${landed} of 4 result(s) are recorded in test run ${file.run.human_id}; the other ${4 - landed} are kept in ${spool} (a batch the stop abandoned on its way is checked against the run first, never written twice). Send them with: testsigma-tm resume ${spool}`,
  );
  // The stop's message is the one instruction: no line of the resume's log says the file and a command again.
  expect(log.lines.filter((l) => l.includes(spool))).toEqual([]);
});

it.each([
  { keyed: true, says: (spool: string) => ` What is still missing is kept in ${spool}. Send it with: testsigma-tm resume ${spool}` },
  { keyed: false, says: (spool: string) => ` 1 result(s) sent; what is still missing (1) is kept in ${spool}. Send it with: testsigma-tm resume ${spool}` },
])('a resume (keyed: $keyed) the service fails half way names its file once, with the command that sends the rest', async ({ keyed, says }) => {
  const { clock, spool, run } = await outageSpool(keyed ? 'outage' : 'outage-unkeyed', keyed);
  // The resume's first batch lands; the service fails every later one until the deadline.
  emulator.setFaults([{ kind: 'status', route: RESULTS_ROUTE, status: 503, after: 1 }]);
  const log = recordingLogger();
  const failed = await resumeCommand({ file: spool, token: emulator.token, clock, log });
  emulator.setFaults([]);

  expect(failed.exitCode, failed.message).toBe(1);
  const file = JSON.parse(await readFile(spool, 'utf8')) as EntriesSpool;
  expect([file.run.id, file.entries.length, file.landed?.caseIds.length]).toEqual([run.id, 4, 3]);
  // The error (the CLI prints its message) says where the rest is and how to send it; no line of the log says it again.
  expect(failed.error?.message).toBe(failed.message);
  expect(failed.message).toMatch(/ failed with HTTP 503: /);
  expect(failed.message.endsWith(says(spool))).toBe(true);
  expect(log.lines.filter((l) => l.includes(spool))).toEqual([]);
});
