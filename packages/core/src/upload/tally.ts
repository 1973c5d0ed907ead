/**
 * What the summary needs of every result, gathered as each result is read: the counts, the failed tests with
 * their case, and in a dry run each test's mapping line. The lists stop at LISTED_RESULTS_MAX (the counts go on),
 * so a file of millions of tests costs counters, not memory.
 */
import { displayTitle, type TestResult } from '../model.js';
import { LISTED_RESULTS_MAX, type CaseInfo, type FoundCases, type MappingReport } from '../map/mapping.js';
import { isFailed } from './annotations.js';
import type { MappingLine, UploadSummary } from './summary.js';

export interface FailedResult {
  result: TestResult;
  /** The first case the result is recorded in, when it maps to one. */
  testCase?: CaseInfo;
}

export class ResultTally {
  total = 0;
  readonly tests: UploadSummary['tests'] = { passed: 0, failed: 0, skipped: 0 };
  /** The first LISTED_RESULTS_MAX failed (or errored) results. */
  readonly failed: FailedResult[] = [];
  /** The dry run's mapping, the first LISTED_RESULTS_MAX tests; undefined when not asked for. */
  readonly lines: MappingLine[] | undefined;

  constructor(options: { lines: boolean }) {
    this.lines = options.lines ? [] : undefined;
  }

  /** One result, with what it mapped to when it was mapped against the project's cases. */
  add(result: TestResult, found?: FoundCases, line: (r: TestResult, f?: FoundCases) => MappingLine = mappingLine): void {
    this.total++;
    if (result.status === 'passed') this.tests.passed++;
    else if (result.status === 'skipped') this.tests.skipped++;
    else this.tests.failed++;
    if (isFailed(result) && this.failed.length < LISTED_RESULTS_MAX) this.failed.push({ result, ...(found?.cases[0] && { testCase: found.cases[0] }) });
    if (this.lines && this.lines.length < LISTED_RESULTS_MAX) this.lines.push(line(result, found));
  }

  /** Name the case of failed results that title matching placed after they were tallied. */
  placeMatched(report: MappingReport): void {
    const unplaced = new Set(this.failed.filter((f) => !f.testCase).map((f) => f.result));
    if (unplaced.size === 0) return;
    const caseOf = new Map<TestResult, CaseInfo>();
    for (const m of report.mapped) for (const r of m.results) if (unplaced.has(r) && !caseOf.has(r)) caseOf.set(r, m.testCase);
    for (const f of this.failed) f.testCase ??= caseOf.get(f.result);
  }
}

function mappingLine(result: TestResult, found: FoundCases | undefined): MappingLine {
  const cases = found?.cases.map((c) => c.human_id) ?? [];
  const unknown = found?.unknown ?? [];
  const reason = cases.length > 0 ? null : unknown.length > 0 ? 'unknown id' : 'no id';
  return { test: displayTitle(result), file: result.file ?? null, ids: [...cases, ...unknown], case: cases.length > 0 ? cases.join(', ') : null, reason };
}
