/**
 * The upload, as a short sequence of stages that take one context and return values:
 * plan (project, statuses, user, cases → mapped entries) → open run → record batches (and close).
 * The summary is assembled once, at the end, from what the stages returned. Never throws for anything a user can
 * cause: the outcome carries the error and the exit code (decided by the error's code). Hosts (CLI, Action,
 * reporters) only translate inputs in and the outcome out.
 */
import { HttpClient, type HttpClientOptions } from '../api/http.js';
import { TestManagementApi, type ResultEntry, type TestRun } from '../api/client.js';
import type { RunStatus, User } from '../api/wire.js';
import { detectCi, type CiContext } from '../ci.js';
import { ApiError, ConfigError, MappingError, UnsentResultsError, asToolError, exitCodeFor, type TestsigmaTmError } from '../errors.js';
import { randomUUID } from 'node:crypto';
import { redact, redactingLogger, silentLogger, type Logger } from '../log.js';
import { displayTitle, type FileOutcome, type ResultSource, type TestResult } from '../model.js';
import { ResultMapper, type CaseInfo, type MappingReport } from '../map/mapping.js';
import { DEFAULT_STATUS_MAPPING, aggregateStatus, outcomeOf, resolveStatusIds, type StatusMapping } from '../map/status.js';
import { describeCase } from '../plan/description.js';
import { settingLabel, type Env, type Host, type Settings } from '../settings/index.js';
import { carryOver, previousCases } from './carry-over.js';
import { closeRun, markUpload, uploadMarkers } from './close.js';
import { createRun, openNamedRun, pickUser, resolveProject, resolveTestPlan } from './lifecycle.js';
import { findOrCreateKeyedRun, keyLabel, titleWithKey } from './run-key.js';
import { runTitle } from './run-title.js';
import { ensureCases, keepResults } from './selection.js';
import { caseSyncSummary, syncCases, type CaseSync } from './case-sync.js';
import { sendEntries, type RefusedEntry, type SendOutcome } from './send.js';
import { planAttachments, withSkippedNote, type CaseFiles } from './attachments/index.js';
import { spoolPath, withoutToken, writeResultsSpool, writeSpool, type Spool } from './spool.js';
import { statusKey } from '../map/status.js';
import type { RunCase } from '../api/client.js';
import { emptySummary, summariseFiles, type UploadSummary } from './summary.js';
import { filesError, readAll } from './inputs.js';
import { ResultTally } from './tally.js';
import { addDetails, countCases } from './details.js';
import { offlineDryRun } from './dry-run.js';
import { VERSION } from '../version.js';

export interface UploadInput {
  settings: Settings;
  /**
   * Every result to record: a list already in memory, or a source read while uploading (result files read piece
   * by piece, each result mapped as it is read, so memory holds what the upload needs, not the files).
   */
  results: TestResult[] | ResultSource;
  /** With a list: the files it came from, for the summary; files with an `error` make the exit code 2. */
  files?: FileOutcome[];
  /** Environment, for the CI context (job link, run title). */
  env?: Env;
  log?: Logger;
  /** Who is uploading: decides how messages name a setting (`--project`, `input project-id`, `option projectId`). */
  host?: Host;
  /** Test hooks for the HTTP layer (retry policy, sleep); never needed in production. */
  http?: Partial<HttpClientOptions>;
  now?: () => Date;
  /** `run create`: find or create the run and make it hold the mapped cases; send no result. */
  openOnly?: boolean;
  /** The workspace: attachment paths resolve here (after the result file's directory) and never lead out. Default: process.cwd(). */
  cwd?: string;
}

export interface UploadOutcome {
  summary: UploadSummary;
  /** The first 100 failed (or errored) results, whole: for hosts that annotate them (`summary.tests.failed` counts all). */
  failed: readonly TestResult[];
  /** The error that decided a non-zero exit, if any. Its message is safe to print (token redacted). */
  error?: TestsigmaTmError;
  exitCode: number;
}

/** What every stage reads. */
interface UploadContext {
  input: UploadInput;
  settings: Settings;
  host: Host | undefined;
  api: TestManagementApi;
  ci: CiContext | undefined;
  /** The run key in force: the setting, else the CI's. */
  runKey: string | undefined;
  log: Logger;
  now: () => Date;
  /** Where file locations are made relative to (GITHUB_WORKSPACE, else the working directory). */
  workspace: string;
}

/** What the service knows that mapping needs, read before the results are. */
interface Lookups {
  project: { id: string; human_id_prefix: string };
  statuses: RunStatus[];
  users: User[];
  cases: CaseInfo[];
}

/** The input, read once: the tallies, the mapping and the files' outcomes. */
interface ReadInput {
  tally: ResultTally;
  report: MappingReport;
  files: FileOutcome[];
}

interface PlannedEntry {
  entry: ResultEntry;
  statusName: string;
}

interface UploadPlan {
  projectId: string;
  report: MappingReport;
  entries: PlannedEntry[];
  userId: string;
  /** Status ids meaning "no result yet" (Untested): never carried over from an earlier run. */
  untestedIds: Set<string>;
  /** The files of each case (by test case id), and those left out. */
  files: Map<string, CaseFiles>;
  /** What matching by title and creating missing cases did (when either is on). */
  sync?: CaseSync;
  /** Results read, and the files they came from: for the run's description. */
  total: number;
  fileCount: number;
}

interface OpenedRun {
  run: TestRun;
  created: boolean;
  /** The earlier, closed run of the same key whose results this (new) run carried over. */
  previous?: TestRun;
  /** The planned entries the run can take (cases a dynamic run does not select are left out). */
  entries: PlannedEntry[];
}

interface Recorded {
  sent: SendOutcome;
  closed: boolean;
  /** Where what could not be sent was written, for `testsigma-tm resume`. */
  spoolFile?: string;
  /** Why not every entry landed; the counts above still say what did. */
  error?: TestsigmaTmError;
}

/** What the stages returned so far: the summary is built from it, however far the upload got. */
interface Progress {
  plan?: UploadPlan;
  opened?: OpenedRun;
  recorded?: Recorded;
  /** The input as read (before planning, so the summary counts it even when planning fails). */
  read?: ReadInput;
  /** The results spooled because the service failed before a run was open. */
  spoolFile?: string;
}

export async function uploadResults(input: UploadInput): Promise<UploadOutcome> {
  const { settings } = input;
  const log = redactingLogger(input.log ?? silentLogger, [settings.token]);
  const started = Date.now();
  const workspace = input.env?.GITHUB_WORKSPACE ?? process.cwd();
  if (settings.dryRun && (!settings.token || !settings.projectId)) return offlineDryRun({ ...input, log }, workspace);
  const progress: Progress = {};
  let http: HttpClient | undefined;
  let error: TestsigmaTmError | undefined;
  try {
    const { token, projectId } = requireSettings(settings, input.host);
    http = new HttpClient({ ...httpOptions(settings, token, input.host, log), ...input.http });
    const ci = detectCi(input.env ?? {});
    const ctx: UploadContext = {
      input,
      settings,
      host: input.host,
      api: new TestManagementApi(http),
      ci,
      runKey: settings.runKey ?? ci?.runKey,
      log,
      now: input.now ?? (() => new Date()),
      workspace,
    };

    const lookups = await lookUp(ctx, projectId);
    progress.read = await readInput(ctx, lookups);
    progress.plan = await planUpload(ctx, lookups, progress.read);
    // `run create` opens the run even without cases: the shards add theirs.
    if (settings.dryRun || (progress.plan.entries.length === 0 && !input.openOnly)) {
      if (progress.plan.entries.length === 0 && !settings.dryRun) log.warn('No result maps to a test case of the project, so no test run was written to.');
    } else {
      progress.opened = await openRun(ctx, progress.plan);
      if (!input.openOnly) {
        progress.recorded = await recordResults(ctx, progress.plan, progress.opened);
        if (progress.recorded.error) throw progress.recorded.error;
      }
    }
    error = filesError(progress.read.files);
  } catch (thrown) {
    error = asToolError(thrown);
    error.message = redact(error.message, [settings.token]);
    if (!progress.opened && serviceFailed(error) && !settings.dryRun && !input.openOnly) {
      const spooled = await spoolResults(input, workspace, error, log);
      progress.spoolFile = spooled.file;
      progress.read ??= spooled.read;
    } else if (!progress.read) {
      // Stopped before the input was read (a refused token, an unknown project): the summary still tells the tests.
      progress.read = await tallyInput(input, workspace, log);
    }
  } finally {
    await http?.close();
  }
  const summary = addDetails(buildSummary(input, progress), {
    tally: progress.read?.tally ?? new ResultTally({ lines: false, workspace }),
    ...(http && { http: { requests: http.requests, retries: http.retries } }),
    elapsedMs: Date.now() - started,
  });
  const failed = progress.read?.tally.annotatable ?? [];
  return error ? { summary, failed, error, exitCode: exitCodeFor(error) } : { summary, failed, exitCode: 0 };
}

/** The HTTP client's options from the settings; every message names settings in the host's words. */
export function httpOptions(settings: Settings, token: string, host: Host | undefined, log: Logger): HttpClientOptions {
  return {
    baseUrl: settings.baseUrl,
    token,
    timeoutMs: settings.timeoutMs,
    deadlineMs: settings.deadline * 1000,
    log,
    tokenSettingName: settingLabel('token', host),
    deadlineSettingName: settingLabel('deadline', host).split(' (or ')[0] ?? 'the deadline',
  };
}

/** The two settings without which nothing can be asked of the service. */
function requireSettings(settings: Settings, host: Host | undefined): { token: string; projectId: string } {
  if (!settings.token) {
    throw new ConfigError('CONFIG_MISSING_TOKEN', `No API token: set ${settingLabel('token', host)} to a Test Management API key (Settings > API Keys).`);
  }
  if (!settings.projectId) {
    throw new ConfigError('CONFIG_MISSING_PROJECT', `No project: set ${settingLabel('projectId', host)} to the project UUID or its exact name.`);
  }
  return { token: settings.token, projectId: settings.projectId };
}

/** Read what the service knows that mapping needs (project, statuses, users, cases): reads only, each once. */
async function lookUp(ctx: UploadContext, projectIdOrName: string): Promise<Lookups> {
  const { api, host } = ctx;
  const project = await resolveProject(api, projectIdOrName, host);
  const statuses = await api.listRunStatuses();
  const users = await api.listUsers();
  const cases = await api.listTestCases(project.id);
  return { project, statuses, users, cases };
}

/** Read the input once, mapping and tallying each result as it comes; only what later stages use is kept. */
async function readInput(ctx: UploadContext, { project, cases }: Lookups): Promise<ReadInput> {
  const { settings } = ctx;
  // Title matching reads every unmapped result whole, after reading.
  const keepResults = settings.matchByTitle || settings.createMissingCases;
  const mapper = new ResultMapper(cases, project.human_id_prefix, { keepResults });
  const tally = new ResultTally({ lines: settings.dryRun, workspace: ctx.workspace, keepResults });
  const files = await readAll(ctx.input, (result) => tally.add(result, mapper.add(result)), ctx.log);
  return { tally, report: mapper.report(), files };
}

/** Match titles and create cases when asked, then plan every entry. */
async function planUpload(ctx: UploadContext, { project, statuses, users, cases }: Lookups, read: ReadInput): Promise<UploadPlan> {
  const { api, settings, log, host } = ctx;
  const mapping: StatusMapping = { ...DEFAULT_STATUS_MAPPING, ...settings.statusMap };
  const statusIds = resolveStatusIds(statuses, mapping);
  const user = pickUser(users, settings.userEmail, log, host);
  const { report, sync } = await syncCases(api, { projectId: project.id, cases, report: read.report, ownerId: user.id, settings, host }, log);
  if (sync) read.tally.placeMatched(report);
  applyUnmappedPolicy(report, settings, log, host);
  const untestedIds = new Set(statuses.filter((s) => statusKey(s.name) === 'untested').map((s) => s.id));
  const entries = planEntries(report, mapping, statusIds, user.id, ctx.ci);
  const cwd = ctx.input.cwd ?? process.cwd();
  const attachmentSettings = { policy: settings.attachments, maxBytes: settings.attachmentMaxBytes, perCase: settings.attachmentsPerCase, workspace: cwd, cwd };
  const files = await planAttachments(
    report.mapped.map((m) => ({ caseId: m.testCase.id, results: m.results })),
    attachmentSettings,
    log,
  );
  for (const { entry } of entries) entry.description = withSkippedNote(entry.description, files.get(entry.test_case_id)?.skipped ?? []);
  return {
    projectId: project.id,
    report,
    userId: user.id,
    untestedIds,
    entries,
    files,
    total: read.tally.total,
    fileCount: read.files.length,
    ...(sync && { sync }),
  };
}

/**
 * The run to write to: the one named by the run id setting; else, with a run key (from the CI or the setting),
 * the key's open run or a new one that every job of the pipeline converges on; else a new run. A run this upload
 * did not create is made to hold the mapped cases.
 */
async function openRun(ctx: UploadContext, plan: UploadPlan): Promise<OpenedRun> {
  const { settings, api, log, host, runKey } = ctx;
  const { projectId } = plan;
  const caseIds = plan.entries.map((p) => p.entry.test_case_id);
  const now = ctx.now();
  const title = runTitle(settings.runTitle, ctx.ci, now);
  const labels = ['testsigma-tm', ...settings.labels];
  // Checked before any run is created (also when one exists: a wrong setting fails the same way in every job).
  const testPlan = settings.testPlan ? await resolveTestPlan(api, projectId, settings.testPlan, host) : undefined;
  const runFields = { ...(testPlan && { testPlanId: testPlan.id }), environmentIds: settings.environmentIds };
  let opened: Omit<OpenedRun, 'entries'>;
  if (settings.runId) {
    opened = { run: await openNamedRun(api, projectId, settings.runId, host), created: false };
  } else if (runKey) {
    let carried: RunCase[] = [];
    const keyed = await findOrCreateKeyedRun(
      api,
      {
        projectId,
        key: runKey,
        create: async (previous, findExisting) => {
          carried = previous ? await previousCases(api, projectId, previous) : [];
          const description =
            runDescription(ctx.ci, plan.total, plan.fileCount) +
            (previous ? `\nContinues test run ${previous.human_id} (closed), whose results were carried over.` : '');
          const selection = [...new Set([...caseIds, ...carried.map((c) => c.test_case.id)])];
          return api.createRun(
            {
              projectId,
              title: titleWithKey(title, runKey),
              description,
              caseIds: selection,
              assigneeId: plan.userId,
              labels: [...labels, keyLabel(runKey)],
              now: now.getTime(),
              ...runFields,
            },
            { findExisting },
          );
        },
      },
      log,
    );
    opened = keyed;
    if (keyed.created && keyed.previous) {
      await carryOver(
        api,
        projectId,
        { previous: keyed.previous, run: keyed.run, userId: plan.userId, own: new Set(caseIds), untested: plan.untestedIds, batchSize: settings.batchSize },
        carried,
        log,
      );
    }
  } else {
    const description = runDescription(ctx.ci, plan.total, plan.fileCount);
    opened = {
      run: await createRun(api, { projectId, title, description, caseIds, assigneeId: plan.userId, labels, now: now.getTime(), ...runFields }, log),
      created: true,
    };
  }
  // A run this upload created selects its cases already; any other may lack some (and other jobs may be adding theirs).
  const refused = new Set(opened.created ? [] : (await ensureCases(api, projectId, opened.run, caseIds, log)).refused);
  return { ...opened, entries: plan.entries.filter((p) => !refused.has(p.entry.test_case_id)) };
}

/**
 * Send every entry (a refused one does not stop the others), read the run back, then close it when this upload
 * should: a run it created, or — with a run key — when close-run is on and, with a known shard total, every
 * shard has reported. What could not be sent is spooled and the run is left open (a closed run takes nothing).
 */
async function recordResults(ctx: UploadContext, plan: UploadPlan, opened: OpenedRun): Promise<Recorded> {
  const { api, settings, log } = ctx;
  const { run } = opened;
  const { projectId } = plan;
  const files = new Map([...plan.files].map(([caseId, planned]) => [caseId, planned.files]));
  const sent = await sendEntries(
    api,
    projectId,
    run.id,
    opened.entries.map((p) => p.entry),
    { maxEntries: settings.batchSize, files, nameOf: (id) => caseName(plan, id) },
    log,
  );
  if (sent.error) {
    const spoolFile = await spoolEntries(ctx, plan, opened, sent.unsent, sent.error);
    return { sent, closed: false, spoolFile, error: sent.error };
  }
  // With a run key other jobs write to the same run: make sure what this job sent is still there, and retry what
  // was refused because another job's update had just removed its case. (No job's update removes the cases of
  // the run's creator: every read of the run holds them.)
  let kept: Awaited<ReturnType<typeof keepResults>> | undefined;
  if (ctx.runKey && !opened.created) {
    kept = await keepResults(api, projectId, run, [...sent.acknowledged, ...sent.refused.map((r) => r.entry)], log, { untested: plan.untestedIds });
    const lost = new Set(kept.lost.map((e) => e.test_case_id));
    sent.acknowledged.push(...sent.refused.filter((r) => !lost.has(r.entry.test_case_id)).map((r) => r.entry));
    sent.refused = sent.refused.filter((r) => lost.has(r.entry.test_case_id));
    sent.requests += kept.requests;
  }
  const mismatch = settings.verify ? await verifyRun(api, projectId, run, sent, plan, kept?.held) : undefined;
  const refusedError = sent.refused.length > 0 ? refusedResults(run, sent, plan) : undefined;
  let closed = false;
  if (settings.closeRun && (opened.created || ctx.runKey) && !settings.runId) {
    const total = settings.shardTotal ?? ctx.ci?.shard?.total;
    if (ctx.runKey && total) {
      const index = settings.shardIndex ?? ctx.ci?.shard?.index;
      const marked = await markUpload(api, projectId, run, index ? `${index}/${total}` : randomUUID().slice(0, 8), log);
      const reported = uploadMarkers(marked).length;
      if (reported >= total) {
        await closeRun(api, projectId, marked, `${reported} of ${total} uploads reported.`);
        closed = true;
      } else {
        log.info(`${reported} of ${total} uploads have reported into test run ${run.human_id}; the last one closes it.`);
      }
    } else {
      await closeRun(api, projectId, run, undefined);
      closed = true;
    }
  }
  return { sent, closed, ...((refusedError ?? mismatch) && { error: refusedError ?? mismatch }) };
}

/** After the last batch, what the run holds must be what was sent: name every case that differs. */
async function verifyRun(
  api: TestManagementApi,
  projectId: string,
  run: TestRun,
  sent: SendOutcome,
  plan: UploadPlan,
  read?: readonly RunCase[],
): Promise<TestsigmaTmError | undefined> {
  const held = new Map((read ?? (await api.listRunCases(projectId, run.id))).map((c) => [c.test_case.id, c.status_id]));
  const differ = sent.acknowledged.filter((e) => held.get(e.test_case_id) !== e.test_run_status_id);
  if (differ.length === 0) return undefined;
  const names = differ.slice(0, 20).map((e) => caseName(plan, e.test_case_id));
  return new UnsentResultsError(
    'VERIFY_MISMATCH',
    `Test run ${run.human_id} does not hold what was sent for ${differ.length} case(s): ${names.join(', ')}${differ.length > 20 ? ', …' : ''}. Another job may have recorded the same case(s) at the same time; check them in the run.`,
  );
}

function refusedResults(run: TestRun, sent: SendOutcome, plan: UploadPlan): UnsentResultsError {
  const { refused, acknowledged } = sent;
  const lines = refused.slice(0, 20).map((r: RefusedEntry) => `${caseName(plan, r.entry.test_case_id)}: ${r.reason}`);
  return new UnsentResultsError(
    'UNSENT_RESULTS',
    `The service refused ${refused.length} of ${refused.length + acknowledged.length} result(s) for test run ${run.human_id} (${acknowledged.length} recorded):\n  - ${lines.join('\n  - ')}${refused.length > 20 ? `\n  - … and ${refused.length - 20} more` : ''}`,
  );
}

function caseName(plan: UploadPlan, caseId: string): string {
  return plan.report.mapped.find((m) => m.testCase.id === caseId)?.testCase.human_id ?? caseId;
}

/** A failure of the service itself (no answer, 5xx, the rate limit until the deadline): worth trying again later. */
function serviceFailed(error: TestsigmaTmError): boolean {
  return error instanceof ApiError && (error.status === undefined || error.status >= 500 || error.status === 429);
}

async function spoolEntries(
  ctx: UploadContext,
  plan: UploadPlan,
  opened: OpenedRun,
  entries: ResultEntry[],
  reason: TestsigmaTmError,
): Promise<string | undefined> {
  const willClose = ctx.settings.closeRun && opened.created && !ctx.runKey;
  const spool: Spool = {
    tool: 'testsigma-tm',
    version: 1,
    kind: 'entries',
    createdAt: ctx.now().toISOString(),
    reason: reason.message,
    settings: withoutToken({ ...ctx.settings, runKey: ctx.runKey }),
    projectId: plan.projectId,
    run: { id: opened.run.id, human_id: opened.run.human_id },
    close: willClose,
    entries,
  };
  const file = spoolPath({ ...ctx.settings, runKey: ctx.runKey }, ctx.input.env ?? {}, ctx.now());
  return reportSpool(
    file,
    ctx.log,
    () => entries.length,
    () => writeSpool(file, spool),
  );
}

/** The service failed before a run was open: every result goes to the spool, read (again) as it is written. */
async function spoolResults(
  input: UploadInput,
  workspace: string,
  reason: TestsigmaTmError,
  log: Logger,
): Promise<{ file: string | undefined; read: ReadInput }> {
  const now = (input.now ?? (() => new Date()))();
  const runKey = input.settings.runKey ?? detectCi(input.env ?? {})?.runKey;
  const settings = { ...input.settings, runKey };
  const header = {
    tool: 'testsigma-tm',
    version: 1,
    kind: 'results',
    createdAt: now.toISOString(),
    reason: reason.message,
    settings: withoutToken(settings),
  } as const;
  const tally = new ResultTally({ lines: false, workspace });
  const file = spoolPath(settings, input.env ?? {}, now);
  let files: FileOutcome[] = [];
  const written = await reportSpool(
    file,
    log,
    () => tally.total,
    () =>
      writeResultsSpool(file, header, async (write) => {
        files = await readAll(input, (result) => {
          tally.add(result);
          write(result);
        });
      }),
  );
  return { file: written, read: { tally, files, report: emptyReport() } };
}

/** The input read for its counts and failures only (nothing mapped). */
async function tallyInput(input: UploadInput, workspace: string, log: Logger): Promise<ReadInput> {
  const tally = new ResultTally({ lines: false, workspace });
  const files = await readAll(input, (result) => tally.add(result), log);
  return { tally, files, report: emptyReport() };
}

function emptyReport(): MappingReport {
  return { mapped: [], unmapped: [], unmappedTotal: 0, unknown: [] };
}

/** Write a spool and say where it is and how to send it; undefined when it could not be written. */
async function reportSpool(file: string, log: Logger, count: () => number, write: () => Promise<void>): Promise<string | undefined> {
  try {
    await write();
    log.error(`${count()} result(s) could not be sent and were written to ${file}. Send them later with: testsigma-tm resume ${file}`);
    return file;
  } catch (error) {
    log.error(`${count()} result(s) could not be sent, and the spool file ${file} could not be written: ${(error as Error).message}.`);
    return undefined;
  }
}

/** The summary, once, from the stages' values: what is missing is what did not happen. */
function buildSummary(input: UploadInput, { read, plan, opened, recorded, spoolFile }: Progress): UploadSummary {
  const summary: UploadSummary = {
    ...emptySummary(input.settings.dryRun),
    files: summariseFiles(read?.files ?? (Array.isArray(input.results) ? (input.files ?? []) : [])),
    total: read?.tally.total ?? 0,
    tests: read?.tally.tests ?? { passed: 0, failed: 0, skipped: 0 },
    spoolFile: spoolFile ?? recorded?.spoolFile ?? null,
  };
  if (!plan) return summary;
  if (plan.sync) Object.assign(summary, caseSyncSummary(plan.sync));
  summary.unmapped = plan.report.unmapped.map(displayTitle);
  summary.unmappedTotal = plan.report.unmappedTotal;
  summary.unknown = plan.report.unknown.map((u) => ({ reference: u.reference, tests: u.results.map(displayTitle) }));
  summary.mapped = plan.entries.length;
  summary.attachments = attachmentSummary(plan, recorded?.sent, input.settings.dryRun);
  if (!opened) {
    summary.byStatus = countByStatus(plan.entries);
    summary.cases = countCases(
      plan.report,
      plan.entries.map((p) => p.entry.test_case_id),
    );
    return summary;
  }
  summary.runId = opened.run.id;
  summary.runHumanId = opened.run.human_id;
  summary.runUrl = runUrl(input.settings.baseUrl, plan.projectId, opened.run.id);
  summary.created = opened.created;
  const notTaken = plan.entries.length - opened.entries.length;
  if (!recorded) {
    // `run create` sends nothing; otherwise the upload stopped while recording: nothing is known to have landed.
    summary.unsent = input.openOnly ? 0 : plan.entries.length;
    return summary;
  }
  const landed = new Set(recorded.sent.acknowledged.map((e) => e.test_case_id));
  summary.requests = recorded.sent.requests;
  summary.uploaded = landed.size;
  summary.unsent = notTaken + recorded.sent.unsent.length + recorded.sent.refused.length;
  summary.refused = recorded.sent.refused.map((r) => ({ case: caseName(plan, r.entry.test_case_id), reason: r.reason }));
  summary.closed = recorded.closed;
  summary.byStatus = countByStatus(opened.entries.filter((p) => landed.has(p.entry.test_case_id)));
  summary.cases = countCases(plan.report, landed);
  return summary;
}

/** Files skipped while planning, those the service made us withdraw (413), and in a dry run what would go. */
function attachmentSummary(plan: UploadPlan, sent: SendOutcome | undefined, dryRun: boolean): UploadSummary['attachments'] {
  const skipped = [...plan.files].flatMap(([caseId, f]) => f.skipped.map((s) => ({ case: caseName(plan, caseId), ...s })));
  skipped.push(...(sent?.attachments.withdrawn ?? []).map((w) => ({ case: caseName(plan, w.caseId), name: w.name, reason: w.reason })));
  const planned = dryRun
    ? [...plan.files].flatMap(([caseId, f]) => f.files.map((file) => ({ case: caseName(plan, caseId), name: file.fileName, size: file.size })))
    : [];
  return { sent: sent?.attachments.sent ?? 0, sentBytes: sent?.attachments.sentBytes ?? 0, skipped, planned };
}

function planEntries(
  report: MappingReport,
  mapping: StatusMapping,
  statusIds: ReturnType<typeof resolveStatusIds>,
  userId: string,
  ci: CiContext | undefined,
): PlannedEntry[] {
  return report.mapped.map((mapped) => {
    const statusName = aggregateStatus(mapped.results.map((r) => mapping[outcomeOf(r)]));
    const status = statusIds.get(statusName);
    if (!status) throw new ConfigError('CONFIG_STATUS_MISSING', `The status "${statusName}" is not offered by the service.`);
    return {
      statusName: status.name,
      entry: {
        test_case_id: mapped.testCase.id,
        test_run_status_id: status.id,
        user_id: userId,
        description: describeCase(mapped, { mapping, ...(ci?.jobUrl ? { jobUrl: ci.jobUrl } : {}) }),
      },
    };
  });
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

function countByStatus(entries: PlannedEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) counts[e.statusName] = (counts[e.statusName] ?? 0) + 1;
  return counts;
}

function runDescription(ci: CiContext | undefined, results: number, files: number | undefined): string {
  const from = ci ? `${ci.provider}${ci.jobUrl ? ` (${ci.jobUrl})` : ''}` : 'a local upload';
  return `Recorded by testsigma-tm ${VERSION} from ${from}: ${results} test result(s)${files !== undefined ? ` in ${files} file(s)` : ''}.`;
}

/** Best effort: the web app lives on the same origin as the API. */
export function runUrl(baseUrl: string, projectId: string, runId: string): string {
  return `${new URL(baseUrl).origin}/ui/projects/${projectId}/test-runs/${runId}`;
}
