/**
 * Issue 20's "done when" for Allure: a Jest suite with allure-jest and a Playwright suite with allure-playwright,
 * both with test-management links, land on their cases through the CLI AND the Action. Their real adapters'
 * output is in test/fixtures/allure (see its README); test/formats-json.e2e.test.ts sends allure-jest's through
 * the CLI and allure-playwright's through the Action, so this file sends each through the other host.
 */
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { ACTION, CLI, ROOT, baseEnv, runNode } from './helpers/run.js';

const FIXTURES = join(ROOT, 'test/fixtures/allure');
let emulator: EmulatorHandle;

beforeAll(async () => {
  emulator = await start();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

/** A copy of an adapter's allure-results in a fresh workspace, its case ids moved into the Demo project's range. */
async function workspaceWith(adapter: string, move: [RegExp, string]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tm-allure-hosts-'));
  await cp(join(FIXTURES, adapter, 'allure-results'), join(dir, 'allure-results'), { recursive: true });
  for (const name of await readdir(join(dir, 'allure-results'))) {
    if (!name.endsWith('-result.json')) continue;
    const file = join(dir, 'allure-results', name);
    await writeFile(file, (await readFile(file, 'utf8')).replace(move[0], move[1]));
  }
  return dir;
}

function action(dir: string) {
  const env = baseEnv({
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '779',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_NUMBER: '14',
    GITHUB_WORKFLOW: 'CI',
    'INPUT_API-TOKEN': emulator.token,
    'INPUT_PROJECT-ID': 'Demo',
    'INPUT_BASE-URL': emulator.url,
    INPUT_RESULTS: 'allure-results',
  });
  return runNode(ACTION, [], { env, cwd: dir });
}

describe('allure-jest through the Action', () => {
  it('lands each test on the case its tms link or testsigma label names; the broken afterAll fails them, and the step', async () => {
    const dir = await workspaceWith('allure-jest', [/DEMO-7(\d)/g, 'DEMO-2$1']);
    const res = await action(dir);
    // The afterAll's error is in the globals file too: the run failed outside any test (INPUT_RUN_FAILED).
    expect(res.code, res.stdout + res.stderr).toBe(1);
    expect(res.stdout).toContain('::error::allure-results: the test runner reported 1 error(s) outside any test');
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual({ 'DEMO-21': 'Failed', 'DEMO-22': 'Failed', 'DEMO-23': 'Failed' });
    const caseId = emulator.state().test_cases.find((c) => c.human_id === 'DEMO-21')?.id ?? '';
    expect(run?.results[caseId]?.attachments.map((a) => a.content_type)).toEqual(['text/plain']);
  });
});

describe('allure-playwright through the CLI', () => {
  it('lands each test on its case: the retried one passed, the one failing both attempts failed', async () => {
    const dir = await workspaceWith('allure-playwright', [/DEMO-8(\d)/g, 'DEMO-3$1']);
    const res = await runNode(CLI, ['upload', 'allure-results', '--summary-json', 'summary.json'], {
      cwd: dir,
      env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo' }),
    });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual({ 'DEMO-31': 'Passed', 'DEMO-32': 'Passed', 'DEMO-33': 'Failed' });
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
    expect(summary.files.map((f: { path: string; tests: number }) => [f.path, f.tests])).toEqual([['allure-results', 3]]);
  });
});
