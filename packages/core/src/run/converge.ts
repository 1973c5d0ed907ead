/**
 * Duplicate runs of one key generation converge on one. A create the service applied late (after the client's
 * timeout, so that the look-up before the retry could not see it), two jobs creating at once, a lost answer:
 * each can leave a second open run of the key. Before a job writes its results, and again at close, the key's
 * open runs are listed; every job agrees on the oldest (created_at, then id), results written into a younger
 * duplicate are moved into it (never replacing a worse result), the duplicate's job lines are merged into the
 * oldest's description, and the duplicate is deleted. Only runs that carry the key are ever touched.
 */
import type { ResultEntry, RunStatus, TestRun } from '../api/client.js';
import { statusSeverity } from '../map/status.js';
import { currentGeneration, findKeyRuns } from './key.js';
import { readLedger } from './ledger.js';
import { ensureCases } from './membership.js';
import { sendEntries } from './send.js';
import type { RunSession } from './state.js';
import { readJobLines, withJobLines, newerLine, type JobLine } from './verdict.js';

/**
 * Move every younger open run of the key's generation into the oldest; returns the oldest (the session's own run
 * when there is no duplicate). `statuses` names the statuses of moved results; `userId` records them.
 */
export async function convergeDuplicates(session: RunSession, key: string, statuses: readonly RunStatus[], userId: string): Promise<TestRun> {
  const { api, projectId, log } = session;
  const open = currentGeneration(await findKeyRuns(api, projectId, key)).open;
  const [oldest, ...younger] = open;
  if (!oldest || younger.length === 0) return oldest ?? session.run;
  const target: RunSession = oldest.id === session.run.id ? session : { ...session, run: oldest, state: session.state };
  const names = new Map(statuses.map((s) => [s.id, s.name]));
  for (const duplicate of younger) {
    const moved = await moveResults(target, duplicate, names, userId);
    await mergeLines(target, duplicate);
    try {
      await api.deleteRun(projectId, duplicate.id);
      log.info(`Test run ${duplicate.human_id} duplicated ${oldest.human_id} (run key ${key}): moved its ${moved} result(s) there and deleted it.`);
    } catch (error) {
      log.warn(`Could not delete the duplicate test run ${duplicate.human_id} of run key ${key}: ${(error as Error).message}. Delete it in Testsigma.`);
    }
  }
  return oldest;
}

/** Results of `from` written into the session's run where that run holds nothing as bad; returns how many. */
async function moveResults(target: RunSession, from: TestRun, names: ReadonlyMap<string, string>, userId: string): Promise<number> {
  const { api, projectId, run, log } = target;
  const theirs = (await api.listRunCases(projectId, from.id)).filter((c) => statusSeverity(names.get(c.status_id ?? '') ?? 'Untested') >= 0);
  if (theirs.length === 0) return 0;
  const { held } = await ensureCases(
    target,
    theirs.map((c) => c.test_case.id),
  );
  const now = new Map(held.map((c) => [c.test_case.id, names.get(c.status_id ?? '') ?? 'Untested']));
  const entries: ResultEntry[] = theirs
    .filter((c) => statusSeverity(names.get(c.status_id ?? '') ?? 'Untested') > statusSeverity(now.get(c.test_case.id) ?? 'Untested'))
    .map((c) => ({
      test_case_id: c.test_case.id,
      test_run_status_id: c.status_id as string,
      user_id: userId,
      description: `Moved from test run ${from.human_id}, a duplicate of ${run.human_id} for the same pipeline.`,
    }));
  if (entries.length === 0) return 0;
  const sent = await sendEntries(api, projectId, run.id, entries, { maxEntries: 100 }, log);
  if (sent.error) throw sent.error;
  return sent.acknowledged.length;
}

/** The duplicate's job lines join the target's description (the close step counts them there). */
async function mergeLines(target: RunSession, from: TestRun): Promise<void> {
  const lines = readJobLines(from.description);
  if (lines.length === 0) return;
  const { run } = await readLedger(target);
  const merged = new Map<string, JobLine>();
  for (const line of [...readJobLines(run.description), ...lines]) merged.set(line.job, newerLine(merged.get(line.job), line));
  await target.api.updateRun(target.projectId, run.id, { description: withJobLines(run.description, merged.values()) });
}
