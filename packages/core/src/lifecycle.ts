/**
 * The run lifecycle against the service: find the project and the user, open a run (create one, or use the
 * one named by --run-id and make sure it holds the mapped cases), push results in batches, close it.
 * Each function is one step with plain data in and out; the pipeline strings them together.
 */
import type { Project, ResultEntry, TestManagementApi, TestRun, User } from './api/client.js';
import { isUuid } from './map/references.js';
import { ApiError, ConfigError } from './errors.js';
import type { Logger } from './log.js';
import { planBatches, splitBatch } from './plan/batches.js';

/** `--project` takes the UUID or the exact project name. */
export async function resolveProject(api: TestManagementApi, idOrName: string): Promise<Project> {
  if (isUuid(idOrName)) {
    try {
      return await api.getProject(idOrName);
    } catch (error) {
      // A wrong project is a setting to fix (exit 2), but keep the service's words and request id.
      if (error instanceof ApiError && error.status === 404) {
        throw new ConfigError('CONFIG_UNKNOWN_PROJECT', `${error.message} Set the project (--project / TESTSIGMA_PROJECT_ID) to a project UUID or exact name.`, { cause: error });
      }
      throw error;
    }
  }
  const projects = await api.listProjects();
  const exact = projects.filter((p) => p.name === idOrName);
  if (exact.length === 1 && exact[0]) return exact[0];
  if (exact.length > 1) {
    throw new ConfigError('CONFIG_AMBIGUOUS_PROJECT', `Several projects are named "${idOrName}"; set the project by its UUID instead (${exact.map((p) => p.id).join(', ')}).`);
  }
  const names = projects.map((p) => `"${p.name}"`).slice(0, 20).join(', ');
  throw new ConfigError(
    'CONFIG_UNKNOWN_PROJECT',
    `No project has the id or exact name "${idOrName}". Projects this token can see: ${names || 'none'}. Set the project (--project / TESTSIGMA_PROJECT_ID) to one of them or to its UUID.`,
  );
}

/** The user results are recorded as: the configured e-mail, else the first active user (with a warning). */
export function pickUser(users: User[], email: string | undefined, log: Logger): User {
  if (email) {
    const found = users.find((u) => u.email?.toLowerCase() === email.toLowerCase());
    if (!found) {
      throw new ConfigError('CONFIG_UNKNOWN_USER', `No user has the e-mail "${email}" (TESTSIGMA_USER_EMAIL). Set it to the e-mail of a user of this account, or unset it to use the first active user.`);
    }
    return found;
  }
  const active = users.find((u) => (u.status ?? 'ACTIVE').toUpperCase() === 'ACTIVE') ?? users[0];
  if (!active) throw new ConfigError('CONFIG_NO_USER', 'The account has no users to record results as; set TESTSIGMA_USER_EMAIL to a user of this account.');
  log.warn(`Recording results as ${active.email}, the first active user; set TESTSIGMA_USER_EMAIL to choose.`);
  return active;
}

export interface CreateRunInput {
  projectId: string;
  title: string;
  description: string;
  caseIds: string[];
  assigneeId: string;
  now: number;
}

/**
 * Create the run. A create is not idempotent, so after a failure that may have been applied (no answer or a
 * 5xx) the HTTP layer's retry loop looks the title up before creating again: a lost answer never makes a
 * second run.
 */
export async function createRun(api: TestManagementApi, input: CreateRunInput, log: Logger): Promise<TestRun> {
  return api.createRun(
    { ...input, labels: ['testsigma-tm'] },
    {
      findExisting: async () => {
        const existing = (await api.findRunsByTitle(input.projectId, input.title)).find((run) => run.status.toUpperCase() !== 'CLOSED');
        if (existing) log.info(`The answer to creating the run was lost, but the run exists: using ${existing.human_id}.`);
        return existing;
      },
    },
  );
}

/**
 * Use an existing run (UUID or human id). It must be open; cases it does not yet hold are added to its static
 * selection so their results are accepted. Returns the run and the case ids it could not take.
 */
export async function openExistingRun(api: TestManagementApi, projectId: string, runId: string, caseIds: string[], log: Logger): Promise<{ run: TestRun; refused: string[] }> {
  const run = await api.getRun(projectId, runId);
  if (run.status?.toUpperCase() === 'CLOSED') {
    throw new ConfigError('CONFIG_RUN_CLOSED', `Test run ${run.human_id ?? runId} is CLOSED and takes no results. Reopen it, or leave --run-id / TESTSIGMA_RUN_ID unset to create a new run.`);
  }
  const held = new Set((await api.listRunCases(projectId, run.id)).map((c) => c.test_case?.id));
  const missing = caseIds.filter((id) => !held.has(id));
  if (missing.length === 0) return { run, refused: [] };
  if (run.selection_type && run.selection_type.toUpperCase() !== 'STATIC') {
    log.warn(`Test run ${run.human_id} selects its cases dynamically; ${missing.length} mapped case(s) outside it cannot be recorded.`);
    return { run, refused: missing };
  }
  log.info(`Adding ${missing.length} case(s) to test run ${run.human_id}.`);
  await api.updateRun(projectId, run.id, { static_selection_filters: [{ field: 'id', operator: 'IN', values: [...held, ...missing] }] });
  return { run, refused: [] };
}

export interface BatchOutcome {
  uploaded: ResultEntry[];
  unsent: ResultEntry[];
  error?: ApiError;
  requests: number;
}

/**
 * Push entries in batches bounded by count and bytes. A 413 halves the batch and tries again; any other
 * failure (after the HTTP layer's retries) stops the upload and leaves the rest unsent, reported.
 */
export async function uploadBatches(api: TestManagementApi, projectId: string, runId: string, entries: ResultEntry[], maxEntries: number, log: Logger): Promise<BatchOutcome> {
  const queue = planBatches(entries, { maxEntries });
  const outcome: BatchOutcome = { uploaded: [], unsent: [], requests: 0 };
  while (queue.length > 0) {
    const batch = queue.shift() as ResultEntry[];
    try {
      outcome.requests++;
      await api.putResults(projectId, runId, batch);
      outcome.uploaded.push(...batch);
      log.debug(`Recorded ${outcome.uploaded.length} of ${entries.length} results.`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 413 && batch.length > 1) {
        const [first, second] = splitBatch(batch);
        log.debug(`The service refused ${batch.length} entries as too large; sending them in two halves.`);
        queue.unshift(first, second);
        continue;
      }
      if (!(error instanceof ApiError)) throw error;
      outcome.error = error;
      outcome.unsent.push(...batch, ...queue.flat());
      return outcome;
    }
  }
  return outcome;
}
