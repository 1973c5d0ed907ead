/**
 * Answers that are not what the API promises: each becomes API_UNEXPECTED_BODY naming the request, the
 * field and the request id, never a crash or an empty answer read as "nothing there". The emulator answers;
 * a pass-through in front of it changes the one answer under test.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FACTS, startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { TestManagementApi } from '../../src/api/client.js';
import { HttpClient } from '../../src/api/http.js';
import { silentLogger } from '../../src/log.js';
import { apiFailure } from './api-failure.js';
import type { TestResult } from '../../src/model.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { startTamperingProxy, type Running, type Tamper } from './servers.js';

const PID = DEMO_FACTS.project.id;
let emulator: EmulatorHandle;
let front: Running | undefined;
let http: HttpClient | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false });
});
afterAll(() => emulator.close());
afterEach(async () => {
  await http?.close();
  await front?.close();
  http = undefined;
  front = undefined;
  emulator.reset();
});

/**
 * A client behind the tampering front that has already had one answer from the service (the users, passed
 * through): what is under test is an answer after the first contact. Before it, an answer that is not the
 * API's is a base URL to fix (first-contact.test.ts).
 */
async function apiBehind(tamper: Tamper): Promise<TestManagementApi> {
  front = await startTamperingProxy(emulator.origin, tamper);
  http = new HttpClient({ baseUrl: front.url, token: emulator.token, timeoutMs: 2000, log: silentLogger, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  await http.send({ method: 'GET', path: '/users', idempotent: true });
  return new TestManagementApi(http);
}

const HINT = 'The service may have changed, or the base URL points at something other than the Test Management API (it usually ends in /api/v1).';

describe('answers the client cannot use', () => {
  it('refuses a test-case listing answered 200 with an HTML page', async () => {
    const api = await apiBehind((m, p) =>
      p === `/projects/${PID}/test_cases` ? { body: '<html><body>Sign in</body></html>', headers: { 'content-type': 'text/html; charset=utf-8' } } : undefined,
    );
    const error = await apiFailure(api.listTestCases(PID));
    expect(error.code).toBe('API_UNEXPECTED_BODY');
    expect(error.message).toBe(
      `GET /projects/${PID}/test_cases?page_size=100 failed with HTTP 200 (request id tampered-1). The answer came as text/html, not JSON: a proxy or login page? Check the base URL. ${HINT}`,
    );
  });

  it('names the missing human_id of a listed test case, with the request id', async () => {
    const api = await apiBehind((m, p) =>
      p === `/projects/${PID}/test_cases`
        ? (json) => (((json as { data: { test_cases: Record<string, unknown>[] } }).data.test_cases[1]!.human_id = undefined), json)
        : undefined,
    );
    const error = await apiFailure(api.listTestCases(PID));
    expect(error.code).toBe('API_UNEXPECTED_BODY');
    expect(error.message).toMatch(
      /^GET \/projects\/[\w-]+\/test_cases\?page_size=100 failed with HTTP 200 \(request id [\w-]{36}\)\. The answer lacks data\.test_cases\[1\]\.human_id\. /,
    );
  });

  it('names a run without status, and one without id', async () => {
    const run = DEMO_FACTS.closedRun.id;
    const drop = (field: string) => (json: unknown) => (delete (json as { data: { test_run: Record<string, unknown> } }).data.test_run[field], json);
    let api = await apiBehind((m, p) => (p.endsWith(`/test_runs/${run}`) ? drop('status') : undefined));
    expect((await apiFailure(api.getRun(PID, run))).message).toContain('The answer lacks data.test_run.status.');
    await http?.close();
    await front?.close();
    api = await apiBehind((m, p) => (p.endsWith(`/test_runs/${run}`) ? drop('id') : undefined));
    expect((await apiFailure(api.getRun(PID, run))).message).toContain('The answer lacks data.test_run.id.');
  });

  it('refuses a create answered without data.test_run.id, and sends nothing to …/undefined', async () => {
    const api = await apiBehind((m, p) =>
      m === 'POST' && p === `/projects/${PID}/test_runs` ? { status: 201, body: { message: '', data: { test_run: { title: 'x' } } } } : undefined,
    );
    const error = await apiFailure(
      api.createRun({
        title: 't',
        description: '',
        projectId: PID,
        caseIds: [DEMO_FACTS.caseId(1)],
        assigneeId: DEMO_FACTS.users.alice.id,
        labels: [],
        now: 0,
      }),
    );
    expect(error.message).toMatch(/^POST \/projects\/[\w-]+\/test_runs failed with HTTP 201 \(request id tampered-1\)\. The answer lacks data\.test_run\.id\./);
    expect(emulator.state().requests.some((r) => r.path.includes('undefined'))).toBe(false);
  });

  it('counts a result batch answered 200 with a non-JSON body as a failure, an empty 204 as a success to be checked (unconfirmed)', async () => {
    const entry = {
      test_case_id: DEMO_FACTS.caseId(1),
      test_run_status_id: DEMO_FACTS.runStatusId('Passed'),
      user_id: DEMO_FACTS.users.alice.id,
      description: '',
    };
    let answer: { status: number; body: string; headers: Record<string, string> } = { status: 200, body: 'OK', headers: { 'content-type': 'text/plain' } };
    const api = await apiBehind((m) => (m === 'PUT' ? answer : undefined));
    const error = await apiFailure(api.putResults(PID, 'DEMO-R-9', [entry]));
    expect(error.message).toContain('The answer came as text/plain, not JSON');
    answer = { status: 204, body: '', headers: {} };
    // Not an error, but not a confirmation either: run/send.ts reads the run to know whether it landed.
    await expect(api.putResults(PID, 'DEMO-R-9', [entry])).resolves.toBe(false);
  });

  it('refuses a full page without page_info (the next one could not be found), accepts a short one', async () => {
    let cut = 100;
    const api = await apiBehind((m, p) =>
      p === `/projects/${PID}/test_cases`
        ? () => ({ message: '', data: { test_cases: Array.from({ length: cut }, (_, i) => ({ id: `id-${i}`, human_id: `DEMO-${i + 1}`, title: 't' })) } })
        : undefined,
    );
    expect((await apiFailure(api.listTestCases(PID))).message).toContain(
      'The answer holds a full page of 100 items but lacks page_info, so the next page cannot be found.',
    );
    cut = 3;
    expect(await api.listTestCases(PID)).toHaveLength(3);
  });

  it('reads on through pages that have next but no total_count', async () => {
    const big = await startEmulator({
      port: 0,
      rateLimit: false,
      seed: { projects: [{ name: 'Big', human_id_prefix: 'BIG', test_cases: Array.from({ length: 250 }, (_, i) => ({ title: `Case ${i}` })) }] },
    });
    try {
      front = await startTamperingProxy(big.origin, (m, p) =>
        p.endsWith('/test_cases') ? (json) => (delete (json as { page_info: Record<string, unknown> }).page_info.total_count, json) : undefined,
      );
      http = new HttpClient({ baseUrl: front.url, token: big.token, timeoutMs: 2000, log: silentLogger });
      const api = new TestManagementApi(http);
      const project = (await api.listProjects())[0]!;
      const cases = await api.listTestCases(project.id);
      expect(cases.map((c) => c.human_id)).toEqual(Array.from({ length: 250 }, (_, i) => `BIG-${i + 1}`));
    } finally {
      await big.close();
    }
  });
});

describe('a list cut short', () => {
  it('a case listing that ends before its total_count is read again, then refused and spooled: no result is called unknown', async () => {
    const big = await startEmulator({
      port: 0,
      rateLimit: false,
      seed: { projects: [{ name: 'Big', human_id_prefix: 'BIG', test_cases: Array.from({ length: 250 }, (_, i) => ({ title: `Case ${i}` })) }] },
    });
    try {
      // The second page comes back empty and without a next page: the live service was seen doing this.
      front = await startTamperingProxy(big.origin, (m, p, q) =>
        p.endsWith('/test_cases') && q.has('cursor')
          ? (json) => ({ ...(json as object), data: { test_cases: [] }, page_info: { ...(json as { page_info: object }).page_info, next: null } })
          : undefined,
      );
      const results: TestResult[] = [1, 150, 250].map((n) => ({
        source: 'unit',
        suitePath: ['s'],
        name: `BIG-${n} works`,
        status: 'passed',
        properties: [],
        tags: [],
        attachments: [],
        attempts: [{ status: 'passed' }],
      }));
      const spool = join(await mkdtemp(join(tmpdir(), 'tm-cut-')), 'spool.json');
      const outcome = await uploadResults({ settings: resolveSettings({ token: big.token, baseUrl: front.url, projectId: 'Big', spool }, {}), results });
      expect(outcome.error?.code).toBe('API_LIST_INCOMPLETE');
      expect(outcome.exitCode).toBe(1);
      expect(outcome.error?.message).toMatch(/The service ended the list at 100 of the 250 items its total_count announces, twice/);
      expect(outcome.summary.unknown).toEqual([]);
      expect(outcome.summary.spoolFile).toBe(spool);
      expect(big.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
    } finally {
      await big.close();
    }
  });
});

describe('through the whole upload', () => {
  it('exits 1 with API_UNEXPECTED_BODY, not 0 with nothing recorded, when the case listing is a login page', async () => {
    front = await startTamperingProxy(emulator.origin, (m, p) =>
      p.endsWith('/test_cases') && m === 'GET' ? { body: '<!doctype html><title>Login</title>', headers: { 'content-type': 'text/html' } } : undefined,
    );
    const result: TestResult = {
      source: 'unit',
      suitePath: ['s'],
      name: 'DEMO-1 works',
      status: 'passed',
      properties: [],
      tags: [],
      attachments: [],
      attempts: [{ status: 'passed' }],
    };
    const outcome = await uploadResults({ settings: resolveSettings({ token: emulator.token, baseUrl: front.url, projectId: 'Demo' }, {}), results: [result] });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error?.code).toBe('API_UNEXPECTED_BODY');
    expect(outcome.error?.message).toContain('The answer came as text/html, not JSON: a proxy or login page? Check the base URL.');
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });
});
