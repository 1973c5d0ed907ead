/**
 * A run's create that got no answer and that the service applies late — after the one look made for it, but within
 * LATE_WRITE_MS of being sent (the one bound run/README.md states): the look cannot miss it. The run it makes takes
 * the results, and no second run is created beside it; so too for case sync's create of a test case (one case, none
 * made and deleted). Against the emulator over loopback, every wait on one virtual clock: a transport in front of
 * the emulator holds the create and lets it reach the emulator only after the look for it was answered.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import { StopRequested } from '../../src/api/interrupt.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import type { Clock } from '../../src/clock.js';
import { resumeCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { identityIn } from '../../src/map/title.js';
import type { TestResult } from '../../src/model.js';
import { resolveSettings } from '../../src/settings/index.js';
import { LATE_WRITE_MS } from '../../src/run/timing.js';
import type { Spool } from '../../src/spool/spool.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { recordingLogger, result } from '../run/close-fixtures.js';
import { VirtualClock } from '../virtual-clock.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let dir: string;
let clock: VirtualClock;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'create-late-'));
  clock = new VirtualClock();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const newRuns = () => emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id);

/** Every wait of the upload and of the resume on the one virtual clock. */
const on = (virtual: VirtualClock): Clock => ({ now: () => virtual.now(), sleep: (ms, stop) => virtual.sleep(ms, stop), random: () => virtual.random() });

/** What is created late: a test run, or (case sync) a test case. */
type Created = 'test_runs' | 'test_cases';
const CREATE = (request: Parameters<Transport>[0], created: Created): boolean => request.method === 'POST' && request.url.pathname.endsWith(`/${created}`);
const LOOK = (request: Parameters<Transport>[0], created: Created): boolean => request.method === 'GET' && request.url.pathname.endsWith(`/${created}`);

/**
 * In front of the emulator: the first create of a run (of a case, with `created: 'test_cases'`) is held — its client hears nothing: it gives up after its timeout, or
 * at once when `reset` (a connection reset) — and reaches the emulator (applied late) right after the first look for
 * them answered once `arm()` was called, or when the test calls `land()`; never by itself when `lands` is false.
 * `sentAt` is when the held create was sent (virtual time), `landedAt` when it was applied.
 */
async function createAppliedLate(virtual: VirtualClock, { lands = true, reset = false, created = 'test_runs' as Created } = {}) {
  const dispatcher = await makeDispatcher(30_000, undefined);
  let held: Parameters<Transport>[0] | undefined;
  let armed = false;
  const timing: { sentAt?: number; landedAt?: number } = {};
  const pass: Transport = (r) => exchange(dispatcher, r.method, r.url, r.headers, r.body, r.timeoutMs, r.nowMs);
  const transport: Transport = async (request) => {
    if (!held && CREATE(request, created)) {
      held = request;
      timing.sentAt = virtual.now();
      if (reset) return { kind: 'no-answer', reason: 'connection reset', permanent: false, timedOut: false, cutOff: false, cause: undefined };
      await virtual.sleep(request.timeoutMs);
      return { kind: 'no-answer', reason: `timed out after ${request.timeoutMs} ms`, permanent: false, timedOut: true, cutOff: false, cause: undefined };
    }
    const answer = await pass(request);
    if (lands && armed && LOOK(request, created)) await land();
    return answer;
  };
  const land = async (): Promise<void> => {
    if (!held || timing.landedAt !== undefined) return;
    timing.landedAt = virtual.now();
    const late = await pass(held);
    expect(late.kind === 'answer' && late.status).toBe(201);
  };
  return { transport, timing, arm: () => (armed = true), land, done: () => dispatcher.close() };
}

/** An upload whose create is held (see createAppliedLate): it gives up at its deadline and spools every result. */
/** `resume` of `spool` as the CLI runs it, through `transport`, on the test's virtual clock unless `given` says otherwise. */
function resume(spool: string, transport: Transport, given: Partial<Parameters<typeof resumeCommand>[0]> = {}): ReturnType<typeof resumeCommand> {
  return resumeCommand({ file: spool, token: emulator.token, env: {}, host: 'cli', clock: on(clock), http: { transport }, ...given });
}

async function spooledWithCreateInDoubt(spool: string, transport: Transport, runKey?: string): Promise<void> {
  // The create times out (30 s) and the next try would come after the deadline.
  const outcome = await uploadResults({
    settings: resolveSettings(
      { token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runTitle: 'Nightly', spool, deadline: 40, ...(runKey && { runKey }) },
      {},
    ),
    results: [result(1, 'failed'), result(2, 'passed')],
    env: {},
    host: 'cli',
    clock: on(clock),
    http: { transport },
  });
  expect([outcome.exitCode, outcome.summary.spoolFile]).toEqual([1, spool]);
  expect(newRuns()).toEqual([]);
}

describe('a run create applied late, after the look for it', () => {
  it('resume waits until the create can no longer land, finds its run and records there: one run', async () => {
    const spool = path.join(dir, 'spool.json');
    const proxy = await createAppliedLate(clock);
    try {
      await spooledWithCreateInDoubt(spool, proxy.transport);

      // Resumed at once, inside the create's window: the create lands right after resume's first look for it.
      proxy.arm();
      const log = recordingLogger();
      const resumed = await resume(spool, proxy.transport, { log });
      expect(proxy.timing.landedAt! - proxy.timing.sentAt!).toBeLessThan(LATE_WRITE_MS);
      expect(resumed.exitCode, resumed.message).toBe(0);
      const runs = newRuns();
      expect(runs.map((r) => [r.title, r.status, Object.keys(r.results).length])).toEqual([['Nightly', 'CLOSED', 2]]);
      expect(resumed.message).toBe(`Resumed ${spool}: recorded 2 of 2 test case(s) in test run ${runs[0]!.human_id}.`);
      // It said why it waited, and how long at most; and it looked again no earlier than the window's end.
      const waiting = log.lines.find((line) => line.startsWith('Waiting up to '));
      expect(waiting).toMatch(/^Waiting up to \d+ s for test run "Nightly": its create got no answer/);
      expect(clock.now()).toBeGreaterThanOrEqual(proxy.timing.sentAt! + LATE_WRITE_MS);
      expect(emulator.state().requests.filter((r) => r.method === 'POST' && /test_runs$/.test(r.path))).toHaveLength(1);
    } finally {
      await proxy.done();
    }
  });

  it('a stop while resume waits ends the wait at once: nothing created, the file still names the create; the next resume finds its run', async () => {
    const spool = path.join(dir, 'spool.json');
    const proxy = await createAppliedLate(clock);
    try {
      await spooledWithCreateInDoubt(spool, proxy.transport);
      proxy.arm();
      // SIGINT as the wait begins.
      const stop = new AbortController();
      const log = recordingLogger();
      const info = log.info;
      log.info = (message) => {
        info(message);
        if (message.startsWith('Waiting up to ')) stop.abort(new StopRequested('SIGINT'));
      };
      const stopped = await resume(spool, proxy.transport, { log, interrupt: stop.signal });
      expect(stopped.exitCode, stopped.message).toBe(130);
      expect(clock.now()).toBeLessThan(proxy.timing.sentAt! + LATE_WRITE_MS);
      // Only the late run: the stopped resume created none.
      expect(newRuns().map((r) => [r.title, r.status, Object.keys(r.results).length])).toEqual([['Nightly', 'ACTIVE', 0]]);
      const kept = JSON.parse(await readFile(spool, 'utf8')) as Extract<Spool, { kind: 'results' }>;
      expect(kept.createSent).toEqual(expect.objectContaining({ title: 'Nightly', unansweredAt: proxy.timing.sentAt }));

      const resumed = await resume(spool, proxy.transport);
      expect(resumed.exitCode, resumed.message).toBe(0);
      expect(newRuns().map((r) => [r.title, r.status, Object.keys(r.results).length])).toEqual([['Nightly', 'CLOSED', 2]]);
    } finally {
      await proxy.done();
    }
  });

  it('a create that never lands: resume waits out its window once, then creates the run: one run', async () => {
    const spool = path.join(dir, 'spool.json');
    const proxy = await createAppliedLate(clock, { lands: false });
    try {
      await spooledWithCreateInDoubt(spool, proxy.transport);
      const log = recordingLogger();
      const resumed = await resume(spool, proxy.transport, { log });
      expect(resumed.exitCode, resumed.message).toBe(0);
      expect(newRuns().map((r) => [r.title, r.status, Object.keys(r.results).length])).toEqual([['Nightly', 'CLOSED', 2]]);
      expect(log.lines.filter((line) => line.startsWith('Waiting up to '))).toHaveLength(1);
      expect(clock.now()).toBeGreaterThanOrEqual(proxy.timing.sentAt! + LATE_WRITE_MS);
    } finally {
      await proxy.done();
    }
  });
});

describe("the upload's own retry of a create that got no answer", () => {
  it('a reset create applied after the look before the retry: the upload waits it out and records into its run: one run', async () => {
    const proxy = await createAppliedLate(clock, { reset: true });
    proxy.arm();
    try {
      const log = recordingLogger();
      const outcome = await uploadResults({
        settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runTitle: 'Nightly' }, {}),
        results: [result(1, 'failed'), result(2, 'passed')],
        env: {},
        host: 'cli',
        clock: on(clock),
        log,
        http: { transport: proxy.transport, onEvent: (event) => log.info(event.message) },
      });
      expect(proxy.timing.landedAt! - proxy.timing.sentAt!).toBeLessThan(LATE_WRITE_MS);
      expect(outcome.exitCode, outcome.error?.message).toBe(0);
      expect(newRuns().map((r) => [r.title, r.status, Object.keys(r.results).length])).toEqual([['Nightly', 'CLOSED', 2]]);
      expect(emulator.state().requests.filter((r) => r.method === 'POST' && /test_runs$/.test(r.path))).toHaveLength(1);
      expect(log.lines.find((line) => line.includes('may still be applied'))).toMatch(/^waiting up to \d+ s for what POST \S+\/test_runs makes:/);
      expect(clock.now()).toBeGreaterThanOrEqual(proxy.timing.sentAt! + LATE_WRITE_MS);
    } finally {
      await proxy.done();
    }
  });
});

describe('a keyed upload whose create got no answer', () => {
  it("resume waits for the key's run that create may still make, and reports into it: one run for the key", async () => {
    const spool = path.join(dir, 'spool.json');
    const proxy = await createAppliedLate(clock, { lands: false });
    try {
      await spooledWithCreateInDoubt(spool, proxy.transport, 'late-key');
      // The held create lands as the resume begins a long wait (waiting out a create in doubt); a resume that never
      // waits so long has it land after it is done, still within the create's window.
      const waits: Clock = { ...on(clock), sleep: async (ms, stop) => (ms >= 10_000 && (await proxy.land()), clock.sleep(ms, stop)) };
      const log = recordingLogger();
      const resumed = await resume(spool, proxy.transport, { clock: waits, log });
      await proxy.land();
      expect(proxy.timing.landedAt! - proxy.timing.sentAt!).toBeLessThan(LATE_WRITE_MS);
      expect(resumed.exitCode, resumed.message).toBe(0);
      const keyRuns = emulator.state().test_runs.filter((r) => r.title.endsWith('[late-key]'));
      expect(keyRuns.map((r) => [r.status, Object.keys(r.results).length])).toEqual([['CLOSED', 2]]);
      expect(log.lines.find((line) => line.startsWith('Waiting up to '))).toMatch(/^Waiting up to \d+ s for the open run of run key late-key: /);
    } finally {
      await proxy.done();
    }
  });
});

describe("case sync's create of a test case that got no answer", () => {
  /** A test that names no case: case sync creates one for it. */
  const unnamed: TestResult = {
    source: 'test',
    suitePath: ['Checkout'],
    name: 'pays by card',
    status: 'failed',
    properties: [],
    tags: [],
    attachments: [],
    attempts: [{ status: 'failed' }],
  };
  const synced = () => emulator.state().test_cases.filter((c) => identityIn(c.description));
  const caseWrites = () => emulator.state().requests.filter((r) => r.method !== 'GET' && /\/projects\/[^/]+\/test_cases(\/[^/]+)?$/.test(r.path));
  const upload = (transport: Transport, log: ReturnType<typeof recordingLogger>, extra: Record<string, unknown> = {}, interrupt?: AbortSignal) =>
    uploadResults({
      settings: resolveSettings(
        {
          token: emulator.token,
          baseUrl: emulator.url,
          projectId: 'Demo',
          runTitle: 'Nightly',
          createMissingCases: true,
          spool: path.join(dir, 'spool.json'),
          ...extra,
        },
        {},
      ),
      results: [unnamed],
      env: {},
      host: 'cli',
      clock: on(clock),
      log,
      ...(interrupt && { interrupt }),
      http: { transport, onEvent: (event) => log.info(event.message) },
    });

  it('a reset create applied after the look before the retry: the upload waits it out and records into that case: one case', async () => {
    const proxy = await createAppliedLate(clock, { reset: true, created: 'test_cases' });
    proxy.arm();
    try {
      const log = recordingLogger();
      const outcome = await upload(proxy.transport, log);
      expect(proxy.timing.landedAt! - proxy.timing.sentAt!).toBeLessThan(LATE_WRITE_MS);
      expect(outcome.exitCode, outcome.error?.message).toBe(0);
      // Created once, never deleted as a duplicate: the one case the late create made takes the result.
      expect(caseWrites().map((r) => r.method)).toEqual(['POST']);
      const cases = synced();
      expect(cases.map((c) => c.title)).toEqual(['Checkout › pays by card']);
      expect(outcome.summary.casesCreated).toEqual([{ case: cases[0]!.human_id, title: 'Checkout › pays by card', folder: null }]);
      expect(newRuns().map((r) => [r.status, Object.values(r.results).map((x) => x.status)])).toEqual([['CLOSED', ['Failed']]]);
      expect(log.lines.find((line) => line.includes('may still be applied'))).toMatch(/^waiting up to \d+ s for what POST \S+\/test_cases makes:/);
      expect(clock.now()).toBeGreaterThanOrEqual(proxy.timing.sentAt! + LATE_WRITE_MS);
    } finally {
      await proxy.done();
    }
  });

  it('a stop while it waits ends the wait at once: no second case', async () => {
    const proxy = await createAppliedLate(clock, { reset: true, created: 'test_cases' });
    proxy.arm();
    try {
      const stop = new AbortController();
      const log = recordingLogger();
      const info = log.info;
      log.info = (message) => {
        info(message);
        if (message.includes('may still be applied')) stop.abort(new StopRequested('SIGINT'));
      };
      const outcome = await upload(proxy.transport, log, {}, stop.signal);
      expect(outcome.exitCode, outcome.error?.message).toBe(130);
      expect(clock.now()).toBeLessThan(proxy.timing.sentAt! + LATE_WRITE_MS);
      expect(caseWrites().map((r) => r.method)).toEqual(['POST']);
      expect(synced()).toHaveLength(1);
      expect(newRuns()).toEqual([]);
    } finally {
      await proxy.done();
    }
  });

  it('when the deadline comes before the create can no longer land, it gives up and spools rather than create a second case', async () => {
    const proxy = await createAppliedLate(clock, { reset: true, created: 'test_cases' });
    proxy.arm();
    try {
      const log = recordingLogger();
      const outcome = await upload(proxy.transport, log, { deadline: 40 });
      expect(outcome.exitCode).toBe(1);
      expect(outcome.error?.message).toContain(
        'may still be applied until 60 s after it was sent, which would come after the deadline (--deadline 40 s); sent again sooner, it could be applied twice. ' +
          'It was not sent again, so nothing is made twice: a resume of what was spooled looks for what it made before creating anything. ' +
          'To wait for it here, give the deadline (--deadline 40 s) more than 60 s.',
      );
      expect(outcome.error?.message).not.toContain('Check the base URL');
      expect(outcome.summary.spoolFile).toBe(path.join(dir, 'spool.json'));
      expect(caseWrites().map((r) => r.method)).toEqual(['POST']);
      expect(synced()).toHaveLength(1);

      // The spooled results go, later, into the case the late create made.
      const resumed = await resume(path.join(dir, 'spool.json'), proxy.transport);
      expect(resumed.exitCode, resumed.message).toBe(0);
      expect(caseWrites().map((r) => r.method)).toEqual(['POST']);
      expect(newRuns().map((r) => [r.status, Object.keys(r.results)])).toEqual([['CLOSED', [synced()[0]!.id]]]);
    } finally {
      await proxy.done();
    }
  });
});
