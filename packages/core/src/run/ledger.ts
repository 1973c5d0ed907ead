/**
 * Writing this job's line into the run's description (see verdict.ts for the line). A description update
 * replaces the whole text, so another job's write built on an older read can drop a line after it was seen:
 * every write carries every job line this job has seen (putting back what another dropped), is sent within
 * FRESH_READ_MS of its read or built again, and the line counts as recorded once two reads, CONFIRM_GAP_MS
 * apart, both hold all of them — a write built on a read without ours has landed by the second read.
 */
import type { TestRun } from '../api/client.js';
import { inDoubtUntil, timed, type RunSession } from './state.js';
import { CONFIRM_GAP_MS, CONFIRM_JITTER_MS, FRESH_READ_MS, IN_DOUBT_LOOK_MS, LEDGER_ATTEMPTS } from './timing.js';
import { formatJobLine, newerLine, readJobLines, withJobLines, type JobLine } from './verdict.js';

export interface Ledger {
  /** The run as last read, its description holding every line seen. */
  run: TestRun;
  /** Every job's line, this job's included. */
  lines: JobLine[];
  /** False when other jobs kept replacing the description until the attempts ran out. */
  confirmed: boolean;
}

/**
 * Write (or update) this job's line; returns every job's line as the confirming read found them. A write of this
 * job that got no answer may still land (LATE_WRITE_MS) and drop lines written since its read: until it cannot,
 * the job keeps looking (often enough to see every line another job confirms) and only confirms afterwards,
 * putting back whatever it saw and finds gone.
 */
export async function writeJobLine(session: RunSession, own: JobLine): Promise<Ledger> {
  const { api, projectId, run, clock, log } = session;
  const seen = new Map<string, JobLine>();
  // Each line's text, formatted once: a crowd's description is compared on every read.
  const text = new Map<JobLine, string>();
  const format = (line: JobLine): string => text.get(line) ?? (text.set(line, formatJobLine(line)), text.get(line) as string);
  let current = run;
  let confirmed = 0;
  for (let attempt = 1; attempt <= LEDGER_ATTEMPTS; ) {
    const read = await timed(session, () => api.getRun(projectId, run.id));
    current = read.value;
    const readAt = clock.now();
    session.state.rememberRoundTrip(read.ms);
    const description = current.description ?? '';
    const present = new Set<string>();
    for (const raw of description.split('\n')) {
      const trimmed = raw.trim();
      present.add(trimmed);
      const [line] = readJobLines(trimmed);
      if (!line || line.job === own.job) continue;
      text.set(line, trimmed);
      seen.set(line.job, newerLine(seen.get(line.job), line));
    }
    seen.set(own.job, own);
    const missing = [...seen.values()].filter((line) => !present.has(format(line)));
    if (missing.length === 0) {
      const doubt = inDoubtUntil(session);
      if (readAt < doubt) {
        // A write of ours may still land: not confirmed yet, however the run reads now.
        confirmed = 0;
        await clock.sleep(Math.min(IN_DOUBT_LOOK_MS, doubt - readAt + 1));
        continue;
      }
      if (++confirmed >= 2) return { run: current, lines: [...seen.values()], confirmed: true };
      await clock.sleep(confirmGap(session.state.roundTripMs) + Math.floor(clock.random() * CONFIRM_JITTER_MS));
      continue;
    }
    confirmed = 0;
    if (attempt > 1) await clock.sleep(100 * attempt + Math.floor(clock.random() * 250 * attempt));
    attempt++;
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
