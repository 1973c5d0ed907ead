/**
 * report/: the summary of an upload and its renderings (text, Markdown, annotations); may import cases, map,
 * plan, settings.
 *
 * What an upload did, as plain data: the `--summary-json` file and the Action's outputs, and what the renderers
 * (summary-text.ts for terminals and other CIs, summary-markdown.ts for a GitHub job summary) put in words.
 * Never holds the token.
 *
 * Words, used the same way everywhere: "tests" are the results read from the inputs (one per test and
 * browser/project); "test cases" are the cases of the project those results are recorded in (several tests may
 * record one case, the worst outcome deciding).
 */
import { resultCount, type FileOutcome, type FileOutsideTests } from '../model.js';

export interface FileSummary {
  path: string;
  format?: string;
  tests: number;
  error: string | null;
  /** Errors the runner that wrote the file reported outside any test (its run failed); absent when none. */
  outsideTests?: FileOutsideTests;
}

export interface UploadSummary {
  runId: string | null;
  runHumanId: string | null;
  runUrl: string | null;
  created: boolean;
  closed: boolean;
  dryRun: boolean;
  /** Test results read from every input. */
  total: number;
  /** Those results by final outcome (flaky counts as passed, error as failed). */
  tests: { passed: number; failed: number; skipped: number };
  /** Test cases that results map to. */
  mapped: number;
  /** Test cases whose result the service accepted. */
  uploaded: number;
  /** Test cases whose result did not land. */
  unsent: number;
  /** Status name → number of test cases recorded (or, in a dry run, that would be). */
  byStatus: Record<string, number>;
  /** Full titles of tests that map to no test case (the first 10,000). */
  unmapped: string[];
  /** How many tests map to no case (`unmapped` names the first 10,000). */
  unmappedTotal: number;
  /** References (`DEMO-999`) that name no test case of the project, with the tests that carry them. */
  unknown: { reference: string; tests: string[] }[];
  files: FileSummary[];
  /** Number of result requests sent (batches). */
  requests: number;
  /** Test cases recorded (in a dry run: that would be), by the outcome of their tests. */
  cases: CaseCounts;
  /** The failed or errored tests in input order, the first 10,000 (`tests.failed` counts them all; the renderers show fewer). */
  failures: FailedTest[];
  /** A dry run's mapping report: each test (the first 10,000) with its test case or the reason it has none; null otherwise. */
  mapping: MappingLine[] | null;
  /** False when a dry run had no token or project, so ids were found but not looked up in the project. */
  checkedAgainstProject: boolean;
  /** The upload's own figures. */
  figures: UploadFigures;
  /** Results the service refused, case by case, with its reason. */
  refused: { case: string; reason: string }[];
  /** Cases another job of the run reported worse: its result kept, this upload's not written (keyed runs only). */
  keptFromOtherJobs?: { case: string; status: string }[];
  /** Where what could not be sent was written (`testsigma-tm resume FILE`), or null. */
  spoolFile: string | null;
  attachments: AttachmentSummary;
  /**
   * Test cases created for tests that mapped to none (create-missing-cases); in a dry run `case` is null.
   * Always set by an upload; optional so that summaries built elsewhere need not name it.
   */
  casesCreated?: { case: string | null; title: string; folder: string | null }[];
  /** What matching by title and creating cases found, or null when both are off. */
  caseSync?: CaseSyncSummary | null;
}

interface CaseSyncSummary {
  /** Tests recorded into a case found by its title. */
  matchedByTitle: number;
  /** Titles that several cases have: those tests were not recorded. */
  ambiguous: { title: string; cases: string[]; tests: string[] }[];
  /** Cases found by the identity line of the test they were created for, whose title differs from the test's now. */
  renamed: { case: string; title: string; now: string }[];
  /** Folders created (or, in a dry run, that would be) for the new cases. */
  folders: string[];
}

export interface CaseCounts {
  recorded: number;
  /** Every test of the case passed (flaky ones included) or was skipped, and at least one passed. */
  passed: number;
  /** At least one test of the case failed or errored. */
  failed: number;
  /** Every test of the case was skipped. */
  skipped: number;
}

export interface FailedTest {
  /** Display title (suites › name [project]). */
  test: string;
  /** Human id of the test case it is recorded in, or null when it maps to none (or the upload stopped before mapping). */
  case: string | null;
  /** First line of the failure message ('' when there is none). */
  message: string;
  /** Source file, relative to the workspace when it lies inside it. */
  file: string | null;
  line: number | null;
  /** Link to the test case in the run (the run's page, `#DEMO-2`), when the run's link is known. */
  url: string | null;
}

export type MappingReason = 'no id' | 'unknown id' | 'not checked';

export interface MappingLine {
  test: string;
  file: string | null;
  /** The case references found in the test (a `testsigma` property, PREFIX-123 in its title or tags). */
  ids: string[];
  /** The test case(s) it records, as human ids (`DEMO-1`, or `DEMO-1, DEMO-2` when it names two), or null. */
  case: string | null;
  /** Why there is no case: no id in the test, ids the project does not have, or ids not checked (no token). */
  reason: MappingReason | null;
}

export interface UploadFigures {
  /** HTTP requests sent, every attempt counted. */
  httpRequests: number;
  /** Of those, repeats of a request that failed transiently (5xx, rate limit, reset, timeout). */
  retries: number;
  elapsedMs: number;
}

export interface AttachmentSummary {
  /** Files the service acknowledged with their results, and their bytes. */
  sent: number;
  sentBytes: number;
  /** Files not sent, each with the case and the reason (over a limit, outside the workspace, missing, HTTP 413). */
  skipped: { case: string; name: string; reason: string }[];
  /** In a dry run: the files that would be sent. */
  planned: { case: string; name: string; size: number }[];
}

export function emptySummary(dryRun: boolean): UploadSummary {
  return {
    runId: null,
    runHumanId: null,
    runUrl: null,
    created: false,
    closed: false,
    dryRun,
    total: 0,
    tests: { passed: 0, failed: 0, skipped: 0 },
    mapped: 0,
    uploaded: 0,
    unsent: 0,
    byStatus: {},
    unmapped: [],
    unmappedTotal: 0,
    unknown: [],
    files: [],
    requests: 0,
    cases: { recorded: 0, passed: 0, failed: 0, skipped: 0 },
    failures: [],
    mapping: null,
    checkedAgainstProject: true,
    figures: { httpRequests: 0, retries: 0, elapsedMs: 0 },
    refused: [],
    spoolFile: null,
    attachments: { sent: 0, sentBytes: 0, skipped: [], planned: [] },
    casesCreated: [],
    caseSync: null,
  };
}

/**
 * The files of an upload by what it could use of them: `used` counts those it read results from (whole, or up to an
 * error: a truncated file's results before the cut are recorded); `partly` are those read up to an error, `unused`
 * those it read nothing from. A file read in part is not "not used": its results are in the run.
 */
export function filesByUse(files: FileSummary[]): { used: number; partly: FileSummary[]; unused: FileSummary[] } {
  const partly = files.filter((f) => f.error && f.tests > 0);
  const unused = files.filter((f) => f.error && f.tests === 0);
  return { used: files.length - unused.length, partly, unused };
}

export function summariseFiles(files: FileOutcome[]): FileSummary[] {
  return files.map((f) => ({
    path: f.path,
    ...(f.format ? { format: f.format } : {}),
    tests: resultCount(f),
    error: f.error ? f.error.message : null,
    ...(f.outsideTests && !f.error && { outsideTests: f.outsideTests }),
  }));
}
