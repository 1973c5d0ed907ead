/**
 * The Action (`dist/index.js`, run as the runner runs it) when its job is cancelled: the runner sends SIGINT, then
 * SIGTERM 7.5 s later and SIGKILL after that. The first signal stops the upload as an outage would: nothing more is
 * sent, what was not recorded is written to the spool file (output `spool-file`), the step fails saying so, and it
 * ends without waiting on the held requests; a second signal changes nothing. No test waits on real time: the
 * emulator holds the requests it was told to, and the signals are sent once the step shows it got that far.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { heldClock, newRuns, start, HOLD_AFTER_FIRST_BATCH, RESULTS_ROUTE, type EmulatorHandle } from './helpers/emulator.js';
import { ACTION, CLI, ROOT, baseEnv, runNode, SAMPLE_RESULTS, actionOutputs } from './helpers/run.js';

let dir: string;
let emulator: EmulatorHandle;
const clock = heldClock();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tm-action-interrupt-'));
  emulator = await start({ clock, faults: HOLD_AFTER_FIRST_BATCH });
});
afterAll(async () => {
  clock.release();
  await emulator.close();
});
afterEach(() => {
  // A step that failed its test must not outlive it (one waiting out a long Retry-After would, for minutes).
  for (const step of Step.running) step.signal('SIGKILL');
});

/** The environment the runner gives a step of run `runId` with `inputs`, and `extra` (GITHUB_OUTPUT, ...). */
function stepEnv(runId: string, inputs: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
  return baseEnv({
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: ROOT,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_EVENT_NAME: 'push',
    ...extra,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  });
}

/** `dist/index.js` run as the runner runs it, as a child this test can signal; its stdout kept as it comes. */
class Step {
  /** Steps not ended yet. */
  static readonly running = new Set<Step>();
  private readonly child: ChildProcess;
  stdout = '';
  private readonly exited: Promise<number | null>;
  private readonly watchers: { text: string; resolve: () => void }[] = [];

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [ACTION], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      this.stdout += d;
      for (const w of this.watchers.filter((w) => this.stdout.includes(w.text))) w.resolve();
    });
    this.child.stderr?.resume();
    Step.running.add(this);
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code) => {
        Step.running.delete(this);
        resolve(code);
      }),
    );
  }

  /** Resolves once the step printed `text` (or ended without it: the assertions after say what it printed). */
  printed(text: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.includes(text)) resolve();
      else this.watchers.push({ text, resolve });
      void this.exited.then(() => resolve());
    });
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /** The exit code, once the step has ended. */
  done(): Promise<number | null> {
    return this.exited;
  }
}

describe('the Action when its job is cancelled', { timeout: 120_000 }, () => {
  it('on SIGINT mid-upload spools what was not recorded, says so, fails the step; SIGTERM after it changes nothing', async () => {
    const outputFile = join(dir, 'output');
    const spool = join(dir, 'spool.json');
    const summaryFile = join(dir, 'summary');
    await writeFile(outputFile, '');
    await writeFile(summaryFile, '');
    const inputs = { 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results: SAMPLE_RESULTS, 'batch-size': '4', spool };
    const step = new Step(stepEnv('777', inputs, { GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile }));
    await Promise.all([step.printed('Recorded 4 of 12 results'), clock.whenHeld(2)]);
    step.signal('SIGINT');
    // The runner's SIGTERM comes later: sent once the step has heard the SIGINT (two signals sent at once may be
    // handled in either order).
    await step.printed('the job is being cancelled (SIGINT)');
    step.signal('SIGTERM');
    const code = await step.done();
    const { stdout } = step;

    expect(code, stdout).toBe(1);
    expect(stdout).toContain('::warning::testsigma-tm: the job is being cancelled (SIGINT): no new request is sent');
    const [run] = newRuns(emulator);
    expect(run?.status).toBe('ACTIVE');
    const message = `Interrupted by SIGINT while recording results in test run ${run!.human_id}: 4 of 12 result(s) were recorded; the other 8 were written to ${spool}, and the run was left open. Send them with: testsigma-tm resume ${spool}`;
    const lines = stdout.split('\n');
    // One error for one stop, the stop's own: it names the spool file and its command, so the file gets no
    // annotation of its own saying it again (the failed tests' annotations name their files).
    expect(lines.filter((l) => l.startsWith('::error::'))).toEqual([`::error::${message}`]);
    // Every line that names the file gives the same command: the summary's, and the error.
    expect(lines.filter((l) => l.includes(spool))).toEqual([
      `They were written to ${spool}: send them with testsigma-tm resume ${spool}`,
      `::error::${message}`,
    ]);
    expect(actionOutputs(await readFile(outputFile, 'utf8'))['spool-file']).toBe(spool);
    const spooled = JSON.parse(await readFile(spool, 'utf8')) as { entries: unknown[]; landed: { caseIds: string[] } };
    expect(spooled.entries).toHaveLength(12);
    expect(spooled.landed.caseIds).toHaveLength(4);
    // Only in the line that asks the runner to mask it.
    expect(stdout.replace(`::add-mask::${emulator.token}`, '')).not.toContain(emulator.token);
  });

  it('while it waits out a Retry-After (a 429 asking for minutes), ends at once: spools what was not recorded, fails the step', async () => {
    // The first batch is recorded; the service asks the others to come back in 500 s — longer than this test may
    // run, so only the stop can end the step's wait before the test's own timeout would.
    emulator.setFaults([{ kind: 'status', route: RESULTS_ROUTE, status: 429, retryAfter: 500, after: 1 }]);
    const outputFile = join(dir, 'output-rate-limited');
    const spool = join(dir, 'spool-rate-limited.json');
    await writeFile(outputFile, '');
    const inputs = { 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results: SAMPLE_RESULTS, 'batch-size': '4', spool };
    const step = new Step(stepEnv('779', inputs, { GITHUB_OUTPUT: outputFile }));
    await Promise.all([step.printed('Recorded 4 of 12 results'), step.printed('trying again in 500 s')]);
    step.signal('SIGINT');
    const code = await step.done();
    const { stdout } = step;

    expect(code, stdout).toBe(1);
    const run = newRuns(emulator).at(-1);
    expect(run?.status).toBe('ACTIVE');
    expect(stdout).toContain(
      `::error::Interrupted by SIGINT while recording results in test run ${run!.human_id}: 4 of 12 result(s) were recorded; the other 8 were written to ${spool}, and the run was left open. Send them with: testsigma-tm resume ${spool}`,
    );
    expect(actionOutputs(await readFile(outputFile, 'utf8'))['spool-file']).toBe(spool);
    const spooled = JSON.parse(await readFile(spool, 'utf8')) as { entries: unknown[]; landed: { caseIds: string[] } };
    expect([spooled.entries.length, spooled.landed.caseIds.length]).toEqual([12, 4]);
    // Nothing was sent after the refused batches: they were not tried again.
    expect(
      emulator
        .state()
        .requests.filter((r) => r.method === 'PUT' && r.path.includes(`/test_runs/${run!.id}/test_cases`))
        .map((r) => r.status),
    ).toEqual([200, 429, 429]);
    expect(stdout.replace(`::add-mask::${emulator.token}`, '')).not.toContain(emulator.token);
  });

  it('in close mode, stops waiting for the shards at once and says the run is still open', async () => {
    emulator.setFaults([]);
    const key = 'cancelled-close';
    const common = { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', TMPDIR: dir };
    // The pipeline's run is created (its create job); no shard ever reports, so the close job waits for them (up to a
    // minute) when it is cancelled.
    const created = await runNode(CLI, ['run', 'create', '--run-key', key], { env: baseEnv(common) });
    expect(created.code, created.stderr).toBe(0);
    const inputs = { mode: 'close', 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, 'run-key': key, 'shard-total': '2' };
    const step = new Step(stepEnv('778', inputs));
    await step.printed('Waiting for 2 of 2 upload(s)');
    step.signal('SIGINT');
    const code = await step.done();
    const { stdout } = step;

    expect(code, stdout).toBe(1);
    const run = newRuns(emulator).find((r) => r.title.endsWith(`[${key}]`));
    expect(run?.status).toBe('ACTIVE');
    expect(stdout).toContain(
      `::error::Interrupted by SIGINT while closing test run ${run!.human_id} "${run!.title}": the run is still open. Re-run this job (the Action's close mode) to close it.`,
    );
    expect(stdout.replace(`::add-mask::${emulator.token}`, '')).not.toContain(emulator.token);
  });
});
