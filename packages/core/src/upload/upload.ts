/**
 * The upload, as a short sequence of stages that take one context and return values:
 * plan (project, statuses, user, cases → mapped entries) → open run → record batches (and close).
 * The summary is assembled once, at the end, from what the stages returned. Never throws for anything a user can
 * cause: the outcome carries the error and the exit code (decided by the error's code). Hosts (CLI, Action,
 * reporters) only translate inputs in and the outcome out.
 */
import { HttpClient, type HttpClientOptions } from '../api/http.js';
import { TestManagementApi } from '../api/client.js';
import { detectCi, type CiContext } from '../ci.js';
import { ApiError, ConfigError, MappingError, asToolError, exitCodeFor, type TestsigmaTmError } from '../errors.js';
import { redact, redactingLogger, silentLogger, type Logger } from '../log.js';
import { systemClock, type Clock } from '../clock.js';
import { displayTitle, type FileOutcome, type ResultSource, type TestResult } from '../model.js';
import { ResultMapper, caseOutcomes, type CaseInfo, type MappingReport } from '../map/mapping.js';
import { DEFAULT_STATUS_MAPPING, aggregateStatus, resolveStatusIds, type StatusMapping, statusKey } from '../map/status.js';
import { describeCase } from '../plan/description.js';
import { settingLabel, type Env, type Host, type Settings } from '../settings/index.js';
import { pickUser, resolveProject } from '../run/lifecycle.js';
import { syncCases } from './case-sync.js';
import { planAttachments, withSkippedNote } from './attachments/index.js';
import type { UploadSummary } from './summary.js';
import { filesError, readAll } from './inputs.js';
import { ResultTally } from './tally.js';
import { addDetails } from './details.js';
import { offlineDryRun } from './dry-run.js';
import type { UploadContext, Lookups, ReadInput, PlannedEntry, UploadPlan, Progress } from './stages.js';
import { openRun } from './open-run.js';
import { recordResults } from './record.js';
import { spoolResults, tallyInput } from './spooling.js';
import { buildSummary } from './outcome-summary.js';

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
  /** Test hooks for the HTTP layer (retry policy, transport); never needed in production. */
  http?: Partial<HttpClientOptions>;
  /** The clock every wait uses (the HTTP client's and the run protocol's); default: the system's. */
  clock?: Clock;
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

export async function uploadResults(input: UploadInput): Promise<UploadOutcome> {
  const { settings } = input;
  const log = redactingLogger(input.log ?? silentLogger, [settings.token]);
  const clock = input.clock ?? input.http?.clock ?? systemClock;
  const started = clock.now();
  const workspace = input.env?.GITHUB_WORKSPACE ?? process.cwd();
  if (settings.dryRun && (!settings.token || !settings.projectId)) return offlineDryRun({ ...input, log }, workspace);
  const progress: Progress = {};
  let http: HttpClient | undefined;
  let error: TestsigmaTmError | undefined;
  try {
    const { token, projectId } = requireSettings(settings, input.host);
    http = new HttpClient({ ...httpOptions(settings, token, input.host, log), ...input.http, clock });
    const ci = detectCi(input.env ?? {});
    const ctx: UploadContext = {
      input,
      settings,
      host: input.host,
      api: new TestManagementApi(http),
      ci,
      runKey: settings.runKey ?? ci?.runKey,
      log,
      clock,
      now: input.now ?? (() => new Date(clock.now())),
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
    elapsedMs: clock.now() - started,
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

/**
 * Read what the service knows that mapping needs (project, statuses, users, cases): reads only, each once. With
 * a run given, the project's cases wait: when every reference turns out to be a UUID they are not listed at all.
 */
async function lookUp(ctx: UploadContext, projectIdOrName: string): Promise<Lookups> {
  const { api, host, settings } = ctx;
  const project = await resolveProject(api, projectIdOrName, host);
  const statuses = await api.listRunStatuses();
  const users = await api.listUsers();
  const casesWait = Boolean(settings.runId) && !settings.dryRun && !settings.matchByTitle && !settings.createMissingCases;
  const cases = casesWait ? undefined : await api.listTestCases(project.id);
  return { project, statuses, users, cases };
}

/** Read the input once, mapping and tallying each result as it comes; only what later stages use is kept. */
async function readInput(ctx: UploadContext, lookups: Lookups): Promise<ReadInput> {
  const { settings, log } = ctx;
  const { project } = lookups;
  // Title matching reads every unmapped result whole, after reading.
  const keepResults = settings.matchByTitle || settings.createMissingCases;
  const mapper = new ResultMapper(lookups.cases, project.human_id_prefix, { keepResults });
  // Results mapped after reading: a failed one is named with its case afterwards.
  const tally = new ResultTally({ lines: settings.dryRun, workspace: ctx.workspace, keepResults: keepResults || !lookups.cases });
  const files = await readAll(ctx.input, (result) => tally.add(result, mapper.add(result)), log);
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

/** Match titles and create cases when asked, then plan every entry. */
async function planUpload(ctx: UploadContext, { project, statuses, users, cases }: Lookups, read: ReadInput): Promise<UploadPlan> {
  const { api, settings, log, host } = ctx;
  const mapping: StatusMapping = { ...DEFAULT_STATUS_MAPPING, ...settings.statusMap };
  const statusIds = resolveStatusIds(statuses, mapping);
  const user = pickUser(users, settings.userEmail, log, host);
  const { report, sync } = await syncCases(api, { projectId: project.id, cases: cases ?? [], report: read.report, ownerId: user.id, settings, host }, log);
  if (sync) read.tally.placeFailures(report);
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
    statuses,
    untestedIds,
    entries,
    files,
    total: read.tally.total,
    fileCount: read.files.length,
    ...(sync && { sync }),
  };
}

/** A failure of the service itself (no answer, 5xx, the rate limit until the deadline): worth trying again later. */
function serviceFailed(error: TestsigmaTmError): boolean {
  return error instanceof ApiError && (error.status === undefined || error.status >= 500 || error.status === 429);
}

function planEntries(
  report: MappingReport,
  mapping: StatusMapping,
  statusIds: ReturnType<typeof resolveStatusIds>,
  userId: string,
  ci: CiContext | undefined,
): PlannedEntry[] {
  return report.mapped.map((mapped) => {
    const statusName = aggregateStatus(caseOutcomes(mapped).map((o) => mapping[o]));
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
