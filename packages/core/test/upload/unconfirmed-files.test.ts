/**
 * A batch with files answered 2xx with an empty body that did not land (a proxy answering for the service): its
 * result is found missing and spooled, and `resume` sends results without files. The files are named — in the
 * summary, in the spooled description and so in the run once resumed — and never counted as sent.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import type { TestResult, TestStatus } from '../../src/model.js';
import { resumeCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import type { EntriesSpool } from '../../src/spool/spool.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { virtualClock } from '../run/close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let dispatcher: Awaited<ReturnType<typeof makeDispatcher>>;
let workspace: string;
beforeAll(async () => {
  dispatcher = await makeDispatcher(30_000, undefined);
});
afterAll(() => dispatcher.close());
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'tm-unconfirmed-files-'));
});
afterEach(() => rm(workspace, { recursive: true, force: true }));

/** A proxy that answers the first batch of results itself, 200 with an empty body, without passing it on. */
function swallowingFirstBatch(): Transport {
  let batches = 0;
  return async (request) => {
    if (request.method === 'PUT' && request.url.pathname.endsWith('/test_cases') && ++batches === 1) {
      return { kind: 'answer', status: 200, body: undefined, requestId: 'proxy', retryAfterMs: undefined, retryAfter: undefined, rate: {} };
    }
    return exchange(dispatcher, request.method, request.url, request.headers, request.body, request.timeoutMs, request.nowMs);
  };
}

function result(n: number, status: TestStatus, attachments: TestResult['attachments'] = []): TestResult {
  return { source: 'test', suitePath: ['proxy'], name: `DEMO-${n} works`, status, properties: [], tags: [], attachments, attempts: [{ status }] };
}

const NOT_SENT = 'not sent: the upload stopped before this result was recorded, and a resumed upload sends results without files';

describe('a batch with a file answered 2xx with an empty body, that did not land', () => {
  it('names the file (summary, spool, the resumed result) and does not count it as sent', async () => {
    await writeFile(join(workspace, 'shot.png'), 'PNG-bytes');
    const spool = join(workspace, 'spool.json');
    const settings = resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', batchSize: 1, spool }, {});
    const outcome = await uploadResults({
      settings,
      results: [result(1, 'failed', [{ name: 'shot', path: 'shot.png' }]), result(2, 'passed')],
      cwd: workspace,
      env: {},
      clock: virtualClock(),
      http: { transport: swallowingFirstBatch() },
    });
    expect([outcome.exitCode, outcome.error?.code]).toEqual([1, 'API_UNEXPECTED_BODY']);
    expect(outcome.summary.attachments.sent).toBe(0);
    expect(outcome.summary.attachments.skipped).toEqual([{ case: 'DEMO-1', name: 'shot.png', reason: NOT_SENT }]);
    const spooled = JSON.parse(await readFile(spool, 'utf8')) as EntriesSpool;
    const entry = spooled.entries.find((e) => e.test_case_id === DEMO_FACTS.caseId(1));
    expect(entry?.description).toContain(`Files not attached:\n- shot.png: ${NOT_SENT}`);

    const resumed = await resumeCommand({ file: spool, token: emulator.token, clock: virtualClock() });
    expect(resumed.exitCode, resumed.message).toBe(0);
    const run = emulator.state().test_runs.find((r) => r.id !== DEMO_FACTS.closedRun.id)!;
    const held = run.results[DEMO_FACTS.caseId(1)]!;
    expect([held.writes, held.attachments]).toEqual([1, []]);
    expect(held.description).toContain(`Files not attached:\n- shot.png: ${NOT_SENT}`);
  });
});
