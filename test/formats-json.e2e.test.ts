/**
 * The JSON formats of issue 20 through the real CLI, as a user runs it: a dry run over each format's real file
 * (the mapping checked against the emulator's Demo project), and an Allure results directory with tms links,
 * labels, retries, a failed fixture and an attachment uploaded for real.
 */
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, ROOT, baseEnv, runNode, runAction } from './helpers/run.js';

const FIXTURES = join(ROOT, 'test/fixtures');
let emulator: EmulatorHandle;

beforeAll(async () => {
  emulator = await start();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function cli(args: string[], cwd = ROOT) {
  return runNode(CLI, ['upload', ...args], {
    cwd,
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo' }),
  });
}

describe('upload --dry-run over each JSON format', () => {
  it.each([
    ['native/jest-aggregated/jest-aggregated.json', 'Read 7 test result(s) from 1 file(s).', '    Login › remembers the user [DEMO-32] → DEMO-32'],
    ['native/mocha/mocha.json', 'Read 6 test result(s) from 1 file(s).', '    Cart DEMO-41 adding items › rejects a negative quantity → DEMO-41'],
    ['native/mocha/mochawesome.json', 'Read 7 test result(s) from 1 file(s).', '    Cart › applies a coupon [DEMO-42] → DEMO-42'],
    ['native/go-test/go-test.json', 'Read 8 test result(s) from 1 file(s).', '    example.com/demo/broken → none: no id'],
    [
      'native/dorny__test-reporter/__tests__fixtures__dart-json.json',
      'Read 6 test result(s) from 1 file(s).',
      '    test\\main_test.dart › Test 1 › Passing test → none: no id',
    ],
    [
      'native/dorny__test-reporter/__tests__fixtures__rspec-json.json',
      'Read 3 test result(s) from 1 file(s).',
      '    CheckEnvVars#call when all env vars are defined behaves like success load › skips the test → none: no id',
    ],
    // Its globals file holds a beforeAll's error: the run failed outside any test (INPUT_RUN_FAILED, exit 2).
    ['allure/allure-vitest/allure-results', 'Read 5 test result(s) from 1 file(s).', '    Orders › cancels an order → none: unknown id DEMO-62, 1234', 2],
  ])('%s', async (file, read, mapped, code = 0) => {
    const res = await cli(['--dry-run', join(FIXTURES, file)]);
    expect(res.code).toBe(code);
    expect(res.stdout.split('\n')[0]).toBe(read);
    expect(res.stdout).toContain(`\n${mapped}\n`);
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });
});

describe('files of a known format that hold no test', () => {
  const EMPTY = join(FIXTURES, 'native/dorny__test-reporter/__tests__fixtures__empty_mocha-json.json');

  it('alone: refused (exit 2), since the test step probably ran nothing; nothing is written', async () => {
    const res = await cli([EMPTY]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      `testsigma-tm: ${EMPTY} was read as Mocha JSON and holds no test results, and no other file had any: ` +
        'the test step probably ran no test (a filter that selected none, or a crash before the first test). ' +
        'Nothing was recorded; set fail-on-empty to false to accept an empty run.\n',
    );
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('beside a file with results: a warning, and the results are recorded (exit 0)', async () => {
    const res = await cli([EMPTY, join(FIXTURES, 'native/mocha/mocha.json')]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`warning: ${EMPTY} contains no test results.\n`);
    expect(res.stdout.split('\n')[0]).toBe('Read 6 test result(s) from 2 file(s).');
  });

  it('alone with fail-on-empty off: a warning only (exit 0)', async () => {
    const res = await runNode(CLI, ['upload', EMPTY], {
      env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', TESTSIGMA_FAIL_ON_EMPTY: 'false' }),
    });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`warning: ${EMPTY} contains no test results.\n`);
  });
});

describe('an Allure results directory uploaded through the CLI', () => {
  it('lands each test on the case its tms link or testsigma label names, with its retries, fixture failure and attachment', async () => {
    // allure-jest's real output, its case ids moved into the Demo project's range (DEMO-71..73 → DEMO-21..23).
    const dir = await workspaceWith('allure/allure-jest/allure-results', [/DEMO-7(\d)/g, 'DEMO-2$1']);
    const res = await cli(['allure-results', '--summary-json', 'summary.json'], dir);
    // Its afterAll's error is in the globals file too: the run failed outside any test (run-failed-formats.e2e).
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('(INPUT_RUN_FAILED)');
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual({ 'DEMO-21': 'Failed', 'DEMO-22': 'Failed', 'DEMO-23': 'Failed' });
    const caseId = emulator.state().test_cases.find((c) => c.human_id === 'DEMO-21')?.id ?? '';
    const recorded = run?.results[caseId];
    // Sent under its file's name (upload/attachments names files by their path), found beside the result file.
    expect(recorded?.attachments.map((a) => [a.name, a.content_type])).toEqual([['5cdf5d96-0052-4bdd-a0bb-8901c63ec1ee-attachment.txt', 'text/plain']]);
    expect(recorded?.description).toContain('The tear-down fixture "afterAll" broke: could not close the gateway connection');
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
    expect(summary.files.map((f: { path: string; tests: number }) => [f.path, f.tests])).toEqual([['allure-results', 3]]);
  });
});

/** A copy of an Allure fixture directory in a fresh workspace, its case ids moved by `move`, e.g. DEMO-81 → DEMO-31. */
async function workspaceWith(fixture: string, move: [RegExp, string]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tm-allure-e2e-'));
  await cp(join(FIXTURES, fixture), join(dir, 'allure-results'), { recursive: true });
  for (const name of await readdir(join(dir, 'allure-results'))) {
    if (!name.endsWith('-result.json')) continue;
    const file = join(dir, 'allure-results', name);
    await writeFile(file, (await readFile(file, 'utf8')).replace(move[0], move[1]));
  }
  return dir;
}

describe('an Allure results directory uploaded through the Action (dist/index.js)', () => {
  it("allure-playwright's directory: each test on its case, the retried one passed, the failed one with its attachment", async () => {
    const dir = await workspaceWith('allure/allure-playwright/allure-results', [/DEMO-8(\d)/g, 'DEMO-3$1']);
    const res = await runAction(emulator, dir, 'allure-results');
    expect(res.code).toBe(0);
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual({ 'DEMO-31': 'Passed', 'DEMO-32': 'Passed', 'DEMO-33': 'Failed' });
    const caseId = emulator.state().test_cases.find((c) => c.human_id === 'DEMO-33')?.id ?? '';
    expect(run?.results[caseId]?.attachments.map((a) => a.content_type)).toEqual(['text/markdown']);
  });
});
