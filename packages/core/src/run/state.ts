/**
 * run/: what the jobs of one pipeline share in one test run — membership, verdict, job lines, close, key,
 * duplicates; may import api, attachments, map, plan, settings, text. The protocol is stated once in README.md.
 *
 * What one job knows of one run while it reports into it, as an explicit value handed to every step of the
 * protocol (no module state): the run, the clock every wait uses, and what this job last read of the run's
 * selection and how long its own read-to-write round trips took (the pauses before a look are sized by it).
 */
import type { RunCase, TestManagementApi, TestRun } from '../api/client.js';
import type { Clock } from '../clock.js';
import { stoppingClock } from '../api/interrupt.js';
import type { Logger } from '../log.js';
import { LATE_WRITE_MS } from './timing.js';
import type { JobLine } from './verdict.js';

export interface RunSession {
  api: TestManagementApi;
  projectId: string;
  run: TestRun;
  clock: Clock;
  log: Logger;
  state: RunState;
}

export class RunState {
  /** The selection as last read: a look compares with it. */
  selection: ReadonlySet<string> = new Set();
  /** The longest time from a read's answer to the answer of the write built from it, neither retried (a timeout waited out is not the service's speed). */
  windowMs = 0;
  /** The slowest round trip of a read seen so far: the windows of the job lines grow with it. */
  roundTripMs = 0;
  /** Every job's line as last seen (done over reporting): a write of the description puts back each one gone. */
  readonly lines = new Map<string, JobLine>();
  /** This job's attempt (verdict.ts), decided by its first read of the run: the reporting and done lines share it. */
  ownAttempt: number | undefined;
  /** Lines of the description by their text, parsed (null: not a job line). */
  readonly parsedLines = new Map<string, JobLine | null>();
  /** Each line's text as formatted (a crowd's lines are compared and written again and again). */
  readonly lineTexts = new Map<JobLine, string>();
  /** Until when a description write of this job that got no answer may still land (LATE_WRITE_MS). */
  descriptionInDoubtUntil = -Infinity;

  rememberRoundTrip(ms: number | undefined): void {
    if (ms !== undefined) this.roundTripMs = Math.max(this.roundTripMs, ms);
  }

  /** Keep what a read found. */
  remember(held: readonly RunCase[]): void {
    this.selection = new Set(held.map((c) => c.test_case.id));
  }

  rememberWindow(windowMs: number): void {
    this.windowMs = Math.max(this.windowMs, windowMs);
  }
}

/** Until when a write of this job that got no answer may still be applied (LATE_WRITE_MS); -Infinity when none can. */
export function inDoubtUntil(session: Pick<RunSession, 'api'>): number {
  const sent = session.api.http.unansweredWriteSentAt;
  return sent === undefined ? -Infinity : sent + LATE_WRITE_MS;
}

/**
 * The duration of one call, as a round trip worth sizing windows by: undefined when the client retried meanwhile
 * (a timeout waited out says nothing of how fast the service answers).
 */
export async function timed<T>(session: Pick<RunSession, 'api' | 'clock'>, call: () => Promise<T>): Promise<{ value: T; ms: number | undefined }> {
  const asked = session.clock.now();
  const retries = session.api.http.retries;
  const value = await call();
  return { value, ms: session.api.http.retries === retries ? session.clock.now() - asked : undefined };
}

/**
 * `interrupt`: the host's stop (SIGINT, SIGTERM). Every wait of the protocol ends at once when it fires (its requests
 * already do: api/interrupt.ts), so a cancelled job says what it left instead of waiting out a pause.
 */
export function openSession(api: TestManagementApi, projectId: string, run: TestRun, clock: Clock, log: Logger, interrupt?: AbortSignal): RunSession {
  return { api, projectId, run, clock: stoppingClock(clock, interrupt), log, state: new RunState() };
}
