/**
 * uploadResults in-process against the emulator over loopback, for the paths where a child process would
 * only add time: retry exhaustion with a short policy, the deadline, and the outcome's shape.
 */
import { describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { ApiError } from '../../src/errors.js';
import type { TestResult } from '../../src/model.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { VirtualClock } from '../virtual-clock.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

function result(name: string, status: TestResult['status'] = 'passed'): TestResult {
  return { source: 'unit', suitePath: ['suite'], name, status, properties: [], tags: [], attachments: [], attempts: [{ status }] };
}

const fastRetries = { retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 } };

function settings(extra: Record<string, unknown> = {}) {
  return resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', ...extra }, {});
}

describe('uploadResults', () => {
  it('gives up after the retry policy is spent and reports the last answer', async () => {
    emulator.setFaults([{ kind: 'status', route: 'GET /users', status: 502 }]);
    const outcome = await uploadResults({ settings: settings(), results: [result('DEMO-1 a')], http: fastRetries });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error).toBeInstanceOf(ApiError);
    expect(outcome.error?.code).toBe('API_SERVER_ERROR');
    expect(outcome.error?.message).toMatch(
      /^GET \/users failed with HTTP 502: .*\(request id [\w-]+\)\. The service failed\. Gave up after 3 attempts\. Try again later\.$/,
    );
    expect(emulator.state().requests.filter((r) => r.path.endsWith('/users'))).toHaveLength(3);
  });

  it('stops retrying at the overall deadline even when retries remain', async () => {
    emulator.setFaults([{ kind: 'status', route: 'GET /users', status: 503, retryAfter: 1 }]);
    const outcome = await uploadResults({ settings: settings(), results: [result('DEMO-1 a')], http: { ...fastRetries, deadlineMs: 200 } });
    expect(outcome.exitCode).toBe(1);
    expect(emulator.state().requests.filter((r) => r.path.endsWith('/users'))).toHaveLength(1);
  });

  it('does not retry a refused write (400/422) and never retries a 401', async () => {
    const outcome = await uploadResults({
      settings: resolveSettings({ token: 'nope-nope', baseUrl: emulator.url, projectId: 'Demo' }, {}),
      results: [result('DEMO-1 a')],
      http: fastRetries,
    });
    expect(outcome.error?.code).toBe('API_UNAUTHORIZED');
    expect(emulator.state().requests).toHaveLength(1);
  });

  it('a keyed upload tries a result the service refuses for itself twice, its close once more, and names it', async () => {
    // Every results write refused (422): the first send, one put-back (a refusal can be another job's selection write
    // removing the case), and the close step's write, each bisecting the batch of 3 (5 requests); before, a refused
    // result was written in every put-back and close round (7 bisections).
    emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 422, body: { message: 'refused' } }]);
    const virtual = new VirtualClock();
    const warnings: string[] = [];
    const outcome = await uploadResults({
      settings: settings({ runKey: 'refused-key' }),
      results: [result('DEMO-1 a'), result('DEMO-2 b', 'failed'), result('DEMO-3 c')],
      env: {},
      clock: { now: () => virtual.now(), sleep: (ms) => virtual.sleep(ms), random: () => virtual.random() },
      log: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} },
    });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error?.message).toMatch(/^The service refused 3 of 3 result\(s\) for test run DEMO-R-\d+ \(0 recorded\):\n {2}- DEMO-1: HTTP 422: refused/);
    const writes = emulator.state().requests.filter((r) => r.route === 'PUT /projects/{pid}/test_runs/{rid}/test_cases');
    expect(writes).toHaveLength(3 * 5);
    expect(warnings.find((w) => w.startsWith('The service refused the worst result of 3 case(s) that the close step wrote again'))).toMatch(
      /\n {2}- DEMO-2: HTTP 422: refused \(request id [\w-]+\)\n/,
    );
  });

  it('retries a connection reset on a PUT (idempotent) but never repeats a create blindly', async () => {
    emulator.setFaults([
      { kind: 'reset', route: 'POST /projects/*/test_runs', times: 1 },
      { kind: 'reset', route: 'PUT /projects/*/test_runs/*/test_cases', times: 1 },
    ]);
    // The reset create may still land for a minute (LATE_WRITE_MS): that wait is on virtual time.
    const virtual = new VirtualClock();
    const outcome = await uploadResults({
      settings: settings(),
      results: [result('DEMO-1 a'), result('DEMO-2 b', 'failed')],
      http: fastRetries,
      clock: { now: () => virtual.now(), sleep: (ms, stop) => virtual.sleep(ms, stop), random: () => virtual.random() },
    });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.summary.uploaded).toBe(2);
    const state = emulator.state();
    // The reset create was not applied; the client looked the title up, found nothing, looked again once the create
    // could no longer land, found nothing again, and created once.
    expect(state.test_runs.filter((r) => r.status === 'CLOSED' && r.human_id !== 'DEMO-R-1')).toHaveLength(1);
    expect(state.requests.filter((r) => r.method === 'GET' && r.route === 'GET /projects/{pid}/test_runs')).toHaveLength(2);
  });

  it('lists unmapped tests with their project, so one test in two browsers reads as two', async () => {
    const inBrowsers = ['chromium', 'firefox'].map((project) => ({ ...result('opens the menu'), project }));
    const outcome = await uploadResults({ settings: settings({ dryRun: true }), results: [...inBrowsers, result('DEMO-1 a')] });
    expect(outcome.summary.unmapped).toEqual(['suite › opens the menu [chromium]', 'suite › opens the menu [firefox]']);
  });

  it('creates no run when nothing maps, and says so', async () => {
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    const outcome = await uploadResults({ settings: settings(), results: [result('no id here')], log });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.summary.runId).toBeNull();
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^None of the 1 test result\(s\) names a test case of the project, so no test run was written to\. Name each test's case: its id \(DEMO-12\)/,
      ),
    );
    expect(emulator.state().requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});

describe('listing across pages', () => {
  const seed = {
    projects: [
      {
        name: 'Big',
        human_id_prefix: 'BIG',
        test_cases: Array.from({ length: 230 }, (_, i) => ({ title: `Case ${i + 1}` })),
      },
    ],
  };

  for (const pagination of ['cursor', 'url'] as const) {
    it(`reads all 230 cases over 3 pages of 100 following ${pagination} links`, async () => {
      const big = await startEmulator({ port: 0, seed, rateLimit: false, pagination });
      try {
        const outcome = await uploadResults({
          settings: resolveSettings({ token: big.token, baseUrl: big.url, projectId: 'Big' }, {}),
          results: [result('BIG-1 first'), result('BIG-150 middle', 'failed'), result('BIG-230 last')],
        });
        expect(outcome.error).toBeUndefined();
        expect(outcome.summary.byStatus).toEqual({ Passed: 2, Failed: 1 });
        const pages = big.state().requests.filter((r) => r.route === 'GET /projects/{pid}/test_cases');
        expect(pages).toHaveLength(3);
        expect(pages.map((p) => p.query.page_size)).toEqual(['100', '100', '100']);
        if (pagination === 'cursor') expect(pages.slice(1).every((p) => typeof p.query.cursor === 'string')).toBe(true);
      } finally {
        await big.close();
      }
    });
  }

  it('refuses a next link to another origin, so the token never leaves the service', async () => {
    const { HttpClient } = await import('../../src/api/http.js');
    const { listAll } = await import('../../src/api/paginate.js');
    const { readProject } = await import('../../src/api/wire.js');
    const http = new HttpClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 2000, log: { debug() {}, info() {}, warn() {}, error() {} } });
    try {
      await expect(http.send({ method: 'GET', path: 'http://evil.example/api/v1/projects', idempotent: true })).rejects.toThrow(
        "The service pointed to http://evil.example, which is not the configured base URL's origin",
      );
      expect(await listAll(http, '/projects', 'projects', readProject)).toHaveLength(2);
    } finally {
      await http.close();
    }
  });
});
