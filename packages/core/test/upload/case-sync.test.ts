/**
 * Case sync against the emulator over loopback: match by title across producers' naming, ambiguity reported,
 * cases created into nested folders with the required lookups, a second upload creating nothing, a rename
 * found by identity, and two uploads racing to create the same cases ending with one case each.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { TestResult } from '../../src/model.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { identityIn } from '../../src/map/title.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    rateLimit: false,
    seed: {
      projects: [
        {
          name: 'Shop',
          human_id_prefix: 'SHOP',
          folders: [{ name: 'Automated' }],
          test_cases: [
            { title: 'Checkout › adds an item to the cart', folder: 'Automated' },
            { title: 'Cart > removes an item' },
            { title: 'Login works' },
            { title: 'login   WORKS' },
            { title: 'shows the total' },
          ],
        },
      ],
    },
  });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

function result(suitePath: string[], name: string, extra: Partial<TestResult> = {}): TestResult {
  const status = extra.status ?? 'passed';
  return { source: 'results.json', suitePath, name, status, properties: [], tags: [], attachments: [], attempts: [{ status }], ...extra };
}

function settings(extra: Record<string, unknown> = {}) {
  return resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Shop', ...extra }, {});
}

function cases() {
  return emulator.state().test_cases;
}

function caseByTitle(title: string) {
  return cases().filter((c) => c.title === title);
}

/** A Playwright suite with no ids: file › describe › test. */
const playwright = [
  result(['Checkout'], 'pays by card', { file: 'tests/checkout.spec.ts' }),
  result(['Checkout', 'coupons'], 'rejects an expired code', { file: 'tests/checkout.spec.ts', status: 'failed' }),
  result([], 'home page loads', { file: 'tests/home.spec.ts', project: 'chromium' }),
  result([], 'home page loads', { file: 'tests/home.spec.ts', project: 'firefox' }),
];

describe('match by title', () => {
  it('finds cases across " › ", " > ", jest-junit spaces and JUnit file suites, and reports two cases with one title', async () => {
    const results = [
      result(['Checkout'], 'adds an item to the cart', { file: 'cart.spec.ts' }), // Playwright JSON
      result(['tests/cart.test.ts'], 'Cart > removes an item', { classname: 'tests/cart.test.ts' }), // Vitest JUnit
      result(['Checkout'], 'Checkout adds an item to the cart', { status: 'failed' }), // jest-junit (suite = outer describe)
      result(['ui.spec.ts'], 'Login works', { classname: 'ui.spec.ts' }), // two cases have this title
      result([], 'no such case'),
    ];
    const outcome = await uploadResults({ settings: settings({ matchByTitle: true }), results });
    expect(outcome.error).toBeUndefined();
    expect(outcome.summary.mapped).toBe(2);
    expect(outcome.summary.byStatus).toEqual({ Failed: 1, Passed: 1 });
    expect(outcome.summary.caseSync).toEqual({
      matchedByTitle: 2,
      ambiguous: [{ title: 'Login works', cases: ['SHOP-3', 'SHOP-4'], tests: ['ui.spec.ts › Login works'] }],
      renamed: [],
      folders: [],
    });
    expect(outcome.summary.unmapped).toEqual(['ui.spec.ts › Login works', 'no such case']);
    expect(outcome.summary.casesCreated).toEqual([]);
  });

  it("is off by default, and title-part=name compares only the test's own title", async () => {
    const off = await uploadResults({ settings: settings(), results: [result(['Cart'], 'shows the total')] });
    expect(off.summary.mapped).toBe(0);
    expect(off.summary.caseSync).toBeNull();
    const full = await uploadResults({ settings: settings({ matchByTitle: true }), results: [result(['Cart'], 'shows the total')] });
    expect(full.summary.mapped).toBe(0);
    const name = await uploadResults({ settings: settings({ matchByTitle: true, titlePart: 'name' }), results: [result(['Cart'], 'shows the total')] });
    expect(name.summary.mapped).toBe(1);
  });
});

describe('create missing cases', () => {
  it('creates one case per test in a nested folder, and a second identical upload creates nothing', async () => {
    const before = cases().length;
    const first = await uploadResults({ settings: settings({ createMissingCases: true, caseFolder: 'Automated/Checkout' }), results: playwright });
    expect(first.error).toBeUndefined();
    // Created a few at a time, so the numbers may come in another order than the tests.
    expect(first.summary.casesCreated?.map((c) => [c.title, c.folder])).toEqual([
      ['Checkout › pays by card', 'Automated/Checkout'],
      ['Checkout › coupons › rejects an expired code', 'Automated/Checkout'],
      ['home page loads', 'Automated/Checkout'],
    ]);
    const titleOf = new Map(cases().map((c) => [c.human_id, c.title]));
    for (const c of first.summary.casesCreated ?? []) expect(titleOf.get(c.case ?? '')).toBe(c.title);
    expect(first.summary.casesCreated?.map((c) => c.case).sort()).toEqual(['SHOP-6', 'SHOP-7', 'SHOP-8']);
    expect(first.summary.caseSync?.folders).toEqual(['Automated/Checkout']);
    const state = emulator.state();
    const automated = state.folders.filter((f) => f.name === 'Automated');
    expect(automated).toHaveLength(1);
    const checkout = state.folders.find((f) => f.name === 'Checkout');
    expect(checkout?.parent_folder_id).toBe(automated[0]?.id);
    const created = state.test_cases.slice(before);
    expect(created.map((c) => c.folder_id)).toEqual([checkout?.id, checkout?.id, checkout?.id]);
    const coupons = created.find((c) => c.title === 'Checkout › coupons › rejects an expired code');
    const automatedType = state.lookups.test_case_automation_types.find((l) => l.name === 'Automated');
    expect(new Set(created.map((c) => c.automation_type_id))).toEqual(new Set([automatedType?.id]));
    expect(coupons?.description).toMatch(
      /^Created by testsigma-tm for an automated test\.\nFile: tests\/checkout\.spec\.ts\nTitle path: Checkout › coupons › rejects an expired code\ntestsigma-tm-test: [0-9a-f]{16}$/,
    );

    const second = await uploadResults({ settings: settings({ createMissingCases: true, caseFolder: 'Automated/Checkout' }), results: playwright });
    expect(second.error).toBeUndefined();
    expect(second.summary.casesCreated).toEqual([]);
    expect(emulator.state().test_cases).toHaveLength(before + 3);
    expect(emulator.state().folders).toHaveLength(2);
    const runs = emulator.state().test_runs;
    expect(runs).toHaveLength(2);
    for (const run of runs) expect([...run.selection].sort()).toEqual(created.map((c) => c.id).sort());
    expect(
      Object.values(runs[1]?.results ?? {})
        .map((r) => r.status)
        .sort(),
    ).toEqual(['Failed', 'Passed', 'Passed']);
  });

  it('a dry run lists what would be created and writes nothing', async () => {
    const before = emulator.state();
    const outcome = await uploadResults({ settings: settings({ createMissingCases: true, caseFolder: 'New/Deeper', dryRun: true }), results: playwright });
    expect(outcome.error).toBeUndefined();
    expect(outcome.summary.casesCreated?.map((c) => [c.case, c.title, c.folder])).toEqual([
      [null, 'Checkout › pays by card', 'New/Deeper'],
      [null, 'Checkout › coupons › rejects an expired code', 'New/Deeper'],
      [null, 'home page loads', 'New/Deeper'],
    ]);
    expect(outcome.summary.caseSync?.folders).toEqual(['New', 'New/Deeper']);
    expect(emulator.state().test_cases).toHaveLength(before.test_cases.length);
    expect(emulator.state().folders).toHaveLength(before.folders.length);
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('finds a created case by its identity after the test moves to another describe block (title-part=name), and reports the rename', async () => {
    await uploadResults({ settings: settings({ createMissingCases: true, titlePart: 'name' }), results: [result(['Checkout'], 'applies a coupon')] });
    const outcome = await uploadResults({
      settings: settings({ createMissingCases: true, titlePart: 'name' }),
      results: [result(['Cart', 'coupons'], 'Applies  a coupon')],
    });
    expect(outcome.summary.casesCreated).toEqual([]);
    expect(outcome.summary.caseSync?.renamed).toEqual([{ case: 'SHOP-6', title: 'Checkout › applies a coupon', now: 'Cart › coupons › Applies  a coupon' }]);
    expect(caseByTitle('Checkout › applies a coupon')).toHaveLength(1);
    expect(outcome.summary.uploaded).toBe(1);
  });

  it('a create whose answer was lost is found by its identity line, not made twice', async () => {
    emulator.setFaults([{ kind: 'lost-answer', route: 'POST /projects/*/test_cases', times: 1 }]);
    const outcome = await uploadResults({
      settings: settings({ createMissingCases: true }),
      results: [result(['Checkout'], 'pays by card')],
      http: { retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 } },
    });
    expect(outcome.error).toBeUndefined();
    expect(caseByTitle('Checkout › pays by card')).toHaveLength(1);
    expect(outcome.summary.casesCreated).toEqual([{ case: 'SHOP-6', title: 'Checkout › pays by card', folder: null }]);
    expect(outcome.summary.uploaded).toBe(1);
  });

  it('names every lookup the service does not offer, and which setting chooses it', async () => {
    const outcome = await uploadResults({
      settings: settings({ createMissingCases: true, casePriority: 'Urgent', caseAutomationType: 'Robot' }),
      results: playwright,
    });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.error?.message).toBe(
      'Test cases cannot be created: the service has no priority "Urgent" (--case-priority / TESTSIGMA_CASE_PRIORITY (input case-priority, option casePriority); it offers "Critical", "High", "Medium", "Low"); no automation type "Robot" (--case-automation-type / TESTSIGMA_CASE_AUTOMATION_TYPE (input case-automation-type, option caseAutomationType); it offers "Automated", "Not Automated", "Cannot Be Automated"). Set each to one of the names offered.',
    );
    expect(emulator.state().test_cases).toHaveLength(5);
  });

  it('two uploads creating the same cases at once end with one case per test, both recorded', async () => {
    // Both list the cases before either creates, so both create; each then re-lists and the younger goes.
    emulator.setFaults([{ kind: 'latency', route: 'GET /projects/*/test_cases', ms: 300 }]);
    const [a, b] = await Promise.all([
      uploadResults({ settings: settings({ createMissingCases: true, caseFolder: 'Racing' }), results: playwright }),
      uploadResults({ settings: settings({ createMissingCases: true, caseFolder: 'Racing' }), results: playwright }),
    ]);
    expect(a.error).toBeUndefined();
    expect(b.error).toBeUndefined();
    const state = emulator.state();
    const synced = state.test_cases.filter((c) => identityIn(c.description));
    expect(synced.map((c) => c.title).sort()).toEqual(['Checkout › coupons › rejects an expired code', 'Checkout › pays by card', 'home page loads']);
    expect((a.summary.casesCreated ?? []).length + (b.summary.casesCreated ?? []).length).toBe(3);
    const writes = state.requests.filter((r) => r.method !== 'GET' && /\/test_cases(\/[^/]+)?$/.test(r.path) && !r.path.includes('test_runs'));
    expect(writes.filter((r) => r.method === 'POST')).toHaveLength(6);
    expect(writes.filter((r) => r.method === 'DELETE')).toHaveLength(3);
    for (const run of state.test_runs) expect([...run.selection].sort()).toEqual(synced.map((c) => c.id).sort());
    expect(state.test_runs.every((run) => Object.keys(run.results).length === 3)).toBe(true);
  });
});
