/**
 * Writing this job's line into the run's description (see verdict.ts for the line). A description update
 * replaces the whole text, so another job's write built on an older read can drop a line after it was seen:
 * every write carries every job line this job has seen (putting back what another dropped), is sent within
 * FRESH_READ_MS of its read or built again, and the line counts as recorded once two reads, CONFIRM_GAP_MS
 * apart, both hold all of them — a write built on a read without ours has landed by the second read.
 */
import type { TestRun } from '../api/client.js';
import { inDoubtUntil, timed, type RunSession } from './state.js';
import { CONFIRM_GAP_MS, CONFIRM_JITTER_MS, FRESH_READ_MS, IN_DOUBT_LOOK_MS, IN_DOUBT_LOOK_TIMEOUT_MS, LATE_WRITE_MS, LEDGER_ATTEMPTS } from './timing.js';
import { formatJobLine, newerLine, nextAttempt, readJobLines, withJobLines, type JobLine } from './verdict.js';

export interface Ledger {
  /** The run as last read, its description holding every line seen. */
  run: TestRun;
  /** Every job's line, this job's included. */
  lines: JobLine[];
  /** False when other jobs kept replacing the description until the attempts ran out. */
  confirmed: boolean;
}

/**
 * Write (or update) this job's line; returns every job's line as the confirming read found them.
 *
 * A write of this job that got no answer may still land (LATE_WRITE_MS after it was sent) and then drop every line
 * written since its read, done lines of jobs that have finished included. So the line is confirmed only once no
 * write of this job can land any more; and while a description write of its own is in doubt, the job looks at
 * the run every IN_DOUBT_LOOK_MS without waiting for the previous look (one that times out must not blind it),
 * so that it has seen every line another job confirmed meanwhile, and puts back each one its late write drops.
 * Lines seen are kept in the session (RunState.lines), so the done line puts back what the first write saw.
 */
export async function writeJobLine(session: RunSession, line: JobLine): Promise<Ledger> {
  const { api, projectId, run, clock, log, state } = session;
  let own = state.ownAttempt === undefined ? line : { ...line, attempt: state.ownAttempt };
  const seen = state.lines;
  // Each line of the description parsed once: a crowd's description is read again and again.
  const parsed = state.parsedLines;
  // Each line's text, formatted once: a crowd's description is compared on every read.
  const text = state.lineTexts;
  const format = (line: JobLine): string => text.get(line) ?? (text.set(line, formatJobLine(line)), text.get(line) as string);
  // The description last learned, split: reads again and again find the description unchanged.
  let lastDescription: string | undefined;
  let lastPresent = new Set<string>();
  let lastOthers: JobLine[] = [];
  /** Merge a read's lines into those seen; returns the lines of the description as they stand. */
  const learn = (description: string): Set<string> => {
    if (description !== lastDescription) {
      lastDescription = description;
      lastPresent = new Set<string>();
      lastOthers = [];
      for (const raw of description.split('\n')) {
        const trimmed = raw.trim();
        lastPresent.add(trimmed);
        // One look-up per line (null: read before, not a job line).
        let line = parsed.get(trimmed);
        if (line === undefined) {
          line = readJobLines(trimmed)[0] ?? null;
          parsed.set(trimmed, line);
          if (line) text.set(line, trimmed);
        }
        if (!line || line.job === own.job) continue;
        lastOthers.push(line);
      }
    }
    for (const line of lastOthers) seen.set(line.job, newerLine(seen.get(line.job), line));
    return lastPresent;
  };
  let current = run;
  let confirmed = 0;
  for (let attempt = 1; attempt <= LEDGER_ATTEMPTS;) {
    // While a description write of ours may land, no request of this job may leave it blind: a read that hangs
    // is watched like a write that does.
    const reading = (): Promise<TestRun> => api.getRun(projectId, run.id);
    const read = await timed(session, () =>
      clock.now() < state.descriptionInDoubtUntil ? watchWhile(session, reading(), learn, IN_DOUBT_LOOK_MS) : reading(),
    );
    current = read.value;
    const readAt = clock.now();
    state.rememberRoundTrip(read.ms);
    if (state.ownAttempt === undefined) {
      // A line of this marker before this job's first write is an earlier attempt's (a re-run, a resume, a line
      // carried over): this job's lines must read as newer than it, or other jobs would put it back over ours.
      state.ownAttempt = nextAttempt(readJobLines(current.description), own.job);
      own = { ...own, attempt: state.ownAttempt };
    }
    const present = learn(current.description ?? '');
    seen.set(own.job, own);
    const missing = [...seen.values()].filter((line) => !present.has(format(line)));
    if (missing.length === 0) {
      if (readAt < inDoubtUntil(session)) {
        // A write of ours may still land: not confirmed yet, however the run reads now.
        confirmed = 0;
        await watchWhileInDoubt(session, learn);
        continue;
      }
      if (++confirmed >= 2) return { run: current, lines: [...seen.values()], confirmed: true };
      await clock.sleep(confirmGap(state.roundTripMs) + Math.floor(clock.random() * CONFIRM_JITTER_MS));
      continue;
    }
    confirmed = 0;
    if (own.state === 'done' && readAt < inDoubtUntil(session)) {
      // A done line tells the close step this job writes no more: not written while a write of ours may still
      // land (seed 102469: job 8's done line was read while its own description write was in doubt, and that
      // write then dropped the closer's line).
      await watchWhileInDoubt(session, learn);
      continue;
    }
    const before = api.http.unansweredWriteSentAt;
    // Not sent when its turn comes too late (`stale`): the next round reads again.
    const writing = api.updateRun(
      projectId,
      run.id,
      { description: withJobLines(current.description, seen.values(), format) },
      { sendBefore: readAt + FRESH_READ_MS },
    );
    const stale = (await watchWhile(session, writing, learn, Math.max(IN_DOUBT_LOOK_MS, 2 * state.roundTripMs))) === 'stale';
    const after = api.http.unansweredWriteSentAt;
    if (after !== undefined && after !== before) state.descriptionInDoubtUntil = Math.max(state.descriptionInDoubtUntil, after + LATE_WRITE_MS);
    attempt++;
    if (stale) continue;
    // Jobs that collided back off at random before reading again, more each round (never between a read and
    // the write built from it: that write would go stale).
    await clock.sleep(Math.floor(clock.random() * 250 * attempt));
  }
  log.warn(`Could not record this job's line on test run ${run.human_id} (other jobs kept changing its description); the close step may not count it.`);
  return { run: current, lines: [...seen.values()], confirmed: false };
}

/**
 * A write not answered within a round trip or two may be one the service applies late (and a read that hangs
 * while one of ours may land leaves this job blind): after `startAfterMs`, look at the run every IN_DOUBT_LOOK_MS
 * (each look on its own) until the answer comes, so that a line another job confirms while this job waits is
 * seen, and put back should a late write drop it.
 */
async function watchWhile<T>(session: RunSession, pending: Promise<T>, learn: (description: string) => void, startAfterMs: number): Promise<T> {
  const { clock } = session;
  let answered = false;
  const settled = pending.then(
    () => (answered = true),
    () => (answered = true),
  );
  await Promise.race([settled, clock.sleep(startAfterMs)]);
  while (!answered) {
    // Not awaited: a look that times out must not delay the next one; each only adds to the lines seen.
    void look(session).then(
      (read) => learn(read.description ?? ''),
      () => undefined,
    );
    await Promise.race([settled, clock.sleep(IN_DOUBT_LOOK_MS)]);
  }
  return pending;
}

/**
 * Until no write of this job can land any more. While a description write may, look every IN_DOUBT_LOOK_MS,
 * each look on its own (a look that times out must not leave a gap), and learn every line seen.
 */
async function watchWhileInDoubt(session: RunSession, learn: (description: string) => void): Promise<void> {
  const { clock, state } = session;
  const looks: Promise<void>[] = [];
  for (let now = clock.now(); now < inDoubtUntil(session); now = clock.now()) {
    if (now >= state.descriptionInDoubtUntil) {
      await clock.sleep(inDoubtUntil(session) - now);
      break;
    }
    looks.push(
      look(session).then(
        (read) => learn(read.description ?? ''),
        // A look that failed leaves the others; the confirming reads afterwards fail loudly if the service does.
        () => undefined,
      ),
    );
    await clock.sleep(IN_DOUBT_LOOK_MS);
  }
  await Promise.all(looks);
}

/**
 * One look at the run while a write of this job may land: sent once, with a short timeout (IN_DOUBT_LOOK_TIMEOUT_MS),
 * so that a look the service leaves unanswered never holds up the next one.
 */
function look(session: RunSession): Promise<TestRun> {
  const { api, projectId, run, state } = session;
  return api.getRun(projectId, run.id, { timeoutMs: Math.max(IN_DOUBT_LOOK_TIMEOUT_MS, 2 * state.roundTripMs) });
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
