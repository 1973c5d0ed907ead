/**
 * What the tests of a close the service leaves undone share (close-deadline, close-refused,
 * close-command-deadline, resume-close-refused): a virtual clock, two shards' results, a logger that keeps every
 * line (to look for the token), and a transport that turns faults on in the emulator at the close request.
 */
import { expect } from 'vitest';
import type { EmulatorHandle, FaultRule } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import type { Clock } from '../../src/clock.js';
import type { Logger } from '../../src/log.js';
import type { TestResult, TestStatus } from '../../src/model.js';
import { closeRunCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { VirtualClock } from '../virtual-clock.js';

export function virtualClock(): Clock {
  const virtual = new VirtualClock();
  return { now: () => virtual.now(), sleep: (ms) => virtual.sleep(ms), random: () => virtual.random() };
}

/** A result naming DEMO-`n`, in a suite of `suite`'s name. */
export function result(n: number, status: TestStatus, suite = 'close'): TestResult {
  return { source: 'test', suitePath: [suite], name: `DEMO-${n} works`, status, properties: [], tags: [], attachments: [], attempts: [{ status }] };
}

/** Two shards of one pipeline: DEMO-2 passes in one and fails in the other, so the closed run must say Failed. */
export const SHARD: Record<number, TestResult[]> = {
  1: [result(1, 'passed'), result(2, 'failed')],
  2: [result(2, 'passed'), result(3, 'passed'), result(4, 'failed')],
};

/** Every line logged, at every level, to check that the token is in none. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string): void => void lines.push(message);
  return { lines, debug: keep, info: keep, warn: keep, error: keep, stage: keep };
}

/** In front of the emulator: passes every request on, and turns `faults` on in the emulator at the close request. */
export async function faultsAtClose(
  emulator: EmulatorHandle,
  faults: FaultRule[],
): Promise<{ transport: Transport; done: () => Promise<void>; fired: () => boolean }> {
  const dispatcher = await makeDispatcher(30_000, undefined);
  let fired = false;
  const transport: Transport = async (request) => {
    const text = request.body?.bytes ? new TextDecoder().decode(request.body.bytes) : '';
    if (!fired && request.method === 'PUT' && text.includes('"status":"CLOSED"')) {
      fired = true;
      emulator.setFaults(faults);
    }
    return exchange(dispatcher, request.method, request.url, request.headers, request.body, request.timeoutMs, request.nowMs);
  };
  return { transport, done: () => dispatcher.close(), fired: () => fired };
}

/** `testsigma-tm run close --run-id <run>`, as a message advises it: it closes the run the upload left open. */
export async function expectClosedById(emulator: EmulatorHandle, run: { id: string; human_id: string }): Promise<void> {
  const closed = await closeRunCommand({
    settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runId: run.human_id }, {}),
    env: {},
    clock: virtualClock(),
  });
  expect([closed.exitCode, closed.message]).toEqual([0, `Closed test run ${run.human_id}.`]);
  expect(emulator.state().test_runs.find((r) => r.id === run.id)?.status).toBe('CLOSED');
}

/** Both shards report under `key` without closing: the run is left open, for `run close`. */
export async function twoShardsReported(emulator: EmulatorHandle, key: string) {
  for (const shard of [1, 2]) {
    const outcome = await uploadResults({
      settings: resolveSettings(
        { token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: key, shardIndex: shard, shardTotal: 2, closeRun: false },
        {},
      ),
      results: SHARD[shard]!,
      env: {},
      host: 'cli',
      clock: virtualClock(),
    });
    expect(outcome.exitCode, outcome.error?.message).toBe(0);
  }
  const runs = emulator.state().test_runs.filter((r) => r.title.endsWith(`[${key}]`));
  expect(runs.map((r) => r.status)).toEqual(['ACTIVE']);
  return runs[0]!;
}

/**
 * A command that closes a run (`run close`, a resume, a closing upload), with `faults` turned on in the emulator at
 * its close request; `label` names the case if they never fired.
 */
export async function closeMeetingFaults<Outcome>(
  emulator: EmulatorHandle,
  faults: FaultRule[],
  close: (transport: Transport) => Promise<Outcome>,
  label?: string,
): Promise<Outcome> {
  const proxy = await faultsAtClose(emulator, faults);
  let outcome: Outcome;
  try {
    outcome = await close(proxy.transport);
  } finally {
    emulator.setFaults([]);
    await proxy.done();
  }
  expect(proxy.fired(), label).toBe(true);
  return outcome;
}
