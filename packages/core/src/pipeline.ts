/**
 * The upload, as one sequence of small stages with plain data between them:
 * settings → project, statuses, user, cases → map → plan entries → open run → batches → close → summary.
 * Never throws for anything a user can cause: the outcome carries the error and the exit code, decided once
 * by `exitCodeFor`. Hosts (CLI, Action, reporters) only translate inputs in and the outcome out.
 */
import { HttpClient, type HttpClientOptions } from './api/http.js';
import { TestManagementApi, type ResultEntry, type TestRun } from './api/client.js';
import { detectCi, defaultRunTitle, type CiContext } from './ci.js';
import { ConfigError, InputError, MappingError, TestsigmaTmError, UnsentResultsError, exitCodeFor } from './errors.js';
import { redact, redactingLogger, silentLogger, type Logger } from './log.js';
import { displayTitle, type FileOutcome, type TestResult } from './model.js';
import { mapResults, type MappingReport } from './map/mapping.js';
import { DEFAULT_STATUS_MAPPING, aggregateStatus, outcomeOf, resolveStatusIds, type StatusMapping } from './map/status.js';
import { describeCase } from './plan/description.js';
import { createRun, openExistingRun, pickUser, resolveProject, uploadBatches } from './lifecycle.js';
import type { Env, Settings } from './settings.js';
import { countOutcomes, emptySummary, summariseFiles, type UploadSummary } from './summary.js';
import { VERSION } from './version.js';

export interface UploadInput {
  settings: Settings;
  /** Every result to record (already parsed). */
  results: TestResult[];
  /** The files they came from, for the summary; files with an `error` make the exit code 2. */
  files?: FileOutcome[];
  /** Environment, for the CI context (job link, run title). */
  env?: Env;
  log?: Logger;
  /** How the host calls the token setting, for messages (`TESTSIGMA_API_TOKEN`, `the api-token input`). */
  tokenSettingName?: string;
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

export async function uploadResults(input: UploadInput): Promise<UploadOutcome> {
  const { settings } = input;
  const log = redactingLogger(input.log ?? silentLogger, [settings.token]);
  const summary = startSummary(input);
  for (const warning of (input.files ?? []).flatMap((f) => f.warnings ?? [])) log.warn(warning);
  let http: HttpClient | undefined;
  try {
    const { token, projectId } = requireSettings(settings, input.tokenSettingName);
    http = new HttpClient({ baseUrl: settings.baseUrl, token, timeoutMs: settings.timeoutMs, log, ...(input.tokenSettingName ? { tokenSettingName: input.tokenSettingName } : {}), ...input.http });
    const api = new TestManagementApi(http);
    const ci = detectCi(input.env ?? {});

    const plan = await planUpload(api, projectId, input.results, settings, ci, log);
    recordMapping(summary, plan.report);
    summary.mapped = plan.entries.length;
    if (settings.dryRun || plan.entries.length === 0) {
      summary.byStatus = countByStatus(plan.entries);
      if (plan.entries.length === 0 && !settings.dryRun) log.warn('No result maps to a test case of the project, so no test run was written to.');
      return finish(summary, fileError(input.files));
    }

    const { run, entries } = await openRun(api, plan, input, ci, summary, log);
    await recordResults(api, plan.projectId, run, entries, settings, summary, log);
    return finish(summary, fileError(input.files));
  } catch (error) {
    return finish(summary, asToolError(error, settings.token));
  } finally {
    await http?.close();
  }
}

function startSummary(input: UploadInput): UploadSummary {
  return {
    ...emptySummary(input.settings.dryRun),
    files: summariseFiles(input.files ?? []),
    total: input.results.length,
    tests: countOutcomes(input.results),
  };
}

/** The two settings without which nothing can be asked of the service. */
function requireSettings(settings: Settings, tokenSettingName: string | undefined): { token: string; projectId: string } {
  if (!settings.token) {
    throw new ConfigError('CONFIG_MISSING_TOKEN', `No API token: set ${tokenSettingName ?? 'TESTSIGMA_API_TOKEN'} to a Test Management API key (Settings > API Keys).`);
  }
  if (!settings.projectId) {
    throw new ConfigError('CONFIG_MISSING_PROJECT', 'No project: set --project / TESTSIGMA_PROJECT_ID (project-id input, projectId option) to the project UUID or its exact name.');
  }
  return { token: settings.token, projectId: settings.projectId };
}

interface UploadPlan {
  projectId: string;
  report: MappingReport;
  entries: PlannedEntry[];
  userId: string;
}

/** Read what the service knows (project, statuses, users, cases: reads only), map and plan every entry. */
async function planUpload(api: TestManagementApi, projectIdOrName: string, results: TestResult[], settings: Settings, ci: CiContext | undefined, log: Logger): Promise<UploadPlan> {
  const project = await resolveProject(api, projectIdOrName);
  const statuses = await api.listRunStatuses();
  const users = await api.listUsers();
  const cases = await api.listTestCases(project.id);

  const report = mapResults(results, cases, project.human_id_prefix);
  applyUnmappedPolicy(report, settings, log);
  const mapping: StatusMapping = { ...DEFAULT_STATUS_MAPPING, ...settings.statusMap };
  const statusIds = resolveStatusIds(statuses, mapping);
  const user = pickUser(users, settings.userEmail, log);
  return { projectId: project.id, report, userId: user.id, entries: planEntries(report, mapping, statusIds, user.id, ci) };
}

/** The run to write to: the one named by --run-id (made to hold the mapped cases), or a new one. */
async function openRun(api: TestManagementApi, plan: UploadPlan, input: UploadInput, ci: CiContext | undefined, summary: UploadSummary, log: Logger): Promise<{ run: TestRun; entries: PlannedEntry[] }> {
  const { settings } = input;
  const caseIds = plan.entries.map((p) => p.entry.test_case_id);
  let run: TestRun;
  let entries = plan.entries;
  if (settings.runId) {
    const opened = await openExistingRun(api, plan.projectId, settings.runId, caseIds, log);
    run = opened.run;
    entries = plan.entries.filter((p) => !opened.refused.includes(p.entry.test_case_id));
    summary.unsent += plan.entries.length - entries.length;
  } else {
    const now = (input.now ?? (() => new Date()))();
    const title = settings.runTitle ?? defaultRunTitle(ci, now);
    const description = runDescription(ci, input.results.length, input.files?.length);
    run = await createRun(api, { projectId: plan.projectId, title, description, caseIds, assigneeId: plan.userId, now: now.getTime() }, log);
    summary.created = true;
  }
  summary.runId = run.id;
  summary.runHumanId = run.human_id;
  summary.runUrl = runUrl(settings.baseUrl, plan.projectId, run.id);
  return { run, entries };
}

/** Push the entries in batches, close the run when this upload created it, and say what did not land. */
async function recordResults(api: TestManagementApi, projectId: string, run: TestRun, entries: PlannedEntry[], settings: Settings, summary: UploadSummary, log: Logger): Promise<void> {
  const batches = await uploadBatches(api, projectId, run.id, entries.map((p) => p.entry), settings.batchSize, log);
  summary.requests = batches.requests;
  summary.uploaded = batches.uploaded.length;
  summary.unsent += batches.unsent.length;
  const landed = new Set(batches.uploaded.map((e) => e.test_case_id));
  summary.byStatus = countByStatus(entries.filter((p) => landed.has(p.entry.test_case_id)));

  if (summary.created && settings.closeRun) {
    try {
      await api.updateRun(projectId, run.id, { status: 'CLOSED' });
      summary.closed = true;
    } catch (error) {
      // The results matter more than the close: report the first failure, mention this one.
      if (!batches.error) throw error;
      log.warn(`Could not close test run ${run.human_id}: ${(error as Error).message}`);
    }
  }
  if (batches.error) throw batches.error;
  if (summary.unsent > 0) {
    throw new UnsentResultsError('UNSENT_RESULTS', `${summary.unsent} test case result(s) could not be recorded in test run ${run.human_id}.`);
  }
}

interface PlannedEntry {
  entry: ResultEntry;
  statusName: string;
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

function recordMapping(summary: UploadSummary, report: MappingReport): void {
  summary.unmapped = report.unmapped.map(displayTitle);
  summary.unknown = report.unknown.map((u) => ({ reference: u.reference, tests: u.results.map(displayTitle) }));
}

function applyUnmappedPolicy(report: MappingReport, settings: Settings, log: Logger): void {
  const count = report.unmapped.length + report.unknown.length;
  if (count === 0 || settings.unmapped === 'ignore') return;
  const names = [...report.unmapped.map(displayTitle), ...report.unknown.map((u) => `${u.reference} (no such test case)`)];
  const shown = names.slice(0, 10).join('; ') + (names.length > 10 ? `; … and ${names.length - 10} more` : '');
  if (settings.unmapped === 'fail') {
    throw new MappingError(
      'UNMAPPED_TESTS',
      `${count} test(s) or reference(s) map to no test case: ${shown}. Add a testsigma property/annotation or the case id (e.g. [PREFIX-12]) to each test name, or set --unmapped warn.`,
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

function finish(summary: UploadSummary, error: TestsigmaTmError | undefined): UploadOutcome {
  return error ? { summary, error, exitCode: exitCodeFor(error) } : { summary, exitCode: 0 };
}

/** Anything unexpected becomes a tool error too, with the token scrubbed from its message. */
function asToolError(error: unknown, token: string | undefined): TestsigmaTmError {
  if (error instanceof TestsigmaTmError) {
    error.message = redact(error.message, [token]);
    return error;
  }
  const message = redact(error instanceof Error ? error.message : String(error), [token]);
  return new UnsentResultsError('INTERNAL', `Unexpected failure: ${message}. Please report this as a bug of testsigma-tm.`, { cause: error });
}

function runDescription(ci: CiContext | undefined, results: number, files: number | undefined): string {
  const from = ci ? `${ci.provider}${ci.jobUrl ? ` (${ci.jobUrl})` : ''}` : 'a local upload';
  return `Recorded by testsigma-tm ${VERSION} from ${from}: ${results} test result(s)${files !== undefined ? ` in ${files} file(s)` : ''}.`;
}

/** Best effort: the web app lives on the same origin as the API. */
export function runUrl(baseUrl: string, projectId: string, runId: string): string {
  return `${new URL(baseUrl).origin}/ui/projects/${projectId}/test-runs/${runId}`;
}

