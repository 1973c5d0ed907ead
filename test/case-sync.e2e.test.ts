/**
 * Case sync as a new user meets it: a Playwright suite with no ids, uploaded by the CLI with
 * --create-missing-cases; then twice more, once by two processes at the same time. Assertions on what the
 * emulator holds: one case per test in the chosen folder, every run pointing at those cases.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { heldClock, newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, baseEnv, runNode } from './helpers/run.js';

let emulator: EmulatorHandle;
// Holds what a latency rule delays until the test releases it (only the racing test sets one).
const clock = heldClock();
let dir: string;
let report: string;

beforeAll(async () => {
  emulator = await start({ clock });
  dir = await mkdtemp(join(tmpdir(), 'tm-case-sync-'));
  report = join(dir, 'results.json');
  await writeFile(report, JSON.stringify(playwrightReport()));
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

function spec(title: string, status: 'passed' | 'failed', projects = ['chromium']) {
  return {
    title,
    file: 'checkout.spec.ts',
    tags: [],
    tests: projects.map((projectName) => ({
      projectName,
      status: status === 'passed' ? 'expected' : 'unexpected',
      expectedStatus: 'passed',
      annotations: [],
      results: [{ status, duration: 12, retry: 0, attachments: [], errors: [] }],
    })),
  };
}

/** Playwright's JSON reporter output for a checkout suite: no test carries a case id. */
function playwrightReport() {
  return {
    config: {},
    suites: [
      {
        title: 'checkout.spec.ts',
        file: 'checkout.spec.ts',
        specs: [spec('shows the empty cart', 'passed', ['chromium', 'firefox'])],
        suites: [
          {
            title: 'Checkout',
            file: 'checkout.spec.ts',
            specs: [spec('pays by card', 'passed'), spec('pays by invoice', 'failed')],
            suites: [{ title: 'coupons', file: 'checkout.spec.ts', specs: [spec('rejects an expired code', 'passed')] }],
          },
        ],
      },
    ],
    errors: [],
  };
}

const TITLES = ['Checkout › coupons › rejects an expired code', 'Checkout › pays by card', 'Checkout › pays by invoice', 'shows the empty cart'];

function cli(args: string[]) {
  return runNode(CLI, args, {
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo' }),
    timeoutMs: 90_000,
  });
}

function upload(summary: string) {
  return cli(['upload', report, '--create-missing-cases', '--case-folder', 'Automated/Checkout', '--summary-json', summary]);
}

/**
 * The cases in Automated/Checkout. With `racing`, two uploads may both have created a folder (the API cannot
 * delete one): the oldest is the one both use, and every other must be empty.
 */
function casesInFolder({ racing = false } = {}) {
  const state = emulator.state();
  const oldest = <T extends { created_at: number; id: string }>(list: T[]) => [...list].sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id));
  const automated = oldest(state.folders.filter((f) => f.name === 'Automated' && f.parent_folder_id === null));
  const checkout = oldest(state.folders.filter((f) => f.name === 'Checkout' && f.parent_folder_id === automated[0]?.id));
  if (!racing) {
    expect(automated).toHaveLength(1);
    expect(checkout).toHaveLength(1);
  }
  const used = new Set(state.test_cases.map((c) => c.folder_id));
  const automatedIds = new Set(automated.map((f) => f.id));
  const spare = [
    ...automated.slice(1),
    ...state.folders.filter((f) => f.name === 'Checkout' && automatedIds.has(f.parent_folder_id ?? '') && f.id !== checkout[0]?.id),
  ];
  expect(spare.filter((f) => used.has(f.id))).toEqual([]);
  return state.test_cases.filter((c) => c.folder_id === checkout[0]?.id);
}

describe('create missing cases (CLI)', () => {
  it('a suite with no ids uploaded twice leaves one case per test in the folder and two runs pointing at them', async () => {
    const first = await upload(join(dir, 'first.json'));
    // Progress goes to stderr a line per stage; the only warning is the user's.
    expect(first.stderr.split('\n').filter((line) => line.startsWith('warning:'))).toEqual([
      'warning: Recording results as alice@example.com, the first active user; set --user-email (or TESTSIGMA_USER_EMAIL) to choose.',
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Created 4 test case(s) in folder Automated/Checkout:');
    const created = casesInFolder();
    expect(created.map((c) => c.title).sort()).toEqual(TITLES);

    const second = await upload(join(dir, 'second.json'));
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('Created');
    expect(
      casesInFolder()
        .map((c) => c.id)
        .sort(),
    ).toEqual(created.map((c) => c.id).sort());

    const runs = newRuns(emulator);
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect([...run.selection].sort()).toEqual(created.map((c) => c.id).sort());
      expect(
        Object.values(run.results)
          .map((r) => r.status)
          .sort(),
      ).toEqual(['Failed', 'Passed', 'Passed', 'Passed']);
    }
    const firstSummary = JSON.parse(await readFile(join(dir, 'first.json'), 'utf8')) as { casesCreated: { case: string; title: string; folder: string }[] };
    const secondSummary = JSON.parse(await readFile(join(dir, 'second.json'), 'utf8')) as { casesCreated: unknown[] };
    expect(firstSummary.casesCreated.map((c) => [c.title, c.folder]).sort()).toEqual(TITLES.map((t) => [t, 'Automated/Checkout']));
    expect(firstSummary.casesCreated.map((c) => c.case).sort()).toEqual(created.map((c) => c.human_id).sort());
    expect(secondSummary.casesCreated).toEqual([]);
  });

  it('two processes uploading at once create each case once', async () => {
    // Each process's listing of the cases is held until both have asked: both see no case before either creates one.
    emulator.setFaults([{ kind: 'latency', route: 'GET /projects/*/test_cases', ms: 1, times: 2 }]);
    const uploads = Promise.all([upload(join(dir, 'a.json')), upload(join(dir, 'b.json'))]);
    // (Or both ended without listing: the assertions below say how.)
    await Promise.race([clock.whenHeld(2), uploads]);
    clock.release();
    const [a, b] = await uploads;
    expect([a.code, b.code]).toEqual([0, 0]);
    const cases = casesInFolder({ racing: true });
    expect(cases.map((c) => c.title).sort()).toEqual(TITLES);
    const summaries = await Promise.all(
      ['a.json', 'b.json'].map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as { casesCreated: { case: string }[] }),
    );
    expect(summaries.flatMap((s) => s.casesCreated.map((c) => c.case)).sort()).toEqual(cases.map((c) => c.human_id).sort());
    for (const run of newRuns(emulator)) expect([...run.selection].sort()).toEqual(cases.map((c) => c.id).sort());
    expect(newRuns(emulator)).toHaveLength(2);
    // Every case created beyond one per test was deleted again.
    const writes = emulator.state().requests.filter((r) => /\/projects\/[^/]+\/test_cases/.test(r.path));
    expect(writes.filter((r) => r.method === 'POST').length - writes.filter((r) => r.method === 'DELETE').length).toBe(4);
  });

  it('--dry-run lists what would be created and writes nothing', async () => {
    const res = await cli(['upload', report, '--create-missing-cases', '--case-folder', 'Automated/Checkout', '--dry-run']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      `Would create 4 test case(s) in folder Automated/Checkout:\n${['shows the empty cart', 'Checkout › pays by card', 'Checkout › pays by invoice', 'Checkout › coupons › rejects an expired code'].map((t) => `    ${t}`).join('\n')}`,
    );
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('underscore ids (CLI)', () => {
  it('records pytest and Go names that carry DEMO_<n>, and lists an id naming no case as unknown', async () => {
    const file = join(dir, 'underscore.xml');
    await writeFile(
      file,
      `<testsuites name="pytest tests"><testsuite name="pytest">
        <testcase classname="tests.test_cart" name="test_demo_12_update_quantity"><failure message="assert 2 == 3">E assert 2 == 3</failure></testcase>
        <testcase classname="tests.DEMO_17" name="test_total"/>
        <testcase classname="tests.test_cart" name="test_demo_999_removed_case"/>
      </testsuite><testsuite name="example.com/shop/checkout">
        <testcase classname="example.com/shop/checkout" name="TestCheckout_DEMO_16"/>
        <testcase classname="example.com/shop/checkout" name="TestCheckout_DEMO_16/declined_card"/>
      </testsuite></testsuites>`,
    );
    const summary = join(dir, 'underscore.json');
    const res = await cli(['upload', file, '--summary-json', summary]);
    expect(res.code).toBe(0);
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual({ 'DEMO-12': 'Failed', 'DEMO-16': 'Passed', 'DEMO-17': 'Passed' });
    const written = JSON.parse(await readFile(summary, 'utf8')) as { unknown: unknown };
    expect(written.unknown).toEqual([{ reference: 'DEMO-999', tests: ['pytest › test_demo_999_removed_case'] }]);
  });
});
