/**
 * Writing this job's line into the run's description (see verdict.ts for the line). A description update
 * replaces the whole text, so another job's write built on an older read can drop a line after it was seen:
 * every write carries every job line this job has seen (putting back what another dropped), is sent within
 * FRESH_READ_MS of its read or built again, and the line counts as recorded once two reads, CONFIRM_GAP_MS
 * apart, both hold all of them — a write built on a read without ours has landed by the second read.
 */
import type { TestRun } from '../api/client.js';
import type { RunSession } from './state.js';
import { CONFIRM_GAP_MS, CONFIRM_JITTER_MS, FRESH_READ_MS, LEDGER_ATTEMPTS } from './timing.js';
import { formatJobLine, newerLine, readJobLines, withJobLines, type JobLine } from './verdict.js';

export interface Ledger {
  /** The run as last read, its description holding every line seen. */
  run: TestRun;
  /** Every job's line, this job's included. */
  lines: JobLine[];
  /** False when other jobs kept replacing the description until the attempts ran out. */
  confirmed: boolean;
}

/** Write (or update) this job's line; returns every job's line as the confirming read found them. */
export async function writeJobLine(session: RunSession, own: JobLine): Promise<Ledger> {
  const { api, projectId, run, clock, log } = session;
  const seen = new Map<string, JobLine>();
  let current = run;
  let confirmed = 0;
  for (let attempt = 1; attempt <= LEDGER_ATTEMPTS; attempt++) {
    const asked = clock.now();
    current = await api.getRun(projectId, run.id);
    const readAt = clock.now();
    session.state.rememberRoundTrip(readAt - asked);
    const found = readJobLines(current.description);
    for (const line of found) if (line.job !== own.job) seen.set(line.job, newerLine(seen.get(line.job), line));
    seen.set(own.job, own);
    const present = new Set(found.map(formatJobLine));
    const missing = [...seen.values()].filter((line) => !present.has(formatJobLine(line)));
    if (missing.length === 0) {
      if (++confirmed >= 2) return { run: current, lines: [...seen.values()], confirmed: true };
      await clock.sleep(confirmGap(session.state.roundTripMs) + Math.floor(clock.random() * CONFIRM_JITTER_MS));
      continue;
    }
    confirmed = 0;
    if (attempt > 1) await clock.sleep(100 * attempt + Math.floor(clock.random() * 250 * attempt));
    // Not sent when its turn comes too late (`stale`): the next round reads again.
    await api.updateRun(projectId, run.id, { description: withJobLines(current.description, seen.values()) }, { sendBefore: readAt + FRESH_READ_MS });
  }
  log.warn(`Could not record this job's line on test run ${run.human_id} (other jobs kept changing its description); the close step may not count it.`);
  return { run: current, lines: [...seen.values()], confirmed: false };
}

/**
 * How far apart the two confirming reads are: later than any write built on a read without our line can land —
 * sent within FRESH_READ_MS of its read, then on its way as long as a round trip takes here (the slowest seen).
 */
function confirmGap(roundTripMs: number): number {
  return Math.max(CONFIRM_GAP_MS, FRESH_READ_MS + 2 * roundTripMs);
}

/** The job lines of the run as it is now (one read). */
export async function readLedger(session: Pick<RunSession, 'api' | 'projectId' | 'run'>): Promise<{ run: TestRun; lines: JobLine[] }> {
  const run = await session.api.getRun(session.projectId, session.run.id);
  return { run, lines: readJobLines(run.description) };
}
