/**
 * A request body cut off while its files are being sent (the connection reset mid-upload, what a proxy does
 * with a body over its limit) is a 413: the result is sent again without the file, which is named, and the
 * big body is never sent again whole. A reset of a body without files stays an outage, retried.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { TestResult } from '../../src/model.js';
import { resolveSettings } from '../../src/settings/index.js';
import { uploadResults } from '../../src/pipeline/upload.js';

const RESULTS_ROUTE = 'PUT /projects/*/test_runs/*/test_cases';
let emulator: EmulatorHandle;
let workspace: string;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset();
  workspace = await mkdtemp(path.join(tmpdir(), 'tstm-cut-'));
});
afterEach(() => rm(workspace, { recursive: true, force: true }));

function failing(name: string, attachments: TestResult['attachments']): TestResult {
  return { source: 'unit', suitePath: [], name, status: 'failed', properties: [], tags: [], attachments, attempts: [{ status: 'failed' }] };
}

function resultPuts(): { status: number; faults: string[] }[] {
  return emulator
    .state()
    .requests.filter((r) => r.method === 'PUT' && r.route?.endsWith('/test_cases'))
    .map((r) => ({ status: r.status, faults: r.faults }));
}

describe('a body cut off mid-upload', () => {
  it('is taken for a 413: the result lands without its file, which is named, and the big body is sent once', async () => {
    // Large enough that the connection is reset while it is still being written.
    await writeFile(path.join(workspace, 'trace.zip'), Buffer.alloc(24 * 1024 * 1024, 7));
    emulator.setFaults([{ kind: 'reset', route: RESULTS_ROUTE, times: 1 }]);
    const warnings: string[] = [];
    const outcome = await uploadResults({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', attachmentMaxBytes: 64 * 1024 * 1024 }, {}),
      results: [failing('DEMO-11 heavy', [{ name: 'trace', path: 'trace.zip' }])],
      cwd: workspace,
      log: { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
      http: { retry: { baseDelayMs: 1, maxDelayMs: 2 } },
    });
    expect(outcome.exitCode, outcome.error?.message).toBe(0);
    const reason =
      'the service closed the connection while receiving the result with 1 file(s) (24.0 MiB) as too large (body cut off), so it was sent without this file';
    expect(outcome.summary.attachments.skipped).toEqual([{ case: 'DEMO-11', name: 'trace.zip', reason }]);
    expect(warnings).toContain(`Test case DEMO-11: ${reason.replace('this file', 'trace.zip')}.`);
    const run = emulator.state().test_runs.at(-1);
    const recorded = run?.results[DEMO_FACTS.caseId(11)];
    expect(recorded?.attachments).toEqual([]);
    expect(recorded?.description).toContain(`Files not attached:\n- trace.zip: ${reason}`);
    // The reset one (it never reached a status), then the result without the file: never the 24 MiB again.
    expect(resultPuts()).toHaveLength(2);
    expect(resultPuts()[0]?.faults).toEqual(['reset']);
    expect(resultPuts()[1]?.status).toBe(200);
  });

  it('a reset of a body without files is an outage: sent again, and it lands', async () => {
    emulator.setFaults([{ kind: 'reset', route: RESULTS_ROUTE, times: 1 }]);
    const outcome = await uploadResults({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo' }, {}),
      results: [failing('DEMO-11 light', [])],
      cwd: workspace,
      http: { retry: { baseDelayMs: 1, maxDelayMs: 2 } },
    });
    expect(outcome.exitCode, outcome.error?.message).toBe(0);
    expect(resultPuts().map((p) => p.faults)).toEqual([['reset'], []]);
  });
});
