/**
 * Pacing against the emulator's rate limit (10 requests/s per token, sliding window, HTTP 500 when over):
 * one upload provokes no rate-limit answer at all and never has more than the limit in any window of the
 * emulator's own clock; eight uploads sharing one token all finish and each says it waited for the shared
 * limit. Speed itself is measured by test/api/measure-pacing.mjs, never asserted here. In the first two the
 * client and the emulator share one virtual clock: windows, the pacer's waits and latency take no real time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { TestManagementApi } from '../../src/api/client.js';
import { HttpClient } from '../../src/api/http.js';
import { silentLogger } from '../../src/log.js';
import type { HttpEvent } from '../../src/api/progress.js';
import type { TestResult } from '../../src/model.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { VirtualClock } from '../virtual-clock.js';

let emulator: EmulatorHandle | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** The most requests the emulator's log holds in any sliding one-second window `(t - 1000, t]`. */
function busiestWindow(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let last = 0, first = 0; last < sorted.length; last++) {
    while ((sorted[first] ?? 0) <= (sorted[last] ?? 0) - 1000) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

function result(name: string): TestResult {
  return { source: 'unit', suitePath: ['suite'], name, status: 'passed', properties: [], tags: [], attachments: [], attempts: [{ status: 'passed' }] };
}

describe('pacing under the rate limit', () => {
  it('uploads 3,000 results without a single rate-limit answer, never more than the limit in a window', { timeout: 60_000 }, async () => {
    const cases = 3000;
    const clock = new VirtualClock();
    emulator = await startEmulator({
      port: 0,
      clock,
      rateLimit: { perSecond: 10 },
      faults: [{ kind: 'latency', ms: 20 }],
      seed: { projects: [{ name: 'Big', human_id_prefix: 'BIG', test_cases: Array.from({ length: cases }, (_, i) => ({ title: `Case ${i + 1}` })) }] },
    });
    const outcome = await uploadResults({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Big' }, {}),
      results: Array.from({ length: cases }, (_, i) => result(`BIG-${i + 1} works`)),
      http: { clock },
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.summary.uploaded).toBe(cases);
    const log = emulator.state().requests;
    expect(log.length).toBeGreaterThan(60);
    expect(log.filter((r) => r.status === 500)).toEqual([]);
    // Counted by the emulator's clock at arrival: whatever the latency, our starts never exceed the limit, and
    // they spend it whole (the emulator announces 10: not one under).
    expect(busiestWindow(log.map((r) => r.time))).toBe(10);
    // On this clock only the latency and the windows take time: from the first arrival to the last answer within
    // 1.05× the requests at 10 a second.
    const first = Math.min(...log.map((r) => r.time));
    const last = Math.max(...log.map((r) => r.time + r.duration_ms));
    expect((last - first) / (log.length * 100)).toBeLessThanOrEqual(1.05);
  });

  it('lets 8 uploads share one token: all succeed, and those held back say they wait for the shared limit', { timeout: 120_000 }, async () => {
    const clock = new VirtualClock();
    emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: { perSecond: 10 }, clock });
    const running = emulator;
    const jobs = Array.from({ length: 8 }, (_, job) => {
      const events: HttpEvent[] = [];
      const results = Array.from({ length: 6 }, (_, i) => result(`DEMO-${job * 6 + i + 1} job ${job}`));
      const done = uploadResults({
        settings: resolveSettings({ token: running.token, baseUrl: running.url, projectId: 'Demo', runTitle: `shard ${job}` }, {}),
        results,
        http: { onEvent: (e) => events.push(e), clock },
      });
      return { events, done };
    });
    const outcomes = await Promise.all(jobs.map((j) => j.done));
    expect(outcomes.map((o) => [o.exitCode, o.summary.uploaded, o.summary.closed])).toEqual(Array(8).fill([0, 6, true]));
    // Which jobs find the shared window full depends on how their requests interleave (real I/O under the virtual
    // clock): a job that never met a full window has nothing to wait for. Eight jobs' 100-odd requests at 10 a
    // second fill it for some of them, and each of those says what it waits for.
    const said = jobs.filter(({ events }) => events.some((e) => /^waiting for the shared rate limit( \(x-tms-api-reset \d+ s\))?: /.test(e.message)));
    expect(said.length).toBeGreaterThan(0);
    const runs = running.state().test_runs.filter((r) => r.title.startsWith('shard '));
    expect(runs).toHaveLength(8);
    expect(runs.every((r) => r.status === 'CLOSED')).toBe(true);
  });

  it('schedules result batches sent in parallel: at most 4 in flight, none over the limit', { timeout: 60_000 }, async () => {
    // Real time here: overlap is measured on the emulator's clock, and a virtual one moves on while answers are
    // on the wire, so requests that overlapped could look one after the other.
    emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: { perSecond: 10 }, faults: [{ kind: 'latency', ms: 300 }] });
    const http = new HttpClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 5000, log: silentLogger });
    try {
      const api = new TestManagementApi(http);
      const run = await api.createRun({
        title: 'parallel',
        description: '',
        projectId: DEMO_FACTS.project.id,
        caseIds: [DEMO_FACTS.caseId(1)],
        assigneeId: DEMO_FACTS.users.alice.id,
        labels: [],
        now: 0,
      });
      const entry = {
        test_case_id: DEMO_FACTS.caseId(1),
        test_run_status_id: DEMO_FACTS.runStatusId('Passed'),
        user_id: DEMO_FACTS.users.alice.id,
        description: '',
      };
      await Promise.all(Array.from({ length: 24 }, () => api.putResults(DEMO_FACTS.project.id, run.id, [entry])));
    } finally {
      await http.close();
    }
    const puts = emulator.state().requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.status)).toEqual(Array(24).fill(200));
    const inFlight = (at: number) => puts.filter((r) => r.time <= at && at < r.time + r.duration_ms).length;
    expect(Math.max(...puts.map((r) => inFlight(r.time)))).toBe(4);
  });
});
