/**
 * The upload, as a short sequence of stages that take one context and return values:
 * plan (project, statuses, user, cases → mapped entries) → open run → record batches (and close).
 * The summary is assembled once, at the end, from what the stages returned. Never throws for anything a user can
 * cause: the outcome carries the error and the exit code (decided by the error's code). Hosts (CLI, Action,
 * reporters) only translate inputs in and the outcome out.
 */
import { HttpClient, type HttpClientOptions } from '../api/http.js';
import { TestManagementApi, type ResultEntry, type TestRun } from '../api/client.js';
import { detectCi, defaultRunTitle, type CiContext } from '../ci.js';
import { ConfigError, InputError, MappingError, UnsentResultsError, asToolError, exitCodeFor, type TestsigmaTmError } from '../errors.js';
import { redact, redactingLogger, silentLogger, type Logger } from '../log.js';
import { displayTitle, type FileOutcome, type TestResult } from '../model.js';
import { mapResults, type MappingReport } from '../map/mapping.js';
import { DEFAULT_STATUS_MAPPING, aggregateStatus, outcomeOf, resolveStatusIds, type StatusMapping } from '../map/status.js';
import { describeCase } from '../plan/description.js';
import { settingLabel, type Env, type Host, type Settings } from '../settings/index.js';
import { createRun, openExistingRun, pickUser, resolveProject, uploadBatches, type BatchOutcome } from './lifecycle.js';
import { countOutcomes, emptySummary, summariseFiles, type UploadSummary } from './summary.js';
import { addDetails, countCases } from './details.js';
import { offlineDryRun } from './dry-run.js';
import { VERSION } from '../version.js';

export interface UploadInput {
  settings: Settings;
  /** Every result to record (already parsed). */
  results: TestResult[];
  /** The files they came from, for the summary; files with an `error` make the exit code 2. */
  files?: FileOutcome[];
  /** Environment, for the CI context (job link, run title). */
  env?: Env;
  log?: Logger;
  /** Who is uploading: decides how messages name a setting (`--project`, `input project-id`, `option projectId`). */
  host?: Host;
  /** Test hooks for the HTTP layer (retry policy, sleep); never needed in production. */
  http?: Partial<HttpClientOptions>;
  now?: () => Date;
}

export interface UploadOutcome {
  summary: UploadSummary;
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
  log: Logger;
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
}

interface OpenedRun {
  run: TestRun;
  created: boolean;
  /** The planned entries the run can take (cases a dynamic run does not select are left out). */
  entries: PlannedEntry[];
}

interface Recorded {
  batches: BatchOutcome;
  closed: boolean;
  /** Why not every entry landed; the counts above still say what did. */
  error?: TestsigmaTmError;
}

/** What the stages returned so far: the summary is built from it, however far the upload got. */
interface Progress {
  plan?: UploadPlan;
  opened?: OpenedRun;
  recorded?: Recorded;
}

export async function uploadResults(input: UploadInput): Promise<UploadOutcome> {
  const { settings } = input;
  const log = redactingLogger(input.log ?? silentLogger, [settings.token]);
  for (const warning of (input.files ?? []).flatMap((f) => f.warnings ?? [])) log.warn(warning);
  const started = Date.now();
  const workspace = input.env?.GITHUB_WORKSPACE ?? process.cwd();
  if (settings.dryRun && (!settings.token || !settings.projectId)) return offlineDryRun(input, workspace, fileError(input.files));
  const progress: Progress = {};
  let http: HttpClient | undefined;
  let error: TestsigmaTmError | undefined;
  try {
    const { token, projectId } = requireSettings(settings, input.host);
    http = new HttpClient({ baseUrl: settings.baseUrl, token, timeoutMs: settings.timeoutMs, log, tokenSettingName: settingLabel('token', input.host), ...input.http });
    const ctx: UploadContext = { input, settings, host: input.host, api: new TestManagementApi(http), ci: detectCi(input.env ?? {}), log };

    progress.plan = await planUpload(ctx, projectId);
    if (settings.dryRun || progress.plan.entries.length === 0) {
      if (progress.plan.entries.length === 0 && !settings.dryRun) log.warn('No result maps to a test case of the project, so no test run was written to.');
    } else {
      progress.opened = await openRun(ctx, progress.plan);
      progress.recorded = await recordResults(ctx, progress.plan.projectId, progress.opened);
      if (progress.recorded.error) throw progress.recorded.error;
    }
    error = fileError(input.files);
  } catch (thrown) {
    error = asToolError(thrown);
    error.message = redact(error.message, [settings.token]);
  } finally {
    await http?.close();
  }
  const summary = addDetails(buildSummary(input, progress), { results: input.results, ...(progress.plan && { report: progress.plan.report }), workspace, ...(http && { http: http.counts }), elapsedMs: Date.now() - started });
  return error ? { summary, error, exitCode: exitCodeFor(error) } : { summary, exitCode: 0 };
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

/** Read what the service knows (project, statuses, users, cases: reads only), map and plan every entry. */
async function planUpload(ctx: UploadContext, projectIdOrName: string): Promise<UploadPlan> {
  const { api, settings, log, host } = ctx;
  const project = await resolveProject(api, projectIdOrName, host);
  const statuses = await api.listRunStatuses();
  const users = await api.listUsers();
  const cases = await api.listTestCases(project.id);

  const report = mapResults(ctx.input.results, cases, project.human_id_prefix);
  applyUnmappedPolicy(report, settings, log, host);
  const mapping: StatusMapping = { ...DEFAULT_STATUS_MAPPING, ...settings.statusMap };
  const statusIds = resolveStatusIds(statuses, mapping);
  const user = pickUser(users, settings.userEmail, log, host);
  return { projectId: project.id, report, userId: user.id, entries: planEntries(report, mapping, statusIds, user.id, ctx.ci) };
}

/** The run to write to: the one named by the run id setting (made to hold the mapped cases), or a new one. */
async function openRun(ctx: UploadContext, plan: UploadPlan): Promise<OpenedRun> {
  const { settings, input, api, log, host } = ctx;
  const caseIds = plan.entries.map((p) => p.entry.test_case_id);
  if (settings.runId) {
    const opened = await openExistingRun(api, plan.projectId, settings.runId, caseIds, log, host);
    const refused = new Set(opened.refused);
    return { run: opened.run, created: false, entries: plan.entries.filter((p) => !refused.has(p.entry.test_case_id)) };
  }
  const now = (input.now ?? (() => new Date()))();
  const title = settings.runTitle ?? defaultRunTitle(ctx.ci, now);
  const description = runDescription(ctx.ci, input.results.length, input.files?.length);
  const run = await createRun(api, { projectId: plan.projectId, title, description, caseIds, assigneeId: plan.userId, now: now.getTime() }, log);
  return { run, created: true, entries: plan.entries };
}

/** Push the entries in batches, close the run when this upload created it, and say what did not land. */
async function recordResults(ctx: UploadContext, projectId: string, opened: OpenedRun): Promise<Recorded> {
  const { api, settings, log } = ctx;
  const { run } = opened;
  const batches = await uploadBatches(api, projectId, run.id, opened.entries.map((p) => p.entry), settings.batchSize, log);
  let closed = false;
  if (opened.created && settings.closeRun) {
    try {
      await api.updateRun(projectId, run.id, { status: 'CLOSED' });
      closed = true;
    } catch (error) {
      // The results matter more than the close: report the first failure, mention this one.
      if (!batches.error) throw error;
      log.warn(`Could not close test run ${run.human_id}: ${(error as Error).message}`);
    }
  }
  if (batches.error) return { batches, closed, error: batches.error };
  if (batches.unsent.length > 0) {
    return { batches, closed, error: new UnsentResultsError('UNSENT_RESULTS', `${batches.unsent.length} test case result(s) could not be recorded in test run ${run.human_id}.`) };
  }
  return { batches, closed };
}

/** The summary, once, from the stages' values: what is missing is what did not happen. */
function buildSummary(input: UploadInput, { plan, opened, recorded }: Progress): UploadSummary {
  const summary: UploadSummary = {
    ...emptySummary(input.settings.dryRun),
    files: summariseFiles(input.files ?? []),
    total: input.results.length,
    tests: countOutcomes(input.results),
  };
  if (!plan) return summary;
  summary.unmapped = plan.report.unmapped.map(displayTitle);
  summary.unknown = plan.report.unknown.map((u) => ({ reference: u.reference, tests: u.results.map(displayTitle) }));
  summary.mapped = plan.entries.length;
  if (!opened) {
    summary.byStatus = countByStatus(plan.entries);
    summary.cases = countCases(plan.report, plan.entries.map((p) => p.entry.test_case_id));
    return summary;
  }
  summary.runId = opened.run.id;
  summary.runHumanId = opened.run.human_id;
  summary.runUrl = runUrl(input.settings.baseUrl, plan.projectId, opened.run.id);
  summary.created = opened.created;
  const notTaken = plan.entries.length - opened.entries.length;
  if (!recorded) {
    // The upload stopped while recording: nothing is known to have landed.
    summary.unsent = plan.entries.length;
    return summary;
  }
  const landed = new Set(recorded.batches.uploaded.map((e) => e.test_case_id));
  summary.requests = recorded.batches.requests;
  summary.uploaded = landed.size;
  summary.unsent = notTaken + recorded.batches.unsent.length;
  summary.closed = recorded.closed;
  summary.byStatus = countByStatus(opened.entries.filter((p) => landed.has(p.entry.test_case_id)));
  summary.cases = countCases(plan.report, landed);
  return summary;
}

function planEntries(report: MappingReport, mapping: StatusMapping, statusIds: ReturnType<typeof resolveStatusIds>, userId: string, ci: CiContext | undefined): PlannedEntry[] {
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
  const count = report.unmapped.length + report.unknown.length;
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

function fileError(files: FileOutcome[] | undefined): InputError | undefined {
  const failed = (files ?? []).filter((f) => f.error);
  if (failed.length === 0) return undefined;
  if (failed.length === 1 && failed[0]?.error) return failed[0].error;
  return new InputError('INPUT_FILES_FAILED', failed[0]?.path ?? '', `${failed.length} result files could not be used:\n  - ${failed.map((f) => f.error?.message).join('\n  - ')}`);
}

function runDescription(ci: CiContext | undefined, results: number, files: number | undefined): string {
  const from = ci ? `${ci.provider}${ci.jobUrl ? ` (${ci.jobUrl})` : ''}` : 'a local upload';
  return `Recorded by testsigma-tm ${VERSION} from ${from}: ${results} test result(s)${files !== undefined ? ` in ${files} file(s)` : ''}.`;
}

/** Best effort: the web app lives on the same origin as the API. */
export function runUrl(baseUrl: string, projectId: string, runId: string): string {
  return `${new URL(baseUrl).origin}/ui/projects/${projectId}/test-runs/${runId}`;
}
