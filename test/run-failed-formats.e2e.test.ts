/**
 * Result files of other formats that say their run failed outside any test, uploaded through the CLI as a user
 * runs it: a .NET TRX file whose test host crashed (a `<RunInfo outcome="Error">`) or whose run was aborted, and an
 * Allure results directory whose globals file holds an error (allure-jest's real output). Each ends as Playwright's
 * `errors[]` and Jest's `runExecError` do: the results recorded, the errors named, INPUT_RUN_FAILED (exit 2). Real
 * TRX files whose Error RunInfos only restate their failed tests (the xUnit.net adapter's `[FAIL]` copies,
 * Microsoft.Testing.Platform's exit code 2) do not fail the upload. What the emulator holds is checked.
 */
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, baseEnv, runNode } from './helpers/run.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
let emulator: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-run-failed-'));
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => emulator.reset());

function cli(args: string[], cwd = dir) {
  return runNode(CLI, ['upload', ...args], {
    cwd,
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo' }),
  });
}

const KINDS = '(global setup or teardown, a worker, loading a test file, the test runner itself)';
const why = (runner: string) =>
  'An error outside any test belongs to no test case, so none is recorded against one, and tests it kept from running are not in the file, ' +
  `so they are not recorded at all. Fix it (${runner} printed it in full in the test step's output) and run the tests again.`;
const TODO = "What to do: Fix the error named (the test step's output shows it in full) and run the tests again. (INPUT_RUN_FAILED)";

/**
 * A TRX file as vstest's TrxLogger writes it (results before definitions) for a run of DEMO-1 and DEMO-2 that both
 * passed, with `summary` as its ResultSummary.
 */
function trxFile(summary: string): string {
  const result = (n: number) =>
    `<UnitTestResult executionId="e${n}" testId="t${n}" testName="Shop.Tests.Cart.DEMO_${n}" computerName="BUILD-7" duration="00:00:00.0100000" outcome="Passed" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="e${n}" />`;
  const definition = (n: number) =>
    `<UnitTest name="Shop.Tests.Cart.DEMO_${n}" storage="/src/shop.tests.dll" id="t${n}"><Execution id="e${n}" /><TestMethod codeBase="/src/Shop.Tests.dll" adapterTypeName="executor://xunit/VsTestRunner2/netcoreapp" className="Shop.Tests.Cart" name="DEMO_${n}" /></UnitTest>`;
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n<TestRun id="r1" name="runner@BUILD-7 2026-12-07 10:00:00" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">\n' +
    '<Times creation="2026-12-07T10:00:00.0000000+00:00" start="2026-12-07T10:00:00.0000000+00:00" finish="2026-12-07T10:00:05.0000000+00:00" />\n' +
    `<Results>${result(1)}${result(2)}</Results>\n<TestDefinitions>${definition(1)}${definition(2)}</TestDefinitions>\n${summary}\n</TestRun>\n`
  );
}

const CRASH = 'The active test run was aborted. Reason: Test host process crashed : Stack overflow.';

describe('a .NET TRX file whose run failed outside any test', () => {
  it('a crashed test host (RunInfo Error): the passed results are recorded, the crash named with its computer, exit 2', async () => {
    const file = join(dir, 'crash.trx');
    await writeFile(
      file,
      trxFile(
        '<ResultSummary outcome="Failed"><Counters total="2" executed="2" passed="2" failed="0" /><RunInfos>' +
          `<RunInfo computerName="BUILD-7" outcome="Warning" timestamp="2026-12-07T10:00:04"><Text>Data collector 'Blame' message: The specified inactivity time of 5 minutes has elapsed.</Text></RunInfo>` +
          `<RunInfo computerName="BUILD-7" outcome="Error" timestamp="2026-12-07T10:00:05"><Text>${CRASH}\n   at Shop.Tests.Cart.Recurse()</Text></RunInfo>` +
          '</RunInfos></ResultSummary>',
      ),
    );
    const res = await cli(['crash.trx']);
    expect(res.code, res.stdout + res.stderr).toBe(2);
    const heading = `crash.trx: dotnet test reported 1 error(s) outside any test ${KINDS}; the run that wrote this file failed, whatever the results recorded say:`;
    expect(res.stderr).toContain(`testsigma-tm: ${heading}\n    on BUILD-7: ${CRASH}\n${why('dotnet test')}\n`);
    // The warning RunInfo stays a warning; the error is not repeated as one.
    expect(res.stderr).toContain(
      "warning: crash.trx: the test run logged a warning: Data collector 'Blame' message: The specified inactivity time of 5 minutes has elapsed.\n",
    );
    expect(res.stderr).not.toContain('warning: crash.trx: the test run reported an error');
    const summary = res.stdout.split('\n');
    expect(summary).toContain(heading);
    expect(res.stderr.trimEnd().split('\n').at(-1)).toBe(TODO);
    const [run] = newRuns(emulator);
    expect(statusesByHumanId(emulator, run!)).toEqual({ 'DEMO-1': 'Passed', 'DEMO-2': 'Passed' });
  });

  it('an aborted run whose RunInfos name nothing: the outcome is the error named', async () => {
    await writeFile(
      join(dir, 'aborted.trx'),
      trxFile('<ResultSummary outcome="Aborted"><Counters total="2" executed="2" passed="2" failed="0" /></ResultSummary>'),
    );
    const res = await cli(['aborted.trx']);
    expect(res.code, res.stdout + res.stderr).toBe(2);
    expect(res.stderr).toContain(
      `testsigma-tm: aborted.trx: dotnet test reported 1 error(s) outside any test ${KINDS}; the run that wrote this file failed, whatever the results recorded say:\n` +
        "    the test run's outcome is Aborted, not Completed: it did not end as it should, and the file does not say why (the test run's log does)\n",
    );
    expect(statusesByHumanId(emulator, newRuns(emulator)[0]!)).toEqual({ 'DEMO-1': 'Passed', 'DEMO-2': 'Passed' });
  });

  it("real files whose Error RunInfos only restate failed tests (xUnit.net's [FAIL] copies, the test platform's exit code 2) pass", async () => {
    for (const name of ['dotnet-trx.trx', 'dotnet-xunitv3.trx']) {
      const res = await cli(['--dry-run', join(FIXTURES, 'xml/dorny__test-reporter', name)]);
      expect(res.code, res.stdout + res.stderr).toBe(0);
      expect(res.stderr).not.toContain('outside any test');
    }
  });
});

describe('an Allure results directory whose globals file holds an error', () => {
  it("allure-jest's afterAll that failed: its tests are recorded, the error named, exit 2", async () => {
    const workspace = await mkdtemp(join(dir, 'allure-'));
    await cp(join(FIXTURES, 'allure/allure-jest/allure-results'), join(workspace, 'allure-results'), { recursive: true });
    // Its case ids moved into the Demo project's range (DEMO-71..73 → DEMO-21..23).
    for (const name of await readdir(join(workspace, 'allure-results'))) {
      if (!name.endsWith('-result.json')) continue;
      const file = join(workspace, 'allure-results', name);
      await writeFile(file, (await readFile(file, 'utf8')).replace(/DEMO-7(\d)/g, 'DEMO-2$1'));
    }
    const res = await cli(['allure-results'], workspace);
    expect(res.code, res.stdout + res.stderr).toBe(2);
    expect(res.stderr).toContain(
      `testsigma-tm: allure-results: the test runner reported 1 error(s) outside any test ${KINDS}; the run that wrote this file failed, whatever the results recorded say:\n` +
        `    afterAll failed: could not close the gateway connection\n${why('the test runner')}\n`,
    );
    expect(res.stderr).not.toContain('Allure recorded an error outside any test');
    expect(res.stderr.trimEnd().split('\n').at(-1)).toBe(TODO);
    const [run] = newRuns(emulator);
    expect(statusesByHumanId(emulator, run!)).toEqual({ 'DEMO-21': 'Failed', 'DEMO-22': 'Failed', 'DEMO-23': 'Failed' });
  });
});
