/**
 * What the summary needs of every result, gathered as each result is read: the counts, the failed tests with
 * their case and place, and in a dry run each test's mapping line. The lists stop at LISTED_RESULTS_MAX (the
 * counts go on) and hold copies of the few strings they show, never the result, so a file of millions of tests
 * costs counters and short strings, not the file.
 */
import { detach, detachedDisplayTitle, displayTitle, keptCopy, type TestResult } from '../model.js';
import { LISTED_RESULTS_MAX, type CaseInfo, type FoundCases, type MappingReport } from '../map/mapping.js';
import { firstLine, stripAnsi } from '../text.js';
import { isFailed, locate } from './annotations.js';
import type { MappingLine, UploadSummary } from './summary.js';

/** How many failed results are kept whole, for a host's annotations (GitHub shows 10 per step). */
const ANNOTATABLE_MAX = 100;

/** A failed result as the summary lists it. */
export interface FailedResult {
  test: string;
  message: string;
  file: string | null;
  line: number | null;
  /** The first case the result is recorded in, when it maps to one. */
  testCase?: CaseInfo;
}

export interface TallyOptions {
  /** Keep each test's mapping line (a dry run). */
  lines: boolean;
  /** Where file locations are made relative to. */
  workspace: string;
  /** Failed results point to theirs, to be named with a case mapped later (title matching, cases listed after reading). */
  keepResults?: boolean;
}

export class ResultTally {
  total = 0;
  readonly tests: UploadSummary['tests'] = { passed: 0, failed: 0, skipped: 0 };
  /** The first LISTED_RESULTS_MAX failed (or errored) results. */
  readonly failed: FailedResult[] = [];
  /** The first ANNOTATABLE_MAX failed results, whole (copies). */
  readonly annotatable: TestResult[] = [];
  /** The dry run's mapping, the first LISTED_RESULTS_MAX tests; undefined when not asked for. */
  readonly lines: MappingLine[] | undefined;

  /** Failed results by identity, when they are kept (see TallyOptions.keepResults). */
  private readonly failedOf = new Map<TestResult, FailedResult>();

  constructor(private readonly options: TallyOptions) {
    this.lines = options.lines ? [] : undefined;
  }

  /** One result, with what it mapped to when it was mapped against the project's cases. */
  add(result: TestResult, found?: FoundCases, line: (r: TestResult, f?: FoundCases) => MappingLine = mappingLine): void {
    this.total++;
    if (result.status === 'passed') this.tests.passed++;
    else if (result.status === 'skipped') this.tests.skipped++;
    else this.tests.failed++;
    if (isFailed(result)) {
      if (this.failed.length < LISTED_RESULTS_MAX) {
        const failed = this.failedResult(result, found?.cases[0]);
        this.failed.push(failed);
        if (this.options.keepResults) this.failedOf.set(result, failed);
      }
      if (this.annotatable.length < ANNOTATABLE_MAX) this.annotatable.push(annotatableCopy(result));
    }
    if (this.lines && this.lines.length < LISTED_RESULTS_MAX) this.lines.push(detachLine(line(result, found)));
  }

  /** Name the case of a failed result mapped after it was tallied (once the cases were known). */
  placeLate(result: TestResult, found: FoundCases): void {
    const failed = found.cases[0] && this.failedOf.get(result);
    if (failed) failed.testCase ??= found.cases[0];
  }

  /** Name the case of failed results that title matching placed after they were tallied. */
  placeFailures(report: MappingReport): void {
    for (const m of report.mapped) for (const r of m.results) this.placeLate(r, { cases: [m.testCase], unknown: [] });
  }

  private failedResult(result: TestResult, testCase: CaseInfo | undefined): FailedResult {
    const location = locate(result, this.options.workspace);
    const file = location?.file ?? result.file;
    const failed: FailedResult = {
      test: detachedDisplayTitle(result),
      message: detach(firstLine(stripAnsi(result.message ?? ''), 200)),
      file: file === undefined ? null : detach(file),
      line: location?.line ?? null,
    };
    // Set, not spread in: a conditional spread made a second object for each of the 10,000 failures listed.
    if (testCase) failed.testCase = testCase;
    return failed;
  }
}

function detachLine(line: MappingLine): MappingLine {
  return { ...line, test: detach(line.test), file: line.file === null ? null : detach(line.file), ids: line.ids.map(detach) };
}

function mappingLine(result: TestResult, found: FoundCases | undefined): MappingLine {
  const cases = found?.cases.map((c) => c.human_id) ?? [];
  const unknown = found?.unknown ?? [];
  const reason = cases.length > 0 ? null : unknown.length > 0 ? 'unknown id' : 'no id';
  return { test: displayTitle(result), file: result.file ?? null, ids: [...cases, ...unknown], case: cases.length > 0 ? cases.join(', ') : null, reason };
}

/**
 * A failed result as its annotation reads it (title, status, message, stack, file, line): the kept copy, its texts
 * detached so that it holds nothing of the file it was read from. structuredClone of the whole result did the same
 * at several times the cost (2–3 % of a simulated upload's CPU), copying the output and properties nothing reads.
 */
function annotatableCopy(result: TestResult): TestResult {
  const copy = keptCopy(result);
  copy.suitePath = copy.suitePath.map(detach);
  copy.name = detach(copy.name);
  if (copy.message !== undefined) copy.message = detach(copy.message);
  if (copy.stack !== undefined) copy.stack = detach(copy.stack);
  if (copy.file !== undefined) copy.file = detach(copy.file);
  return copy;
}
