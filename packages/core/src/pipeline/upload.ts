/**
 * pipeline/: the upload's stages, read → plan → open run → record → summary; may import all but operations, hosts.
 *
 * The upload, as a short sequence of stages that take one context and return values:
 * plan (project, statuses, user, cases → mapped entries) → open run → record batches (and close).
 * The summary is assembled once, at the end, from what the stages returned. Never throws for anything a user can
 * cause: the outcome carries the error and the exit code (decided by the error's code). Hosts (CLI, Action,
 * reporters) only translate inputs in and the outcome out. A host that is stopped (SIGINT, SIGTERM) aborts
 * `interrupt`: the upload ends as after an outage, what was not recorded spooled, and says so (interrupted.ts).
 */
import type { HttpClient } from '../api/http.js';
import { detectCi } from '../ci.js';
import { ApiError, ConfigError, MappingError, asToolError, exitCodeFor, type TestsigmaTmError } from '../errors.js';
import { logStage, redact, redactingLogger, silentLogger } from '../log.js';
import { systemClock } from '../clock.js';
import { displayTitle } from '../model.js';
import { ResultMapper, caseOutcomes, type CaseInfo, type MappingReport } from '../map/mapping.js';
import { DEFAULT_STATUS_MAPPING, aggregateStatus, resolveStatusIds, type StatusMapping, statusKey } from '../map/status.js';
import { describeCase } from '../plan/description.js';
import { describedWhenRead } from '../plan/when-read.js';
import { requireSettings, settingLabel, type Host, type Settings } from '../settings/index.js';
import { pickUser, resolveProject, type RunCreateSent } from '../run/lifecycle.js';
import { spooledWithoutFiles } from '../run/send.js';
import { LATE_WRITE_MS } from '../run/timing.js';
import { syncCases } from '../cases/case-sync.js';
import { attachmentsFor, planAttachments, withSkippedNote } from '../attachments/index.js';
import { redactedResults } from './redacted-results.js';
import { redactDeep } from '../redact.js';
import type { Logger } from '../log.js';
import { evidenceRoots } from '../attachments/roots.js';
import { filesError, readAll } from './inputs.js';
import { ResultTally } from '../report/tally.js';
import { addDetails } from '../report/details.js';
import { offlineDryRun } from './dry-run.js';
import { withThousands } from '../digits.js';
import type { UploadContext, UploadInput, UploadOutcome, Lookups, ReadInput, PlannedEntry, UploadPlan, Progress } from './stages.js';
import { openRun } from './open-run.js';
import { openService } from './service.js';
import { jobMarker, recordResults } from './record.js';
import { sayHeldSpoolLine, spoolEntries, spoolResults, startSpoolProgress, tallyInput } from './spooling.js';
import { spooledRunFailures } from '../spool/spool.js';
import { buildSummary } from './outcome-summary.js';
import { readWhileListing, type ReadingEarly } from './read-early.js';
import { stoppedBy } from '../api/interrupt.js';
import { interruptedError, stopIfInterrupted } from './interrupted.js';
import { deletedRunIn, runGone } from '../spool/deleted-run.js';

export async function uploadResults(given: UploadInput): Promise<UploadOutcome> {
  const { settings } = given;
  const secrets = [settings.token];
  // Test-derived text (a test that prints its environment) is redacted as it is read: whatever is made of it —
  // descriptions sent, spools, summaries, annotations — never holds the token.
  const input: UploadInput = { ...given, results: redactedResults(given.results, secrets) };
  const log = redactingLogger(input.log ?? silentLogger, secrets);
  const clock = input.clock ?? input.http?.clock ?? systemClock;
  const started = clock.now();
  const workspace = input.env?.GITHUB_WORKSPACE ?? process.cwd();
  if (settings.dryRun && (!settings.token || !settings.projectId)) return offlineDryRun({ ...input, log }, workspace);
  const progress: Progress = {};
  let http: HttpClient | undefined;
  let error: TestsigmaTmError | undefined;
  let ctx: UploadContext | undefined;
  /** The input read while the cases are listed (read-early.ts), when it is. */
  let early: ReadingEarly | undefined;
  try {
    const { token, projectId } = requireSettings(settings, ['token', 'projectId'], input.host);
    const service = openService(settings, token, input.host, log, { ...input.http, clock, ...(input.interrupt && { interrupt: input.interrupt }) });
    http = service.http;
    const ci = detectCi(input.env ?? {});
    ctx = {
      input,
      settings,
      host: input.host,
      api: service.api,
      ci,
      runKey: settings.runKey ?? ci?.runKey,
      log,
      clock,
      now: input.now ?? (() => new Date(clock.now())),
      landed: new Map(),
      workspace,
      job: jobMarker(settings, ci),
    };

    const reading = ctx;
    const pacer = service.http.pacer;
    const lookups = await lookUp(ctx, projectId, (prefix) => (early = readWhileListing(reading, prefix, { after: pacer.nextWindowWait() })));
    stopIfInterrupted(input.interrupt);
    progress.read = await readInput(ctx, lookups, early);
    ctx.runFailed = spooledRunFailures(progress.read.files);
    stopIfInterrupted(input.interrupt);
    logStage(log, `Read ${count(progress.read.tally.total, 'test result')}; ${count(progress.read.report.mapped.length, 'test case')} to record.`);
    progress.plan = await planUpload(ctx, lookups, progress.read);
    stopIfInterrupted(input.interrupt);
    // `run create` opens the run even without cases: the shards add theirs.
    if (settings.dryRun || (progress.plan.entries.length === 0 && !input.openOnly)) {
      if (progress.plan.entries.length === 0 && !settings.dryRun) warnNothingMaps(log, progress.read.tally.total, lookups.project.human_id_prefix, input.host);
    } else {
      logStage(log, settings.runId ? `Opening test run ${settings.runId}…` : 'Finding or creating the test run…');
      // The run needs the cases, not the entries' descriptions: those are worked out as the batches are taken.
      progress.opened = await openRun(ctx, progress.plan);
      logStage(log, `Test run ${progress.opened.run.human_id} ${progress.opened.created ? 'created' : 'opened'}.`);
      if (!input.openOnly) {
        const entries = progress.opened.entries.length;
        // Batches report every ~10 %; the read-back and the close list and write after the last one.
        logStage(
          log,
          `Recording ${count(entries, 'result')} in test run ${progress.opened.run.human_id}, then reading it back${settings.closeRun ? ' and closing it' : ''}…`,
        );
        if (input.progressFile) ctx.spoolProgress = await startSpoolProgress(ctx, progress.plan, progress.opened, input.progressFile);
        progress.recorded = await recordResults(ctx, progress.plan, progress.opened);
        await ctx.spoolProgress?.settled();
        logStage(
          log,
          `Test run ${progress.opened.run.human_id}: ${count(progress.recorded.sent.acknowledged.length, 'result')} recorded${progress.recorded.closed ? ', closed' : ''}.`,
        );
        if (progress.recorded.error) throw progress.recorded.error;
      }
    }
    error = filesError(progress.read.files);
  } catch (thrown) {
    // A read still going while the listing failed stops: whatever follows reads the input afresh.
    await early?.stop();
    error = asToolError(thrown);
    error.message = redact(error.message, secrets);
    // Stopped by the host: what was not recorded is spooled as after an outage, unless nothing was written yet
    // (nothing to take up later: the upload is run again).
    const stopped = stoppedBy(input.interrupt);
    const wrote = (http?.writesSent ?? 0) > 0;
    // A 404 once the run was open: someone may have deleted it in Testsigma meanwhile (one read of it tells). Then
    // its results, those that had landed too (they went with it), are spooled whatever request met the 404.
    const gone = !stopped && ctx && progress.opened ? await runGone(ctx.api, progress.opened.session.projectId, progress.opened.run.id, error) : undefined;
    const spoolable = serviceFailed(error) || stopped !== undefined || gone !== undefined;
    // The run's create was sent and not answered: the run may exist, open and empty. Kept in the spool (resume
    // records into that run when it finds it) and named in the message.
    const createSent = !progress.opened && spoolable ? createInDoubt(input, ctx, http) : undefined;
    if (!progress.opened && spoolable && !settings.dryRun && !input.openOnly && !(stopped && !wrote)) {
      // Its line is held for the last error (sayHeldSpoolLine); without a context (none is made before the service
      // is open, so never in fact) it is said at once.
      const spooled = await spoolResults(input, workspace, error, log, (held) => (ctx ? (ctx.heldSpool = held) : log.error(held.line)), createSent);
      progress.spoolFile = spooled.file;
      progress.read ??= spooled.read;
      // A stop says it in its own message (interrupted.ts); an outage, here.
      if (createSent && !stopped && spooled.file) log.warn(runMayExist(createSent, spooled.file));
    } else if (ctx && progress.plan && progress.opened && (!progress.recorded || (gone && !progress.recorded.spoolFile)) && spoolable && !input.openOnly) {
      // The run was open, and the service failed outside the sending (a read of the run, a job line, the close):
      // what was not acknowledged is spooled; a resume into the same run also skips what the run already holds. It
      // sends no files: theirs are named, in the spooled descriptions and the summary. (The run deleted after every
      // result landed: the file holds them all, for `resume --new-run`.)
      const landed = ctx.landed?.get(progress.opened.run.id) ?? new Set<string>();
      const plannedFiles = progress.plan.files;
      const unsent = progress.opened.entries
        .map((p) => p.entry)
        .filter((e) => !landed.has(e.test_case_id))
        .map((e) => spooledWithoutFiles(e, plannedFiles.get(e.test_case_id)?.files ?? []));
      progress.withdrawn = unsent.flatMap((u) => u.withdrawn);
      progress.spoolFile = await spoolEntries(
        ctx,
        progress.plan,
        progress.opened,
        unsent.map((u) => u.entry),
        error,
      );
    } else if (!progress.read && !stopped) {
      // Stopped before the input was read (a refused token, an unknown project): the summary still tells the tests.
      progress.read = await tallyInput(input, workspace, log);
    }
    // The run deleted half way, its results spooled: said as resume says it, with the command that sends them into a
    // new run, not as the bare 404.
    const spoolFile = progress.recorded?.spoolFile ?? progress.spoolFile;
    if (gone && ctx && spoolFile) {
      const runKey = ctx.runKey && !settings.runId ? ctx.runKey : undefined;
      const deleted = await deletedRunIn(spoolFile, gone, runKey, input.progressFile ? 'resume' : 'upload');
      if (deleted) {
        error = deleted;
        error.message = redact(error.message, secrets);
        // What had landed went with the run: none of this upload's results is recorded anywhere (the summary says so).
        const sent = progress.recorded?.sent;
        if (sent) [sent.unsent, sent.acknowledged] = [[...sent.acknowledged, ...sent.unsent], []];
      }
    }
    if (stopped) {
      const landed = (progress.opened && ctx?.landed?.get(progress.opened.run.id)?.size) ?? 0;
      error = interruptedError({ signal: stopped, progress, landed, wrote, error, ...(createSent && { createSent }) });
    }
  } finally {
    await http?.close();
  }
  // Where the spool file is, unless the error (said last, by the host) names it and its command already.
  sayHeldSpoolLine(ctx?.heldSpool, error?.message, log);
  const built = addDetails(buildSummary(input, progress), {
    tally: progress.read?.tally ?? new ResultTally({ lines: false, workspace }),
    ...(http && { http: { requests: http.requests, retries: http.retries } }),
    elapsedMs: clock.now() - started,
  });
  // The summary holds settings (the base URL) and names from the input: redacted once more, whole.
  const summary = redactDeep(built, secrets);
  const failed = progress.read?.tally.annotatable ?? [];
  return error ? { summary, failed, error, exitCode: exitCodeFor(error) } : { summary, failed, exitCode: 0 };
}

/**
 * The run create whose run this upload may have left behind unknown: its own, sent without an answer (with when its
 * last unanswered write went, which bounds when that run can still appear), else the earlier upload's that a resume
 * was still looking for when it stopped (it has not given up on it: the next resume looks again).
 */
function createInDoubt(
  input: UploadInput,
  ctx: Pick<UploadContext, 'creating'> | undefined,
  http: Pick<HttpClient, 'writesSent' | 'unansweredWriteSentAt'> | undefined,
): RunCreateSent | undefined {
  if (!ctx?.creating) return input.earlierCreate;
  if ((http?.writesSent ?? 0) <= ctx.creating.writesBefore) return undefined;
  const unansweredAt = http?.unansweredWriteSentAt;
  return { ...ctx.creating.sent, ...(unansweredAt !== undefined && { unansweredAt }) };
}

/** An outage left the run's create unanswered: the run may exist, and resume records into it. */
function runMayExist(sent: RunCreateSent, spool: string): string {
  return `The test run "${sent.title}" may exist already, open and empty: its create was sent and got no answer. testsigma-tm resume ${spool} records the results in it if it exists, rather than create a second one.`;
}

/** `1,200 test cases`, `1 test case`. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${withThousands(n)} ${n === 1 ? one : many}`;
}

/**
 * Read what the service knows that mapping needs (project, statuses, users, cases): reads only, each once. With
 * a run given, the project's cases wait: when every reference turns out to be a UUID they are not listed at all.
 * `whileListing` hears the project's id prefix as the listing starts (the input is read meanwhile; not in a dry
 * run, whose mapping lines are written as each result is read).
 */
async function lookUp(ctx: UploadContext, projectIdOrName: string, whileListing: (prefix: string) => void): Promise<Lookups> {
  const { api, host, settings, log } = ctx;
  logStage(log, `Looking up project ${projectIdOrName}…`);
  const project = await resolveProject(api, projectIdOrName, host);
  const statuses = await api.listRunStatuses();
  const users = await api.listUsers();
  const casesWait = Boolean(settings.runId) && !settings.dryRun && !settings.matchByTitle && !settings.createMissingCases;
  logStage(
    log,
    `Project ${project.name} (${project.human_id_prefix}): ${count(statuses.length, 'run status', 'run statuses')}, ${count(users.length, 'user')}${casesWait ? '' : '; listing its test cases…'}`,
  );
  if (!casesWait && !settings.dryRun) whileListing(project.human_id_prefix);
  const cases = casesWait ? undefined : await api.listTestCases(project.id);
  if (cases) logStage(log, `Listed ${count(cases.length, 'test case')} of project ${project.name}.`);
  return { project, statuses, users, cases };
}

/**
 * Read the input once, mapping and tallying each result as it comes; only what later stages use is kept. A read
 * made while the cases were listed (`early`) is used when it went to its end: its results are mapped now.
 */
async function readInput(ctx: UploadContext, lookups: Lookups, early: ReadingEarly | undefined): Promise<ReadInput> {
  const { settings, log } = ctx;
  const { project } = lookups;
  early?.begin();
  const read = await early?.read;
  // An early read the host's stop ended is not made again.
  stopIfInterrupted(ctx.input.interrupt);
  if (read && lookups.cases) {
    for (const warning of read.files.flatMap((f) => f.warnings ?? [])) log.warn(warning);
    read.mapper.resolve(lookups.cases, (result, found) => read.tally.placeLate(result, found));
    return { tally: read.tally, report: read.mapper.report(), files: read.files };
  }
  // Title matching reads every unmapped result whole, after reading.
  const keepResults = settings.matchByTitle || settings.createMissingCases;
  const mapper = new ResultMapper(lookups.cases, project.human_id_prefix, { keepResults });
  // Results mapped after reading: a failed one is named with its case afterwards.
  const tally = new ResultTally({ lines: settings.dryRun, workspace: ctx.workspace, keepResults: keepResults || !lookups.cases });
  // Stopped by the host, the read stops at the next result (a file records that as its error; the upload ends).
  const { interrupt } = ctx.input;
  const files = await readAll(
    ctx.input,
    (result) => {
      if (interrupt?.aborted) stopIfInterrupted(interrupt);
      tally.add(result, mapper.add(result));
    },
    log,
  );
  if (!lookups.cases) mapper.resolve(await casesForUuids(ctx, project.id, mapper), (result, found) => tally.placeLate(result, found));
  const report = mapper.report();
  return { tally, report, files };
}

/**
 * The cases to map what was read with a run given: when every reference is a UUID of a case the run already
 * selects, the run's own cases (read anyway to add missing ones); otherwise the project's, listed now.
 */
async function casesForUuids(ctx: UploadContext, projectId: string, mapper: ResultMapper): Promise<CaseInfo[]> {
  const { api, settings, log } = ctx;
  if (mapper.onlyUuids() && settings.runId) {
    const selected = await api.listRunCases(projectId, settings.runId);
    const inRun = selected.map((c) => ({ id: c.test_case.id.toLowerCase(), human_id: c.test_case.human_id ?? c.test_case.id, title: '' }));
    const ids = new Set(inRun.map((c) => c.id));
    if (mapper.referencedUuids().every((id) => ids.has(id))) {
      log.debug("Every test names a case of the given run by UUID: the project's test cases were not listed.");
      return inRun;
    }
  }
  return api.listTestCases(projectId);
}

/**
 * Match titles and create cases when asked, then plan every entry: its case and status now (a status the service
 * lacks fails here, before any run exists), its description when first read (nothing reads it before the run's
 * create is sent: see uploadResults).
 */
async function planUpload(ctx: UploadContext, { project, statuses, users, cases }: Lookups, read: ReadInput): Promise<UploadPlan> {
  const { api, settings, log, host } = ctx;
  const mapping: StatusMapping = { ...DEFAULT_STATUS_MAPPING, ...settings.statusMap };
  const statusIds = resolveStatusIds(statuses, mapping);
  // No result read (a path that matched no file): whom results would be recorded as is no news.
  const user = pickUser(users, settings.userEmail, read.tally.total === 0 ? silentLogger : log, host);
  const { report, sync } = await syncCases(
    api,
    { projectId: project.id, cases: cases ?? [], report: read.report, ownerId: user.id, settings, host, lateWriteMs: LATE_WRITE_MS },
    log,
  );
  if (sync) read.tally.placeFailures(report);
  applyUnmappedPolicy(report, settings, log, host);
  const untestedIds = new Set(statuses.filter((s) => statusKey(s.name) === 'untested').map((s) => s.id));
  const entries = planEntries(report, mapping, statusIds, user.id);
  const cwd = ctx.input.cwd ?? process.cwd();
  const attachmentSettings = {
    policy: settings.attachments,
    maxBytes: settings.attachmentMaxBytes,
    perCase: settings.attachmentsPerCase,
    workspace: cwd,
    cwd,
    // Without attachments no file is read: the roots (a walk up the disk for `.git`) are not looked for.
    roots: settings.attachments === 'none' ? [] : evidenceRoots(cwd, ctx.input.env ?? {}, ctx.input.evidenceRoots),
    redact: (text: string) => redact(text, [settings.token]),
  };
  // Only the cases with a file to plan: a case without any is left out of the plan's map either way, and 10,000
  // of them cost tens of milliseconds between the listing and the run's create.
  const files = await planAttachments(
    report.mapped
      .filter((m) => m.results.some((r) => attachmentsFor(r, settings.attachments).length > 0))
      .map((m) => ({ caseId: m.testCase.id, results: m.results })),
    attachmentSettings,
    log,
  );
  const context = { mapping, ...(ctx.ci?.jobUrl ? { jobUrl: ctx.ci.jobUrl } : {}) };
  // Entries are planned in the order of report.mapped, one each.
  report.mapped.forEach((mapped, i) => {
    const entry = entries[i]?.entry;
    if (entry)
      describedWhenRead(entry, () => redact(withSkippedNote(describeCase(mapped, context), files.get(entry.test_case_id)?.skipped ?? []), [settings.token]));
  });
  return {
    projectId: project.id,
    report,
    userId: user.id,
    statuses,
    untestedIds,
    entries,
    files,
    total: read.tally.total,
    fileCount: read.files.length,
    ...(sync && { sync }),
  };
}

/**
 * A failure of the service itself (no answer, 5xx, the rate limit until the deadline), or a base URL that led
 * nowhere on first contact: worth trying again later (once the setting is fixed).
 */
function serviceFailed(error: TestsigmaTmError): boolean {
  if (error.code === 'API_BASE_URL') return true;
  return error instanceof ApiError && (error.status === undefined || error.status >= 500 || error.status === 429 || error.code === 'API_LIST_INCOMPLETE');
}

/** One entry per mapped case, in their order, its description left to `describe` (planUpload). */
function planEntries(report: MappingReport, mapping: StatusMapping, statusIds: ReturnType<typeof resolveStatusIds>, userId: string): PlannedEntry[] {
  return report.mapped.map((mapped) => {
    const statusName = aggregateStatus(caseOutcomes(mapped).map((o) => mapping[o]));
    const status = statusIds.get(statusName);
    if (!status) throw new ConfigError('CONFIG_STATUS_MISSING', `The status "${statusName}" is not offered by the service.`);
    return {
      statusName: status.name,
      entry: { test_case_id: mapped.testCase.id, test_run_status_id: status.id, user_id: userId, description: '' },
    };
  });
}

/**
 * No test run was written to, and why. Nothing read (a path that matched no file) is the files' error to say, not a
 * mapping matter; tests that name no case are a first upload's usual trip, so the ways to name one are listed.
 */
function warnNothingMaps(log: Logger, read: number, prefix: string, host: Host | undefined): void {
  if (read === 0) return;
  log.warn(
    `None of the ${read} test result(s) names a test case of the project, so no test run was written to. ` +
      `Name each test's case: its id (${prefix}-12) in the test's name, or a testsigma property or annotation (README: "How tests find their test case"); ` +
      `or record each test into the case of the same title with ${settingLabel('matchByTitle', host)}, ` +
      `or create the missing cases with ${settingLabel('createMissingCases', host)}.`,
  );
}

function applyUnmappedPolicy(report: MappingReport, settings: Settings, log: Logger, host: Host | undefined): void {
  const count = report.unmappedTotal + report.unknown.length + (report.unknownUnlisted ?? 0);
  if (count === 0 || settings.unmapped === 'ignore') return;
  const names = [...report.unmapped.map(displayTitle), ...report.unknown.map((u) => `${u.reference} (no such test case)`)];
  const shown = names.slice(0, 10).join('; ') + (names.length > 10 ? `; … and ${names.length - 10} more` : '');
  if (settings.unmapped === 'fail') {
    throw new MappingError(
      'UNMAPPED_TESTS',
      `${count} test(s) or reference(s) map to no test case: ${shown}. Add a testsigma property/annotation or the case id (e.g. [PREFIX-12]) to each test name, or set ${settingLabel('unmapped', host)} to warn.`,
    );
  }
  log.warn(`${count} test(s) or reference(s) map to no test case and will not be recorded: ${shown}`);
}
