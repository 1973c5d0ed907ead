/**
 * The upload's third stage: send every entry, keep what other jobs' updates removed, read the run back, and close
 * it when this upload should.
 */
import type { RunCase, TestManagementApi, TestRun } from '../api/client.js';
import { UnsentResultsError, type TestsigmaTmError } from '../errors.js';
import { randomUUID } from 'node:crypto';
import { closeRun, markUpload, uploadMarkers } from '../run/close.js';
import { keepResults, type KeptResults } from '../run/membership.js';
import { sendEntries, type RefusedEntry, type SendOutcome } from '../run/send.js';
import type { UploadContext, UploadPlan, OpenedRun, Recorded } from './stages.js';
import { spoolEntries } from './spooling.js';

/**
 * Send every entry (a refused one does not stop the others), read the run back, then close it when this upload
 * should: a run it created, or — with a run key — when close-run is on and, with a known shard total, every
 * shard has reported. What could not be sent is spooled and the run is left open (a closed run takes nothing).
 */
export async function recordResults(ctx: UploadContext, plan: UploadPlan, opened: OpenedRun): Promise<Recorded> {
  const { api, settings, log } = ctx;
  const { run } = opened;
  const { projectId } = plan;
  const files = new Map([...plan.files].map(([caseId, planned]) => [caseId, planned.files]));
  const sent = await sendEntries(
    api,
    projectId,
    run.id,
    opened.entries.map((p) => p.entry),
    { maxEntries: settings.batchSize, files, nameOf: (id) => caseName(plan, id) },
    log,
  );
  if (sent.error) {
    const spoolFile = await spoolEntries(ctx, plan, opened, sent.unsent, sent.error);
    return { sent, closed: false, spoolFile, error: sent.error };
  }
  // With a run key other jobs write to the same run: make sure what this job sent is still there, and retry what
  // was refused because another job's update had just removed its case. (No job's update removes the cases of
  // the run's creator: every read of the run holds them.)
  let kept: KeptResults | undefined;
  // A creator's cases can still be dropped by a job converging on the run: when the service refused some, put them back too.
  if (ctx.runKey && (!opened.created || sent.refused.length > 0)) {
    kept = await keepResults(api, projectId, run, [...sent.acknowledged, ...sent.refused.map((r) => r.entry)], log, {
      untested: plan.untestedIds,
      batchSize: settings.batchSize,
    });
    settleKept(sent, kept);
    sent.requests += kept.requests;
    if (kept.failure) {
      const spoolFile = await spoolEntries(ctx, plan, opened, kept.failure.unsent, kept.failure.error);
      return { sent, closed: false, spoolFile, error: kept.failure.error };
    }
  }
  const mismatch = settings.verify ? await verifyRun(api, projectId, run, sent, plan, kept?.held) : undefined;
  const refusedError = sent.refused.length > 0 ? refusedResults(run, sent, plan) : undefined;
  const total = settings.shardTotal ?? ctx.ci?.shard?.total;
  const index = settings.shardIndex ?? ctx.ci?.shard?.index;
  // Every upload into a keyed run leaves its marker, closing or not: the close (by the last of N uploads, or by
  // `run close`) says how many reported. A shard's index makes a repeated shard count once.
  const marked = ctx.runKey && !settings.runId ? await markUpload(api, projectId, run, uploadMarker(index, total), log) : undefined;
  let closed = false;
  if (settings.closeRun && (opened.created || ctx.runKey) && !settings.runId) {
    if (marked && total) {
      const reported = uploadMarkers(marked).length;
      if (reported >= total) {
        await closeRun(api, projectId, marked, `${reported} of ${total} uploads reported.`);
        closed = true;
      } else {
        log.info(`${reported} of ${total} uploads have reported into test run ${run.human_id}; the last one closes it.`);
      }
    } else {
      await closeRun(api, projectId, run, undefined);
      closed = true;
    }
  }
  return { sent, closed, ...((refusedError ?? mismatch) && { error: refusedError ?? mismatch }) };
}

/**
 * Fold what keeping the results found into what was sent. What is not in the run now is refused, with the last
 * reason the service gave; a refused result counts as recorded only when a put-back recorded it (its case may
 * hold another job's result: not ours, and still refused).
 */
function settleKept(sent: SendOutcome, kept: KeptResults): void {
  const absent = new Set([...kept.lost.map((r) => r.entry), ...(kept.failure?.unsent ?? [])].map((e) => e.test_case_id));
  const putBack = (r: RefusedEntry) => kept.recorded.has(r.entry.test_case_id) && !absent.has(r.entry.test_case_id);
  sent.acknowledged = [...sent.acknowledged.filter((e) => !absent.has(e.test_case_id)), ...sent.refused.filter(putBack).map((r) => r.entry)];
  sent.refused = [...kept.lost, ...sent.refused.filter((r) => !putBack(r) && !absent.has(r.entry.test_case_id))];
}

/** `2/4` for shard 2 of 4, `2` without a total, else an id of this upload alone. */
function uploadMarker(index: number | undefined, total: number | undefined): string {
  if (index === undefined) return randomUUID().slice(0, 8);
  return total ? `${index}/${total}` : String(index);
}

/** After the last batch, what the run holds must be what was sent: name every case that differs. */
async function verifyRun(
  api: TestManagementApi,
  projectId: string,
  run: TestRun,
  sent: SendOutcome,
  plan: UploadPlan,
  read?: readonly RunCase[],
): Promise<TestsigmaTmError | undefined> {
  const held = new Map((read ?? (await api.listRunCases(projectId, run.id))).map((c) => [c.test_case.id, c.status_id]));
  const differ = sent.acknowledged.filter((e) => held.get(e.test_case_id) !== e.test_run_status_id);
  if (differ.length === 0) return undefined;
  const names = differ.slice(0, 20).map((e) => caseName(plan, e.test_case_id));
  return new UnsentResultsError(
    'VERIFY_MISMATCH',
    `Test run ${run.human_id} does not hold what was sent for ${differ.length} case(s): ${names.join(', ')}${differ.length > 20 ? ', …' : ''}. Another job may have recorded the same case(s) at the same time; check them in the run.`,
  );
}

function refusedResults(run: TestRun, sent: SendOutcome, plan: UploadPlan): UnsentResultsError {
  const { refused, acknowledged } = sent;
  const lines = refused.slice(0, 20).map((r: RefusedEntry) => `${caseName(plan, r.entry.test_case_id)}: ${r.reason}`);
  return new UnsentResultsError(
    'UNSENT_RESULTS',
    `The service refused ${refused.length} of ${refused.length + acknowledged.length} result(s) for test run ${run.human_id} (${acknowledged.length} recorded):\n  - ${lines.join('\n  - ')}${refused.length > 20 ? `\n  - … and ${refused.length - 20} more` : ''}`,
  );
}

export function caseName(plan: UploadPlan, caseId: string): string {
  return plan.report.mapped.find((m) => m.testCase.id === caseId)?.testCase.human_id ?? caseId;
}
