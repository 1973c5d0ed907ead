/**
 * The upload's third stage: send every entry, keep what other jobs' updates removed, read the run back, and close
 * it when this upload should.
 */
import type { ResultEntry, RunCase, RunStatus, TestRun } from '../api/client.js';
import type { PlannedFile } from '../attachments/plan.js';
import { ApiError, UnsentResultsError, type TestsigmaTmError } from '../errors.js';
import { statusSeverity } from '../map/status.js';
import { listed } from '../text.js';
import type { CiContext } from '../ci.js';
import type { Settings } from '../settings/index.js';
import { closeRun, finalWordInTurn, leftOpenByClose, type CloseLater } from '../run/close.js';
import { writeJobLine } from '../run/ledger.js';
import { ensureCases, keepResults, type KeptResults } from '../run/membership.js';
import { refusalLines, sendEntries, type RefusedEntry, type SendOutcome } from '../run/send.js';
import { RunState, type RunSession } from '../run/state.js';
import { convergeDuplicates } from '../run/converge.js';
import { REASSERT_ROUNDS } from '../run/timing.js';
import { worstByCase, type JobLine } from '../run/verdict.js';
import type { UploadContext, UploadPlan, OpenedRun, Recorded, PlannedEntry } from './stages.js';
import { spoolEntries } from './spooling.js';

/**
 * Send every entry (a refused one does not stop the others), read the run back, then close it when this upload
 * should: a run it created, or — with a run key — when close-run is on and, with a known shard total, every
 * shard has reported. What could not be sent is spooled and the run is left open (a closed run takes nothing).
 *
 * With a run key, other jobs write to the same run, and the verdict of a case is the worst any of them reported:
 * this job first writes its line (its cases by status) into the run's description, leaves alone every case
 * another job's line reports worse (naming it in the summary), writes its own results, puts back what another
 * job's selection update removed, writes again any worse result of its own that a better one replaced, and then
 * marks its line done. The close step (the last shard, or `run close`) has the final word (run/close.ts).
 */
export async function recordResults(ctx: UploadContext, plan: UploadPlan, opened: OpenedRun): Promise<Recorded> {
  const { settings, log } = ctx;
  const keyed = Boolean(ctx.runKey && !settings.runId);
  if (keyed && ctx.runKey) opened = await joinOldest(opened, ctx.runKey, plan);
  const { run, session } = opened;
  const files = new Map([...plan.files].map(([caseId, planned]) => [caseId, planned.files]));
  const total = settings.shardTotal ?? ctx.ci?.shard?.total;
  const humanIds = new Map(plan.report.mapped.map((m) => [m.testCase.id, m.testCase.human_id ?? m.testCase.id]));
  const human = (id: string): string => humanIds.get(id) ?? id;
  const ownLine: JobLine = { job: ctx.job, state: 'reporting', cases: casesByStatus(opened.entries, human), unlisted: new Map() };

  const others = keyed ? worstOfOthers((await writeJobLine(session, ownLine)).lines, ownLine.job) : new Map<string, string>();
  const kept: Recorded['kept'] = [];
  const toSend: PlannedEntry[] = [];
  // `resume`: what already landed in this run (an earlier attempt's batches) is not sent again.
  const landed = ctx.spoolProgress?.landedIn(run.id) ?? new Set<string>();
  const alreadyLanded = opened.entries.filter((p) => landed.has(p.entry.test_case_id)).map((p) => p.entry);
  for (const planned of opened.entries) {
    if (landed.has(planned.entry.test_case_id)) continue;
    const theirs = others.get(human(planned.entry.test_case_id));
    if (theirs !== undefined && statusSeverity(theirs) > statusSeverity(planned.statusName))
      kept.push({ case: human(planned.entry.test_case_id), status: theirs });
    else toSend.push(planned);
  }
  for (const k of kept) log.debug(`${k.case}: ${k.status} by another job of this run — kept (this job's result is better).`);

  const sent = await sendEntries(
    session.api,
    plan.projectId,
    run.id,
    toSend.map((p) => p.entry),
    {
      maxEntries: settings.batchSize,
      files,
      nameOf: (id) => human(id),
      now: () => session.clock.now(),
      onAcknowledged: (batch: readonly ResultEntry[]) => {
        const landed = ctx.landed?.get(run.id) ?? new Set<string>();
        for (const e of batch) landed.add(e.test_case_id);
        ctx.landed?.set(run.id, landed);
        return ctx.spoolProgress?.record(run.id, batch);
      },
    },
    log,
  );
  // Landed earlier, they are this job's results in the run like the rest: kept, verified, counted.
  sent.acknowledged.push(...alreadyLanded);
  if (sent.error) {
    const spoolFile = await spoolEntries(ctx, plan, opened, sent.unsent, sent.error);
    return { sent, closed: false, spoolFile, error: sent.error, kept };
  }
  // With a run key other jobs write to the same run: make sure what this job sent is still there, and retry what
  // was refused because another job's update had just removed its case. (No job's update removes the cases of
  // the run's creator: every read of the run holds them.)
  let keptResults: KeptResults | undefined;
  if (keyed && (!opened.created || sent.refused.length > 0)) {
    keptResults = await keepResults(session, [...sent.acknowledged, ...sent.refused.map((r) => r.entry)], {
      untested: plan.untestedIds,
      batchSize: settings.batchSize,
      refused: new Map(sent.refused.map((r) => [r.entry.test_case_id, r.reason])),
      files,
    });
    settleKept(sent, keptResults);
    sent.requests += keptResults.requests;
    if (keptResults.failure) {
      const spoolFile = await spoolEntries(ctx, plan, opened, keptResults.failure.unsent, keptResults.failure.error);
      return { sent, closed: false, spoolFile, error: keptResults.failure.error, kept };
    }
  }
  let held = keptResults?.held;
  if (keyed) {
    const reasserted = await reassertWorse(session, sent, plan, keptResults?.held, files, human);
    held = reasserted.held;
    if (reasserted.failure) {
      // Not in the run as this job reported them (a better result shows instead): counted unsent, and spooled so
      // that `resume` writes them again. The job's line stays `reporting`: the close step waits for it.
      const { unsent, error } = reasserted.failure;
      const again = new Set(unsent.map((e) => e.test_case_id));
      sent.acknowledged = sent.acknowledged.filter((e) => !again.has(e.test_case_id));
      sent.unsent.push(...unsent);
      const spoolFile = await spoolEntries(ctx, plan, opened, unsent, error);
      return { sent, closed: false, spoolFile, error, kept };
    }
  }
  // A late write of another job can remove a case (and its result) after the last look: put those back once more
  // rather than call it a mismatch (the close step would restore them too, but this job's check comes first).
  const lacking = keyed ? sent.acknowledged.filter((e) => !holdsResult(held, e.test_case_id, plan.untestedIds)) : [];
  if (lacking.length > 0) {
    // Every result of this job is looked after, not only those found lacking: the read that found them may be old
    // (a listing retried for half a minute), and the check below reads the run as this pass leaves it.
    const again = await keepResults(session, sent.acknowledged, { untested: plan.untestedIds, batchSize: settings.batchSize, files });
    sent.requests += again.requests;
    sent.attachments.withdrawn.push(...again.withdrawn);
    held = again.held;
    if (again.failure) {
      const spoolFile = await spoolEntries(ctx, plan, opened, again.failure.unsent, again.failure.error);
      return { sent, closed: false, spoolFile, error: again.failure.error, kept };
    }
  }
  const verifyKept = new Set(kept.map((k) => k.case));
  const mismatch = settings.verify ? await verifyRun(session, sent, plan, human, held, verifyKept, kept) : undefined;
  const refusedError = sent.refused.length > 0 ? refusedResults(run, sent, human) : undefined;
  let closed = false;
  let leftOpen: TestsigmaTmError | undefined;
  let ledger: JobLine[] | undefined;
  if (keyed) ledger = (await writeJobLine(session, { ...ownLine, state: 'done' })).lines;
  if (settings.closeRun && (opened.created || ctx.runKey) && !settings.runId) {
    const done = ledger?.filter((l) => l.state === 'done').length ?? 0;
    try {
      if (keyed && total && done < total) {
        log.info(`${done} of ${total} uploads have reported into test run ${run.human_id}; the last one closes it.`);
      } else if (keyed) {
        const word = await finalWordInTurn(session, ownLine.job, ledger ?? [], {
          total,
          statuses: plan.statuses,
          userId: plan.userId,
          wait: false,
          ...(ctx.runKey && { key: ctx.runKey }),
        });
        if (word) closed = true;
        else log.info(`Every upload has reported into test run ${run.human_id}; another job of this pipeline closed it.`);
      } else {
        await closeRun(session.api, plan.projectId, run, undefined);
        closed = true;
      }
    } catch (error) {
      // A request of the close failed (the deadline stopped it, or the service refused it), or the host stopped the
      // close: every result is recorded (nothing to spool), the run is open, and the message says why and how to
      // close it. Anything else is passed on as it is.
      leftOpen = leftOpenByClose(error, run, sent.acknowledged.length, closeLater(ctx, total));
      if (!leftOpen) throw error;
      log.debug(`The close step's last error: ${(error as Error).message}`);
    }
  }
  // Results refused or not held are the job's own to fix (a re-run of it also closes the run): they decide the
  // outcome, and a run left open is said beside them.
  const error = refusedError ?? mismatch;
  if (error && leftOpen) log.error(leftOpen.message);
  return { sent, closed, kept, ...((error ?? leftOpen) && { error: error ?? leftOpen }) };
}

/** What `run close` needs to close this upload's run later as this upload would have. */
function closeLater(ctx: UploadContext, total: number | undefined): CloseLater {
  const { settings } = ctx;
  // A run without a key has no job lines to count: it is named by its id, and no shard total is given.
  const runKey = settings.runId ? undefined : ctx.runKey;
  return {
    project: settings.projectId ?? '',
    baseUrl: settings.baseUrl,
    runKey,
    total: runKey ? total : undefined,
    userEmail: settings.userEmail,
    deadline: settings.deadline,
    host: ctx.host,
  };
}

/**
 * A duplicate of the key's run (a late-applied create, two jobs creating at once) converges before any result is
 * written: when this job's run is not the oldest, it reports into the oldest instead, adding its cases there.
 */
async function joinOldest(opened: OpenedRun, key: string, plan: UploadPlan): Promise<OpenedRun> {
  const oldest = await convergeDuplicates(opened.session, key, plan.statuses, plan.userId);
  if (oldest.id === opened.run.id) return opened;
  const session = { ...opened.session, run: oldest, state: new RunState() };
  const refused = new Set(
    (
      await ensureCases(
        session,
        opened.entries.map((p) => p.entry.test_case_id),
      )
    ).refused,
  );
  return { ...opened, run: oldest, session, created: false, entries: opened.entries.filter((p) => !refused.has(p.entry.test_case_id)) };
}

/** This job's cases by the status it records for them (human ids). */
function casesByStatus(entries: readonly PlannedEntry[], human: (id: string) => string): Map<string, string[]> {
  const cases = new Map<string, string[]>();
  for (const p of entries) (cases.get(p.statusName) ?? cases.set(p.statusName, []).get(p.statusName))?.push(human(p.entry.test_case_id));
  return cases;
}

function worstOfOthers(lines: readonly JobLine[], job: string): Map<string, string> {
  return worstByCase(lines.filter((l) => l.job !== job));
}

/** The last read of the run's cases, and what could not be written again (or checked) because the service failed. */
interface Reasserted {
  held: readonly RunCase[] | undefined;
  failure?: { unsent: ResultEntry[]; error: ApiError };
}

/**
 * Another job's better result can land after this job's worse one (both read the run before either wrote): read
 * the run back and write this job's result again wherever it now holds a better one, a few rounds. Every request
 * goes through the client's one retry loop (until the deadline); when the service still fails, the results not
 * known to hold this job's status are named and returned as a failure, for the spool (`resume` reads the run first
 * and writes only those it does not hold), never dropped: a pass must not hide a failure, close step or not.
 */
async function reassertWorse(
  session: RunSession,
  sent: SendOutcome,
  plan: UploadPlan,
  held: readonly RunCase[] | undefined,
  files: ReadonlyMap<string, readonly PlannedFile[]>,
  human: (id: string) => string,
): Promise<Reasserted> {
  const { api, projectId, run, log } = session;
  const names = statusNames(plan.statuses);
  const named = (entries: readonly ResultEntry[]): string =>
    listed(entries.map((e) => `${human(e.test_case_id)} (${names.get(e.test_run_status_id) ?? e.test_run_status_id})`));
  /** `what` leads the message; the cases, the service's failure and what becomes of them follow. */
  const failed = (unsent: ResultEntry[], error: ApiError, what: string): Reasserted => {
    log.warn(
      `${what}: ${named(unsent)}, the service failing (${error.status ? `HTTP ${error.status}` : 'no answer'}; the upload's error says more). Until they are written again, the run may show another job's better result for them: they are kept with the results that could not be sent.`,
    );
    return { held: undefined, failure: { unsent, error } };
  };
  /** The run's cases, or the service's failure after the client's retries. */
  const read = async (): Promise<readonly RunCase[] | ApiError> => {
    try {
      return await api.listRunCases(projectId, run.id);
    } catch (error) {
      if (error instanceof ApiError) return error;
      throw error;
    }
  };
  let current = held ?? (await read());
  // Unread, any of this job's results may have been replaced: every one is kept (resume skips those the run holds).
  if (current instanceof ApiError) {
    const what = `Could not read test run ${run.human_id} back to check that no better result of another job replaced any of this job's ${sent.acknowledged.length} result(s)`;
    return failed([...sent.acknowledged], current, what);
  }
  for (let round = 1; round <= REASSERT_ROUNDS; round++) {
    const now = new Map(current.map((c) => [c.test_case.id, c.status_id]));
    const replaced = sent.acknowledged.filter((e) => {
      const status = now.get(e.test_case_id);
      return status !== e.test_run_status_id && statusSeverity(names.get(status ?? '') ?? 'Untested') < statusSeverity(names.get(e.test_run_status_id) ?? '');
    });
    if (replaced.length === 0) return { held: current };
    log.info(`Another job's better result replaced ${replaced.length} worse result(s) of this job in test run ${run.human_id}; writing them again.`);
    // With their files: the better result replaced ours with its own files (or none), and a write without files
    // would leave this job's result without them.
    const again = await sendEntries(api, projectId, run.id, replaced, { maxEntries: 100, now: () => session.clock.now(), files }, log);
    sent.requests += again.requests + 1;
    sent.attachments.withdrawn.push(...again.attachments.withdrawn);
    if (again.error) {
      const what = `Could not write again ${again.unsent.length} worse result(s) of this job that another job's better result replaced in test run ${run.human_id}`;
      return failed(again.unsent, again.error, what);
    }
    const after = await read();
    // Written again, and not read back: they may have been replaced once more.
    if (after instanceof ApiError) {
      const what = `Could not read test run ${run.human_id} back after writing again ${replaced.length} worse result(s) of this job that another job's better result had replaced`;
      return failed(replaced, after, what);
    }
    current = after;
  }
  return { held: current };
}

/** Does the read hold a result (any status but "no result yet") for the case? */
function holdsResult(held: readonly RunCase[] | undefined, caseId: string, untested: ReadonlySet<string>): boolean {
  const status = held?.find((c) => c.test_case.id === caseId)?.status_id;
  return status !== undefined && status !== '' && !untested.has(status);
}

function statusNames(statuses: readonly RunStatus[]): Map<string, string> {
  return new Map(statuses.map((s) => [s.id, s.name]));
}

/**
 * Fold what keeping the results found into what was sent. What is not in the run now is refused, with the last
 * reason the service gave; a refused result counts as recorded only when a put-back recorded it (its case may
 * hold another job's result: not ours, and still refused).
 */
function settleKept(sent: SendOutcome, kept: KeptResults): void {
  // Files a put-back sent again are not counted twice; those it could not send are named.
  sent.attachments.withdrawn.push(...kept.withdrawn);
  const absent = new Set([...kept.lost.map((r) => r.entry), ...(kept.failure?.unsent ?? [])].map((e) => e.test_case_id));
  // A refused result counts as recorded when a put-back recorded it, or when the case holds it anyway (another job
  // recorded the same status).
  const holds = new Map(kept.held.map((c) => [c.test_case.id, c.status_id]));
  const putBack = (r: RefusedEntry) =>
    (kept.recorded.has(r.entry.test_case_id) || holds.get(r.entry.test_case_id) === r.entry.test_run_status_id) && !absent.has(r.entry.test_case_id);
  sent.acknowledged = [...sent.acknowledged.filter((e) => !absent.has(e.test_case_id)), ...sent.refused.filter(putBack).map((r) => r.entry)];
  sent.refused = [...kept.lost, ...sent.refused.filter((r) => !putBack(r) && !absent.has(r.entry.test_case_id))];
}

/** `2/4` for shard 2 of 4, `2` without a total, else an id of this upload alone. */
/** This job's marker in a keyed run (UploadContext.job): its shard as the settings or the CI say, else an id of its own. */
export function jobMarker(settings: Pick<Settings, 'shardIndex' | 'shardTotal'>, ci: CiContext | undefined): string {
  const index = settings.shardIndex ?? ci?.shard?.index;
  const total = settings.shardTotal ?? ci?.shard?.total;
  if (index === undefined) return uploadId();
  return total ? `${index}/${total}` : String(index);
}

/**
 * Eight hex digits of this upload alone: told apart from the other jobs of one pipeline (a few, at most thousands),
 * never a secret. `Math.random`, which V8 seeds from the system's entropy per process: `node:crypto`'s
 * `randomUUID` loaded all of it (48 M instructions, about 12 ms) in every CLI and reporter process that uploads.
 */
function uploadId(): string {
  return Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
}

/**
 * After the last batch, what the run holds must be what was sent: name every case that differs. A case that
 * holds a worse result than ours was recorded so by another job (a pass never hides a failure): kept, and named
 * in the summary, never a mismatch.
 */
async function verifyRun(
  session: RunSession,
  sent: SendOutcome,
  plan: UploadPlan,
  human: (id: string) => string,
  read: readonly RunCase[] | undefined,
  alreadyKept: ReadonlySet<string>,
  kept: NonNullable<Recorded['kept']>,
): Promise<TestsigmaTmError | undefined> {
  const { api, projectId, run } = session;
  const names = statusNames(plan.statuses);
  const held = new Map((read ?? (await api.listRunCases(projectId, run.id))).map((c) => [c.test_case.id, c.status_id]));
  const differ: ResultEntry[] = [];
  for (const e of sent.acknowledged) {
    const status = held.get(e.test_case_id);
    if (status === e.test_run_status_id) continue;
    const theirs = names.get(status ?? '');
    if (theirs !== undefined && statusSeverity(theirs) > statusSeverity(names.get(e.test_run_status_id) ?? '')) {
      if (!alreadyKept.has(human(e.test_case_id))) kept.push({ case: human(e.test_case_id), status: theirs });
      continue;
    }
    differ.push(e);
  }
  if (differ.length === 0) return undefined;
  return new UnsentResultsError(
    'VERIFY_MISMATCH',
    `Test run ${run.human_id} does not hold what was sent for ${differ.length} case(s): ${listed(differ.map((e) => human(e.test_case_id)))}. Another job may have recorded the same case(s) at the same time; check them in the run.`,
  );
}

function refusedResults(run: TestRun, sent: SendOutcome, human: (id: string) => string): UnsentResultsError {
  const { refused, acknowledged } = sent;
  return new UnsentResultsError(
    'UNSENT_RESULTS',
    `The service refused ${refused.length} of ${refused.length + acknowledged.length} result(s) for test run ${run.human_id} (${acknowledged.length} recorded):${refusalLines(refused, human)}`,
  );
}

export function caseName(plan: UploadPlan, caseId: string): string {
  return plan.report.mapped.find((m) => m.testCase.id === caseId)?.testCase.human_id ?? caseId;
}
