/**
 * The close step, the final word on a run several jobs report into: wait until every shard's line in the run's
 * description says `done` (or CLOSE_WAIT_MS passes, naming who is missing), make every case hold the worst
 * status any job's line lists for it (a later pass of one job may have replaced another's failure), and only
 * then close — and read the run back, since an answer can say 200 for a close that was not applied.
 */
import type { ResultEntry, RunCase, RunStatus, TestManagementApi, TestRun } from '../api/client.js';
import { deadlineLabel } from '../api/progress.js';
import { redactUrl } from '../api/url.js';
import { ApiError, InterruptedError, TestsigmaTmError, UnsentResultsError } from '../errors.js';
import { stopCode, type StopSignal } from '../api/interrupt.js';
import { DEFAULT_BASE_URL, settingLabel, settingName, settingRow, type Host, type SettingKey } from '../settings/index.js';
import { statusKey, statusSeverity } from '../map/status.js';
import { listed } from '../text.js';
import { readLedger } from './ledger.js';
import { refusalLines, refusedAsNotInRun, sendEntries, type RefusedEntry } from './send.js';
import { inDoubtUntil, RunState, type RunSession } from './state.js';
import { convergeDuplicates } from './converge.js';
import { ensureCases } from './membership.js';
import { CLOSE_POLL_MS, CLOSE_REPAIR_ROUNDS, CLOSE_TURN_MS, CLOSE_TURN_ROUND_TRIPS, CLOSE_TURNS_MAX, CLOSE_WAIT_MS } from './timing.js';
import { isPartial, newerLine, withJobLines, worstByCase, type JobLine } from './verdict.js';

export interface FinalWord {
  /** The run closed: the oldest of the key's generation when duplicates were merged into it. */
  run: TestRun;
  /** Jobs whose line says done. */
  done: string[];
  /** Of the shard total, the shards with no done line when the wait ended. */
  missing: number;
  /** Cases whose worse result another job's better one had replaced, written again. */
  restored: string[];
  /** Jobs whose line could not list every case (too long): their cases were not checked. */
  partial: string[];
  closed: boolean;
}

/** The line that ends the run's description. */
function reportedLine(done: number, total: number | undefined): string {
  return `${done}${total ? ` of ${total}` : ''} upload(s) reported.`;
}

/** Shards with a done line: a shard marker `i/n` counts once however often the shard ran. */
function doneJobs(lines: readonly JobLine[]): string[] {
  return lines.filter((l) => l.state === 'done').map((l) => l.job);
}

/**
 * Wait for the shards, restore each case's worst status, close. `total` is the shard total when known.
 * `statuses` and `userId` write the restored results.
 */
export async function finalWord(
  session: RunSession,
  options: { total: number | undefined; statuses: readonly RunStatus[]; userId: string; wait?: boolean; key?: string },
): Promise<FinalWord> {
  if (options.key) {
    const oldest = await convergeDuplicates(session, options.key, options.statuses, options.userId);
    if (oldest.id !== session.run.id) session = { ...session, run: oldest, state: new RunState() };
  }
  const { clock, log, run } = session;
  const readLines = async (): Promise<{ run: TestRun; lines: JobLine[] }> => {
    const read = await readLedger(session);
    return { run: read.run, lines: withSeenLines(read.lines, session.state) };
  };
  let ledger = await readLines();
  const waitUntil = clock.now() + (options.wait === false ? 0 : CLOSE_WAIT_MS);
  while (options.total && doneJobs(ledger.lines).length < options.total && clock.now() < waitUntil) {
    log.info(`Waiting for ${options.total - doneJobs(ledger.lines).length} of ${options.total} upload(s) to finish reporting into test run ${run.human_id}.`);
    await clock.sleep(CLOSE_POLL_MS);
    ledger = await readLines();
  }
  const done = doneJobs(ledger.lines);
  const restored = await restoreWorst(session, ledger.lines, options.statuses, options.userId);
  const partial = ledger.lines.filter(isPartial).map((l) => l.job);
  // The closed run's description lists every line the verdict counted, those a late write dropped included.
  const described = { ...ledger.run, description: withJobLines(ledger.run.description, ledger.lines) };
  await closeRun(session.api, session.projectId, described, done.length > 0 || options.total ? reportedLine(done.length, options.total) : undefined);
  return { run: ledger.run, done, missing: options.total ? Math.max(0, options.total - done.length) : 0, restored, partial, closed: true };
}

/**
 * The lines of a read, with every line this job saw before (RunState.lines, its own included). Another job's
 * description write that the service applied late can drop a line after its job confirmed it done — this job's
 * own line among them, when this job is the one closing (seed 102469: the closer read the run without its own
 * Blocked, so it left another job's late Passed in place). A line seen once stays true: jobs only replace it by
 * a newer one.
 */
function withSeenLines(read: readonly JobLine[], state: RunState): JobLine[] {
  const merged = new Map(state.lines);
  for (const line of read) merged.set(line.job, newerLine(merged.get(line.job), line));
  return [...merged.values()];
}

/**
 * The final word of an upload that saw every shard done (`--shard-total` without a close job). Jobs finishing
 * together all see that, so they take turns: the highest shard first, each later one after CLOSE_TURN_MS more,
 * reading the run when its turn comes and standing down when it reads CLOSED. Returns undefined when another job
 * closed the run. Should a closer still be restoring when the next turn comes, both write the same worst statuses
 * and the second close finds the run closed: the verdict holds either way, only the close is said twice.
 */
export async function finalWordInTurn(
  session: RunSession,
  ownJob: string,
  lines: readonly JobLine[],
  options: Parameters<typeof finalWord>[1],
): Promise<FinalWord | undefined> {
  const order = doneJobs(lines).sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  const turn = Math.min(Math.max(0, order.indexOf(ownJob)), CLOSE_TURNS_MAX);
  if (turn > 0) {
    await session.clock.sleep(turn * Math.max(CLOSE_TURN_MS, CLOSE_TURN_ROUND_TRIPS * session.state.roundTripMs));
    const { run } = await readLedger(session);
    if (run.status.toUpperCase() === 'CLOSED') return undefined;
  }
  return finalWord(session, options);
}

/**
 * Make every case any job's line lists be in the run and hold the worst status the lines list for it; returns
 * the human ids written. A selection write of a job that landed late can have removed a case (and its result)
 * after that job's last look: the lines say which cases the run must hold, so the close step puts them back.
 * Every job waited out its own late writes before marking its line done, so once every line is done the close
 * step is the only writer left: it waits out its own, reads back, and repairs again until nothing is left.
 */
async function restoreWorst(session: RunSession, lines: readonly JobLine[], statuses: readonly RunStatus[], userId: string): Promise<string[]> {
  const { api, projectId, run, log } = session;
  const worst = worstByCase(lines);
  if (worst.size === 0) return [];
  const byName = new Map(statuses.map((s) => [statusKey(s.name), s]));
  const nameOf = new Map(statuses.map((s) => [s.id, s.name]));
  const restored = new Set<string>();
  // Results the service refused for themselves (their case in the run): written once, not every round.
  const refused = new Map<string, RefusedEntry>();
  const human = new Map<string, string>();
  let projectCases: Map<string, string> | undefined;
  for (let round = 1; round <= CLOSE_REPAIR_ROUNDS; round++) {
    await waitOutOwnWrites(session);
    let held: readonly RunCase[] = await api.listRunCases(projectId, run.id);
    const inRun = new Set(held.map((c) => c.test_case.human_id ?? c.test_case.id));
    const absent = [...worst.keys()].filter((human) => !inRun.has(human));
    if (absent.length > 0) {
      projectCases ??= new Map((await api.listTestCases(projectId)).map((c) => [c.human_id ?? c.id, c.id]));
      const ids = absent.flatMap((human) => projectCases?.get(human) ?? []);
      log.info(`Test run ${run.human_id} lacks ${absent.length} case(s) that jobs reported (${listed(absent)}): adding them back.`);
      if (ids.length > 0) held = (await ensureCases(session, ids, { held })).held;
    }
    const entries: ResultEntry[] = [];
    for (const c of held) {
      const human = c.test_case.human_id ?? c.test_case.id;
      const want = worst.get(human);
      const status = want === undefined ? undefined : byName.get(statusKey(want));
      if (!want || !status || refused.has(c.test_case.id)) continue;
      const had = c.status_id ? nameOf.get(c.status_id) : undefined;
      if (had !== undefined && statusSeverity(had) >= statusSeverity(want)) continue;
      const by = lines.filter((l) => [...l.cases].some(([s, ids]) => statusKey(s) === statusKey(want) && ids.includes(human))).map((l) => `job ${l.job}`);
      const replaced = had === undefined || statusSeverity(had) < 0 ? 'it had been lost' : `another job's ${had} had replaced it`;
      entries.push({
        test_case_id: c.test_case.id,
        test_run_status_id: status.id,
        user_id: userId,
        description: `${want}: ${by.join(', ')} of this run reported it ${want}; written again at close, where ${replaced}.`,
      });
    }
    if (entries.length === 0) break;
    for (const c of held) human.set(c.test_case.id, c.test_case.human_id ?? c.test_case.id);
    const sent = await sendEntries(api, projectId, run.id, entries, { maxEntries: 100, now: () => session.clock.now() }, log);
    if (sent.error) throw sent.error;
    for (const e of sent.acknowledged) restored.add(human.get(e.test_case_id) ?? e.test_case_id);
    for (const r of sent.refused) if (!refusedAsNotInRun(r.reason)) refused.set(r.entry.test_case_id, r);
  }
  if (refused.size > 0) {
    const named = refusalLines([...refused.values()], (id) => human.get(id) ?? id);
    log.warn(
      `The service refused the worst result of ${refused.size} case(s) that the close step wrote again, so the run does not hold it:${named}\nThe job that reported each one named it too; fix what the service says and upload that job's results again.`,
    );
  }
  if (restored.size > 0) {
    log.info(`Restored the worst result of ${restored.size} case(s) that another job's better result had replaced: ${listed([...restored])}.`);
  }
  return [...restored];
}

/** Until no write of this job that got no answer can still land (LATE_WRITE_MS). */
async function waitOutOwnWrites(session: RunSession): Promise<void> {
  const wait = inDoubtUntil(session) - session.clock.now();
  if (wait > 0) await session.clock.sleep(wait);
}

/** The run's description with one line appended (replacing an earlier line that starts the same way). */
function appendLine(description: string | undefined, prefix: string, line: string): string {
  const kept = (description ?? '').split('\n').filter((l) => !l.startsWith(prefix));
  return [...kept.filter((l, i) => l !== '' || i < kept.length - 1), `${prefix}${line}`].join('\n').trim();
}

/**
 * Close the run and check that it is closed: a 200 does not prove it (a proxy, a write not applied). The answer's
 * run says so when it holds one; an empty or unexpected answer is checked by reading the run. Tried again once
 * when the run still says ACTIVE; after that the run is named as not closed.
 */
export async function closeRun(api: TestManagementApi, projectId: string, run: TestRun, summaryLine: string | undefined): Promise<void> {
  let current = run;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const changes = summaryLine ? { description: appendLine(current.description, 'Closed by testsigma-tm: ', summaryLine) } : {};
    current = (await api.closeRun(projectId, run.id, changes)) ?? (await api.getRun(projectId, run.id));
    if (current.status.toUpperCase() === 'CLOSED') return;
  }
  throw new UnsentResultsError(
    'RUN_NOT_CLOSED',
    `Test run ${run.human_id} was answered as closed twice but still reads ACTIVE. Close it in Testsigma, or run the close step again.`,
  );
}

/** What a later `testsigma-tm run close` needs to find the run an upload left open, and close it as the upload would have. */
export interface CloseLater {
  /** The project as the settings give it (UUID or exact name). */
  project: string;
  baseUrl: string;
  /** The run key the upload reported under: `run close` finds the key's open run (and merges its duplicates). */
  runKey: string | undefined;
  /** The shard total: `run close` counts the shards' lines against it. */
  total: number | undefined;
  /** The user a restored worst result is recorded as. */
  userEmail: string | undefined;
  /** The deadline setting, in seconds, and the host that names it. */
  deadline: number;
  host: Host | undefined;
}

/**
 * The one message for an upload whose close step failed after every result was recorded: the run is left open,
 * why (the close step's last request and the service's answer), and the command that closes it later. `error` is
 * what the close step threw: a request the deadline stopped (unanswered, failing or rate-limited until the HTTP
 * client gave up), or one the service refused outright (a 403, a 400, a 5xx that is not retried) — or the host's
 * stop (a request of the close abandoned, a wait of it ended), said as an interrupted close, never a refused one.
 * Undefined for anything else, which the caller passes on as it is.
 */
export function leftOpenByClose(error: unknown, run: TestRun, recorded: number, later: CloseLater): UnsentResultsError | InterruptedError | undefined {
  const command = closeCommand(run, later);
  const signal = stopOf(error);
  if (signal) {
    // Stopped by the host (a cancelled job): not the service's doing, and nothing to wait for before closing it.
    return new InterruptedError(
      stopCode(signal),
      `${interruptedClosing(signal, run)}: ${recorded} result(s) were recorded, but the run was left open${mayHaveClosed(error)}. Close it with TESTSIGMA_API_TOKEN set: ${command}`,
      { cause: error },
    );
  }
  if (!(error instanceof ApiError)) return undefined;
  const recordedIn = `Recorded ${recorded} result(s) in test run ${run.human_id} "${run.title}", but the run was left open`;
  if (error.deadlinePassed) {
    return new UnsentResultsError(
      'RUN_NOT_CLOSED',
      `${recordedIn}: ${deadlineStopped(error, later.deadline, later.host)}. Close it once the service answers, with TESTSIGMA_API_TOKEN set: ${command}`,
      { cause: error },
    );
  }
  // A refused token is the user's to change (a setting to fix: exit 2); anything else the service may take later (or
  // its support can look up).
  if (byToken(error)) {
    return new UnsentResultsError('RUN_CLOSE_FORBIDDEN', `${recordedIn}: ${refused(error)}. Close it with TESTSIGMA_API_TOKEN set to ${ALLOWED}: ${command}`, {
      cause: error,
    });
  }
  return new UnsentResultsError('RUN_NOT_CLOSED', `${recordedIn}: ${refused(error)}. Close it ${onceTaken(error)}, with TESTSIGMA_API_TOKEN set: ${command}`, {
    cause: error,
  });
}

/**
 * The one message for `run close` (the Action's close mode) whose close step failed once it had found the run: the
 * run is still open, why (the last request and the service's answer), and what to do. Stopped by the deadline: the
 * same command (the same job), run again once the service answers, closes it (a run it then finds closed — a
 * late-applied close — it leaves as it is and exits 0). Refused (a 403, a 400, a 5xx that is not retried): for a
 * refused token, the same command with a token of a user allowed to close the run; otherwise the same command
 * once the service takes the close. Stopped by the host (the Action's cancelled close job): interrupted, the run
 * still open, and the same command closes it. Undefined for anything else.
 */
export function stillOpenByClose(error: unknown, run: TestRun, deadline: number, host: Host | undefined): UnsentResultsError | InterruptedError | undefined {
  const again = host === 'action' ? "Re-run this job (the Action's close mode)" : 'Run the same command again';
  const signal = stopOf(error);
  if (signal) {
    return new InterruptedError(stopCode(signal), `${interruptedClosing(signal, run)}: the run is still open${mayHaveClosed(error)}. ${again} to close it.`, {
      cause: error,
    });
  }
  if (!(error instanceof ApiError)) return undefined;
  const stillOpen = `Test run ${run.human_id} "${run.title}" is still open`;
  if (error.deadlinePassed) {
    return new UnsentResultsError(
      'RUN_NOT_CLOSED',
      `${stillOpen}: ${deadlineStopped(error, deadline, host)}. ${again} once the service answers: it closes the run (and finds nothing to do if this close was applied late).`,
      { cause: error },
    );
  }
  if (byToken(error)) {
    return new UnsentResultsError('RUN_CLOSE_FORBIDDEN', `${stillOpen}: ${refused(error)}. ${again} with ${settingLabel('token', host)} set to ${ALLOWED}.`, {
      cause: error,
    });
  }
  return new UnsentResultsError('RUN_NOT_CLOSED', `${stillOpen}: ${refused(error)}. ${again} ${onceTaken(error)}.`, { cause: error });
}

/**
 * The signal that stopped the close step (a request of it abandoned, or a wait of it ended: api/interrupt.ts), or
 * undefined when something else failed it.
 */
function stopOf(error: unknown): StopSignal | undefined {
  if (!(error instanceof TestsigmaTmError)) return undefined;
  return error.code === 'INTERRUPTED' ? 'SIGINT' : error.code === 'TERMINATED' ? 'SIGTERM' : undefined;
}

/** `Interrupted by SIGINT while closing test run DEMO-R-4 "Nightly"`: the host stopped the close step. */
function interruptedClosing(signal: StopSignal, run: TestRun): string {
  return `Interrupted by ${signal} while closing test run ${run.human_id} "${run.title}"`;
}

/** When the stop abandoned the run's update itself: the service may still apply it, closing the run. */
function mayHaveClosed(error: unknown): string {
  return error instanceof ApiError && updatesRun(error)
    ? ' (unless the service still applies the close request that was on its way; closing it again is harmless)'
    : '';
}

/** Whether the failed request was an update of the run itself (the close), not a request the close needs. */
function updatesRun(error: ApiError): boolean {
  return error.method === 'PUT' && /\/test_runs\/[^/]+$/.test(error.path ?? '');
}

/** Who may close the run, when the service refused the token's user. */
const ALLOWED = "a key of a user allowed to close the project's test runs";

/** Whether the service refused the token (its user may not close the run) rather than the close. */
function byToken(error: ApiError): boolean {
  return error.code === 'API_UNAUTHORIZED' || error.code === 'API_FORBIDDEN';
}

/** `once the service takes the close (report the request id if it keeps refusing)`. */
function onceTaken(error: ApiError): string {
  return `once the service takes the close (report ${error.requestId ? 'the request id' : 'it'} if it keeps refusing)`;
}

/**
 * `the service refused to close it; its request, PUT …, was answered HTTP 403: … (request id …)`; for a request the
 * close makes before it (the users, the statuses, the run's results), `the service refused a request its close
 * needs; …`: the close itself was never sent.
 */
function refused(error: ApiError): string {
  const closing = updatesRun(error);
  const answered400 = error.status !== undefined && error.status >= 400;
  const why = closing
    ? answered400
      ? 'the service refused to close it'
      : 'closing it failed'
    : answered400
      ? 'the service refused a request its close needs'
      : 'a request its close needs failed';
  return `${why}; its request, ${answered(error)}`;
}

/** `closing it did not finish before the deadline (--deadline 600 s) passed (the deadline input (600 s) in the Action); its last request, PUT …, got no answer`. */
function deadlineStopped(error: ApiError, deadline: number, host: Host | undefined): string {
  const label = deadlineLabel(settingName('deadline', host), deadline * 1000);
  return `closing it did not finish before ${label} passed; its last request, ${answered(error)}`;
}

/** `PUT /projects/…/test_runs/…, was answered HTTP 503: Service Unavailable (request id …)`: a request and its answer. */
function answered(error: ApiError): string {
  const said = error.serverMessage?.replace(/\.+$/, '');
  const answer = error.status === undefined ? 'got no answer' : `was answered HTTP ${error.status}${said ? `: ${said}` : ''}`;
  return `${error.method} ${error.path}, ${answer}${error.requestId ? ` (request id ${error.requestId})` : ''}`;
}

/** `testsigma-tm run close` with the flags that name the run and close it as the upload would have. */
function closeCommand(run: TestRun, later: CloseLater): string {
  const flag = (key: SettingKey, value: string | number): string => `--${settingRow(key).flag ?? key} ${shellWord(String(value))}`;
  const words = ['testsigma-tm run close', flag('projectId', later.project)];
  // A base URL with credentials is shown without them (the token never is).
  if (later.baseUrl.replace(/\/+$/, '') !== DEFAULT_BASE_URL) words.push(flag('baseUrl', redactUrl(later.baseUrl)));
  words.push(later.runKey ? flag('runKey', later.runKey) : flag('runId', run.human_id));
  if (later.total) words.push(flag('shardTotal', later.total));
  if (later.userEmail) words.push(flag('userEmail', later.userEmail));
  return words.join(' ');
}

/** A word as a POSIX shell reads it back: as it is when plain, else in single quotes. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}
