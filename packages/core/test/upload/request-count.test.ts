/**
 * Requests at the minimum the API allows, counted in the emulator's request log: every lookup once, the project's
 * cases listed only when a reference needs them, batches filled to the limit, nothing per test.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { TestResult } from '../../src/model.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';

const CASES = 250;
const PAGE = 100;

let emulator: EmulatorHandle;
beforeAll(async () => {
  const seed = { projects: [{ name: 'Counted', human_id_prefix: 'REQ', test_cases: Array.from({ length: CASES }, (_, i) => ({ title: `Case ${i + 1}` })) }] };
  emulator = await startEmulator({ port: 0, seed, rateLimit: false });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function result(name: string, properties: TestResult['properties'] = []): TestResult {
  return { source: 'unit', suitePath: ['suite'], name, status: 'passed', properties, tags: [], attachments: [], attempts: [{ status: 'passed' }] };
}

function settings(extra: Record<string, unknown> = {}) {
  return resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Counted', ...extra }, {});
}

/** `GET /projects/{id}/test_cases` → count, ids replaced by `{id}` and the query left out. */
function byRoute(from = 0): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of emulator.state().requests.slice(from)) {
    const route = `${r.method} ${r.path.split('?')[0]!.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}')}`;
    counts[route] = (counts[route] ?? 0) + 1;
  }
  return counts;
}

const pages = (n: number): number => Math.ceil(n / PAGE);

describe('requests of an upload', () => {
  it('a new run for 250 results by human id: the minimum the API allows, every lookup once', async () => {
    const results = Array.from({ length: CASES }, (_, i) => result(`REQ-${i + 1} works`));
    const outcome = await uploadResults({ settings: settings(), results });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.summary.uploaded).toBe(CASES);
    const project = emulator.state().projects.find((p) => p.name === 'Counted')!;
    const routes = byRoute();
    expect(routes).toEqual({
      'GET /api/v1/projects': 1,
      'GET /api/v1/test_runs/statuses': 1,
      'GET /api/v1/users': 1,
      'GET /api/v1/projects/{id}/test_cases': pages(CASES),
      'POST /api/v1/projects/{id}/test_runs': 1,
      'PUT /api/v1/projects/{id}/test_runs/{id}/test_cases': pages(CASES),
      'GET /api/v1/projects/{id}/test_runs/{id}/test_cases': pages(CASES),
      'PUT /api/v1/projects/{id}/test_runs/{id}': 1,
    });
    // lookups (3) + case pages + create + writes + read-back pages + close
    const minimum = 3 + pages(CASES) + 1 + pages(CASES) + pages(CASES) + 1;
    expect(emulator.state().requests).toHaveLength(minimum);
    expect(project.id).toBeTruthy();
  });

  it("into a given run with every case named by UUID: the project's cases are not listed", async () => {
    const project = emulator.state().projects.find((p) => p.name === 'Counted')!;
    const cases = emulator
      .state()
      .test_cases.filter((c) => c.project_id === project.id)
      .slice(0, 120);
    // `run create` selecting the cases, as a create job does.
    const first = await uploadResults({ settings: settings(), results: cases.map((c) => result(`${c.human_id} selected`)), openOnly: true });
    const runId = first.summary.runId!;
    const from = emulator.state().requests.length;
    const results = cases.map((c, i) => result(`test ${i}`, [{ name: 'testsigma', value: c.id }]));
    const outcome = await uploadResults({ settings: settings({ runId }), results });
    expect(outcome.error?.message).toBeUndefined();
    expect(outcome.summary.uploaded).toBe(cases.length);
    const routes = byRoute(from);
    expect(routes['GET /api/v1/projects/{id}/test_cases']).toBeUndefined();
    expect(routes['GET /api/v1/projects']).toBe(1);
    expect(routes['PUT /api/v1/projects/{id}/test_runs/{id}/test_cases']).toBe(pages(cases.length));
  });
});

describe('a UUID the given run does not select', () => {
  it("makes the project's cases listed after all, so that one naming no case is reported and the others recorded", async () => {
    const project = emulator.state().projects.find((p) => p.name === 'Counted')!;
    const known = emulator
      .state()
      .test_cases.filter((c) => c.project_id === project.id)
      .slice(0, 3);
    const first = await uploadResults({ settings: settings({ closeRun: false }), results: [result('REQ-1 opens the run')] });
    const missing = '00000000-0000-4000-8000-00000000dead';
    const results = [
      ...known.map((c, i) => result(`test ${i}`, [{ name: 'testsigma', value: c.id }])),
      result('ghost', [{ name: 'testsigma', value: missing }]),
    ];
    const from = emulator.state().requests.length;
    const outcome = await uploadResults({ settings: settings({ runId: first.summary.runId! }), results });
    expect(outcome.error).toBeUndefined();
    expect(outcome.summary.uploaded).toBe(3);
    expect(outcome.summary.unknown).toEqual([{ reference: missing, tests: ['suite › ghost'] }]);
    expect(byRoute(from)['GET /api/v1/projects/{id}/test_cases']).toBe(pages(CASES));
  });
});
