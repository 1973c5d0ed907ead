/**
 * A 2xx answer that was not applied (issue 17, "holes found under faults"): a proxy or gateway between the client and
 * the emulator answers some requests itself, 200 with an empty body, and never passes them on. A close answered so
 * is never reported closed; a batch answered so is found missing before the run is closed, is spooled, and fails
 * the upload — with `--no-verify` too. The proxy is a transport in front of the emulator over loopback.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import type { Clock } from '../../src/clock.js';
import type { TestResult, TestStatus } from '../../src/model.js';
import { closeRunCommand, resumeCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import type { EntriesSpool } from '../../src/spool/spool.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { VirtualClock } from '../virtual-clock.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let dir: string;
let dispatcher: Awaited<ReturnType<typeof makeDispatcher>>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tm-unconfirmed-'));
  dispatcher = await makeDispatcher(30_000, undefined);
});
afterAll(async () => {
  await dispatcher.close();
  await rm(dir, { recursive: true, force: true });
});

function virtualClock(): Clock {
  const virtual = new VirtualClock();
  return { now: () => virtual.now(), sleep: (ms) => virtual.sleep(ms), random: () => virtual.random() };
}

type Kind = 'close' | 'batch';

/** What a request is, for the proxy: a close (a run update to CLOSED), a batch of results, or anything else. */
function kindOf(request: Parameters<Transport>[0]): Kind | undefined {
  if (request.method !== 'PUT') return undefined;
  if (request.url.pathname.endsWith('/test_cases')) return 'batch';
  const text = request.body?.bytes ? new TextDecoder().decode(request.body.bytes) : '';
  return /"status":"CLOSED"/.test(text) ? 'close' : undefined;
}

/**
 * A proxy that answers the requests `swallow` picks (by kind and their count, from 1) with 200 and an empty body,
 * without passing them on (or passing them on and still answering empty, with `forward`); the rest reach the emulator.
 */
function proxy(swallow: (kind: Kind, n: number) => boolean, forward = false): Transport & { swallowed: number } {
  const counts: Record<Kind, number> = { close: 0, batch: 0 };
  const transport = (async (request) => {
    const kind = kindOf(request);
    if (kind && swallow(kind, ++counts[kind])) {
      transport.swallowed++;
      if (forward) await exchange(dispatcher, request.method, request.url, request.headers, request.body, request.timeoutMs, request.nowMs);
      return { kind: 'answer', status: 200, body: undefined, requestId: 'proxy', retryAfterMs: undefined, retryAfter: undefined, rate: {} };
    }
    return exchange(dispatcher, request.method, request.url, request.headers, request.body, request.timeoutMs, request.nowMs);
  }) as Transport & { swallowed: number };
  transport.swallowed = 0;
  return transport;
}

function result(n: number, status: TestStatus): TestResult {
  return { source: 'test', suitePath: ['proxy'], name: `DEMO-${n} works`, status, properties: [], tags: [], attachments: [], attempts: [{ status }] };
}

const RESULTS = [result(1, 'passed'), result(2, 'failed'), result(3, 'passed'), result(4, 'passed')];

function settings(extra: Record<string, unknown> = {}) {
  return resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', ...extra }, {});
}

function newRun() {
  const runs = emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id);
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

function writes(run: ReturnType<typeof newRun>): number[] {
  return Object.values(run.results).map((r) => r.writes);
}

describe('a close answered 200 that was not applied', () => {
  async function keyedRun(key: string): Promise<void> {
    const outcome = await uploadResults({ settings: settings({ runKey: key, closeRun: false }), results: RESULTS, env: {}, clock: virtualClock() });
    expect(outcome.exitCode, outcome.error?.message).toBe(0);
  }

  it('is read back and sent again: the run is closed once, and only then said closed', async () => {
    await keyedRun('close-once');
    const transport = proxy((kind, n) => kind === 'close' && n === 1);
    const closed = await closeRunCommand({ settings: settings({ runKey: 'close-once' }), env: {}, clock: virtualClock(), http: { transport } });
    expect(transport.swallowed).toBe(1);
    expect(closed.exitCode, closed.message).toBe(0);
    expect(closed.message).toBe(`Closed test run ${newRun().human_id}: 1 upload(s) reported.`);
    expect(newRun().status).toBe('CLOSED');
  });

  it('is never reported closed when the run stays ACTIVE', async () => {
    await keyedRun('close-never');
    const transport = proxy((kind) => kind === 'close');
    const closed = await closeRunCommand({ settings: settings({ runKey: 'close-never' }), env: {}, clock: virtualClock(), http: { transport } });
    const run = newRun();
    expect([closed.exitCode, closed.error?.code, run.status]).toEqual([1, 'RUN_NOT_CLOSED', 'ACTIVE']);
    expect(closed.message).toBe(
      `Test run ${run.human_id} was answered as closed twice but still reads ACTIVE. Close it in Testsigma, or run the close step again.`,
    );
  });
});

describe('a batch answered 2xx with an empty body', () => {
  it.each([
    ['with the read-back', {}],
    ['with --no-verify', { verify: false }],
  ])('that did not land (%s): found before the close, spooled, exit 1; resume sends it once', async (_, extra) => {
    const spool = join(dir, `batch-${'verify' in extra ? 'no-verify' : 'verify'}.json`);
    const transport = proxy((kind, n) => kind === 'batch' && n === 2);
    const outcome = await uploadResults({
      settings: settings({ batchSize: 2, spool, ...extra }),
      results: RESULTS,
      env: {},
      clock: virtualClock(),
      http: { transport },
    });
    expect([outcome.exitCode, outcome.error?.code]).toEqual([1, 'API_UNEXPECTED_BODY']);
    expect(outcome.error?.message).toContain('The service answered 2 result(s) with success but an empty or unexpected body, and the run does not hold them');
    const run = newRun();
    expect(run.status).toBe('ACTIVE');
    expect(Object.keys(run.results)).toHaveLength(2);
    const spooled = JSON.parse(await readFile(spool, 'utf8')) as EntriesSpool;
    expect([spooled.entries.length, spooled.landed?.caseIds.length]).toEqual([4, 2]);

    const resumed = await resumeCommand({ file: spool, token: emulator.token, clock: virtualClock() });
    expect(resumed.exitCode, resumed.message).toBe(0);
    expect(resumed.message).toBe(`Resumed ${spool}: recorded 2 result(s) in test run ${run.human_id}, closed. The file is kept as ${spool}.sent.`);
    expect(newRun().status).toBe('CLOSED');
    expect(writes(newRun())).toEqual([1, 1, 1, 1]);
  });

  it('that did land: confirmed by one read of the run, recorded and closed, nothing spooled', async () => {
    const spool = join(dir, 'batch-landed.json');
    const transport = proxy((kind) => kind === 'batch', true);
    const outcome = await uploadResults({
      settings: settings({ batchSize: 2, spool, verify: false }),
      results: RESULTS,
      env: {},
      clock: virtualClock(),
      http: { transport },
    });
    expect(outcome.exitCode, outcome.error?.message).toBe(0);
    expect(transport.swallowed).toBe(2);
    expect(outcome.summary.spoolFile).toBeNull();
    expect(newRun().status).toBe('CLOSED');
    expect(writes(newRun())).toEqual([1, 1, 1, 1]);
  });
});
