/**
 * Job lines in the description of a run several jobs write at once, against the emulator over loopback: a
 * description update replaces the whole text, so what is checked is the run's description as read back.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_FACTS, startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { HttpClient, type Transport } from '../../src/api/http.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import { TestManagementApi } from '../../src/api/client.js';
import type { Clock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';
import { writeJobLine } from '../../src/run/ledger.js';
import { openSession } from '../../src/run/state.js';
import { readJobLines, withJobLines, type JobLine } from '../../src/run/verdict.js';
import { VirtualClock } from '../virtual-clock.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false });
});
afterAll(() => emulator.close());

const projectId = DEMO_FACTS.project.id;

function line(job: string, failed: string[]): JobLine {
  return { job, state: 'reporting', cases: new Map([['Failed', failed]]), unlisted: new Map() };
}

it("a line written after a wait past FRESH_READ_MS is built again from a new read: another job's line added meanwhile stays", async () => {
  // Virtual time that moves only when the client waits and none of its requests is on the wire: a look that races
  // a pending write (the ledger watches a write that is slow to answer) must not age it while it is still real I/O.
  // The 3 s Retry-After wait is where the other job writes.
  let now = 0;
  let otherJob: Promise<unknown> | undefined;
  let inFlight = 0;
  let whenIdle: (() => void)[] = [];
  const dispatcher = makeDispatcher(5000, undefined);
  const transport: Transport = async (r) => {
    inFlight++;
    try {
      return await exchange(await dispatcher, r.method, r.url, r.headers, r.body, r.timeoutMs, r.nowMs, () => now);
    } finally {
      if (--inFlight === 0) {
        const waiting = whenIdle;
        whenIdle = [];
        setImmediate(() => waiting.forEach((wake) => wake()));
      }
    }
  };
  const clock: Clock = {
    now: () => now,
    random: () => 0.5,
    sleep: async (ms) => {
      // A request just issued reaches the transport within a turn of the event loop.
      await new Promise((turn) => setImmediate(turn));
      if (inFlight > 0) await new Promise<void>((wake) => whenIdle.push(wake));
      now += ms;
      if (ms >= 3000 && !otherJob) {
        otherJob = client().updateRun(projectId, run.id, { description: withJobLines('Recorded by testsigma-tm.', [line('2/2', ['DEMO-7'])]) });
        await otherJob;
      }
    },
  };
  const client = (c?: Clock) =>
    new TestManagementApi(
      new HttpClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 5000, log: silentLogger, ...(c && { clock: c, transport }) }),
    );
  const api = client(clock);
  const run = await api.createRun({
    projectId,
    title: 'ledger',
    description: 'Recorded by testsigma-tm.',
    caseIds: [DEMO_FACTS.caseId(1)],
    assigneeId: DEMO_FACTS.users.alice.id,
    labels: [],
    now: 0,
  });
  // This job's description update is answered "too many requests, retry after 3 s"; while it waits, another job writes its line.
  emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*', status: 429, retryAfter: 3, times: 1 }]);
  const ledger = await writeJobLine(openSession(api, projectId, run, clock, silentLogger), line('1/2', ['DEMO-3']));

  // Sent after the 3 s wait, the update built from the first read (no line of job 2 yet) would have dropped it.
  expect(ledger.confirmed).toBe(true);
  const stored = (await client().getRun(projectId, run.id)).description;
  expect(stored).toBe('Recorded by testsigma-tm.\ntestsigma-tm job 1/2 (reporting): Failed DEMO-3\ntestsigma-tm job 2/2 (reporting): Failed DEMO-7');
  expect(readJobLines(stored).map((l) => l.job)).toEqual(['1/2', '2/2']);
});

it('re-run shards write their lines over the done lines of their first attempt, once each, without undoing each other', async () => {
  // "Re-run failed jobs": shards 1 and 3 of 3 report again into a run whose description holds every shard's line
  // of the first attempt, done. Each re-run's line must replace its first attempt's, and neither job may put the
  // other's old line back over its new one (before, they did so turn after turn until their attempts ran out).
  const virtual = new VirtualClock();
  const clock: Clock = { now: () => virtual.now(), sleep: (ms) => virtual.sleep(ms), random: () => virtual.random() };
  const api = new TestManagementApi(new HttpClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 5000, log: silentLogger, clock }));
  const done = (job: string, failed: string[]): JobLine => ({ ...line(job, failed), state: 'done' });
  const first = withJobLines('Recorded by testsigma-tm.', [done('1/3', ['DEMO-1']), done('2/3', ['DEMO-2']), done('3/3', ['DEMO-3'])]);
  const run = await api.createRun({
    projectId,
    title: 're-run',
    description: first,
    caseIds: [DEMO_FACTS.caseId(1)],
    assigneeId: DEMO_FACTS.users.alice.id,
    labels: [],
    now: 0,
  });
  const writesBefore = emulator.state().requests.filter((r) => r.route === 'PUT /projects/{pid}/test_runs/{rid}').length;
  const rerun = async (job: string, failed: string[]) => {
    const session = openSession(api, projectId, run, clock, silentLogger);
    const reporting = await writeJobLine(session, line(job, failed));
    const finished = await writeJobLine(session, done(job, failed));
    return [reporting.confirmed, finished.confirmed];
  };
  expect(await Promise.all([rerun('1/3', ['DEMO-4']), rerun('3/3', ['DEMO-3'])])).toEqual([
    [true, true],
    [true, true],
  ]);
  const stored = (await api.getRun(projectId, run.id)).description;
  expect(stored).toBe(
    'Recorded by testsigma-tm.\n' +
      'testsigma-tm job 1/3 (done, attempt 2): Failed DEMO-4\n' +
      'testsigma-tm job 2/3 (done): Failed DEMO-2\n' +
      'testsigma-tm job 3/3 (done, attempt 2): Failed DEMO-3',
  );
  // Two lines a job, each written once, plus a few writes putting back what the other job's write dropped.
  const writes = emulator.state().requests.filter((r) => r.route === 'PUT /projects/{pid}/test_runs/{rid}').length - writesBefore;
  expect(writes).toBeLessThanOrEqual(8);
});
