/**
 * The parts of the summary that name tests one by one: the failed tests (with their case and place in the
 * code), the test cases counted by outcome, the dry run's mapping report, and the upload's own figures.
 * Pure: derived from the tally of the results, the mapping report and what the upload counted.
 */
import { caseOutcomes, type MappingReport } from '../map/mapping.js';
import type { CaseCounts, FailedTest, UploadSummary } from './summary.js';
import type { ResultTally } from './tally.js';

/**
 * A case's outcome among the results naming it: failed when any failed or errored, else passed when any
 * passed (flaky included), else skipped — the order the default status mapping ranks them in.
 */
export function countCases(report: MappingReport, recordedCaseIds: Iterable<string>): CaseCounts {
  const recorded = new Set(recordedCaseIds);
  const counts: CaseCounts = { recorded: 0, passed: 0, failed: 0, skipped: 0 };
  for (const m of report.mapped) {
    if (!recorded.has(m.testCase.id)) continue;
    counts.recorded++;
    const outcomes = caseOutcomes(m);
    if (outcomes.some((o) => o === 'failed' || o === 'error')) counts.failed++;
    else if (outcomes.some((o) => o === 'passed' || o === 'flaky')) counts.passed++;
    else counts.skipped++;
  }
  return counts;
}

/**
 * The case within its run. The service documents no web address for a case, so this is the run's page (itself a
 * best effort) with the case's human id as fragment: it always opens the run, and the case when the page has
 * such an anchor; a guessed path could only lead to a "not found".
 */
function caseUrl(runUrl: string, humanId: string): string {
  return `${runUrl}#${encodeURIComponent(humanId)}`;
}

export interface DetailFacts {
  tally: ResultTally;
  /** What the HTTP client counted, when one was made. */
  http?: { requests: number; retries: number };
  elapsedMs: number;
}

/** The summary with its failed tests, mapping report (dry run) and figures filled in. */
export function addDetails(summary: UploadSummary, facts: DetailFacts): UploadSummary {
  const failures: FailedTest[] = facts.tally.failed.map(({ test, message, file, line, testCase }) => ({
    test,
    case: testCase?.human_id ?? null,
    message,
    file,
    line,
    url: testCase && summary.runUrl ? caseUrl(summary.runUrl, testCase.human_id) : null,
  }));
  const mapping = summary.dryRun && facts.tally.lines ? facts.tally.lines : summary.mapping;
  return {
    ...summary,
    failures,
    mapping,
    figures: { httpRequests: facts.http?.requests ?? 0, retries: facts.http?.retries ?? 0, elapsedMs: Math.round(facts.elapsedMs) },
  };
}
