/**
 * One run per pipeline: every upload that carries the same run key reports into the same run.
 *
 * The key is stored where the service keeps it — a label `testsigma-tm-key:<key>` and `[<key>]` at the end of the
 * title (the title is what the service can filter on; the label is checked client-side, since unknown filters
 * are ignored). The runs of one key form generations: a closed run takes no results, so an upload that finds
 * the key's newest run closed (a re-run of failed jobs after the close step) starts a new run that carries the
 * previous run's results over, and the newest run always holds the pipeline's final results.
 *
 * Find-or-create converges without a lock: create, list the key's runs again, and if several are open in the
 * current generation every job agrees on the oldest (created_at, then id); a job whose own run lost deletes it
 * (it holds nothing yet) and reports into the oldest.
 */
import type { TestManagementApi, TestRun } from '../api/client.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { byAge } from '../oldest.js';
import { LATE_WRITE_MS } from './timing.js';

const KEY_LABEL_PREFIX = 'testsigma-tm-key:';

function keyLabel(key: string): string {
  return `${KEY_LABEL_PREFIX}${key}`;
}

/** The title carries the key, so a listing filtered by title finds the key's runs. */
export function titleWithKey(title: string, key: string): string {
  const tag = `[${key}]`;
  return title.includes(tag) ? title : `${title} ${tag}`;
}

function carriesKey(run: TestRun, key: string): boolean {
  return (run.labels ?? []).includes(keyLabel(key)) || run.title.endsWith(`[${key}]`);
}

/** The key's runs: listed by the title tag (what the service filters on), kept when they carry the key. */
export async function findKeyRuns(api: TestManagementApi, projectId: string, key: string): Promise<TestRun[]> {
  return (await api.findRunsByTitleContaining(projectId, `[${key}]`)).filter((run) => carriesKey(run, key));
}

function isClosed(run: TestRun): boolean {
  return run.status.toUpperCase() === 'CLOSED';
}

export interface Generation {
  /** Open runs created after the key's newest closed run, oldest first: the first is the run of the pipeline. */
  open: TestRun[];
  /** The key's newest closed run, whose results a new generation carries over. */
  previous?: TestRun;
}

/** Pure: the key's runs → the current generation. */
export function currentGeneration(runs: readonly TestRun[]): Generation {
  const sorted = [...runs].sort(byAge<TestRun>());
  let previous: TestRun | undefined;
  let open: TestRun[] = [];
  for (const run of sorted) {
    if (isClosed(run)) {
      previous = run;
      open = [];
    } else {
      open.push(run);
    }
  }
  return previous ? { open, previous } : { open };
}

export interface KeyedRunRequest {
  projectId: string;
  key: string;
  /** Creates the run when the generation has none open; the key's label and title tag are the caller's to add. */
  create: (previous: TestRun | undefined, findExisting: () => Promise<TestRun | undefined>) => Promise<TestRun>;
  /**
   * An earlier create of this job that got no answer (the stopped upload's, for its resume) may still make the key's
   * run until `until`: when the key has no open run, wait until then on `clock` (which a stop ends) and look again
   * before creating one, rather than leave that run to appear beside this one, or after it closed.
   */
  earlierCreate?: { until: number; clock: Clock };
}

export interface KeyedRun {
  run: TestRun;
  /** This upload created the run (and so carries the previous generation over). */
  created: boolean;
  previous?: TestRun;
}

/** Find the key's open run, or create one and converge with any created at the same moment. */
export async function findOrCreateKeyedRun(api: TestManagementApi, request: KeyedRunRequest, log: Logger): Promise<KeyedRun> {
  const { projectId, key, earlierCreate } = request;
  let found = currentGeneration(await findKeyRuns(api, projectId, key));
  const wait = earlierCreate ? earlierCreate.until - earlierCreate.clock.now() : 0;
  if (!found.open[0] && earlierCreate && wait > 0) {
    log.info(
      `Waiting up to ${Math.ceil(wait / 1000)} s for the open run of run key ${key}: an earlier create of this upload got no answer and may still make it until ${LATE_WRITE_MS / 1000} s after it was sent. Looking for it again then, rather than create a second run…`,
    );
    await earlierCreate.clock.sleep(wait);
    found = currentGeneration(await findKeyRuns(api, projectId, key));
  }
  const existing = found.open[0];
  if (existing) {
    log.info(`Reporting into test run ${existing.human_id}, the open run of run key ${key}.`);
    return { run: existing, created: false, ...(found.previous && { previous: found.previous }) };
  }
  // A lost answer to the create: any open run of this generation is one every job converges on anyway.
  const findExisting = async (): Promise<TestRun | undefined> => currentGeneration(await findKeyRuns(api, projectId, key)).open[0];
  const mine = await request.create(found.previous, findExisting);
  const after = currentGeneration(await findKeyRuns(api, projectId, key));
  const winner = after.open[0] ?? mine;
  if (winner.id === mine.id) {
    log.info(`Created test run ${mine.human_id} for run key ${key}${found.previous ? `, continuing ${found.previous.human_id} (closed)` : ''}.`);
    return { run: mine, created: true, ...(found.previous && { previous: found.previous }) };
  }
  log.info(`Another job created test run ${winner.human_id} for run key ${key} at the same moment: reporting there and deleting ${mine.human_id}.`);
  try {
    await api.deleteRun(projectId, mine.id);
  } catch (error) {
    log.warn(`Could not delete the duplicate test run ${mine.human_id} (it holds no results): ${(error as Error).message}`);
  }
  return { run: winner, created: false, ...(after.previous && { previous: after.previous }) };
}
