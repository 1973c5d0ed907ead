/**
 * Issue 20's "done when", live: a Jest suite run with allure-jest and a Playwright suite run with
 * allure-playwright, both with test-management links, in user projects that installed the adapters from npm
 * (test/setup/packed-projects.ts), then their allure-results uploaded through the CLI and through the Action,
 * each test landing on its case. The suites are test/fixtures/allure's (see its README), their case ids moved
 * into the emulator's Demo project (DEMO-71.. → DEMO-21.., DEMO-81.. → DEMO-31..).
 */
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, ROOT, baseEnv, runNode, runAction } from './helpers/run.js';

const FIXTURES = join(ROOT, 'test/fixtures/allure');
const JEST_BIN = join(ROOT, 'node_modules/jest/bin/jest.js');
let emulator: EmulatorHandle;

beforeAll(async () => {
  emulator = await start();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

/** The adapter's fixture suite copied into a fresh folder of the user project, its case ids moved. */
async function suiteIn(project: string, adapter: string, move: [RegExp, string]): Promise<string> {
  const dir = await mkdtemp(join(project, `${adapter}-`));
  await cp(join(FIXTURES, adapter, 'project'), dir, { recursive: true });
  for (const file of await listFiles(dir)) await writeFile(file, (await readFile(file, 'utf8')).replace(move[0], move[1]));
  return dir;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function cli(dir: string) {
  return runNode(CLI, ['upload', 'allure-results'], {
    cwd: dir,
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo' }),
  });
}

function action(dir: string) {
  return runAction(emulator, dir, 'allure-results');
}

/** Uploads the suite's allure-results through `host`, then the statuses the new run recorded by case. */
async function uploaded(host: typeof cli, dir: string, code = 0): Promise<Record<string, string> | undefined> {
  emulator.reset();
  const res = await host(dir);
  expect(res.code, res.stdout + res.stderr).toBe(code);
  const [run] = newRuns(emulator);
  return run && statusesByHumanId(emulator, run);
}

describe('a Jest suite run with allure-jest', () => {
  it('lands each test on its case through the CLI and the Action', { timeout: 180_000 }, async () => {
    const dir = await suiteIn(inject('packed').jestProject, 'allure-jest', [/DEMO-7(\d)/g, 'DEMO-2$1']);
    const jest = await runNode(JEST_BIN, ['--rootDir', dir, '--config', join(dir, 'jest.config.js'), '--ci', '--no-watchman', '--runInBand'], {
      cwd: dir,
      env: baseEnv(),
    });
    // One test fails on purpose, and the afterAll throws.
    expect(jest.code, jest.stdout + jest.stderr).toBe(1);
    // The tms link by name, the tms link by URL and the testsigma label; the afterAll that broke fails all three.
    const expected = { 'DEMO-21': 'Failed', 'DEMO-22': 'Failed', 'DEMO-23': 'Failed' };
    // allure-jest records the afterAll's error in a globals file too: the run failed outside any test, so the
    // upload ends with INPUT_RUN_FAILED (the CLI exits 2, the Action fails its step) after recording the results.
    expect(await uploaded(cli, dir, 2)).toEqual(expected);
    expect(await uploaded(action, dir, 1)).toEqual(expected);
  });
});

describe('a Playwright suite run with allure-playwright', () => {
  it('lands each test on its case through the CLI and the Action', { timeout: 180_000 }, async () => {
    const project = inject('packed').playwrightProject;
    const dir = await suiteIn(project, 'allure-playwright', [/DEMO-8(\d)/g, 'DEMO-3$1']);
    const playwright = await runNode(join(project, 'node_modules/@playwright/test/cli.js'), ['test', '--config', join(dir, 'playwright.config.js')], {
      cwd: dir,
      env: baseEnv(),
    });
    expect(playwright.code, playwright.stdout + playwright.stderr).toBe(1);
    // The tms link, the tms annotation retried into a pass, and the test tagged and labelled that fails twice.
    const expected = { 'DEMO-31': 'Passed', 'DEMO-32': 'Passed', 'DEMO-33': 'Failed' };
    expect(await uploaded(cli, dir)).toEqual(expected);
    expect(await uploaded(action, dir)).toEqual(expected);
  });
});
