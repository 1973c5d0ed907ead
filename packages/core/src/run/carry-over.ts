/**
 * A new generation of a keyed run (the previous one was closed, and a re-run of failed jobs reports again)
 * starts from the previous run's results, so that the newest run holds the pipeline's final results: the
 * results of the jobs that were not re-run are copied over by the job that created the new run, and then the
 * re-run jobs' new results replace theirs. Cases that already hold a result in the new run (a re-run job was
 * faster, or is writing at the same moment) are left alone.
 */
import type { ResultEntry, RunCase, TestManagementApi, TestRun } from '../api/client.js';
import type { Logger } from '../log.js';
import { sendEntries } from './send.js';
import { readJobLines, withJobLines } from './verdict.js';

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

/** A job marker that names a shard (`2/4`, `2`), the same in every attempt of the pipeline. */
const SHARD_MARKER = /^\d+(?:\/\d+)?$/;

/**
 * The new run's description with the previous run's shard lines carried over. A re-run of failed jobs runs only
 * some shards: the shards that are not re-run already reported (their lines say `done`), so the close step (and
 * the last upload under `--shard-total`) counts them in the new run too, and the verdict keeps their results;
 * a re-run shard replaces its own line. Only lines of a shard index (`2/4`, `2`) are carried: the line of an
 * upload without one bears an id of that upload alone, which its re-run cannot replace — carried, it would
 * bring back the failure the re-run fixed.
 */
export async function withPreviousLines(api: TestManagementApi, projectId: string, previous: TestRun, description: string): Promise<string> {
  const lines = readJobLines((await api.getRun(projectId, previous.id)).description).filter((line) => SHARD_MARKER.test(line.job));
  return lines.length === 0 ? description : withJobLines(description, lines);
}

/**
 * Copy the previous run's results into the new run, batch by batch. Right before each batch the new run is read
 * again and every case that already holds a result there is skipped: a re-run job reporting into the new run at
 * the same moment has the newer result, and a carried-over one must never overwrite it. (What is left is the
 * instant between that read and the batch's write; the re-run job's own read-back puts its result back if it
 * lost it then.)
 */
export async function carryOver(api: TestManagementApi, projectId: string, input: CarryOver, cases: RunCase[], log: Logger): Promise<number> {
  const entries: ResultEntry[] = cases
    .filter((c) => hasResult(c, input.untested) && !input.own.has(c.test_case.id))
    .map((c) => ({
      test_case_id: c.test_case.id,
      test_run_status_id: c.status_id as string,
      user_id: input.userId,
      description: `Carried over from test run ${input.previous.human_id} (an earlier attempt of this pipeline); not run again in this attempt.`,
    }));
  let carried = 0;
  let skipped = 0;
  const failures: string[] = [];
  for (let start = 0; start < entries.length; start += input.batchSize) {
    const set = new Set((await api.listRunCases(projectId, input.run.id)).filter((c) => hasResult(c, input.untested)).map((c) => c.test_case.id));
    const batch = entries.slice(start, start + input.batchSize).filter((e) => !set.has(e.test_case_id));
    skipped += Math.min(input.batchSize, entries.length - start) - batch.length;
    if (batch.length === 0) continue;
    const sent = await sendEntries(api, projectId, input.run.id, batch, { maxEntries: input.batchSize }, log);
    carried += sent.acknowledged.length;
    if (sent.error || sent.refused.length > 0) {
      failures.push(...(sent.error ? [sent.error.message] : []), ...sent.refused.map((r) => `${r.entry.test_case_id}: ${r.reason}`));
      if (sent.error) break;
    }
  }
  const missing = entries.length - skipped - carried;
  if (missing > 0) {
    log.warn(`${missing} result(s) of ${input.previous.human_id} could not be carried over into ${input.run.human_id}: ${failures.join('; ')}.`);
  } else if (carried > 0) {
    log.info(
      `Carried ${carried} result(s) over from test run ${input.previous.human_id}${skipped > 0 ? ` (${skipped} case(s) already had a newer result and were left alone)` : ''}.`,
    );
  }
  return carried;
}

/** A case holds a result when its status is set and is not one meaning "no result yet". */
function hasResult(c: RunCase, untested: ReadonlySet<string>): boolean {
  return c.status_id !== undefined && c.status_id !== '' && !untested.has(c.status_id);
}
