/**
 * The summary of an upload, built once at the end from what its stages returned: what is missing is what did not
 * happen.
 */
import { displayTitle } from '../model.js';
import { caseSyncSummary } from '../report/case-sync-summary.js';
import type { SendOutcome, WithdrawnFile } from '../run/send.js';
import { emptySummary, summariseFiles, type UploadSummary } from '../report/summary.js';
import { countCases } from '../report/details.js';
import type { PlannedEntry, UploadPlan, Progress } from './stages.js';
import { caseName } from './record.js';
import type { UploadInput } from './stages.js';

/** The summary, once, from the stages' values: what is missing is what did not happen. */
export function buildSummary(input: UploadInput, { read, plan, opened, recorded, spoolFile, withdrawn }: Progress): UploadSummary {
  const summary: UploadSummary = {
    ...emptySummary(input.settings.dryRun),
    files: summariseFiles(read?.files ?? (Array.isArray(input.results) ? (input.files ?? []) : [])),
    total: read?.tally.total ?? 0,
    tests: read?.tally.tests ?? { passed: 0, failed: 0, skipped: 0 },
    spoolFile: spoolFile ?? recorded?.spoolFile ?? null,
  };
  if (!plan) return summary;
  if (plan.sync) Object.assign(summary, caseSyncSummary(plan.sync));
  summary.unmapped = plan.report.unmapped.map(displayTitle);
  summary.unmappedTotal = plan.report.unmappedTotal;
  summary.unknown = plan.report.unknown.map((u) => ({ reference: u.reference, tests: u.results.map(displayTitle) }));
  summary.mapped = plan.entries.length;
  summary.attachments = attachmentSummary(plan, recorded?.sent, input.settings.dryRun, withdrawn ?? []);
  if (!opened) {
    summary.byStatus = countByStatus(plan.entries);
    summary.cases = countCases(
      plan.report,
      plan.entries.map((p) => p.entry.test_case_id),
    );
    return summary;
  }
  summary.runId = opened.run.id;
  summary.runHumanId = opened.run.human_id;
  summary.runUrl = runUrl(input.settings.baseUrl, plan.projectId, opened.run.id);
  summary.created = opened.created;
  const notTaken = plan.entries.length - opened.entries.length;
  if (!recorded) {
    // `run create` sends nothing; otherwise the upload stopped while recording: nothing is known to have landed.
    summary.unsent = input.openOnly ? 0 : plan.entries.length;
    return summary;
  }
  const landed = new Set(recorded.sent.acknowledged.map((e) => e.test_case_id));
  summary.requests = recorded.sent.requests;
  summary.uploaded = landed.size;
  summary.unsent = notTaken + recorded.sent.unsent.length + recorded.sent.refused.length;
  summary.refused = recorded.sent.refused.map((r) => ({ case: caseName(plan, r.entry.test_case_id), reason: r.reason }));
  summary.closed = recorded.closed;
  if (recorded.kept && recorded.kept.length > 0) summary.keptFromOtherJobs = recorded.kept;
  summary.byStatus = countByStatus(opened.entries.filter((p) => landed.has(p.entry.test_case_id)));
  summary.cases = countCases(plan.report, landed);
  return summary;
}

/**
 * Files skipped while planning, those the service made us withdraw (413), those of results spooled (the sending's,
 * and `spooled` outside it), and in a dry run what would go.
 */
function attachmentSummary(plan: UploadPlan, sent: SendOutcome | undefined, dryRun: boolean, spooled: readonly WithdrawnFile[]): UploadSummary['attachments'] {
  const skipped = [...plan.files].flatMap(([caseId, f]) => f.skipped.map((s) => ({ case: caseName(plan, caseId), ...s })));
  const withdrawn = [...(sent?.attachments.withdrawn ?? []), ...spooled];
  skipped.push(...withdrawn.map((w) => ({ case: caseName(plan, w.caseId), name: w.name, reason: w.reason })));
  const planned = dryRun
    ? [...plan.files].flatMap(([caseId, f]) => f.files.map((file) => ({ case: caseName(plan, caseId), name: file.fileName, size: file.size })))
    : [];
  return { sent: sent?.attachments.sent ?? 0, sentBytes: sent?.attachments.sentBytes ?? 0, skipped, planned };
}

function countByStatus(entries: PlannedEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) counts[e.statusName] = (counts[e.statusName] ?? 0) + 1;
  return counts;
}

/** Best effort: the web app lives on the same origin as the API. */
export function runUrl(baseUrl: string, projectId: string, runId: string): string {
  return `${new URL(baseUrl).origin}/ui/projects/${projectId}/test-runs/${runId}`;
}
