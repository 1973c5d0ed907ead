/**
 * Closing a run that several uploads report into. Each upload leaves a marker label on the run
 * (`testsigma-tm-upload:<shard or id>`, added the way cases are: write, read back, repeat, since a label update
 * replaces the whole list); with a known shard total, the upload that finds every shard's marker closes the run.
 * A repeated shard writes the same marker, so it is counted once. The `run close` command reads the markers to
 * say in the run's description how many uploads reported.
 */
import type { TestManagementApi, TestRun } from '../api/client.js';
import type { Logger } from '../log.js';
import { FRESH_READ_MS } from './membership.js';

const UPLOAD_LABEL_PREFIX = 'testsigma-tm-upload:';

/** Many jobs may mark the run at once, and each update replaces the whole label list: enough rounds to get through. */
const ATTEMPTS = 20;

export function uploadMarkers(run: TestRun): string[] {
  return (run.labels ?? []).filter((label) => label.startsWith(UPLOAD_LABEL_PREFIX));
}

/**
 * Add this upload's marker; returns the run as read back, carrying every marker so far. A label update replaces
 * the whole list, so another job's write built on an older read can drop a marker after it was seen: every write
 * carries every marker this job has seen (putting back what another dropped) and is sent within FRESH_READ_MS of
 * its read or built again, and the marker counts as recorded only once two reads, further apart than that,
 * both hold all of them: a write built on a read without our marker has landed by the second read.
 */
export async function markUpload(api: TestManagementApi, projectId: string, run: TestRun, marker: string, log: Logger, sleep = defaultSleep): Promise<TestRun> {
  const label = `${UPLOAD_LABEL_PREFIX}${marker}`;
  const seen = new Set([label]);
  let current = run;
  let confirmed = 0;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    current = await api.getRun(projectId, run.id);
    const labels = current.labels ?? [];
    for (const l of labels) if (l.startsWith(UPLOAD_LABEL_PREFIX)) seen.add(l);
    const missing = [...seen].filter((l) => !labels.includes(l));
    if (missing.length === 0) {
      if (++confirmed >= 2) return current;
      await sleep(FRESH_READ_MS + 300 + Math.floor(Math.random() * 500));
      continue;
    }
    confirmed = 0;
    if (attempt > 1) await sleep(100 * attempt + Math.floor(Math.random() * 250 * attempt));
    // Not sent when its turn comes too late (`stale`): the next round reads again.
    await api.updateRun(projectId, run.id, { label_names: [...labels, ...missing] }, { sendWithinMs: FRESH_READ_MS });
  }
  log.warn(`Could not record this upload on test run ${run.human_id} (other jobs kept changing its labels); it will not count towards closing it.`);
  return current;
}

/** The run's description with one line appended (replacing an earlier line that starts the same way). */
function appendLine(description: string | undefined, prefix: string, line: string): string {
  const kept = (description ?? '').split('\n').filter((l) => !l.startsWith(prefix));
  return [...kept.filter((l, i) => l !== '' || i < kept.length - 1), `${prefix}${line}`].join('\n').trim();
}

export async function closeRun(api: TestManagementApi, projectId: string, run: TestRun, summaryLine: string | undefined): Promise<void> {
  const changes: Record<string, unknown> = { status: 'CLOSED' };
  if (summaryLine) changes.description = appendLine(run.description, 'Closed by testsigma-tm: ', summaryLine);
  await api.updateRun(projectId, run.id, changes);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
