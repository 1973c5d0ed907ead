/** Small readers over the emulator's recorded state, so tests assert on what the service holds. */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DEMO_FACTS, startEmulator, type EmulatorClock, type EmulatorHandle, type EmulatorOptions, type FaultRule } from 'testsigma-tm-emulator';

export { DEMO_FACTS, type EmulatorHandle };

/**
 * The rate limit of an emulator whose test is not about the limit. `rateLimit: false` only stops enforcing it: the
 * emulator still announces its default 10 a second and our client paces itself to that, so each upload waited
 * ~0.1 s of real time per request (a refused batch of 12 results, 189 requests: 31 s). Announced this high, the
 * client never waits for a turn and the emulator never refuses one. The tests about pacing set the real limit
 * (`{ perSecond: 10 }`: cli, doctor, matrix, latency, node20), and core's pacing tests prove the pacer against it.
 */
export const UNPACED = { perSecond: 100_000 };

/** The emulator's route for a batch of results, as its fault rules name it. */
export const RESULTS_ROUTE = 'PUT /projects/*/test_runs/*/test_cases';
/** The emulator answers the first batch of results; every later one it holds until the test releases its clock. */
export const HOLD_AFTER_FIRST_BATCH: FaultRule[] = [{ kind: 'latency', route: RESULTS_ROUTE, ms: 1, after: 1 }];

export function start(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator({ port: 0, seed: 'demo', rateLimit: UNPACED, ...options });
}

/**
 * An emulator clock on which every wait (an injected latency) lasts until the test lets it go: a request held by a
 * latency rule is applied when the test calls `release()`, not after a window of real time. Its client gives up on
 * it meanwhile (its own timeout), so the write lands after the client stopped waiting for it — a late-applied write.
 */
export function heldClock(): EmulatorClock & { held(): number; whenHeld(count: number): Promise<void>; release(): void } {
  let waiting: (() => void)[] = [];
  let watchers: { count: number; resolve: () => void }[] = [];
  return {
    now: () => Date.now(),
    sleep: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        for (const watcher of watchers.filter((w) => w.count <= waiting.length)) watcher.resolve();
        watchers = watchers.filter((w) => w.count > waiting.length);
      }),
    held: () => waiting.length,
    /** Resolves once `count` requests are held (each client got as far as sending it). */
    whenHeld: (count) => new Promise<void>((resolve) => (count <= waiting.length ? resolve() : watchers.push({ count, resolve }))),
    release: () => {
      for (const resolve of waiting) resolve();
      waiting = [];
    },
  };
}

/**
 * Until `done()` holds, checking once per turn of the event loop: for what the emulator does right after a
 * request the test released (no real timer is involved). Throws after `turns` turns, naming `what`.
 */
export async function untilTurn(what: string, done: () => boolean, turns = 10_000): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    if (done()) return;
    await nextTurn();
  }
  throw new Error(`Still waiting after ${turns} turns of the event loop for ${what}.`);
}

type State = ReturnType<EmulatorHandle['state']>;
type Run = State['test_runs'][number];

/** Runs created after the seed's own (DEMO-R-1). */
export function newRuns(emulator: EmulatorHandle): Run[] {
  return emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id && r.project_id === DEMO_FACTS.project.id);
}

/** `{ 'DEMO-1': 'Passed', ... }` for a run, by the cases' human ids. */
export function statusesByHumanId(emulator: EmulatorHandle, run: Run): Record<string, string> {
  const byId = new Map(emulator.state().test_cases.map((c) => [c.id, c.human_id]));
  const out: Record<string, string> = {};
  for (const [caseId, result] of Object.entries(run.results)) out[byId.get(caseId) ?? caseId] = result.status;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

export function descriptionOf(emulator: EmulatorHandle, run: Run, humanId: string): string {
  const testCase = emulator.state().test_cases.find((c) => c.human_id === humanId);
  return (testCase && run.results[testCase.id]?.description) ?? '';
}

export function requestCount(emulator: EmulatorHandle, method: string, pathPart: RegExp): number {
  return emulator.state().requests.filter((r) => r.method === method && pathPart.test(r.path)).length;
}

/** The statuses the sample files in examples/results must produce (see its README). */
export const EXPECTED_SAMPLE_STATUSES = {
  'DEMO-1': 'Passed',
  'DEMO-2': 'Failed',
  'DEMO-3': 'Passed',
  'DEMO-4': 'Skipped',
  'DEMO-5': 'Passed',
  'DEMO-6': 'Failed',
  'DEMO-7': 'Passed',
  'DEMO-8': 'Failed',
  'DEMO-9': 'Passed',
  'DEMO-10': 'Passed',
  'DEMO-11': 'Failed',
  'DEMO-12': 'Skipped',
};

/** The statuses the native samples in examples/native must produce (see its README). */
export const EXPECTED_NATIVE_STATUSES = {
  'DEMO-13': 'Passed',
  'DEMO-14': 'Passed',
  'DEMO-15': 'Passed',
  'DEMO-16': 'Failed',
  'DEMO-17': 'Skipped',
  'DEMO-18': 'Skipped',
  'DEMO-27': 'Passed',
  'DEMO-28': 'Passed',
  'DEMO-29': 'Failed',
  'DEMO-30': 'Skipped',
};
