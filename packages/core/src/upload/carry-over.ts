/**
 * A new generation of a keyed run (the previous one was closed, and a re-run of failed jobs reports again)
 * starts from the previous run's results, so that the newest run holds the pipeline's final results: the
 * results of the jobs that were not re-run are copied over by the job that created the new run, and then the
 * re-run jobs' new results replace theirs. Cases that already hold a result in the new run (a re-run job was
 * faster) are left alone.
 */
import type { ResultEntry, RunCase, TestManagementApi, TestRun } from '../api/client.js';
import type { Logger } from '../log.js';
import { sendEntries } from './send.js';

export interface CarryOver {
  previous: TestRun;
  run: TestRun;
  userId: string;
  /** Cases this upload records itself: its own results win, so they are not copied. */
  own: ReadonlySet<string>;
  /** Status ids that mean "no result yet" (Untested): nothing to carry. */
  untested: ReadonlySet<string>;
  batchSize: number;
}

/** The previous run's cases, read before the new run is created, so the new run can select them too. */
export async function previousCases(api: TestManagementApi, projectId: string, previous: TestRun): Promise<RunCase[]> {
  return api.listRunCases(projectId, previous.id);
}

export async function carryOver(api: TestManagementApi, projectId: string, input: CarryOver, cases: RunCase[], log: Logger): Promise<number> {
  const alreadySet = new Set(
    (await api.listRunCases(projectId, input.run.id)).filter((c) => c.status_id && !input.untested.has(c.status_id)).map((c) => c.test_case.id),
  );
  const entries: ResultEntry[] = cases
    .filter((c) => c.status_id && !input.untested.has(c.status_id) && !input.own.has(c.test_case.id) && !alreadySet.has(c.test_case.id))
    .map((c) => ({
      test_case_id: c.test_case.id,
      test_run_status_id: c.status_id as string,
      user_id: input.userId,
      description: `Carried over from test run ${input.previous.human_id} (an earlier attempt of this pipeline); not run again in this attempt.`,
    }));
  if (entries.length === 0) return 0;
  const sent = await sendEntries(api, projectId, input.run.id, entries, { maxEntries: input.batchSize }, log);
  if (sent.error || sent.refused.length > 0) {
    log.warn(
      `${entries.length - sent.acknowledged.length} result(s) of ${input.previous.human_id} could not be carried over into ${input.run.human_id}${sent.error ? `: ${sent.error.message}` : ''}.`,
    );
  } else {
    log.info(`Carried ${entries.length} result(s) over from test run ${input.previous.human_id}.`);
  }
  return sent.acknowledged.length;
}
