// Every outcome a TRX file can give a result and its run (vstest's TestOutcome, in its TrxLogger's
// ObjectModel/TestOutcome.cs), read so that a pass never hides a failure: only a pass reads passed, an outcome
// whose reading is a judgement is named in a warning, and a run that ended badly without saying why in any
// result is named too. Then the same through an upload to the emulator, as the case statuses a user sees.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import { parseResultText, readResultFiles } from '../../src/formats/read-files.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';

/** A TRX file as vstest lays it out: results first, then their definitions, then the run's summary. */
function trx(results: Array<[name: string, outcome: string]>, summary = '<ResultSummary outcome="Completed" />'): string {
  const ids = results.map((_, i) => `t${i}`);
  return (
    '\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<TestRun id="r" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">\n<Results>\n' +
    results
      .map(
        ([name, outcome], i) =>
          `  <UnitTestResult executionId="e${i}" testId="${ids[i]}" testName="${name}" duration="00:00:00.0100000" outcome="${outcome}" />\n`,
      )
      .join('') +
    '</Results>\n<TestDefinitions>\n' +
    results.map(([name], i) => `  <UnitTest name="${name}" id="${ids[i]}"><TestMethod className="Shop.Tests" name="${name}" /></UnitTest>\n`).join('') +
    `</TestDefinitions>\n${summary}\n</TestRun>\n`
  );
}

describe('TRX outcomes', () => {
  it('reads only a pass as passed: each outcome as its meaning, the judged ones named', async () => {
    const outcomes = [
      'Passed',
      'Failed',
      'NotExecuted',
      'Error',
      'Timeout',
      'Aborted',
      'Disconnected',
      'Inconclusive',
      'NotRunnable',
      'InProgress',
      'Pending',
      'PassedButRunAborted',
      'Completed',
      'Warning',
    ];
    const { results, warnings } = await parseResultText(trx(outcomes.map((outcome) => [outcome, outcome])), 'run.trx');
    expect(Object.fromEntries(results.map((r) => [r.name, r.status]))).toEqual({
      Passed: 'passed',
      Failed: 'failed',
      NotExecuted: 'skipped',
      Error: 'error',
      Timeout: 'error',
      Aborted: 'error',
      Disconnected: 'error',
      // MSTest's own reading of its outcomes by default (MapInconclusiveToFailed off, MapNotRunnableToFailed on).
      Inconclusive: 'skipped',
      NotRunnable: 'error',
      // Still running when the file was written: the run stopped under it. Not started yet: never ran.
      InProgress: 'error',
      Pending: 'skipped',
      // The test itself passed; the run was aborted after it.
      PassedButRunAborted: 'passed',
      // Neither says the test passed.
      Completed: 'skipped',
      Warning: 'skipped',
    });
    expect(warnings).toEqual([
      'run.trx: 1 result has the outcome NotRunnable: the test could not be run (an invalid test method, a missing data source); recorded as error. Fix the test so that it can run.',
      "run.trx: 1 result has the outcome InProgress: the test was still running when the file was written, so the run stopped while it ran (a crash or a kill); recorded as error. Look at the test run's log for why it stopped.",
      "run.trx: 1 result has the outcome Pending: the test had not started when the file was written, so it never ran; recorded as skipped. Look at the test run's log for why the run stopped.",
      "run.trx: 1 result has the outcome PassedButRunAborted: the test passed, but the run was aborted after it, so the results of tests it did not get to are missing; recorded as passed. Look at the test run's log for why it was aborted.",
      'run.trx: 1 result has the outcome Completed: the test ran, but Completed says neither that it passed nor that it failed; recorded as skipped, not passed. Have the tool that wrote the file report Passed or Failed.',
      'run.trx: 1 result has the outcome Warning: Warning says that the test did not fail, not that it passed; recorded as skipped, not passed. Have the tool that wrote the file report Passed or Failed.',
    ]);
  });

  it('reads the outcomes vstest and Microsoft.Testing.Platform write (Passed, Failed, NotExecuted) without a warning, in any case', async () => {
    const { results, warnings } = await parseResultText(
      trx([
        ['A', 'Passed'],
        ['B', 'failed'],
        ['C', ' NOTEXECUTED '],
      ]),
      'run.trx',
    );
    expect(results.map((r) => r.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(warnings).toEqual([]);
  });

  it('never reads an outcome it does not know as passed: an error, named', async () => {
    const { results, warnings } = await parseResultText(
      trx([
        ['A', 'Succeeded'],
        ['B', ''],
      ]),
      'run.trx',
    );
    expect(results.map((r) => r.status)).toEqual(['error', 'error']);
    expect(warnings).toEqual([
      'run.trx: 2 result outcomes could not be read ("Succeeded", ""); those results are recorded with the status error. Expected Passed, Failed, NotExecuted, Timeout, Aborted or another TRX outcome.',
    ]);
  });

  it('counts each judged outcome once per file, with the number of its results', async () => {
    const { warnings } = await parseResultText(
      trx([
        ['A', 'Completed'],
        ['B', 'completed'],
        ['C', 'Passed'],
      ]),
      'run.trx',
    );
    expect(warnings).toEqual([
      'run.trx: 2 results have the outcome Completed: the test ran, but Completed says neither that it passed nor that it failed; recorded as skipped, not passed. Have the tool that wrote the file report Passed or Failed.',
    ]);
  });
});

describe("the TRX run's own outcome (ResultSummary)", () => {
  it('says nothing of a run that completed, or failed with a failed result', async () => {
    expect((await parseResultText(trx([['A', 'Passed']]), 'ok.trx')).warnings).toEqual([]);
    expect((await parseResultText(trx([['A', 'Failed']], '<ResultSummary outcome="Failed" />'), 'failed.trx')).warnings).toEqual([]);
    expect((await parseResultText(trx([['A', 'Passed']], '<ResultSummary outcome="Warning" />'), 'warned.trx')).warnings).toEqual([]);
  });

  it('names a run marked failed whose results all passed: the failure is outside them', async () => {
    const { results, warnings } = await parseResultText(trx([['A', 'Passed']], '<ResultSummary outcome="Failed" />'), 'run.trx');
    expect(results.map((r) => r.status)).toEqual(['passed']);
    expect(warnings).toEqual([
      "run.trx: the test run is marked Failed, but none of its 1 result failed: the failure is outside any test and this file does not say what it was (vstest marks a run Failed for an error it logged, or for no tests with TreatNoTestsAsError). Look at the test run's log.",
    ]);
  });

  it('hands over a run-level error the file names as an error outside any test, with its computer, and repeats it in no warning', async () => {
    const summary =
      '<ResultSummary outcome="Failed"><RunInfos><RunInfo computerName="H" outcome="Error" timestamp="t"><Text>Testhost process exited with error: crash</Text></RunInfo></RunInfos></ResultSummary>';
    const { warnings, outsideTests } = await parseResultText(trx([['A', 'Passed']], summary), 'run.trx');
    expect(warnings).toEqual([]);
    expect(outsideTests).toEqual({ runner: 'dotnet test', errors: [{ message: 'on H: Testhost process exited with error: crash' }] });
  });

  it('a RunInfo of level Warning is a warning only; the run did not fail', async () => {
    const summary =
      '<ResultSummary outcome="Completed"><RunInfos><RunInfo computerName="H" outcome="Warning" timestamp="t"><Text>No test matches the given testcase filter `FullyQualifiedName~Nope`</Text></RunInfo></RunInfos></ResultSummary>';
    const { warnings, outsideTests } = await parseResultText(trx([['A', 'Passed']], summary), 'run.trx');
    expect(outsideTests).toBeUndefined();
    expect(warnings).toEqual(['run.trx: the test run logged a warning: No test matches the given testcase filter `FullyQualifiedName~Nope`']);
  });

  it("Microsoft.Testing.Platform's exit code: 2 restates a failed result, 8 an empty run; any other fails the run", async () => {
    const exit = (code: number) =>
      `<ResultSummary outcome="Failed"><RunInfos><RunInfo computerName="H" outcome="Error" timestamp="t"><Text>Exit code indicates failure: '${code}'. Please refer to https://aka.ms/testingplatform/exitcodes for more information.</Text></RunInfo></RunInfos></ResultSummary>`;
    expect((await parseResultText(trx([['A', 'Failed']], exit(2)), 'run.trx')).outsideTests).toBeUndefined();
    expect((await parseResultText(trx([], exit(8)), 'run.trx')).outsideTests).toBeUndefined();
    // Exit code 2 with no failed result: nothing in the file explains it.
    expect((await parseResultText(trx([['A', 'Passed']], exit(2)), 'run.trx')).outsideTests?.errors).toHaveLength(1);
    expect((await parseResultText(trx([['A', 'Failed']], exit(3)), 'run.trx')).outsideTests).toEqual({
      runner: 'dotnet test',
      errors: [{ message: "on H: Exit code indicates failure: '3'. Please refer to https://aka.ms/testingplatform/exitcodes for more information." }],
    });
  });

  it.each(['Aborted', 'Error', 'Timeout', 'Disconnected', 'InProgress', 'Pending', 'Exploded'])(
    'hands over a run whose outcome is %s as failed outside any test: results of tests it did not get to are missing',
    async (outcome) => {
      const { warnings, outsideTests } = await parseResultText(trx([['A', 'Passed']], `<ResultSummary outcome="${outcome}" />`), 'run.trx');
      expect(warnings).toEqual([]);
      expect(outsideTests).toEqual({
        runner: 'dotnet test',
        errors: [
          {
            message: `the test run's outcome is ${outcome}, not Completed: it did not end as it should, and the file does not say why (the test run's log does)`,
          },
        ],
      });
    },
  );
});

describe('TRX outcomes uploaded', () => {
  let emulator: EmulatorHandle;
  useDemoEmulator((started) => (emulator = started));
  let workspace: string;
  beforeEach(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'tstm-trx-outcomes-'));
  });
  afterEach(() => rm(workspace, { recursive: true, force: true }));

  it('records a test that never finished as a failure beside a passing row, and a Completed one as not passed', async () => {
    // DEMO-1: one row passed, the other was still running when the run died (InProgress). DEMO-2: Completed only.
    const file = trx([
      ['DEMO-1 checks out (row 1)', 'Passed'],
      ['DEMO-1 checks out (row 2)', 'InProgress'],
      ['DEMO-2 pays', 'Completed'],
      ['DEMO-3 refunds', 'Passed'],
    ]);
    await writeFile(path.join(workspace, 'run.trx'), file);
    const [read] = await readResultFiles(['run.trx'], { cwd: workspace });
    const outcome = await uploadResults({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo' }, {}),
      results: read?.results ?? [],
      files: read === undefined ? [] : [read],
      cwd: workspace,
      env: {},
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    expect(outcome.exitCode, outcome.error?.message).toBe(0);
    const run = emulator.state().test_runs.at(-1);
    const status = (n: number) => run?.results[DEMO_FACTS.caseId(n)]?.status;
    expect([status(1), status(2), status(3)]).toEqual(['Failed', 'Skipped', 'Passed']);
  });
});
