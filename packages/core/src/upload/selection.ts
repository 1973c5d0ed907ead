/**
 * Make a run hold the cases this upload records. Several jobs may add their cases to one run's static
 * selection at the same moment, and an update replaces the whole selection (last write wins), so a job's cases
 * can be lost to another job's update: write the union, read it back, and repeat until ours are in.
 */
import type { ResultEntry, TestManagementApi, TestRun } from '../api/client.js';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';

const ATTEMPTS = 8;

export interface SelectionOutcome {
  /** Cases the run cannot take (a dynamic selection, or still missing after every attempt). */
  refused: string[];
  requests: number;
}

export async function ensureCases(
  api: TestManagementApi,
  projectId: string,
  run: TestRun,
  caseIds: readonly string[],
  log: Logger,
  sleep = defaultSleep,
): Promise<SelectionOutcome> {
  let requests = 0;
  let missing: string[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const held = new Set((await api.listRunCases(projectId, run.id)).map((c) => c.test_case.id));
    requests++;
    missing = caseIds.filter((id) => !held.has(id));
    if (missing.length === 0) return { refused: [], requests };
    if (run.selection_type && run.selection_type.toUpperCase() !== 'STATIC') {
      log.warn(`Test run ${run.human_id} selects its cases dynamically; ${missing.length} mapped case(s) outside it cannot be recorded.`);
      return { refused: missing, requests };
    }
    if (attempt > 1) {
      log.info(`Another job changed the cases of test run ${run.human_id} at the same moment; adding ours again (attempt ${attempt}).`);
      // Jobs that collided should not collide again in lockstep.
      await sleep(100 * attempt + Math.floor(Math.random() * 250));
    } else {
      log.info(`Adding ${missing.length} case(s) to test run ${run.human_id}.`);
    }
    await api.updateRun(projectId, run.id, { static_selection_filters: [{ field: 'id', operator: 'IN', values: [...held, ...missing] }] });
    requests++;
  }
  log.warn(`${missing.length} case(s) are still missing from test run ${run.human_id} after ${ATTEMPTS} attempts (other jobs kept changing its cases).`);
  return { refused: missing, requests };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A job whose cases are in the run can still lose them afterwards: another job that read the selection before
 * ours was added writes its union a moment later, and the service drops the results of cases a selection
 * update removes (and refuses results for cases it no longer selects). So, when other jobs may be writing (a
 * run key), look again after a pause, and put back — cases and results — whatever went missing or was refused
 * that way, until a look finds everything in place.
 */
export async function keepResults(
  api: TestManagementApi,
  projectId: string,
  run: TestRun,
  sent: readonly ResultEntry[],
  log: Logger,
  sleep = defaultSleep,
): Promise<{ lost: ResultEntry[]; requests: number }> {
  let requests = 0;
  let lost: ResultEntry[] = [];
  for (let round = 1; round <= ATTEMPTS; round++) {
    await sleep(500 * round + Math.floor(Math.random() * 500));
    const held = new Map((await api.listRunCases(projectId, run.id)).map((c) => [c.test_case.id, c.status_id]));
    requests++;
    lost = sent.filter((e) => held.get(e.test_case_id) !== e.test_run_status_id);
    if (lost.length === 0) return { lost, requests };
    log.info(`Another job's update of test run ${run.human_id} removed ${lost.length} of this job's results; recording them again.`);
    const selection = await ensureCases(
      api,
      projectId,
      run,
      lost.map((e) => e.test_case_id),
      log,
      sleep,
    );
    requests += selection.requests;
    try {
      await api.putResults(
        projectId,
        run.id,
        lost.filter((e) => !selection.refused.includes(e.test_case_id)),
      );
    } catch (error) {
      // Removed again before the write landed (422 "not part of the run"): the next round looks again.
      if (!(error instanceof ApiError) || error.status === undefined || error.status >= 500 || ![400, 422].includes(error.status)) throw error;
    }
    requests++;
  }
  return { lost, requests };
}
