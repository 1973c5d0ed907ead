/**
 * Adding cases to a run several jobs write at once, against the emulator over loopback: an update replaces the
 * whole selection, so what is checked is the emulator's recorded selection and results afterwards, and the
 * requests each step took.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { HttpClient } from '../../src/api/http.js';
import { TestManagementApi, type ResultEntry, type TestRun } from '../../src/api/client.js';
import { openSession, type RunSession } from '../../src/run/state.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { ensureCases, keepResults, readBackPause, settlePause } from '../../src/run/membership.js';

let emulator: EmulatorHandle;
let api: TestManagementApi;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false });
  api = new TestManagementApi(new HttpClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 5000, log: silentLogger }));
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

const projectId = DEMO_FACTS.project.id;
const userId = DEMO_FACTS.users.alice.id;
const caseId = (n: number) => DEMO_FACTS.caseId(n);
const noSleep = () => Promise.resolve();

/** A session on a clock whose pauses end at once (or run `sleep`): no test here waits on real time. */
function session(run: TestRun, log: Logger, sleep: (ms: number) => Promise<void> = noSleep): RunSession {
  const known = sessions.get(run);
  if (known) return { ...known, log, clock: { ...known.clock, sleep } };
  const made = openSession(api, projectId, run, { now: () => Date.now(), sleep, random: () => 0.5 }, log);
  sessions.set(run, made);
  return made;
}
/** One job's knowledge of a run across the steps of a test (what the pipeline keeps in its RunSession). */
const sessions = new WeakMap<TestRun, RunSession>();

function newRun(cases: number[]) {
  return api.createRun({ projectId, title: 'selection', description: '', caseIds: cases.map(caseId), assigneeId: userId, labels: [], now: Date.now() });
}

function selectionOf(runId: string): string[] {
  return [...emulator.state().test_runs.find((r) => r.id === runId)!.selection].sort();
}

function entry(n: number, status: string): ResultEntry {
  return { test_case_id: caseId(n), test_run_status_id: DEMO_FACTS.runStatusId(status), user_id: userId, description: '' };
}

function recording(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: { ...silentLogger, info: (line: string) => lines.push(line), warn: (line: string) => lines.push(`warn: ${line}`) } };
}

describe('ensureCases', () => {
  it('a job whose cases are in already writes nothing; one given a fresh read starts from it', async () => {
    const run = await newRun([1, 2]);
    const present = await ensureCases(session(run, silentLogger), [caseId(2)]);
    expect(present).toMatchObject({ refused: [], requests: 1 });
    const { lines, log } = recording();
    const added = await ensureCases(session(run, log), [caseId(3)], { held: present.held });
    // The write and its read-back; the read was the caller's.
    expect(added.requests).toBe(2);
    expect(lines).toEqual([`Adding 1 case(s) to test run ${run.human_id}.`]);
    expect(selectionOf(run.id)).toEqual([1, 2, 3].map(caseId).sort());
  });

  it('a write puts back every case its writer has seen in the run, even one another job removed since', async () => {
    const run = await newRun([1, 2]);
    const seen = await api.listRunCases(projectId, run.id);
    await api.updateRun(projectId, run.id, { static_selection_filters: [{ field: 'id', operator: 'IN', values: [caseId(1)] }] });
    const outcome = await ensureCases(session(run, silentLogger), [caseId(3)], { held: seen });
    expect(outcome.refused).toEqual([]);
    expect(selectionOf(run.id)).toEqual([1, 2, 3].map(caseId).sort());
  });

  it('a write that waited past FRESH_READ_MS for its turn is not sent but built again from a new read: a case another job added meanwhile stays', async () => {
    const run = await newRun([1]);
    const other = new TestManagementApi(new HttpClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 5000, log: silentLogger }));
    // This job's update is answered "too many requests, retry after 3 s"; while it waits, another job adds case 2.
    emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*', status: 429, retryAfter: 3, times: 1 }]);
    const held = await api.listRunCases(projectId, run.id);
    const adding = ensureCases(session(run, silentLogger), [caseId(3)], { held });
    while (!emulator.state().requests.some((r) => r.method === 'PUT' && r.status === 429)) await new Promise((resolve) => setTimeout(resolve, 10));
    await other.updateRun(projectId, run.id, { static_selection_filters: [{ field: 'id', operator: 'IN', values: [caseId(1), caseId(2)] }] });
    const outcome = await adding;

    expect(outcome.refused).toEqual([]);
    // Sent after the 3 s wait, the update built from the first read would have dropped case 2.
    expect(selectionOf(run.id)).toEqual([1, 2, 3].map(caseId).sort());
    const runRoutes = emulator
      .state()
      .requests.filter((r) => r.route?.startsWith('PUT /projects/{pid}/test_runs/{rid}') || r.route === 'GET /projects/{pid}/test_runs/{rid}/test_cases')
      .map((r) => `${r.method} ${r.status}`);
    // Read, refused update, the other job's update, a new read (the old one went stale), the update, its read-back.
    expect(runRoutes).toEqual(['GET 200', 'PUT 429', 'PUT 200', 'GET 200', 'PUT 200', 'GET 200']);
    // The update not sent counts no request of this step: the new read, the update and its read-back.
    expect(outcome.requests).toBe(3);
  });

  it('the pause before a look is twice the longest read-to-write time of this job, at least 1 s, plus a random third', () => {
    expect([settlePause(0, () => 0), settlePause(2500, () => 0), settlePause(2500, () => 0.5), settlePause(0, () => 0.999)]).toEqual([1000, 5000, 5833, 1333]);
  });

  it('the pause before a read-back is random and grows with the attempts, up to 6 s', () => {
    expect([1, 2, 3, 4, 5].map((a) => [readBackPause(a, () => 0), readBackPause(a, () => 0.999)])).toEqual([
      [250, 749],
      [500, 1499],
      [1000, 2998],
      [2000, 5996],
      [2000, 5996],
    ]);
  });
});

describe('keepResults', () => {
  it("puts back a case and its result that another job's late update removed, and stops once a look finds everything in place", async () => {
    const run = await newRun([1, 2]);
    const sent = [entry(1, 'Passed'), entry(2, 'Failed')];
    await api.putResults(projectId, run.id, sent);
    // Another job's update built from a read taken before DEMO-2 was added.
    await api.updateRun(projectId, run.id, { static_selection_filters: [{ field: 'id', operator: 'IN', values: [caseId(1)] }] });
    const { lines, log } = recording();
    const kept = await keepResults(session(run, log), sent, { untested: new Set([DEMO_FACTS.runStatusId('Untested')]) });
    expect(kept.lost).toEqual([]);
    // look, write, read-back, results, look
    expect(kept.requests).toBe(5);
    expect(lines).toEqual([
      `Another job's update of test run ${run.human_id} removed 1 of this job's results; recording them again.`,
      `Adding 1 case(s) to test run ${run.human_id}.`,
    ]);
    const results = emulator.state().test_runs.find((r) => r.id === run.id)!.results;
    expect(Object.fromEntries(Object.entries(results).map(([id, r]) => [id, [r.status, r.writes]]))).toEqual({
      [caseId(1)]: ['Passed', 1],
      [caseId(2)]: ['Failed', 1],
    });
    // The last look is handed back, for the read-back of the whole upload.
    expect(kept.held.map((c) => c.test_case.id).sort()).toEqual([1, 2].map(caseId).sort());
  });

  it("gives up on a result the service refuses while its case is in the run, with the service's words (waiting would never end)", async () => {
    const run = await newRun([1]);
    await ensureCases(session(run, silentLogger), [caseId(1)]);
    emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 422, body: { message: 'refused' } }]);
    const kept = await keepResults(session(run, silentLogger), [entry(1, 'Failed')], { untested: new Set([DEMO_FACTS.runStatusId('Untested')]) });
    // twice: look, the refused put-back, the read that finds the case still in the run; then the look that finds nothing else gone
    expect(kept.requests).toBe(7);
    expect(kept.recorded.size).toBe(0);
    expect(kept.lost).toEqual([{ entry: entry(1, 'Failed'), reason: expect.stringMatching(/^HTTP 422: refused \(request id [\w-]+\)$/) }]);
  });

  it('leaves alone a case another job recorded with another result (the read-back names it)', async () => {
    const run = await newRun([1]);
    await ensureCases(session(run, silentLogger), [caseId(1)]);
    await api.putResults(projectId, run.id, [entry(1, 'Passed')]);
    const kept = await keepResults(session(run, silentLogger), [entry(1, 'Failed')], { untested: new Set([DEMO_FACTS.runStatusId('Untested')]) });
    // One look, finding the selection as this job last read it.
    expect(kept).toMatchObject({ lost: [], requests: 1 });
    expect(emulator.state().test_runs.find((r) => r.id === run.id)!.results[caseId(1)]).toMatchObject({ status: 'Passed', writes: 1 });
  });

  it("looks again when a look finds gone a case the last read saw (another job's late write landed), until one finds nothing gone", async () => {
    const run = await newRun([1, 2, 3]);
    await ensureCases(session(run, silentLogger), [caseId(1)]);
    await api.putResults(projectId, run.id, [entry(1, 'Passed')]);
    let looks = 0;
    // Before each of this job's first two looks, a late write of another job removes a case (not this job's).
    const sleep = async () => {
      looks++;
      if (looks <= 2)
        await api.updateRun(projectId, run.id, {
          static_selection_filters: [{ field: 'id', operator: 'IN', values: [1, 2, 3].slice(0, 3 - looks).map(caseId) }],
        });
    };
    const kept = await keepResults(session(run, silentLogger, sleep), [entry(1, 'Passed')]);
    expect(kept).toMatchObject({ lost: [], requests: 3 });
    expect(looks).toBe(3);
  });
});
