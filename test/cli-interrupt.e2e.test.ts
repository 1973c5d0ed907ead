/**
 * `testsigma-tm upload` stopped by Ctrl-C, or by a CI system cancelling the job (GitHub Actions sends SIGINT, then
 * SIGTERM; GitLab, Jenkins and Buildkite send SIGTERM). The first signal stops the upload as an outage would: what
 * was not acknowledged is spooled for `testsigma-tm resume`, one message says so, and the exit code is 130 / 143. A
 * second signal exits at once. Before anything is written, an interrupt just stops.
 *
 * No test waits on real time: the emulator holds the requests it was told to (its clock's waits last until the test
 * releases them), and each signal is sent once the CLI shows it has got as far as the test needs (a line on its
 * stderr, a request the emulator holds).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whatToDoLine } from 'testsigma-tm-core';
import type { FaultRule } from 'testsigma-tm-emulator';
import {
  EXPECTED_SAMPLE_STATUSES,
  heldClock,
  newRuns,
  start,
  statusesByHumanId,
  untilTurn,
  HOLD_AFTER_FIRST_BATCH,
  RESULTS_ROUTE,
  type EmulatorHandle,
} from './helpers/emulator.js';
import { CLI, EXAMPLES, ROOT, baseEnv, runNode, type RunResult } from './helpers/run.js';
import { SecretSearch } from './helpers/secrets.js';
import { LATE_WRITE_MS } from '../packages/core/src/run/timing.js';

const samples = ['jest-junit.xml', 'playwright-junit.xml', 'pytest-junit.xml'].map((f) => join(EXAMPLES, f));

let dir: string;
const searches: SecretSearch[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tm-interrupt-'));
});
afterAll(async () => {
  const leaks = (await Promise.all(searches.map((s) => s.leaks([dir])))).flat();
  expect(leaks).toEqual([]);
});

/** The CLI as a child this test can signal, its output kept as it comes. */
class Cli {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  private readonly exited: Promise<RunResult & { signal: NodeJS.Signals | null }>;
  private readonly watchers: { text: string; resolve: () => void }[] = [];

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [CLI, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
      for (const w of this.watchers.filter((w) => this.stderr.includes(w.text))) w.resolve();
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /** Resolves once stderr holds `text` (or the CLI ended without it: the assertions after say what it printed). */
  printed(text: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.stderr.includes(text)) resolve();
      else this.watchers.push({ text, resolve });
      void this.exited.then(() => resolve());
    });
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  done(): Promise<RunResult & { signal: NodeJS.Signals | null }> {
    return this.exited;
  }
}

async function withEmulator(
  rules: FaultRule[],
  test: (emulator: EmulatorHandle, clock: ReturnType<typeof heldClock>, env: Record<string, string>) => Promise<void>,
) {
  const clock = heldClock();
  const emulator = await start({ clock, faults: rules });
  const search = new SecretSearch([emulator.token]);
  searches.push(search);
  const temp = await mkdtemp(join(dir, 'tmp-'));
  const env = baseEnv({
    TESTSIGMA_API_TOKEN: emulator.token,
    TESTSIGMA_BASE_URL: emulator.url,
    TESTSIGMA_PROJECT_ID: 'Demo',
    TMPDIR: temp,
  });
  try {
    await test(emulator, clock, env);
  } finally {
    clock.release();
    await emulator.close();
  }
}

/** The emulator answers the first batch; every later one it holds, then refuses (503) once released: never applied. */
const HOLD_THEN_REFUSE: FaultRule[] = [...HOLD_AFTER_FIRST_BATCH, { kind: 'status', route: RESULTS_ROUTE, status: 503, after: 1 }];

describe('testsigma-tm upload interrupted', { timeout: 120_000 }, () => {
  it('on SIGINT mid-upload spools what was not recorded, says so once, exits 130; resume sends exactly the rest', async () => {
    await withEmulator(HOLD_THEN_REFUSE, async (emulator, clock, env) => {
      const spool = join(dir, 'sigint.json');
      const upload = new Cli(['upload', '--batch-size', '4', '--spool', spool, ...samples], env);
      // The first batch is recorded (the CLI says so), the other two are held by the emulator.
      await Promise.all([upload.printed('Recorded 4 of 12 results'), clock.whenHeld(2)]);
      upload.signal('SIGINT');
      const result = await upload.done();
      searches.at(-1)?.record('interrupted upload', result);

      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 130, signal: null });
      const [run] = newRuns(emulator);
      expect(run?.status).toBe('ACTIVE');
      const message = `Interrupted by SIGINT while recording results in test run ${run!.human_id}: 4 of 12 result(s) were recorded; the other 8 were written to ${spool}, and the run was left open. Send them with: testsigma-tm resume ${spool}`;
      expect(result.stderr).toContain(message);
      // One message for it: said once, last, then what to do.
      expect(result.stderr.split(message)).toHaveLength(2);
      expect(lastLines(result.stderr)).toEqual([`testsigma-tm: ${message}`, whatToDo('INTERRUPTED')]);
      // The message names the spool file and its command: no line of its own says them again (the summary's line
      // gives the same command).
      expect(linesNaming(result, spool)).toEqual([summaryLine(spool), `testsigma-tm: ${message}`]);

      const spooled = JSON.parse(await readFile(spool, 'utf8')) as { kind: string; entries: unknown[]; landed: { caseIds: string[] }; reason: string };
      expect(spooled.kind).toBe('entries');
      expect(spooled.entries).toHaveLength(12);
      expect(spooled.landed.caseIds).toHaveLength(4);
      expect(spooled.reason).toMatch(/SIGINT/);

      // The held batches are refused once let go: the run holds the first batch only.
      clock.release();
      await untilTurn('the held batches to be answered', () => emulator.state().requests.filter((r) => r.status === 503).length === 2);
      expect(Object.keys(newRuns(emulator)[0]!.results)).toHaveLength(4);

      emulator.setFaults([]);
      const before = emulator.state().requests.filter((r) => r.route === 'PUT /projects/{pid}/test_runs/{rid}/test_cases').length;
      const resumed = searches.at(-1)!.record('resume', await runNode(CLI, ['resume', spool], { env }));
      expect(resumed.code, resumed.stderr).toBe(0);
      const after = newRuns(emulator);
      expect(after).toHaveLength(1);
      expect(after[0]!.status).toBe('CLOSED');
      expect(statusesByHumanId(emulator, after[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
      // Exactly the rest: two batches of four, and every case written once.
      expect(emulator.state().requests.filter((r) => r.route === 'PUT /projects/{pid}/test_runs/{rid}/test_cases').length - before).toBe(2);
      expect(Object.values(after[0]!.results).map((r) => r.writes)).toEqual(Array(12).fill(1));
    });
  });

  it('on SIGTERM mid-upload does the same and exits 143; a batch the service applied after the interrupt is not sent again', async () => {
    // Held, then applied once released: the interrupted upload cannot know that it landed.
    await withEmulator(HOLD_AFTER_FIRST_BATCH, async (emulator, clock, env) => {
      const spool = join(dir, 'sigterm.json');
      const upload = new Cli(['upload', '--batch-size', '4', '--spool', spool, ...samples], env);
      await Promise.all([upload.printed('Recorded 4 of 12 results'), clock.whenHeld(2)]);
      upload.signal('SIGTERM');
      const result = await upload.done();
      searches.at(-1)?.record('terminated upload', result);
      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 143, signal: null });
      const [run] = newRuns(emulator);
      const message = `Interrupted by SIGTERM while recording results in test run ${run!.human_id}: 4 of 12 result(s) were recorded; the other 8 were written to ${spool}, and the run was left open. Send them with: testsigma-tm resume ${spool}`;
      expect(linesNaming(result, spool)).toEqual([summaryLine(spool), `testsigma-tm: ${message}`]);

      clock.release();
      await untilTurn('the held batches to land', () => Object.keys(newRuns(emulator)[0]!.results).length === 12);
      emulator.setFaults([]);
      const resumed = searches.at(-1)!.record('resume', await runNode(CLI, ['resume', spool], { env }));
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(newRuns(emulator)[0]!.status).toBe('CLOSED');
      expect(Object.values(newRuns(emulator)[0]!.results).map((r) => r.writes)).toEqual(Array(12).fill(1));
    });
  });

  it('on SIGTERM while waiting out a Retry-After (a 503 asking for minutes) ends at once, exits 143; resume sends exactly the rest', async () => {
    // The first batch is recorded; the service asks the others to come back in 500 s, longer than this test may run.
    await withEmulator([{ kind: 'status', route: RESULTS_ROUTE, status: 503, retryAfter: 500, after: 1 }], async (emulator, _clock, env) => {
      const spool = join(dir, 'retry-after.json');
      const upload = new Cli(['upload', '--batch-size', '4', '--spool', spool, ...samples], env);
      await Promise.all([upload.printed('Recorded 4 of 12 results'), upload.printed('trying again in 500 s')]);
      upload.signal('SIGTERM');
      const result = await upload.done();
      searches.at(-1)?.record('upload terminated while waiting out a Retry-After', result);

      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 143, signal: null });
      const [run] = newRuns(emulator);
      expect(lastLines(result.stderr)).toEqual([
        `testsigma-tm: Interrupted by SIGTERM while recording results in test run ${run!.human_id}: 4 of 12 result(s) were recorded; the other 8 were written to ${spool}, and the run was left open. Send them with: testsigma-tm resume ${spool}`,
        whatToDo('TERMINATED'),
      ]);
      // The refused batches were not sent again.
      expect(
        emulator
          .state()
          .requests.filter((r) => r.route === 'PUT /projects/{pid}/test_runs/{rid}/test_cases')
          .map((r) => r.status),
      ).toEqual([200, 503, 503]);

      emulator.setFaults([]);
      const resumed = searches.at(-1)!.record('resume', await runNode(CLI, ['resume', spool], { env }));
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(newRuns(emulator).map((r) => r.status)).toEqual(['CLOSED']);
      expect(statusesByHumanId(emulator, newRuns(emulator)[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
      expect(resultWrites(emulator)).toBe(5);
      expect(Object.values(newRuns(emulator)[0]!.results).map((r) => r.writes)).toEqual(Array(12).fill(1));
    });
  });

  it('a second signal exits at once, saying the spool file may be incomplete', async () => {
    await withEmulator(HOLD_THEN_REFUSE, async (_emulator, clock, env) => {
      const spool = join(dir, 'second', 'spool.json');
      await mkdir(join(dir, 'second'));
      const upload = new Cli(['upload', '--batch-size', '4', '--spool', spool, ...samples], env);
      await Promise.all([upload.printed('Recorded 4 of 12 results'), clock.whenHeld(2)]);
      // The spool is written to a temporary file first: a FIFO there, which nobody reads, holds the CLI's open of it
      // for ever, so the CLI is still stopping, its spool unwritten, whenever the second signal comes.
      const fifo = `${spool}.${upload.child.pid}.tmp`;
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      upload.signal('SIGINT');
      await upload.printed('Interrupt again to exit at once');
      upload.signal('SIGTERM');
      const result = await upload.done();
      searches.at(-1)?.record('upload interrupted twice', result);
      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 143, signal: null });
      expect(result.stderr).toMatch(/SIGTERM again: exiting at once\. The spool file .* may be incomplete or missing/);
      expect(existsSync(spool)).toBe(false);
    });
  });

  it('while the run is being created, spools every result, names the run it may leave, and resume records into that run', async () => {
    await withEmulator([{ kind: 'latency', route: 'POST /projects/*/test_runs', ms: 1 }], async (emulator, clock, env) => {
      const spool = join(dir, 'creating.json');
      const upload = new Cli(['upload', '--spool', spool, '--run-title', 'Nightly {sha}', ...samples], env);
      await clock.whenHeld(1);
      upload.signal('SIGINT');
      const result = await upload.done();
      searches.at(-1)?.record('upload interrupted while creating its run', result);
      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 130, signal: null });
      expect(lastLines(result.stderr)).toEqual([
        'testsigma-tm: Interrupted by SIGINT before any result was recorded (the test run was being created). The test run "Nightly" may exist already, ' +
          `open and empty: its create was sent and got no answer. The 14 test result(s) were written to ${spool}; resume records them in that run if it ` +
          `exists, rather than create a second one. Send them with: testsigma-tm resume ${spool}`,
        whatToDo('INTERRUPTED'),
      ]);
      // Every result spooled before the run was open: named by the summary and the stop's message, with one command.
      expect(linesNaming(result, spool)).toEqual([summaryLine(spool), lastLines(result.stderr)[0]]);
      const spooled = JSON.parse(await readFile(spool, 'utf8')) as { kind: string; results: unknown[]; createSent?: { title: string } };
      expect({ kind: spooled.kind, results: spooled.results.length, title: spooled.createSent?.title }).toEqual({
        kind: 'results',
        results: 14,
        title: 'Nightly',
      });

      // The held create is applied after all: an empty open run, the one resume must record into.
      emulator.setFaults([]);
      clock.release();
      await untilTurn('the held create to be applied', () => newRuns(emulator).length === 1);
      const resumed = searches.at(-1)!.record('resume', await runNode(CLI, ['resume', spool], { env }));
      expect(resumed.code, resumed.stderr).toBe(0);
      const runs = newRuns(emulator);
      expect(runs).toHaveLength(1);
      expect(runs[0]!.status).toBe('CLOSED');
      expect(statusesByHumanId(emulator, runs[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
    });
  });

  it('while the run is being created, a resume creates the run when that create never landed', async () => {
    // Held, then refused once released: the create was sent, and never applied.
    const rules: FaultRule[] = [
      { kind: 'latency', route: 'POST /projects/*/test_runs', ms: 1 },
      { kind: 'status', route: 'POST /projects/*/test_runs', status: 503, times: 1 },
    ];
    await withEmulator(rules, async (emulator, clock, env) => {
      const spool = join(dir, 'creating-refused.json');
      const upload = new Cli(['upload', '--spool', spool, ...samples], env);
      await clock.whenHeld(1);
      upload.signal('SIGINT');
      const result = await upload.done();
      searches.at(-1)?.record('upload interrupted while creating a run never made', result);
      expect(result.code, result.stderr).toBe(130);
      clock.release();
      await untilTurn('the held create to be refused', () => emulator.state().requests.some((r) => r.method === 'POST' && r.status === 503));
      emulator.setFaults([]);
      // Resumed once that create can no longer land (LATE_WRITE_MS after it was sent), as a CI step run again later
      // is: the file's send time moved back by that much. A resume inside that minute waits it out before creating
      // (on virtual time: packages/core/test/upload/create-late.test.ts).
      await ageCreateSent(spool, LATE_WRITE_MS);
      const resumed = searches.at(-1)!.record('resume', await runNode(CLI, ['resume', spool], { env }));
      expect(resumed.code, resumed.stderr).toBe(0);
      const runs = newRuns(emulator);
      expect(runs.map((r) => r.status)).toEqual(['CLOSED']);
      expect(statusesByHumanId(emulator, runs[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
    });
  });

  it('before anything is written, an interrupt just stops and says nothing was written', async () => {
    // The project's test cases are listed before any run is made: the listing is held.
    await withEmulator([{ kind: 'latency', route: 'GET /projects/*/test_cases', ms: 1 }], async (emulator, clock, env) => {
      const upload = new Cli(['upload', ...samples], env);
      await clock.whenHeld(1);
      upload.signal('SIGINT');
      const result = await upload.done();
      searches.at(-1)?.record('upload interrupted while listing', result);
      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 130, signal: null });
      expect(result.stderr).toContain('Interrupted by SIGINT before anything was written to Testsigma: no test run was opened and no result was recorded.');
      expect(newRuns(emulator)).toHaveLength(0);
      expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toEqual([]);
      expect(await readdir(env.TMPDIR!)).toEqual([]);
    });
  });
});

/**
 * An upload stopped after its first batch of 4 (of 12): the spool this file's resume tests start from, naming the
 * run, with 4 results landed in it. The two batches the emulator held are refused once let go (never applied).
 */
async function spoolOfStoppedUpload(emulator: EmulatorHandle, clock: ReturnType<typeof heldClock>, env: Record<string, string>, name: string) {
  const spool = join(dir, name);
  emulator.setFaults(HOLD_THEN_REFUSE);
  const upload = new Cli(['upload', '--batch-size', '4', '--spool', spool, ...samples], env);
  await Promise.all([upload.printed('Recorded 4 of 12 results'), clock.whenHeld(2)]);
  upload.signal('SIGINT');
  const result = await upload.done();
  expect(result.code, result.stderr).toBe(130);
  clock.release();
  await untilTurn('the held batches to be refused', () => emulator.state().requests.filter((r) => r.status === 503).length === 2);
  return spool;
}

/** The spool as a stopped resume left it: its run, how many entries it holds and how many landed in that run. */
async function spoolState(spool: string): Promise<{ run: string; entries: number; landed: number }> {
  const file = JSON.parse(await readFile(spool, 'utf8')) as { run: { id: string }; entries: unknown[]; landed?: { runId: string; caseIds: string[] } };
  return { run: file.run.id, entries: file.entries.length, landed: file.landed?.runId === file.run.id ? file.landed.caseIds.length : 0 };
}

/** The last two lines of a stream: the message a stopped upload ends with, and its "What to do" line. */
function lastLines(stream: string): string[] {
  return stream.trimEnd().split('\n').slice(-2);
}

/** The lines of both streams that name `file`. */
function linesNaming(result: RunResult, file: string): string[] {
  return `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => l.includes(file));
}

/** The summary's line for the results an upload spooled to `file`. */
function summaryLine(file: string): string {
  return `They were written to ${file}: send them with testsigma-tm resume ${file}`;
}

const whatToDo = (code: 'INTERRUPTED' | 'TERMINATED'): string => whatToDoLine({ code });

/** The spool file as if its run's create had got no answer `ms` earlier than it did. */
async function ageCreateSent(spool: string, ms: number): Promise<void> {
  const spooled = JSON.parse(await readFile(spool, 'utf8')) as { createSent: { unansweredAt: number } };
  spooled.createSent.unansweredAt -= ms;
  await writeFile(spool, `${JSON.stringify(spooled)}\n`);
}

function resultWrites(emulator: EmulatorHandle): number {
  return emulator.state().requests.filter((r) => r.route === 'PUT /projects/{pid}/test_runs/{rid}/test_cases').length;
}

describe('testsigma-tm resume interrupted', { timeout: 120_000 }, () => {
  it('on SIGINT mid-resume keeps what was not recorded in its file, says so, exits 130; the next resume sends exactly the rest', async () => {
    await withEmulator([], async (emulator, clock, env) => {
      const spool = await spoolOfStoppedUpload(emulator, clock, env, 'resume-sigint.json');
      // The resume's first batch (4 of the 8 left) lands; its second is held, then refused once let go.
      emulator.setFaults(HOLD_THEN_REFUSE);
      const resume = new Cli(['resume', spool], env);
      await Promise.all([resume.printed('Recorded 4 of 8 results'), clock.whenHeld(1)]);
      resume.signal('SIGINT');
      const result = await resume.done();
      searches.at(-1)?.record('interrupted resume', result);

      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 130, signal: null });
      const [run] = newRuns(emulator);
      expect(run?.status).toBe('ACTIVE');
      expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
        `testsigma-tm: Interrupted by SIGINT while resuming ${spool}: 8 of 12 result(s) are recorded in test run ${run!.human_id}; the other 4 are kept in ${spool} (a batch the stop abandoned on its way is checked against the run first, never written twice). Send them with: testsigma-tm resume ${spool}`,
      );
      expect(await spoolState(spool)).toEqual({ run: run!.id, entries: 12, landed: 8 });

      clock.release();
      await untilTurn('the held batch to be refused', () => emulator.state().requests.filter((r) => r.status === 503).length === 3);
      emulator.setFaults([]);
      const before = resultWrites(emulator);
      const resumed = searches.at(-1)!.record('resume', await runNode(CLI, ['resume', spool], { env }));
      expect(resumed.code, resumed.stderr).toBe(0);
      const after = newRuns(emulator);
      expect(after.map((r) => r.status)).toEqual(['CLOSED']);
      expect(statusesByHumanId(emulator, after[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
      // Exactly the rest: one batch of four, and every case written once.
      expect(resultWrites(emulator) - before).toBe(1);
      expect(Object.values(after[0]!.results).map((r) => r.writes)).toEqual(Array(12).fill(1));
    });
  });

  it('on SIGTERM exits 143; a batch the service applied after the stop is not sent again', async () => {
    await withEmulator([], async (emulator, clock, env) => {
      const spool = await spoolOfStoppedUpload(emulator, clock, env, 'resume-sigterm.json');
      // The resume's second batch is held, then applied once let go: the stopped resume cannot know that it landed.
      emulator.setFaults(HOLD_AFTER_FIRST_BATCH);
      const resume = new Cli(['resume', spool], env);
      await Promise.all([resume.printed('Recorded 4 of 8 results'), clock.whenHeld(1)]);
      resume.signal('SIGTERM');
      const result = await resume.done();
      searches.at(-1)?.record('terminated resume', result);
      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 143, signal: null });
      expect(result.stderr).toContain(`testsigma-tm: Interrupted by SIGTERM while resuming ${spool}: 8 of 12 result(s) are recorded`);
      expect((await spoolState(spool)).landed).toBe(8);

      clock.release();
      await untilTurn('the held batch to land', () => Object.keys(newRuns(emulator)[0]!.results).length === 12);
      emulator.setFaults([]);
      const before = resultWrites(emulator);
      const resumed = searches.at(-1)!.record('resume', await runNode(CLI, ['resume', spool], { env }));
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(newRuns(emulator).map((r) => r.status)).toEqual(['CLOSED']);
      // The run held the batch: the next resume read it back and sent nothing again.
      expect(resultWrites(emulator) - before).toBe(0);
      expect(Object.values(newRuns(emulator)[0]!.results).map((r) => r.writes)).toEqual(Array(12).fill(1));
    });
  });
});

describe('testsigma-tm run close interrupted', { timeout: 120_000 }, () => {
  it('on SIGINT while waiting for the shards stops at once, says the run is still open, exits 130', async () => {
    await withEmulator([], async (emulator, _clock, env) => {
      const key = 'cli-cancelled-close';
      const created = await runNode(CLI, ['run', 'create', '--run-key', key], { env });
      expect(created.code, created.stderr).toBe(0);
      // No shard ever reports: the close waits for them (up to a minute) when it is stopped.
      const close = new Cli(['run', 'close', '--run-key', key, '--shard-total', '2'], env);
      await close.printed('Waiting for 2 of 2 upload(s)');
      close.signal('SIGINT');
      const result = await close.done();
      searches.at(-1)?.record('interrupted run close', result);

      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 130, signal: null });
      const [run] = newRuns(emulator);
      expect(run?.status).toBe('ACTIVE');
      expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
        `testsigma-tm: Interrupted by SIGINT while closing test run ${run!.human_id} "${run!.title}": the run is still open. Run the same command again to close it.`,
      );
    });
  });

  it('on SIGINT before it found the run says nothing was changed, exits 130; the same command then closes the run', async () => {
    await withEmulator([], async (emulator, clock, env) => {
      const key = 'cli-close-looking-up';
      const created = await runNode(CLI, ['run', 'create', '--run-key', key], { env });
      expect(created.code, created.stderr).toBe(0);
      // The runs of the key are listed first: the listing is held.
      emulator.setFaults([{ kind: 'latency', route: 'GET /projects/*/test_runs', ms: 1, times: 1 }]);
      const close = new Cli(['run', 'close', '--run-key', key], env);
      await clock.whenHeld(1);
      close.signal('SIGINT');
      const result = await close.done();
      searches.at(-1)?.record('run close interrupted while looking up', result);
      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 130, signal: null });
      expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
        'testsigma-tm: Interrupted by SIGINT while looking up the test run to close: nothing was changed in Testsigma. Run the same command again to close it.',
      );
      expect(emulator.state().requests.filter((r) => r.method !== 'GET').length).toBe(1);

      clock.release();
      const again = searches.at(-1)!.record('run close again', await runNode(CLI, ['run', 'close', '--run-key', key], { env }));
      expect(again.code, again.stderr).toBe(0);
      expect(newRuns(emulator).map((r) => r.status)).toEqual(['CLOSED']);
    });
  });

  it('on SIGTERM while its close request is on its way exits 143; the same command then closes the run', async () => {
    await withEmulator([], async (emulator, clock, env) => {
      const created = await runNode(CLI, ['run', 'create'], { env });
      expect(created.code, created.stderr).toBe(0);
      const runId = created.stdout.trim();
      // The close request is held, then refused once let go: the run stays open.
      const CLOSE_ROUTE = 'PUT /projects/*/test_runs/*';
      emulator.setFaults([
        { kind: 'latency', route: CLOSE_ROUTE, ms: 1, times: 1 },
        { kind: 'status', route: CLOSE_ROUTE, status: 503, times: 1 },
      ]);
      const close = new Cli(['run', 'close', '--run-id', runId], env);
      await clock.whenHeld(1);
      close.signal('SIGTERM');
      const result = await close.done();
      searches.at(-1)?.record('terminated run close', result);

      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 143, signal: null });
      const [run] = newRuns(emulator);
      expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
        `testsigma-tm: Interrupted by SIGTERM while closing test run ${run!.human_id} "${run!.title}": the run is still open (unless the service still applies the close request that was on its way; closing it again is harmless). Run the same command again to close it.`,
      );
      clock.release();
      await untilTurn('the held close to be refused', () => emulator.state().requests.some((r) => r.status === 503));
      expect(newRuns(emulator)[0]!.status).toBe('ACTIVE');

      const again = searches.at(-1)!.record('run close again', await runNode(CLI, ['run', 'close', '--run-id', runId], { env }));
      expect(again.code, again.stderr).toBe(0);
      expect(newRuns(emulator)[0]!.status).toBe('CLOSED');
    });
  });
});

describe('testsigma-tm resume of a results spool interrupted', { timeout: 120_000 }, () => {
  it('before anything is written leaves the file as it was, says so, and the next resume records every result', async () => {
    // An upload whose run create never landed: every result is spooled (a `results` spool).
    const rules: FaultRule[] = [
      { kind: 'latency', route: 'POST /projects/*/test_runs', ms: 1 },
      { kind: 'status', route: 'POST /projects/*/test_runs', status: 503, times: 1 },
    ];
    await withEmulator(rules, async (emulator, clock, env) => {
      const spool = join(dir, 'results-resume.json');
      const upload = new Cli(['upload', '--spool', spool, ...samples], env);
      await clock.whenHeld(1);
      upload.signal('SIGINT');
      expect((await upload.done()).code).toBe(130);
      clock.release();
      await untilTurn('the held create to be refused', () => emulator.state().requests.some((r) => r.method === 'POST' && r.status === 503));
      const written = await readFile(spool, 'utf8');

      // The resume lists the project's cases before it writes anything: the listing is held.
      emulator.setFaults([{ kind: 'latency', route: 'GET /projects/*/test_cases', ms: 1 }]);
      const resume = new Cli(['resume', spool], env);
      await clock.whenHeld(1);
      resume.signal('SIGINT');
      const result = await resume.done();
      searches.at(-1)?.record('interrupted resume of results', result);
      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 130, signal: null });
      expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
        `testsigma-tm: Interrupted by SIGINT before any result of ${spool} was recorded: nothing was written to Testsigma, and the file still holds its 14 test result(s). Send them with: testsigma-tm resume ${spool}`,
      );
      expect(await readFile(spool, 'utf8')).toBe(written);

      emulator.setFaults([]);
      clock.release();
      // Resumed once the upload's create can no longer land, as in 'a resume creates the run when that create never landed'.
      await ageCreateSent(spool, LATE_WRITE_MS);
      const resumed = searches.at(-1)!.record('resume', await runNode(CLI, ['resume', spool], { env }));
      expect(resumed.code, resumed.stderr).toBe(0);
      const runs = newRuns(emulator);
      expect(runs.map((r) => r.status)).toEqual(['CLOSED']);
      expect(statusesByHumanId(emulator, runs[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
    });
  });
});
