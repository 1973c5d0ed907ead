/**
 * Make a run hold the cases this upload records. Several jobs may add their cases to one run's static
 * selection at the same moment, and an update replaces the whole selection (last write wins), so a job's cases
 * can be lost to another job's update. What keeps the writes from undoing each other:
 * - a write never removes a case its writer has seen in the run: it sends every case it has ever read there,
 *   plus its own, so only a case added after the writer's latest read can be lost, never an older one;
 * - the write follows its read at once (the window in which another job's addition can be lost stays short):
 *   one that could not be sent within FRESH_READ_MS of its read (its turn under a crowded rate limit, a
 *   rate-limit answer waited out) is not sent but built again from a new read, so that the pause before a look
 *   (settlePause) outlasts any write still under way. The pause comes after the write, before the read-back,
 *   random in length so that jobs that collided do not collide again in lockstep;
 * - the read-back is the next attempt's read, and attempts go on until ours are in: the HTTP client's deadline
 *   ends them, never a small count (with sixteen jobs on one token a count runs out while the others write).
 * A run a job created with its own cases needs none of this: every read of the run holds those cases, so no
 * write removes them.
 *
 * What this job last read of the run's selection, and how stale its own writes were (read answered → write
 * answered), is kept in the session's RunState: `keepResults` compares its looks with the one, and waits by the
 * other. Every pause is on the session's clock; every bound is named in timing.ts.
 */
import type { ResultEntry, RunCase } from '../api/client.js';
import type { PlannedFile } from '../attachments/plan.js';
import type { ApiError } from '../errors.js';
import { refusedAsNotInRun, sendEntries, type RefusedEntry, type WithdrawnFile } from './send.js';
import type { RunSession } from './state.js';
import {
  FRESH_READ_MS,
  MEMBERSHIP_REFUSALS,
  QUIET_LOOKS,
  READ_BACK_FIRST_MS,
  READ_BACK_MAX_MS,
  REFUSALS_IN_RUN,
  SETTLE_MIN_MS,
  START_SPREAD_MS,
} from './timing.js';

export interface SelectionOutcome {
  /** Cases the run cannot take (its selection is dynamic). */
  refused: string[];
  requests: number;
  /** The run's cases as the last read found them, with ours in. */
  held: readonly RunCase[];
}

/** Cases of the run by id, from one paginated read. */
function byCase(cases: readonly RunCase[]): Map<string, RunCase> {
  return new Map(cases.map((c) => [c.test_case.id, c]));
}

/**
 * Add `caseIds` to the run's selection until a read finds them all in. `held` is a read the caller has just
 * made (it saves this one).
 */
export async function ensureCases(session: RunSession, caseIds: readonly string[], options: { held?: readonly RunCase[] } = {}): Promise<SelectionOutcome> {
  const { api, projectId, run, clock, log, state } = session;
  let requests = 0;
  let held = options.held;
  // When what `held` shows was read: a write built from it goes out within FRESH_READ_MS of that, or not at all.
  let readAt = clock.now();
  // When the read's last page was answered: a listing of many pages takes longer than FRESH_READ_MS on a slow
  // service, so the window runs from its end (a write never waits on its own read); the pause before a look
  // (settlePause) is twice this job's read-to-write time, listing included, so it covers other jobs' alike.
  let listedAt = readAt;
  // The client's retries when the read began: a read or write retried meanwhile (a timeout, a 5xx waited out) says
  // nothing of how fast the service answers, and sizing the pause before a look by it made that pause unbounded
  // (a listing retried for a minute and a half made a job sleep twice that before each look, past its deadline).
  let retriesAtRead = api.http.retries;
  if (!held) {
    // Jobs of one pipeline reach this point together (they found or created the run at the same moment):
    // starting at random moments, their read-then-write pairs overlap less.
    await clock.sleep(Math.floor(clock.random() * START_SPREAD_MS));
    retriesAtRead = api.http.retries;
    ({ held, readAt } = await readCases(session));
    listedAt = clock.now();
    requests++;
  }
  // Every case ever seen in the run: some job needs each, so a write of ours puts back any it finds gone.
  const seen = new Set<string>();
  // A write not sent because its read got old: the same attempt, from a new read.
  let stale = false;
  for (let attempt = 1; ;) {
    state.remember(held);
    for (const c of held) seen.add(c.test_case.id);
    const current = byCase(held);
    const missing = caseIds.filter((id) => !current.has(id));
    if (missing.length === 0) return { refused: [], requests, held };
    if (run.selection_type && run.selection_type.toUpperCase() !== 'STATIC') {
      log.warn(`Test run ${run.human_id} selects its cases dynamically; ${missing.length} mapped case(s) outside it cannot be recorded.`);
      return { refused: missing, requests, held };
    }
    if (!stale) {
      log.info(
        attempt === 1
          ? `Adding ${missing.length} case(s) to test run ${run.human_id}.`
          : `Another job changed the cases of test run ${run.human_id} at the same moment; adding ours again (attempt ${attempt}).`,
      );
    }
    const filters = [{ field: 'id', operator: 'IN', values: [...new Set([...seen, ...missing])] }];
    stale = (await api.updateRun(projectId, run.id, { static_selection_filters: filters }, { sendBefore: listedAt + FRESH_READ_MS })) === 'stale';
    if (stale) {
      log.debug(`The update of test run ${run.human_id}'s cases waited past ${FRESH_READ_MS} ms for its turn: reading the cases again before writing.`);
    } else {
      requests++;
      if (api.http.retries === retriesAtRead) state.rememberWindow(clock.now() - readAt);
      await clock.sleep(readBackPause(attempt++, clock.random));
    }
    retriesAtRead = api.http.retries;
    ({ held, readAt } = await readCases(session));
    listedAt = clock.now();
    requests++;
  }
}

/** The run's cases, and when the read's first page was answered (a long listing is as old as its first page). */
async function readCases(session: RunSession): Promise<{ held: RunCase[]; readAt: number }> {
  const asked = session.clock.now();
  const retries = session.api.http.retries;
  const { cases, answeredAt } = await session.api.readRunCases(session.projectId, session.run.id);
  // A read that was retried says nothing of how fast the service answers.
  if (session.api.http.retries === retries) session.state.rememberRoundTrip((answeredAt ?? session.clock.now()) - asked);
  return { held: cases, readAt: answeredAt ?? session.clock.now() };
}

/**
 * Before reading back: long enough for the writes of jobs that read before ours to land (so the read-back
 * sees whether ours survived them), and growing, at random, while writers keep colliding.
 */
export function readBackPause(attempt: number, random: () => number): number {
  const ceiling = Math.min(READ_BACK_MAX_MS, READ_BACK_FIRST_MS * 2 ** (attempt - 1));
  return Math.floor(ceiling / 2 + random() * ceiling);
}

/**
 * Before looking whether what this job sent is still in place: another job's write built from a read that missed
 * our cases is sent within FRESH_READ_MS of the end of that read and lands before its answer; this job's own
 * read-to-write times (listing, window and answer: `windowMs`, at least half the window plus a round trip) show how
 * long that takes on this service now. Wait twice that, at least SETTLE_MIN_MS, plus a random part so that jobs that
 * collided do not look in lockstep. On loopback this is about FRESH_READ_MS; far from the service, seconds. A write
 * that goes unanswered is waited out by its own job (LATE_WRITE_MS), and the close step repairs what is left.
 */
export function settlePause(windowMs: number, random: () => number): number {
  const base = Math.max(SETTLE_MIN_MS, 2 * windowMs);
  return Math.floor(base + (random() * base) / 3);
}

export interface KeptResults {
  /**
   * Results that are not in the run and will not be: their case was removed and a dynamic selection will not
   * take it back, or the service refused the result while its case was in the run (with the service's words).
   */
  lost: RefusedEntry[];
  requests: number;
  /** Cases whose result a put-back recorded (the service acknowledged it). */
  recorded: ReadonlySet<string>;
  /** The service failed while results were put back: those are unsent (for the spool), and the looking stopped. */
  failure?: { error: ApiError; unsent: ResultEntry[] };
  /** The run's cases as the last look found them (every sent result in place): a read the caller can reuse. */
  held: readonly RunCase[];
  /** Files a put-back could not send with its result (too large, or the service failed): to be named. */
  withdrawn: WithdrawnFile[];
}

/**
 * A job whose cases are in the run can still lose them afterwards: another job that read the selection before
 * ours was added writes a moment later, and the service drops the results of cases a selection update removes
 * (and refuses results for cases it no longer selects). So, when other jobs may be writing (a run key), look
 * again after a pause, and put back — cases and results — whatever went missing or was refused that way, until
 * a look finds everything in place; the look that finds a case gone is the first read of putting it back.
 * A look that finds a case gone that the last read saw, ours or not, saw another job's late write land, and
 * more may be under way in the same crowd: look again, up to QUIET_LOOKS times, until a look finds nothing
 * gone. A case that holds another result than ours was recorded by another job: not ours to undo (the
 * read-back names it). A result the service refuses while its case is in the run (REFUSALS_IN_RUN times) is
 * given up and named with the service's words.
 */
export async function keepResults(
  session: RunSession,
  sent: readonly ResultEntry[],
  options: {
    untested?: ReadonlySet<string>;
    batchSize?: number;
    refused?: ReadonlyMap<string, string>;
    /**
     * The files of each result, by case id: a put-back sends them again, since the service dropped the case's
     * result with its files when another job's update removed the case (a write without files would leave the
     * result without them, and say nothing).
     */
    files?: ReadonlyMap<string, readonly PlannedFile[]>;
  } = {},
): Promise<KeptResults> {
  const { api, projectId, run, clock, log, state } = session;
  const untested = options.untested ?? new Set<string>();
  let requests = 0;
  // Results no longer waited for, with why (see KeptResults.lost).
  const givenUp = new Map<string, RefusedEntry>();
  const recorded = new Set<string>();
  // Put-backs the service refused while the case was in the run, by case.
  const refusedInRun = new Map<string, number>();
  const withdrawn: WithdrawnFile[] = [];
  let changing = 0;
  let firstLook = true;
  for (;;) {
    await clock.sleep(settlePause(Math.max(state.windowMs, FRESH_READ_MS / 2 + state.roundTripMs), clock.random));
    const previous = state.selection;
    const held = await api.listRunCases(projectId, run.id);
    requests++;
    const current = byCase(held);
    const quiet = [...previous].every((id) => current.has(id));
    state.remember(held);
    if (firstLook) {
      firstLook = false;
      // The send before this look was the first write: a refusal of a result for itself, its case in the run,
      // counts as the first of REFUSALS_IN_RUN (one round of put-backs fewer for a result the service will not take).
      for (const [id, reason] of options.refused ?? []) if (!refusedAsNotInRun(reason) && current.has(id)) refusedInRun.set(id, 1);
    }
    const lost = sent.filter((e) => {
      if (givenUp.has(e.test_case_id)) return false;
      const status = current.get(e.test_case_id)?.status_id;
      if (status === undefined || status === '') return true;
      // A result the service refused was never recorded: whatever the case holds now is another job's.
      if (status !== e.test_run_status_id && !recorded.has(e.test_case_id) && options.refused?.has(e.test_case_id)) return true;
      return status !== e.test_run_status_id && untested.has(status);
    });
    if (lost.length === 0 && (quiet || ++changing > QUIET_LOOKS)) return { lost: [...givenUp.values()], requests, held, recorded, withdrawn };
    if (lost.length === 0) continue;
    // A result refused on its first write and never recorded since is not one another job removed: say which is which.
    const retried = lost.filter((e) => options.refused?.has(e.test_case_id) && !recorded.has(e.test_case_id)).length;
    if (lost.length > retried) {
      log.info(`Another job's update of test run ${run.human_id} removed ${lost.length - retried} of this job's results; recording them again.`);
    }
    if (retried > 0) {
      log.info(
        `Sending again ${retried} result(s) the service refused in test run ${run.human_id}: another job's update may have removed their case as they were written.`,
      );
    }
    const selection = await ensureCases(
      session,
      lost.map((e) => e.test_case_id),
      { held },
    );
    requests += selection.requests;
    const dynamic = new Set(selection.refused);
    for (const entry of lost.filter((e) => dynamic.has(e.test_case_id))) {
      givenUp.set(entry.test_case_id, { entry, reason: `test run ${run.human_id} selects its cases dynamically and no longer holds this case` });
    }
    const putBack = lost.filter((e) => !givenUp.has(e.test_case_id));
    if (putBack.length === 0) continue;
    const again = await sendEntries(
      api,
      projectId,
      run.id,
      putBack,
      { maxEntries: options.batchSize ?? putBack.length, now: () => clock.now(), ...(options.files && { files: options.files }) },
      log,
    );
    requests += again.requests;
    withdrawn.push(...again.attachments.withdrawn);
    for (const entry of again.acknowledged) recorded.add(entry.test_case_id);
    if (again.error) return { lost: [...givenUp.values()], requests, held, recorded, withdrawn, failure: { error: again.error, unsent: again.unsent } };
    if (again.refused.length === 0) continue;
    // A refusal means either that the case was removed again before the write landed (the next round puts it
    // back) or that the service will not take this result at all: a read now tells which, since a case still in
    // the run was refused for itself. Twice, because another job may have removed the case and put it back
    // between the write and the read. Waiting for such a result would never end.
    const now = byCase(await api.listRunCases(projectId, run.id));
    requests++;
    for (const refusal of again.refused) {
      const id = refusal.entry.test_case_id;
      // "Not part of the run": the case was removed again before the write landed, whatever a read shows now.
      const membership = refusedAsNotInRun(refusal.reason);
      if (!membership && !now.has(id)) continue;
      const times = (refusedInRun.get(id) ?? 0) + 1;
      refusedInRun.set(id, times);
      if (times >= (membership ? MEMBERSHIP_REFUSALS : REFUSALS_IN_RUN)) givenUp.set(id, refusal);
    }
  }
}
