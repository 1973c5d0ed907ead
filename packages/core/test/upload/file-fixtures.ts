/**
 * What the upload tests of results with files share (unconfirmed-files, spooled-before-sending, put-back-files): a
 * folder of its own for each test, holding a screenshot; a result naming DEMO-n with files; what a spooled
 * result's file is said to be, and that checked through resume; and a way for a test's own transport to pass
 * requests on to the emulator.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import type { TestResult, TestStatus } from '../../src/model.js';
import { resumeCommand } from '../../src/operations/commands.js';
import type { EntriesSpool } from '../../src/spool/spool.js';
import { virtualClock } from '../run/close-fixtures.js';

/** Why a file of a result that was spooled is not attached: `resume` sends results without files. */
export const NOT_SENT = 'not sent: the upload stopped before this result was recorded, and a resumed upload sends results without files';

/** A fresh folder for each test of the file, holding `shot.png` (removed after the test); read its path in the test. */
export function useWorkspaceWithShot(prefix: string): () => string {
  let workspace = '';
  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), prefix));
    await writeFile(join(workspace, 'shot.png'), 'PNG-bytes');
  });
  afterEach(() => rm(workspace, { recursive: true, force: true }));
  return () => workspace;
}

/** A result naming DEMO-`n`, in the suite `suite`, with `attachments` (paths in the workspace). */
export function resultWithFiles(n: number, status: TestStatus, suite: string, attachments: TestResult['attachments'] = []): TestResult {
  return { source: 'test', suitePath: [suite], name: `DEMO-${n} works`, status, properties: [], tags: [], attachments, attempts: [{ status }] };
}

/** The screenshot of useWorkspaceWithShot, as a result's attachment. */
export const SHOT = { name: 'shot', path: 'shot.png' };

/**
 * The spool file `spool` names DEMO-1's shot.png as not sent, and its resume records DEMO-1 once, without the file
 * and with that note: the file is named all the way into the run. Returns the spool and the run, for more checks.
 */
export async function expectShotNamedThroughResume(emulator: EmulatorHandle, spool: string) {
  const spooled = JSON.parse(await readFile(spool, 'utf8')) as EntriesSpool;
  const entry = spooled.entries.find((e) => e.test_case_id === DEMO_FACTS.caseId(1));
  expect(entry?.description).toContain(`Files not attached:\n- shot.png: ${NOT_SENT}`);

  const resumed = await resumeCommand({ file: spool, token: emulator.token, clock: virtualClock() });
  expect(resumed.exitCode, resumed.message).toBe(0);
  const run = emulator.state().test_runs.find((r) => r.id !== DEMO_FACTS.closedRun.id)!;
  const held = run.results[DEMO_FACTS.caseId(1)]!;
  expect([held.writes, held.attachments]).toEqual([1, []]);
  expect(held.description).toContain(`Files not attached:\n- shot.png: ${NOT_SENT}`);
  return { spooled, run };
}

/** Passes a request on to the service, as the HTTP client would: for a test's transport that answers some itself. */
export function usePassOn(): Transport {
  let dispatcher: Awaited<ReturnType<typeof makeDispatcher>>;
  beforeAll(async () => {
    dispatcher = await makeDispatcher(30_000, undefined);
  });
  afterAll(() => dispatcher.close());
  return (request) => exchange(dispatcher, request.method, request.url, request.headers, request.body, request.timeoutMs, request.nowMs);
}
