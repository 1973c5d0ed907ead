/**
 * The explicit lifecycle, for pipelines whose jobs report into one run: `run close` (a final job with
 * `needs:` and `if: always()`) and `resume` (send what an upload spooled). `run create` is uploadResults with
 * `openOnly`. Like uploadResults, these never throw for anything a user can cause.
 */
import { existsSync } from 'node:fs';
import type { HttpClient, HttpClientOptions } from '../api/http.js';
import type { TestManagementApi, TestRun } from '../api/client.js';
import { detectCi } from '../ci.js';
import { ConfigError, InputError, UnsentResultsError, type ApiError, asToolError, exitCodeFor, type TestsigmaTmError } from '../errors.js';
import { redact, redactingLogger, silentLogger, type Logger } from '../log.js';
import { requireSettings, settingLabel, type Env, type Host, type Settings } from '../settings/index.js';
import { closeRun, finalWord, leftOpenByClose, stillOpenByClose } from '../run/close.js';
import { openSession } from '../run/state.js';
import { systemClock, type Clock } from '../clock.js';
import { openNamedRun, pickUser, resolveProject } from '../run/lifecycle.js';
import { currentGeneration, findKeyRuns } from '../run/key.js';
import { sendEntries } from '../run/send.js';
import { SpoolProgress, markResumed, readSpool, runFailedFiles, writeSpool } from '../spool/spool.js';
import { withRunFailed } from '../pipeline/inputs.js';
import { deletedWhileSendingTo, findSpooledRun, metNotFound, notFound, runDeleted } from '../spool/deleted-run.js';
import { openService } from '../pipeline/service.js';
import { uploadResults } from '../pipeline/upload.js';
import { openRun } from '../pipeline/open-run.js';
import { jobMarker, recordResults } from '../pipeline/record.js';
import { sayHeldSpoolLine } from '../pipeline/spooling.js';
import type { UploadContext, UploadPlan } from '../pipeline/stages.js';
import { statusKey } from '../map/status.js';
import { listed } from '../text.js';
import type { OperationSettings } from './table.js';
import { runUrl } from '../pipeline/outcome-summary.js';
import { stoppedBeforeClose } from './stopped.js';

export interface CommandInput<S = Settings> {
  /** The settings; a command reads only those of its row in table.ts. */
  settings: S;
  env?: Env;
  log?: Logger;
  host?: Host;
  http?: Partial<HttpClientOptions>;
  /** The clock every wait uses; default: the system's. */
  clock?: Clock;
  /**
   * Aborted when the host is stopped (the Action, or the CLI's `resume` and `run close`, on SIGINT / SIGTERM, with a
   * StopRequested naming it): no request is sent after it, and every wait ends at once (`run close` waiting for the
   * shards' lines); the outcome says so (a resume's, as operations/stopped.ts tells it from its file).
   */
  interrupt?: AbortSignal;
}

export interface CommandOutcome {
  /** What happened, in one or a few lines for the user. */
  message: string;
  run?: { id: string; human_id: string; url: string };
  error?: TestsigmaTmError;
  exitCode: number;
}

type ServiceSettings = OperationSettings<'close'>;

/** An API client for one command, closed afterwards; errors become the outcome. */
async function withApi(
  input: CommandInput<Pick<ServiceSettings, 'token' | 'projectId' | 'baseUrl' | 'timeoutMs' | 'deadline'>>,
  body: (api: TestManagementApi, log: Logger, projectId: string, clock: Clock) => Promise<CommandOutcome>,
): Promise<CommandOutcome> {
  const { settings, host } = input;
  const log = redactingLogger(input.log ?? silentLogger, [settings.token]);
  let http: HttpClient | undefined;
  try {
    const { token, projectId } = requireSettings(settings, ['token', 'projectId'], host);
    const clock = input.clock ?? input.http?.clock ?? systemClock;
    const service = openService(settings, token, host, log, { ...input.http, clock, ...(input.interrupt && { interrupt: input.interrupt }) });
    http = service.http;
    const project = await resolveProject(service.api, projectId, host);
    return await body(service.api, log, project.id, clock);
  } catch (thrown) {
    const error = asToolError(thrown);
    error.message = redact(error.message, [settings.token]);
    return { message: error.message, error, exitCode: exitCodeFor(error) };
  } finally {
    await http?.close();
  }
}

function described(settings: Pick<Settings, 'baseUrl'>, projectId: string, run: TestRun): CommandOutcome['run'] {
  return { id: run.id, human_id: run.human_id, url: runUrl(settings.baseUrl, projectId, run.id) };
}

/**
 * Close the run named by the run id, or the open run of the run key (the setting, else the CI's). Its
 * description says how many uploads reported. Nothing open under the key is not an error: say so.
 */
export async function closeRunCommand(input: CommandInput<OperationSettings<'close'>>): Promise<CommandOutcome> {
  const { settings } = input;
  const key = settings.runKey ?? detectCi(input.env ?? {})?.runKey;
  const outcome = await withApi(input, async (api, log, projectId, clock) => {
    let run: TestRun | undefined;
    if (settings.runId) {
      run = await api.getRun(projectId, settings.runId);
      if (run.status.toUpperCase() === 'CLOSED')
        return { message: `Test run ${run.human_id} is already closed.`, run: described(settings, projectId, run), exitCode: 0 };
    } else if (key) {
      run = currentGeneration(await findKeyRuns(api, projectId, key)).open[0];
      if (!run) return { message: `No open test run has the run key ${key}: nothing to close.`, exitCode: 0 };
    } else {
      throw new ConfigError(
        'CONFIG_INVALID',
        `Which run? Set ${settingLabel('runId', input.host)} or ${settingLabel('runKey', input.host)} (outside CI there is no default run key).`,
      );
    }
    const total = settings.shardTotal;
    let word;
    try {
      const statuses = await api.listRunStatuses();
      const user = pickUser(await api.listUsers(), settings.userEmail, silentLogger, input.host);
      word = await finalWord(openSession(api, projectId, run, clock, log, input.interrupt), {
        total,
        statuses,
        userId: user.id,
        ...(key && !settings.runId && { key }),
      });
    } catch (error) {
      // The run is found, and the deadline stopped its close, the service refused it or the host stopped it: say that
      // it is still open, why, and what closes it. Anything else is passed on as it is.
      const stillOpen = stillOpenByClose(error, run, settings.deadline, input.host);
      if (!stillOpen) throw error;
      log.debug(`The close step's last error: ${(error as Error).message}`);
      // The run is known: its id and address go out with the error (the Action's run-id and run-url outputs).
      stillOpen.message = redact(stillOpen.message, [settings.token]);
      return { message: stillOpen.message, run: described(settings, projectId, run), error: stillOpen, exitCode: exitCodeFor(stillOpen) };
    }
    run = word.run;
    log.debug(`Closed test run ${run.human_id}.`);
    const reported = word.done.length;
    const line = reported > 0 ? `${reported}${total ? ` of ${total}` : ''} upload(s) reported.` : undefined;
    const missing = word.missing > 0 ? ` Only ${reported} of ${total} uploads reported: a job may have failed or been cancelled.` : '';
    const restored = word.restored.length > 0 ? ` Restored the worst result of ${word.restored.length} case(s): ${listed(word.restored)}.` : '';
    const partial = word.partial.length > 0 ? ` Job(s) ${word.partial.join(', ')} reported too many cases to list: their cases were not checked.` : '';
    return {
      message: `Closed test run ${run.human_id}${line ? `: ${line}` : '.'}${missing}${restored}${partial}`,
      run: described(settings, projectId, run),
      exitCode: 0,
    };
  });
  return stoppedBeforeClose(input.interrupt, input.host, outcome);
}

/**
 * Send what an upload spooled. Results (the service failed before a run was open) go as a new upload. Entries go
 * where a re-run would: with a run key, into the key's open run, else into its next generation (a new run carrying
 * the closed one's results over — the close job may have closed the run meanwhile), as the job's shard (its line
 * in the run, counted toward the shard total, closing the run when it completes it); without one, into the same
 * run. What landed is recorded in the file batch by batch and never sent again. On success the file is renamed
 * `.sent` so that it cannot be sent twice; on another failure it says what is still missing.
 */
export async function resumeCommand(
  input: Omit<CommandInput, 'settings'> & {
    file: string;
    token: string | undefined;
    /** The base URL now (the setting fixed after a first contact failed); default: the spooled one. */
    baseUrl?: string;
    /** The run the file names no longer exists: send into a new run (settings row `newRun`); else nothing is sent. */
    newRun?: boolean;
  },
): Promise<CommandOutcome> {
  let spool;
  try {
    spool = await readSpool(input.file);
  } catch (error) {
    // Gone, and kept as `.sent` by a resume that sent it all (a step run again): say so, not "no such file".
    if ((error as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT' && existsSync(`${input.file}.sent`)) {
      const e = new InputError(
        'INPUT_UNREADABLE',
        input.file,
        `${input.file} was already resumed: every result in it was recorded, and it is kept as ${input.file}.sent. Nothing is left to send; pass the spool file of an upload that was not resumed.`,
      );
      return { message: e.message, error: e, exitCode: exitCodeFor(e) };
    }
    const e = asToolError(error);
    return { message: e.message, error: e, exitCode: exitCodeFor(e) };
  }
  // What cannot be sent now is written back to this file (not a new one), so that the next resume sends only that.
  const settings: Settings = { ...spool.settings, spool: input.file, token: input.token, ...(input.baseUrl && { baseUrl: input.baseUrl }) };
  if (spool.kind === 'results') {
    const outcome = await uploadResults({
      settings,
      results: spool.results,
      // The runs that failed outside any test: the upload ends with their INPUT_RUN_FAILED, as the spooled one would.
      files: runFailedFiles(spool),
      progressFile: input.file,
      // The run a stopped upload's create may have made: recorded into when found, not doubled.
      ...(spool.createSent && { earlierCreate: spool.createSent }),
      ...(input.env && { env: input.env }),
      ...(input.log && { log: input.log }),
      ...(input.host && { host: input.host }),
      ...(input.http && { http: input.http }),
      ...(input.clock && { clock: input.clock }),
      ...(input.interrupt && { interrupt: input.interrupt }),
    });
    const runFailed = outcome.error?.code === 'INPUT_RUN_FAILED';
    if (!outcome.error || runFailed) await markResumed(input.file);
    const s = outcome.summary;
    const sent = `Resumed ${input.file}: recorded ${s.uploaded} of ${s.mapped} test case(s) in test run ${s.runHumanId}.`;
    return withRunFailed(
      {
        message: outcome.error && !runFailed ? outcome.error.message : sent,
        ...(s.runId && s.runHumanId && s.runUrl && { run: { id: s.runId, human_id: s.runHumanId, url: s.runUrl } }),
        ...(outcome.error && { error: outcome.error }),
        exitCode: outcome.exitCode,
      },
      [],
    );
  }
  const entries = spool;
  return withApi({ ...input, settings }, async (api, log, projectId, clock) => {
    const progress = new SpoolProgress(input.file, entries, (message) => log.warn(message));
    const keyed = Boolean(entries.settings.runKey) && !entries.settings.runId;
    const given: ResumeGiven = { api, log, clock, projectId, settings, progress, env: input.env ?? {}, host: input.host, interrupt: input.interrupt };
    // Deleted since the upload wrote to it: its results go elsewhere only when asked (--new-run), never silently.
    const spooledRun = await findSpooledRun(api, projectId, entries.run.id);
    if ('gone' in spooledRun) {
      if (!input.newRun) {
        const error = runDeleted(input.file, entries, spooledRun.gone, keyed ? entries.settings.runKey : undefined);
        return { message: error.message, error, exitCode: exitCodeFor(error) };
      }
      log.warn(
        `Test run ${entries.run.human_id} no longer exists (deleted since the upload wrote to it): sending the results of ${input.file} into ${keyed ? `the open run of run key ${entries.settings.runKey}, else a new one` : 'a new test run'}, as --new-run asks.`,
      );
    } else if (input.newRun) {
      log.info(`Test run ${entries.run.human_id} still exists: --new-run is not needed, and the results go into it.`);
    }
    const resumed = keyed
      ? resumeKeyed(given, spooledRun)
      : 'gone' in spooledRun
        ? resumeIntoNewRun(given)
        : resumeEntries(api, log, progress, settings, input.host);
    return withRunFailed(await deletedWhileSending(given, resumed, keyed ? entries.settings.runKey : undefined), runFailedFiles(entries));
  });
}

/** What a resume of an entries spool works with. */
interface ResumeGiven {
  api: TestManagementApi;
  log: Logger;
  clock: Clock;
  projectId: string;
  settings: Settings;
  progress: SpoolProgress;
  env: Env;
  host: Host | undefined;
  /** The host's stop: the run protocol's waits end at once (openSession), as its requests do (withApi). */
  interrupt: AbortSignal | undefined;
}

/**
 * A 404 that stopped the resume half way (a batch, a read of the run, or its close: then the cause of the left-open
 * error), when the run the file names is gone: someone deleted it while the resume was sending. Said at once as
 * RUN_DELETED, as the next resume would say it, not as the bare 404. The file, as the stopped resume left it, names
 * that run and holds every result (what had landed went with the run): `--new-run` sends them all into a new one.
 * Any other outcome is passed on as it is.
 */
async function deletedWhileSending(given: ResumeGiven, resumed: Promise<CommandOutcome>, runKey: string | undefined): Promise<CommandOutcome> {
  let outcome: CommandOutcome | undefined;
  let failure: unknown;
  try {
    outcome = await resumed;
    failure = outcome.error;
  } catch (error) {
    failure = error;
  }
  if (metNotFound(failure)) {
    // The file as the stopped resume left it (with a run key, the upload pipeline rewrote it naming its run).
    const deleted = await deletedWhileSendingTo(given.api, given.projectId, given.progress.file, runKey, 'resume');
    if (deleted) return { message: deleted.message, error: deleted, exitCode: exitCodeFor(deleted) };
  }
  if (outcome) return outcome;
  throw failure;
}

/**
 * A resume whose results all landed but whose close failed (close.ts leftOpenByClose): the file has nothing left
 * to send, so it is marked resumed, and the outcome is the left-open error with where the file is kept. Unless the
 * close met a 404: the run may have been deleted, its results with it, and then the file must stay for --new-run
 * (deletedWhileSending tells).
 */
async function leftOpenResumed(leftOpen: TestsigmaTmError, file: string, run: CommandOutcome['run']): Promise<CommandOutcome> {
  if (!notFound(leftOpen.cause)) leftOpen.message = `${leftOpen.message} Nothing is left to send: the file is kept as ${await markResumed(file)}.`;
  return { message: leftOpen.message, error: leftOpen, exitCode: exitCodeFor(leftOpen), run };
}

/** Without a run key: into the run the upload wrote to (it must be open), what did not land there. */
async function resumeEntries(
  api: TestManagementApi,
  log: Logger,
  progress: SpoolProgress,
  settings: Settings,
  host: Host | undefined,
): Promise<CommandOutcome> {
  const { spool, file } = progress;
  // Everything landed and the run was closed since (the file given again, as its `.sent`): nothing is left to send.
  const landedBefore = progress.landedIn(spool.run.id);
  if (spool.entries.every((e) => landedBefore.has(e.test_case_id))) {
    const held = await api.getRun(spool.projectId, spool.run.id);
    if (held.status.toUpperCase() === 'CLOSED') {
      const done = file.endsWith('.sent') ? undefined : await markResumed(file);
      return {
        message: `${file}: test run ${held.human_id} (closed) holds every one of its ${spool.entries.length} result(s); nothing was sent.${done ? ` The file is kept as ${done}.` : ''}`,
        run: described(settings, spool.projectId, held),
        exitCode: 0,
      };
    }
  }
  const run = await openNamedRun(api, spool.projectId, spool.run.id);
  await recordHeld(api, spool.projectId, run.id, progress);
  return sendIntoRun(api, log, progress, settings, host, run, '');
}

/**
 * Without a run key, the run the upload wrote to deleted and --new-run given: a new run, as the upload would have
 * created one (its title from this job's CI, the spooled settings), named in the file before anything is sent, so
 * that a resume stopped half way goes on in it; closed at the end when the upload would close a run it created.
 */
async function resumeIntoNewRun(given: ResumeGiven): Promise<CommandOutcome> {
  const { api, log, settings, progress, host } = given;
  const { spool } = progress;
  const plan = await resumePlan(given);
  const fresh: Settings = { ...settings, runId: undefined, runKey: undefined };
  const opened = await openRun(resumeContext(given, fresh, undefined), plan);
  await progress.moveTo(opened.run, settings.closeRun);
  return sendIntoRun(api, log, progress, settings, host, opened.run, ` (a new run: the upload had written to ${spool.run.human_id}, which no longer exists)`);
}

/** Into `run` (open, and the one the file names), every entry that did not land there; closed when the file says so. */
async function sendIntoRun(
  api: TestManagementApi,
  log: Logger,
  progress: SpoolProgress,
  settings: Settings,
  host: Host | undefined,
  run: TestRun,
  moved: string,
): Promise<CommandOutcome> {
  const { spool, file } = progress;
  const landed = progress.landedIn(run.id);
  const toSend = spool.entries.filter((e) => !landed.has(e.test_case_id));
  const sent = await sendEntries(
    api,
    spool.projectId,
    run.id,
    toSend,
    { maxEntries: settings.batchSize, onAcknowledged: (batch) => progress.record(run.id, batch) },
    log,
  );
  await progress.settled();
  const left = [...sent.unsent, ...sent.refused.map((r) => r.entry)];
  if (left.length > 0) {
    await writeSpool(file, {
      ...progress.spool,
      reason: redact(sent.error?.message ?? 'refused', [settings.token]),
      createdAt: new Date().toISOString(),
    });
    const refused = sent.refused.map((r) => `  - ${r.entry.test_case_id}: ${r.reason}`).join('\n');
    const error = sent.error ?? new UnsentResultsError('UNSENT_RESULTS', `The service refused ${sent.refused.length} result(s):\n${refused}`);
    // Where the rest is and the command that sends it, said in the error (what the CLI prints), as a keyed resume says it.
    error.message = `${error.message} ${sent.acknowledged.length} result(s) sent; what is still missing (${left.length}) is kept in ${file}. Send it with: testsigma-tm resume ${file}`;
    return {
      message: error.message,
      error,
      exitCode: exitCodeFor(error),
      run: described(settings, spool.projectId, run),
    };
  }
  if (spool.close) {
    try {
      await closeRun(api, spool.projectId, run, undefined);
    } catch (error) {
      // Every result is in the run now: the file has nothing left to send (it is marked resumed), and the message
      // says why the run is open and the `run close` command that closes it. Anything else is passed on as it is.
      const leftOpen = leftOpenByClose(error, run, spool.entries.length, {
        project: settings.projectId ?? spool.projectId,
        baseUrl: settings.baseUrl,
        runKey: undefined,
        total: undefined,
        userEmail: settings.userEmail,
        deadline: settings.deadline,
        host,
      });
      if (!leftOpen) throw error;
      log.debug(`The close step's last error: ${(error as Error).message}`);
      return leftOpenResumed(leftOpen, file, described(settings, spool.projectId, run));
    }
  }
  const done = await markResumed(file);
  return {
    message: `Resumed ${file}: recorded ${sent.acknowledged.length} result(s) in test run ${run.human_id}${moved}${spool.close ? ', closed' : ''}. The file is kept as ${done}.`,
    run: described(settings, spool.projectId, run),
    exitCode: 0,
  };
}

/**
 * With a run key: the job again, as a re-run of it would report — into the key's open run, else a new generation
 * carrying the closed run's results over; its line in the run's description (its shard), the verdict across
 * jobs, and the close when this completes the shard total (or the spooled settings close keyed runs).
 */
async function resumeKeyed(given: ResumeGiven, spooled: { run: TestRun } | { gone: ApiError }): Promise<CommandOutcome> {
  const { projectId, settings, progress } = given;
  const { spool, file } = progress;
  // Everything was acknowledged before the run was closed (the upload failed after sending, in its close or a
  // last read): nothing is left to send, and a new generation would only duplicate the run. (What the run holds is
  // not enough: the close step writes each case's status from the job lines, not the job's result.)
  const spooledRun = 'run' in spooled ? spooled.run : undefined;
  if (spooledRun && spooledRun.status.toUpperCase() === 'CLOSED') {
    if (spool.entries.every((e) => progress.landedIn(spooledRun.id).has(e.test_case_id))) {
      const done = await markResumed(file);
      return {
        message: `Resumed ${file}: test run ${spooledRun.human_id} (closed since) holds every one of its ${spool.entries.length} result(s); nothing was sent. The file is kept as ${done}.`,
        run: described(settings, projectId, spooledRun),
        exitCode: 0,
      };
    }
  }
  const plan = await resumePlan(given);
  // The CI of the resuming job names the run (a new generation's title); the shard is the spooled job's.
  const ctx = resumeContext(given, settings, settings.runKey);
  const opened = await openRun(ctx, plan);
  if (opened.run.id === spool.run.id) await recordHeld(given.api, projectId, opened.run.id, progress);
  // Another run (the file's is gone, or closed since: the key's next one): the file names it from now on, so that a
  // resume stopped half way goes on here, and one stopped by its deletion says RUN_DELETED for it, not the bare 404
  // (deletedWhileSending reads the run the file names).
  else await progress.moveTo(opened.run, spool.close);
  const recorded = await recordResults(ctx, plan, opened);
  await progress.settled();
  const run = described(settings, projectId, opened.run);
  const kept = recorded.kept?.length
    ? ` ${recorded.kept.length} case(s) hold another job's worse result, kept: ${recorded.kept.map((k) => `${k.case} (${k.status})`).join(', ')}.`
    : '';
  if ((recorded.error?.code === 'RUN_NOT_CLOSED' || recorded.error?.code === 'RUN_CLOSE_FORBIDDEN') && !recorded.spoolFile) {
    // Every result landed and only the close failed (close.ts leftOpenByClose): the file has nothing left to send,
    // so it is marked resumed, as without a run key; the message gives the `run close` command that closes the run.
    return leftOpenResumed(recorded.error, file, run);
  }
  if (recorded.error) {
    // Where the rest is and the command that sends it, said in the error (what the CLI prints), so the line the
    // spooling held is not said again (sayHeldSpoolLine); RUN_DELETED replaces this when the run was deleted, and a
    // stop's message when stopped.
    const where = recorded.spoolFile ? ` What is still missing is kept in ${recorded.spoolFile}. Send it with: testsigma-tm resume ${recorded.spoolFile}` : '';
    const error = recorded.error;
    error.message = `${error.message}${where}`;
    sayHeldSpoolLine(ctx.heldSpool, error.message, given.log);
    return { message: error.message, error, exitCode: exitCodeFor(error), run };
  }
  const done = await markResumed(file);
  const since = 'gone' in spooled ? ', which no longer exists' : opened.previous ? ', closed since: this run continues it' : '';
  const moved = opened.run.id !== spool.run.id ? ` (the upload had written to ${spool.run.human_id}${since})` : '';
  return {
    message: `Resumed ${file}: recorded ${recorded.sent.acknowledged.length} result(s) in test run ${opened.run.human_id}${moved}${recorded.closed ? ', closed' : ''}.${kept} The file is kept as ${done}.`,
    run,
    exitCode: 0,
  };
}

/** The upload's plan for an entries spool: its entries as they are, each case by its human id. */
async function resumePlan(given: ResumeGiven): Promise<UploadPlan> {
  const { api, log, projectId, settings, progress, host } = given;
  const { spool } = progress;
  const statuses = await api.listRunStatuses();
  const names = new Map(statuses.map((s) => [s.id, s.name]));
  const userId = spool.entries[0]?.user_id ?? pickUser(await api.listUsers(), settings.userEmail, log, host).id;
  const human = (id: string): string => spool.humanIds?.[id] ?? id;
  return {
    projectId,
    report: {
      mapped: spool.entries.map((e) => ({ testCase: { id: e.test_case_id, human_id: human(e.test_case_id), title: '' }, results: [] })),
      unmapped: [],
      unmappedTotal: 0,
      unknown: [],
    },
    entries: spool.entries.map((entry) => ({ entry, statusName: names.get(entry.test_run_status_id) ?? 'Untested' })),
    userId,
    statuses,
    untestedIds: new Set(statuses.filter((s) => statusKey(s.name) === 'untested').map((s) => s.id)),
    files: new Map(),
    total: spool.entries.length,
  };
}

/** The upload's context for a resume: the CI of the resuming job (a new run's title), the spooled job's shard. */
function resumeContext(given: ResumeGiven, settings: Settings, runKey: string | undefined): UploadContext {
  const { api, log, clock, progress, host } = given;
  const ci = detectCi(given.env);
  return {
    input: { settings, results: [], env: given.env, ...(given.interrupt && { interrupt: given.interrupt }) },
    settings,
    host,
    api,
    ci: ci && { ...ci, shard: undefined },
    runKey,
    log,
    clock,
    now: () => new Date(clock.now()),
    workspace: process.cwd(),
    spoolProgress: progress,
    // Spools written before the marker was kept: the shard's marker, or a new id.
    job: progress.spool.job ?? jobMarker(settings, undefined),
  };
}

/**
 * A batch can land without its answer (a lost answer, a write applied after the client's timeout): then it is
 * not in the spool's landed list, and sending it again would write it twice. Before sending into the run the
 * upload wrote to, the run is read once, and every entry whose case already holds the entry's status counts as
 * landed.
 */
async function recordHeld(api: TestManagementApi, projectId: string, runId: string, progress: SpoolProgress): Promise<void> {
  const landed = progress.landedIn(runId);
  const pending = progress.spool.entries.filter((e) => !landed.has(e.test_case_id));
  if (pending.length === 0) return;
  const held = new Map((await api.listRunCases(projectId, runId)).map((c) => [c.test_case.id, c.status_id]));
  const found = pending.filter((e) => held.get(e.test_case_id) === e.test_run_status_id);
  if (found.length > 0) await progress.record(runId, found);
}
