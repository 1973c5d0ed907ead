/**
 * An upload that ends with INPUT_RUN_FAILED (its TRX file's test host crashed) and meets an outage keeps that
 * verdict in its spool file (`runFailed`, the errors without the token), and `testsigma-tm resume` of the file
 * sends the results and then ends with the same INPUT_RUN_FAILED (exit 2), the file kept as `.sent`. Both kinds of
 * spool: the service down before the run was open (results), and half way through the sending (entries). The
 * upload runs in process on a virtual clock (its retries wait no real time); the resume is the CLI, as a user runs
 * it. What the emulator holds and what the spool file says are checked.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resultFileSource } from '../packages/core/src/formats/read-files.js';
import { uploadResults } from '../packages/core/src/pipeline/upload.js';
import { resolveSettings } from '../packages/core/src/settings/index.js';
import { newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, baseEnv, runNode } from './helpers/run.js';
import { SecretSearch } from './helpers/secrets.js';

let emulator: EmulatorHandle;
let dir: string;
let search: SecretSearch;

beforeAll(async () => {
  emulator = await start();
  search = new SecretSearch([emulator.token]);
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset();
  dir = await mkdtemp(join(tmpdir(), 'tm-run-failed-resume-'));
  return () => rm(dir, { recursive: true, force: true });
});

const CRASH = 'The active test run was aborted. Reason: Test host process crashed : Stack overflow.';

/** vstest's TRX for DEMO-1..3, all passed, whose test host then crashed on BUILD-7. */
async function crashedTrx(): Promise<void> {
  const ids = [1, 2, 3];
  const results = ids.map(
    (n) =>
      `<UnitTestResult executionId="e${n}" testId="t${n}" testName="Cart.DEMO_${n}" computerName="BUILD-7" duration="00:00:00.0100000" outcome="Passed" />`,
  );
  const definitions = ids.map((n) => `<UnitTest name="Cart.DEMO_${n}" id="t${n}"><TestMethod className="Shop.Tests.Cart" name="DEMO_${n}" /></UnitTest>`);
  await writeFile(
    join(dir, 'crash.trx'),
    '<?xml version="1.0" encoding="utf-8"?>\n<TestRun id="r1" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">\n' +
      `<Results>${results.join('')}</Results>\n<TestDefinitions>${definitions.join('')}</TestDefinitions>\n` +
      `<ResultSummary outcome="Failed"><RunInfos><RunInfo computerName="BUILD-7" outcome="Error" timestamp="t"><Text>${CRASH}</Text></RunInfo></RunInfos></ResultSummary>\n</TestRun>\n`,
  );
}

/** The upload of crash.trx on a virtual clock, spooling to spool.json. */
async function upload(extra: { batchSize?: number } = {}) {
  let clock = 0;
  return uploadResults({
    settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', spool: join(dir, 'spool.json'), ...extra }, {}),
    results: await resultFileSource(['crash.trx'], { cwd: dir }),
    host: 'cli',
    env: {},
    http: { clock: { now: () => clock, sleep: async (ms: number) => void (clock += ms), random: () => 0 } },
  });
}

async function resume() {
  const env = baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url });
  return search.record('resume', await runNode(CLI, ['resume', join(dir, 'spool.json')], { env }));
}

const RUN_FAILED = [{ path: 'crash.trx', runner: 'dotnet test', errors: [{ message: `on BUILD-7: ${CRASH}` }] }];
const HEADING =
  'crash.trx: dotnet test reported 1 error(s) outside any test (global setup or teardown, a worker, loading a test file, the test runner itself); ' +
  'the run that wrote this file failed, whatever the results recorded say:';

const WHY =
  'An error outside any test belongs to no test case, so none is recorded against one, and tests it kept from running are not in the file, ' +
  "so they are not recorded at all. Fix it (dotnet test printed it in full in the test step's output) and run the tests again.";

describe('resume of an upload whose run failed outside any test', { timeout: 120_000 }, () => {
  it('the service down before the run was open: the results spool keeps the verdict, and resume ends with it after sending', async () => {
    await crashedTrx();
    emulator.setFaults([{ kind: 'status', route: 'POST /projects/*/test_runs', status: 503 }]);
    const first = await upload();
    emulator.setFaults([]);
    expect(first.summary.spoolFile).toBe(join(dir, 'spool.json'));
    expect(newRuns(emulator)).toEqual([]);
    const spooled = JSON.parse(await readFile(join(dir, 'spool.json'), 'utf8'));
    expect(spooled).toMatchObject({ kind: 'results', runFailed: RUN_FAILED });
    expect(spooled.results).toHaveLength(3);

    const resumed = await resume();
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(2);
    const [run] = newRuns(emulator);
    expect(statusesByHumanId(emulator, run!)).toEqual({ 'DEMO-1': 'Passed', 'DEMO-2': 'Passed', 'DEMO-3': 'Passed' });
    expect(resumed.stderr).toContain(
      `testsigma-tm: Resumed ${join(dir, 'spool.json')}: recorded 3 of 3 test case(s) in test run ${run!.human_id}.\n${HEADING}\n    on BUILD-7: ${CRASH}\n`,
    );
    expect(resumed.stderr).toContain(`\n${WHY}\n`);
    // Sent, so never sent again.
    expect(await readdir(dir)).toEqual(['crash.trx', 'spool.json.sent']);
    expect(await search.leaks([dir])).toEqual([]);
  });

  it('the service down half way through the sending: the entries spool keeps the verdict, and resume ends with it', async () => {
    await crashedTrx();
    emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 503, after: 1 }]);
    const first = await upload({ batchSize: 1 });
    emulator.setFaults([]);
    expect(first.summary.spoolFile).toBe(join(dir, 'spool.json'));
    const spooled = JSON.parse(await readFile(join(dir, 'spool.json'), 'utf8'));
    expect(spooled).toMatchObject({ kind: 'entries', runFailed: RUN_FAILED });
    const [run] = newRuns(emulator);
    expect(Object.keys(run!.results)).toHaveLength(1);

    const resumed = await resume();
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(2);
    expect(statusesByHumanId(emulator, newRuns(emulator)[0]!)).toEqual({ 'DEMO-1': 'Passed', 'DEMO-2': 'Passed', 'DEMO-3': 'Passed' });
    expect(resumed.stderr).toContain(`testsigma-tm: Resumed ${join(dir, 'spool.json')}: recorded 2 result(s) in test run ${run!.human_id}`);
    expect(resumed.stderr).toContain(`\n${HEADING}\n    on BUILD-7: ${CRASH}\n`);
    expect(resumed.stderr).toContain(`\n${WHY}\n`);
    expect(await readdir(dir)).toEqual(['crash.trx', 'spool.json.sent']);
    expect(await search.leaks([dir])).toEqual([]);
  });
});
