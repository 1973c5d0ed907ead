/**
 * Robot Framework's output.xml through the real CLI and the Action against the emulator, as a QA team uploads one
 * (the files Robot Framework 7.0 wrote in test/fixtures/xml/robot-framework: a run, its `--rerunfailed` rerun and
 * `rebot --merge` of the two). Each test lands on the case its name or tag names with the outcome Robot gave it;
 * a test that failed and passed on the rerun is flaky in the merged output (Robot says it was re-executed), but
 * uploaded as two separate files its failure is not hidden by the pass; the library that did not import is a
 * warning that says why nothing more is recorded. A `robot --dryrun` of the same tests (dryrun.xml: every test reads
 * PASS, each library keyword NOT RUN) records no Passed: its tests are skipped, with a warning that says why.
 */
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { descriptionOf, newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, ROOT, baseEnv, runNode, runAction } from './helpers/run.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'xml', 'robot-framework');

let emulator: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-robot-'));
  for (const file of ['output.xml', 'rerun.xml', 'merged.xml', 'dryrun.xml']) await copyFile(join(FIXTURES, file), join(dir, file));
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function upload(args: string[]) {
  return runNode(CLI, ['upload', ...args], {
    cwd: dir,
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', TMPDIR: dir }),
  });
}

/** What merged.xml's tests record on their cases: DEMO-3 failed, then passed on the rerun. */
const MERGED_STATUSES = {
  'DEMO-1': 'Passed',
  'DEMO-2': 'Failed',
  'DEMO-3': 'Passed',
  'DEMO-4': 'Skipped',
  'DEMO-5': 'Failed',
  'DEMO-6': 'Failed',
  'DEMO-7': 'Failed',
};

const IMPORT_ERROR_WARNING =
  "merged.xml: Robot Framework logged 2 execution error(s) outside the tests: \"Error in file '/home/runner/work/shop/shop/tests/payments.robot' on line 2: " +
  "Importing library 'NoSuchLibrary' failed: ModuleNotFoundError: No module named 'NoSuchLibrary'\" and 1 more. Such errors do not fail a Robot run";

describe('a Robot Framework output.xml uploaded through the CLI', () => {
  it('records rebot --merge output: each test on its case, the test passed on the rerun as flaky, failures with their keywords', async () => {
    const res = await upload(['merged.xml']);
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[0]).toBe('Read 7 test result(s) from 1 file(s).');
    expect(res.stderr).toContain(IMPORT_ERROR_WARNING);
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual(MERGED_STATUSES);
    expect(descriptionOf(emulator, run!, 'DEMO-3')).toContain(
      'Outcome: flaky (status Passed) in 0 ms\nAttempts: flaky: passed on attempt 2 of 2; attempt 1 failed: Timed out waiting for the profile page',
    );
    const wrongPassword = descriptionOf(emulator, run!, 'DEMO-2');
    expect(wrongPassword).toContain('Welcome != Wrong password');
    expect(wrongPassword).toContain('at BuiltIn.Should Be Equal\n');
    expect(wrongPassword).toContain('File: /home/runner/work/shop/shop/tests/login.robot\n');
    expect(descriptionOf(emulator, run!, 'DEMO-6')).toContain('Parent suite setup failed:\n');
  });

  it('keeps the failure when the run and its rerun are uploaded as two files: only rebot --merge says the rerun was a retry', async () => {
    const res = await upload(['output.xml', 'rerun.xml']);
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[0]).toBe('Read 12 test result(s) from 2 file(s).');
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual({ ...MERGED_STATUSES, 'DEMO-3': 'Failed' });
    expect(descriptionOf(emulator, run!, 'DEMO-3')).toContain('2 automated tests map to this case; the worst outcome decides its status: Failed.');
  });

  it('records nothing Passed from a robot --dryrun output.xml: Robot ran none of its tests', async () => {
    const res = await upload(['dryrun.xml']);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('dryrun.xml: 7 test(s) read PASS but Robot Framework ran none of their keywords (each is NOT RUN)');
    expect(res.stderr).toContain('Upload the output.xml of a real run to record their outcomes.');
    const [run] = newRuns(emulator);
    const statuses = run && statusesByHumanId(emulator, run);
    expect(Object.values(statuses ?? {})).not.toContain('Passed');
    expect(statuses).toEqual(Object.fromEntries(Object.keys(MERGED_STATUSES).map((id) => [id, 'Skipped'])));
    expect(descriptionOf(emulator, run!, 'DEMO-1')).toContain('Robot Framework did not run this test');
  });

  it('reports an output.xml cut short (Robot killed while writing it) after recording the tests before the cut', async () => {
    const text = await readFile(join(FIXTURES, 'output.xml'), 'utf8');
    await writeFile(join(dir, 'cut.xml'), text.slice(0, text.indexOf('<test id="s1-s1-t3"')));
    const res = await upload(['cut.xml']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      'cut.xml is not well-formed XML: it ends at line 41 while <robot>, <suite>, <suite> are still open. ' +
        'The file is truncated (the test run was probably killed while writing it); regenerate it.',
    );
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual({ 'DEMO-1': 'Passed', 'DEMO-2': 'Failed' });
  });
});

describe('a Robot Framework output.xml uploaded through the Action (dist/index.js)', () => {
  /** Runs the Action as the runner does on results/output.xml, a copy of the fixture `file`. */
  async function actionOn(file: string) {
    const workspace = await mkdtemp(join(tmpdir(), 'tm-robot-action-'));
    await mkdir(join(workspace, 'results'));
    await copyFile(join(FIXTURES, file), join(workspace, 'results', 'output.xml'));
    return runAction(emulator, workspace, 'results/output.xml');
  }

  it('reads results/output.xml written by rebot --merge: the same cases, the flaky one Passed', async () => {
    const res = await actionOn('merged.xml');
    expect(res.code).toBe(0);
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual(MERGED_STATUSES);
  });

  it('records nothing Passed from results/output.xml written by robot --dryrun, and says why', async () => {
    const res = await actionOn('dryrun.xml');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('7 test(s) read PASS but Robot Framework ran none of their keywords (each is NOT RUN)');
    const [run] = newRuns(emulator);
    expect(run && statusesByHumanId(emulator, run)).toEqual(Object.fromEntries(Object.keys(MERGED_STATUSES).map((id) => [id, 'Skipped'])));
  });
});
