/**
 * The Action (`dist/index.js`, run as the runner runs it) when the run it records into is deleted in Testsigma half
 * way (someone removes it in the UI while the job uploads): the step fails with RUN_DELETED, and everything it says
 * about the spool file — the log, the job summary, the spool-file output — gives the one command that sends its
 * results into a new run, `testsigma-tm resume --new-run FILE`, never a plain `resume` that would only say
 * RUN_DELETED again. No test waits on real time: the emulator holds the second batch until the run is deleted.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FACTS, heldClock, newRuns, start, HOLD_AFTER_FIRST_BATCH, type EmulatorHandle } from './helpers/emulator.js';
import { ACTION, ROOT, baseEnv, runNode, SAMPLE_RESULTS, actionOutputs } from './helpers/run.js';

let dir: string;
let emulator: EmulatorHandle;
const clock = heldClock();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tm-action-deleted-'));
  emulator = await start({ clock, faults: HOLD_AFTER_FIRST_BATCH });
});
afterAll(async () => {
  clock.release();
  await emulator.close();
});

describe('the Action when its run is deleted while it uploads', { timeout: 120_000 }, () => {
  it('fails the step with RUN_DELETED, and its log, job summary and spool-file output all say resume --new-run', async () => {
    const outputFile = join(dir, 'output');
    const summaryFile = join(dir, 'summary');
    const spool = join(dir, 'spool.json');
    await writeFile(outputFile, '');
    await writeFile(summaryFile, '');
    const inputs = { 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results: SAMPLE_RESULTS, 'batch-size': '4', spool };
    const env = baseEnv({
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_WORKSPACE: ROOT,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '777',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: 'CI',
      GITHUB_EVENT_NAME: 'push',
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    });
    const step = runNode(ACTION, [], { env, cwd: ROOT });
    // The first batch landed, the second is held: someone deletes the run, then the emulator answers the batch.
    await clock.whenHeld(1);
    const [run] = newRuns(emulator);
    const deleted = await fetch(`${emulator.url}/projects/${DEMO_FACTS.project.id}/test_runs/${run!.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${emulator.token}` },
    });
    expect(deleted.status).toBe(204);
    emulator.setFaults([]);
    clock.release();
    const res = await step;

    expect(res.code, res.stdout).toBe(1);
    const message = `Test run ${run!.human_id} no longer exists in Testsigma (the service answers HTTP 404 for it: Test run not found — Test run not found with ID: ${run!.id}, request id <id>): it was deleted while this upload was sending to it. Nothing more was written to it, and all 12 result(s) are still in ${spool} (4 of them had been recorded in ${run!.human_id} and went with it). To send them into a new test run (the open run of run key gh-777, else a new one, as a re-run of the job would), run: testsigma-tm resume --new-run ${spool}`;
    const lines = res.stdout.replace(/request id [0-9a-f-]{36}\)/g, 'request id <id>)').split('\n');
    // One error for the step, RUN_DELETED's (the failed tests' annotations name their files): no line of its own
    // for the spool file saying a plain `resume`, which would only say RUN_DELETED again.
    expect(lines.filter((l) => l.startsWith('::error::'))).toEqual([`::error::${message}`]);
    // Every line that names the file gives the same command: the error, and the summary's line.
    expect(lines.filter((l) => l.includes(spool))).toEqual([
      `They were written to ${spool}: send them with testsigma-tm resume --new-run ${spool}`,
      `::error::${message}`,
    ]);
    // The job summary says the same, and that the run is gone (not "left open").
    const summary = (await readFile(summaryFile, 'utf8')).replace(/request id [0-9a-f-]{36}\)/g, 'request id <id>)');
    expect(summary).toContain(`**The step failed** (\`RUN_DELETED\`): ${message}\n`);
    expect(summary).toContain('\nRecorded 0 of 12 test case(s); run created, then deleted in Testsigma.\n');
    expect(summary).toContain(
      `**12 test case result(s) were not recorded.** They were written to \`${spool}\`: send them with \`testsigma-tm resume --new-run\`.`,
    );
    expect(summary).not.toContain('left open');
    expect(actionOutputs(await readFile(outputFile, 'utf8'))['spool-file']).toBe(spool);
    const spooled = JSON.parse(await readFile(spool, 'utf8')) as { run: { id: string }; entries: unknown[]; landed: { caseIds: string[] } };
    expect([spooled.run.id, spooled.entries.length, spooled.landed.caseIds.length]).toEqual([run!.id, 12, 4]);
    // Only in the line that asks the runner to mask it.
    expect(res.stdout.replace(`::add-mask::${emulator.token}`, '')).not.toContain(emulator.token);
  });
});
