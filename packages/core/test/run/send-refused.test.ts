/**
 * sendEntries against the emulator over loopback, when the service refuses some results for themselves (a 422 is
 * all or nothing for its batch, so refused batches are halved until each refused result is alone): every result
 * the service would take lands, and only the refused ones are named, with the service's reason — however many
 * are refused, as long as halving keeps finding results that land. When the service refuses everything (a run
 * closed mid-upload), halving stops on its credit and the requests stay bounded.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import { TestManagementApi, type ResultEntry } from '../../src/api/client.js';
import { HttpClient } from '../../src/api/http.js';
import { silentLogger } from '../../src/log.js';
import { sendEntries } from '../../src/run/send.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { virtualClock } from './close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

const projectId = DEMO_FACTS.project.id;
const userId = DEMO_FACTS.users.alice.id;
/** A status id the service does not know: it refuses the entry (and its whole batch) with a 422. */
const UNKNOWN_STATUS = '00000000-0000-4000-8000-00000000dead';

/** A client whose pacing waits on a virtual clock: no test here waits on real time. */
function api(): TestManagementApi {
  return new TestManagementApi(new HttpClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 5000, log: silentLogger, clock: virtualClock() }));
}

/** `count` entries over the run's cases 1–5, every `refusedEvery`-th (from the first) with an unknown status. */
function entries(count: number, refusedEvery: number): ResultEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    test_case_id: DEMO_FACTS.caseId((i % 5) + 1),
    test_run_status_id: i % refusedEvery === 0 ? UNKNOWN_STATUS : DEMO_FACTS.runStatusId('Passed'),
    user_id: userId,
    description: `entry ${i}`,
  }));
}

async function newRun() {
  return api().createRun({
    projectId,
    title: 'send-refused',
    description: '',
    caseIds: [1, 2, 3, 4, 5].map((n) => DEMO_FACTS.caseId(n)),
    assigneeId: userId,
    labels: [],
    now: Date.now(),
  });
}

describe('sendEntries, when the service refuses some results for themselves', () => {
  it('isolates 40 refused results scattered over 400: the other 360 land, only the 40 are named', async () => {
    const run = await newRun();
    const sent = entries(400, 10);
    const outcome = await sendEntries(api(), projectId, run.id, sent, { maxEntries: 100, concurrency: 1 }, silentLogger);

    const refused = sent.filter((e) => e.test_run_status_id === UNKNOWN_STATUS);
    expect(outcome.refused.map((r) => r.entry)).toEqual(expect.arrayContaining(refused));
    expect([outcome.refused.length, outcome.acknowledged.length, outcome.unsent.length, outcome.error]).toEqual([40, 360, 0, undefined]);
    expect(outcome.acknowledged.every((e) => e.test_run_status_id !== UNKNOWN_STATUS)).toBe(true);
    expect(outcome.refused[0]?.reason).toMatch(/^HTTP 422: unknown test_run_status_id 00000000-0000-4000-8000-00000000dead — test_run_cases\[0\]/);
    // Every case holds a result that landed (the last write of each case is an accepted one).
    const held = emulator.state().test_runs.find((r) => r.id === run.id)!.results;
    expect(Object.keys(held)).toHaveLength(5);
  });

  it('a run that refuses everything stops halving on its credit: 400 results, at most 4 + 2 × 64 requests, all named', async () => {
    const run = await newRun();
    const outcome = await sendEntries(api(), projectId, run.id, entries(400, 1), { maxEntries: 100, concurrency: 1 }, silentLogger);
    expect([outcome.refused.length, outcome.acknowledged.length, outcome.unsent.length]).toEqual([400, 0, 0]);
    expect(outcome.requests).toBe(4 + 2 * 64);
  });
});
