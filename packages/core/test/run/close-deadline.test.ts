/**
 * The when-complete mode's closing upload (the shard completing `--shard-total`) hitting its deadline during the
 * close, against the emulator over loopback with every wait on a virtual clock: the results are recorded, the
 * run stays open, and the outcome says so, names the run and gives the `testsigma-tm run close` command that
 * closes it later — never the bare request error, never the token. The command it gives is then run (its flags
 * read as the CLI reads them) and closes the run.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle, type FaultRule } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import type { Clock } from '../../src/clock.js';
import { ApiError, ERROR_CODES } from '../../src/errors.js';
import { closeRunCommand } from '../../src/operations/commands.js';
import { OPERATIONS } from '../../src/operations/table.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { renderMarkdown } from '../../src/report/summary-markdown.js';
import { renderText } from '../../src/report/summary-text.js';
import { SETTINGS, SETTING_KEYS, resolveSettings, type SettingKey } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { SHARD, virtualClock } from './close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

const DEADLINE_S = 120;

function upload(key: string, shard: number, clock: Clock, transport?: Transport) {
  return uploadResults({
    settings: resolveSettings(
      { token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: key, shardIndex: shard, shardTotal: 2, deadline: DEADLINE_S },
      {},
    ),
    results: SHARD[shard]!,
    env: {},
    host: 'cli',
    clock,
    ...(transport && { http: { transport } }),
  });
}

type Moment = 'close' | 'repair';

/**
 * In front of the emulator: passes every request on, and from the moment named on turns `faults` on in the
 * emulator itself — at the close request (a run update to CLOSED), or at the close step's read of the run's
 * cases (the first listing of them after this job's line says done).
 */
async function faultsFrom(moment: Moment, faults: FaultRule[]): Promise<{ transport: Transport; done: () => Promise<void>; fired: () => boolean }> {
  const dispatcher = await makeDispatcher(30_000, undefined);
  let lineDone = false;
  let fired = false;
  const transport: Transport = async (request) => {
    const text = request.body?.bytes ? new TextDecoder().decode(request.body.bytes) : '';
    if (request.method === 'PUT' && text.includes('testsigma-tm job 2/2 (done)')) lineDone = true;
    const closing = request.method === 'PUT' && text.includes('"status":"CLOSED"');
    const repairRead = lineDone && request.method === 'GET' && /\/test_runs\/[^/]+\/test_cases$/.test(request.url.pathname);
    if (!fired && (moment === 'close' ? closing : repairRead)) {
      fired = true;
      emulator.setFaults(faults);
    }
    return exchange(dispatcher, request.method, request.url, request.headers, request.body, request.timeoutMs, request.nowMs);
  };
  return { transport, done: () => dispatcher.close(), fired: () => fired };
}

function keyRun(key: string) {
  const runs = emulator.state().test_runs.filter((r) => r.title.endsWith(`[${key}]`));
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

/** The command's words as a shell reads them: words apart by spaces, a single-quoted word taken as it is. */
function shellWords(command: string): string[] {
  return [...command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
}

/** `--flag value` pairs of `run close` → its settings, each flag looked up in the settings table as the CLI does. */
function closeSettingsFrom(args: string[]): Partial<Record<SettingKey, string>> {
  const byFlag = new Map(SETTING_KEYS.map((key) => [`--${SETTINGS[key].flag as string}`, key]));
  const explicit: Partial<Record<SettingKey, string>> = {};
  for (let i = 0; i < args.length; i += 2) {
    const key = byFlag.get(args[i]!);
    expect(key, `${args[i]} is a flag of run close`).toBeDefined();
    expect(OPERATIONS.close.reads as readonly string[]).toContain(key);
    explicit[key!] = args[i + 1]!;
  }
  return explicit;
}

describe('the closing upload of the when-complete mode, when the deadline passes during the close', () => {
  it.each([
    ['the close request is answered 503 until the deadline', 'close' as Moment, [{ kind: 'status', route: 'PUT /projects/*/test_runs/*', status: 503 }]],
    ["the close step's read of the run gets no answer until the deadline", 'repair' as Moment, [{ kind: 'reset', route: '*' }]],
  ] satisfies [string, Moment, FaultRule[]][])('%s: recorded, left open, and the message says how to close it', async (_, moment, faults) => {
    const key = `close-${moment}`;
    expect((await upload(key, 1, virtualClock())).exitCode).toBe(0);
    const proxy = await faultsFrom(moment, faults);
    let outcome;
    try {
      outcome = await upload(key, 2, virtualClock(), proxy.transport);
    } finally {
      emulator.setFaults([]);
      await proxy.done();
    }
    expect(proxy.fired()).toBe(true);

    const run = keyRun(key);
    expect(run.status).toBe('ACTIVE');
    // Every result of both shards is in the run.
    expect(Object.keys(run.results)).toHaveLength(4);
    expect([outcome.exitCode, outcome.error?.code, outcome.summary.closed, outcome.summary.uploaded, outcome.summary.spoolFile]).toEqual([
      1,
      'RUN_NOT_CLOSED',
      false,
      // DEMO-3 and DEMO-4; DEMO-2 is kept as shard 1's Failed.
      2,
      null,
    ]);
    expect(ERROR_CODES.RUN_NOT_CLOSED.exit).toBe(1);
    // The close step's last request, kept as the cause (its request id is the emulator's).
    const last = outcome.error?.cause as ApiError;
    expect(last).toBeInstanceOf(ApiError);
    expect(last.deadlinePassed).toBe(true);
    const runPath = `/projects/${DEMO_FACTS.project.id}/test_runs/${run.id}`;
    const answer =
      moment === 'close'
        ? `PUT ${runPath}, was answered HTTP 503: Service Unavailable — Injected by the emulator (fault injection) (request id ${last.requestId})`
        : `GET ${runPath}/test_cases?page_size=100, got no answer`;
    expect(last.requestId ?? 'none').toMatch(moment === 'close' ? /^[0-9a-f-]{36}$/ : /^none$/);
    const command = `testsigma-tm run close --project Demo --base-url ${emulator.url} --run-key ${key} --shard-total 2`;
    expect(outcome.error?.message).toBe(
      `Recorded 2 result(s) in test run ${run.human_id} "${run.title}", but the run was left open: closing it did not finish before the deadline (--deadline ${DEADLINE_S} s) passed; its last request, ${answer}. ` +
        `Close it once the service answers, with TESTSIGMA_API_TOKEN set: ${command}`,
    );
    expect(JSON.stringify(outcome)).not.toContain(emulator.token);
    // What the hosts show of it: the CLI's and the reporters' text (the message is printed whole), and the Action's
    // job summary, which keeps the message to its end.
    expect(renderText(outcome.summary, { error: outcome.error! })).toContain(`Test run ${run.human_id}: recorded 2 of 3 test case(s)`);
    expect(renderMarkdown(outcome.summary, { error: outcome.error! })).toContain(`(\`RUN_NOT_CLOSED\`): ${outcome.error!.message}\n`);

    // The command given closes the run: its flags are run close's, read as the CLI reads them.
    const [bin, group, verb, ...args] = shellWords(command);
    expect([bin, group, verb]).toEqual(['testsigma-tm', 'run', 'close']);
    const closed = await closeRunCommand({
      settings: resolveSettings({ token: emulator.token, ...closeSettingsFrom(args) }, {}),
      env: {},
      clock: virtualClock(),
    });
    expect(closed.exitCode, closed.message).toBe(0);
    expect(closed.message).toBe(`Closed test run ${run.human_id}: 2 of 2 upload(s) reported.`);
    const after = keyRun(key);
    expect(after.status).toBe('CLOSED');
    // The worst result any shard reported: DEMO-2 failed in shard 1, passed in shard 2.
    const human = new Map(emulator.state().test_cases.map((c) => [c.id, c.human_id]));
    const statuses = Object.fromEntries(Object.entries(after.results).map(([id, r]) => [human.get(id), r.status]));
    expect(statuses).toEqual({ 'DEMO-1': 'Passed', 'DEMO-2': 'Failed', 'DEMO-3': 'Passed', 'DEMO-4': 'Failed' });
  });
});

describe('an upload without a run key, closing the run it created, when the deadline passes during the close', () => {
  it('names the run by its id in the command, without a shard total, and the command closes it', async () => {
    const proxy = await faultsFrom('close', [{ kind: 'status', route: 'PUT /projects/*/test_runs/*', status: 503 }]);
    let outcome;
    try {
      outcome = await uploadResults({
        settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', deadline: DEADLINE_S }, {}),
        results: SHARD[2]!,
        env: {},
        host: 'cli',
        clock: virtualClock(),
        http: { transport: proxy.transport },
      });
    } finally {
      emulator.setFaults([]);
      await proxy.done();
    }
    const [run, ...others] = emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id);
    expect(others).toHaveLength(0);
    expect([run!.status, Object.keys(run!.results).length]).toEqual(['ACTIVE', 3]);
    expect([outcome.exitCode, outcome.error?.code, outcome.summary.uploaded, outcome.summary.spoolFile]).toEqual([1, 'RUN_NOT_CLOSED', 3, null]);
    const last = outcome.error?.cause as ApiError;
    const command = `testsigma-tm run close --project Demo --base-url ${emulator.url} --run-id ${run!.human_id}`;
    expect(outcome.error?.message).toBe(
      `Recorded 3 result(s) in test run ${run!.human_id} "${run!.title}", but the run was left open: closing it did not finish before the deadline (--deadline ${DEADLINE_S} s) passed; its last request, PUT /projects/${DEMO_FACTS.project.id}/test_runs/${run!.id}, was answered HTTP 503: Service Unavailable — Injected by the emulator (fault injection) (request id ${last.requestId}). ` +
        `Close it once the service answers, with TESTSIGMA_API_TOKEN set: ${command}`,
    );

    const [, , , ...args] = shellWords(command);
    const closed = await closeRunCommand({
      settings: resolveSettings({ token: emulator.token, ...closeSettingsFrom(args) }, {}),
      env: {},
      clock: virtualClock(),
    });
    expect([closed.exitCode, closed.message]).toEqual([0, `Closed test run ${run!.human_id}.`]);
    expect(emulator.state().test_runs.find((r) => r.id === run!.id)?.status).toBe('CLOSED');
  });
});
