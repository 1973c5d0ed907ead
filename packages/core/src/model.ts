/**
 * The one result model every input (JUnit XML, Jest JSON, Playwright JSON, the reporters) is turned into.
 * Plain data only: later stages (map → plan → upload) never see a host object or a parser node.
 */
import type { InputError } from './errors.js';

/** The input formats, by id (each is a folder under formats/; the model names them so that it imports none). */
export type FormatId =
  | 'junit'
  | 'jest-json'
  | 'vitest-json'
  | 'playwright-json'
  | 'cucumber-json'
  | 'dotnet-trx'
  | 'nunit3'
  | 'xunit'
  | 'testng'
  | 'robot'
  | 'go-test-json'
  | 'dart-json'
  | 'mocha-json'
  | 'mochawesome-json'
  | 'rspec-json'
  | 'ctrf-json'
  | 'tap'
  | 'allure';

/** The outcome of one attempt, as the test runner saw it. `error` = JUnit <error> (crashed, not asserted). */
export type TestStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface Attempt {
  status: TestStatus;
  durationMs?: number;
  message?: string;
  stack?: string;
  /** Files and inline content this attempt produced (screenshots, traces, videos, `testInfo.attach`). */
  attachments?: Attachment[];
}

export interface Attachment {
  /** What the producer called it (`screenshot`, a file name, ...). */
  name: string;
  /** Path on disk as written by the producer (relative paths are relative to the result file). */
  path?: string;
  contentType?: string;
  /** Inline content, base64 (Playwright's `testInfo.attach(name, { body })`), when there is no file. */
  body?: string;
}

export interface Property {
  name: string;
  value: string;
}

/**
 * One test's outcome, as every format's reader gives it. An optional field may be there and undefined (the JUnit
 * reader and kept copies set every field, for one shape): read a field's value, never ask `in` or count keys.
 */
export interface TestResult {
  /** The file the result was read from, or the reporter that produced it (`jest`, `playwright`). */
  source: string;
  /** The test's source file when the producer says (`file` attribute, Jest testFilePath, Playwright location). */
  file?: string;
  /** The test's line in `file` when the producer says (JUnit `line` attribute, Playwright location): for annotations. */
  line?: number;
  /** Enclosing suite / describe titles, outermost first. Never includes the test's own name. */
  suitePath: string[];
  /** The test's own title. */
  name: string;
  /** JUnit classname when present. */
  classname?: string;
  /** Playwright project (browser) name when known. */
  project?: string;
  /** The final outcome: the last attempt's status. */
  status: TestStatus;
  /** Duration of the final attempt, or the producer's total, in milliseconds. */
  durationMs?: number;
  /** Failure / error / skip message of the final attempt. */
  message?: string;
  stack?: string;
  /** system-out / system-err, or captured console output. */
  output?: string;
  /** JUnit properties, Playwright annotations ({type → name, description → value}). */
  properties: Property[];
  /** Tags such as Playwright's `@smoke`, with the leading `@`. */
  tags: string[];
  /**
   * The attachments a person should see: for Playwright, those of the last failing attempt of a failed or flaky
   * test, else of the last attempt (each attempt's own are in `attempts[i].attachments`).
   */
  attachments: Attachment[];
  /**
   * Every attempt in order, the final one last (so `attempts.length >= 1`). Several attempts mean the runner
   * retried (surefire flakyFailure/rerunFailure, Playwright retries, jest.retryTimes).
   */
  attempts: Attempt[];
}

/** Passed on its last attempt after failing an earlier one. */
export function isFlaky(result: Pick<TestResult, 'status' | 'attempts'>): boolean {
  if (result.status !== 'passed') return false;
  // A loop, not `some` with a function: the mapping asks this of every passing result it counts.
  const attempts = result.attempts;
  for (let k = 0; k < attempts.length; k += 1) {
    const status = (attempts[k] as Attempt).status;
    if (status === 'failed' || status === 'error') return true;
  }
  return false;
}

/** The title a person would recognise: suites and name joined the way Playwright prints them. */
export function fullTitle(result: Pick<TestResult, 'suitePath' | 'name'>): string {
  // A loop, not a list spread, filtered and joined: every failed result listed reads its title.
  let title = '';
  for (const part of result.suitePath) if (part !== '') title = title === '' ? part : `${title} › ${part}`;
  if (result.name !== '') title = title === '' ? result.name : `${title} › ${result.name}`;
  return title;
}

/** The title plus the project it ran in, so one test run in several browsers is told apart in lists. */
export function displayTitle(result: Pick<TestResult, 'suitePath' | 'name' | 'project'>): string {
  return result.project ? `${fullTitle(result)} [${result.project}]` : fullTitle(result);
}

/**
 * displayTitle(result) as a string of its own (see detach), made in one go: the parts joined into a new string,
 * rather than joined into a view of them and then copied (the copy flattened the joined title once to cut it
 * and once to join it again, for each of the tally's 10,000 failures).
 */
export function detachedDisplayTitle(result: Pick<TestResult, 'suitePath' | 'name' | 'project'>): string {
  const parts: string[] = [];
  for (const part of result.suitePath) if (part !== '') parts.push(part);
  if (result.name !== '') parts.push(result.name);
  // A join of two or more makes a new string; one part alone is that part, copied.
  const title = parts.length === 1 ? detach(parts[0] as string) : parts.join(' › ');
  return result.project ? [title, ' [', result.project, ']'].join('') : title;
}

/** What reading one result file produced: its results, or the reason it could not be read. */
export interface FileOutcome {
  path: string;
  format?: FormatId;
  /** The results, when kept; a file read as a ResultSource hands them over instead and keeps only `count`. */
  results: TestResult[];
  /** How many results the file held, when they were handed over rather than kept in `results`. */
  count?: number;
  /** Set when the file could not be read or parsed; `results` is then empty. */
  error?: InputError;
  /** Worth telling the user but not an error: an empty file, an element skipped. */
  warnings?: string[];
  /** Errors the runner that wrote the file reported outside any test: its run failed, whatever the results say. */
  outsideTests?: FileOutsideTests;
}

/**
 * An error a test runner reported outside any test: a global setup or teardown that failed, a worker that crashed,
 * a test file that did not load (Playwright's `errors[]`, onError), its test runner itself (Jest's
 * `runExecError`), a crashed or aborted test host (a TRX file's `<RunInfo outcome="Error">`), a hook outside any
 * test (an Allure globals file's `errors`). It fails the runner's run but belongs to no test, so no result shows it.
 */
export interface OutsideTestError {
  /** As the runner said it; the first line is what messages show. */
  message: string;
  /** Where it happened, when the runner says: relative to the working directory when it lies inside. */
  file?: string;
  line?: number;
}

/** The errors outside any test that one result file holds, and the runner that reported them. */
export interface FileOutsideTests {
  /** How messages name the runner: `Jest`, `Playwright`, `dotnet test`, `the test runner` (Allure's). */
  runner: string;
  errors: OutsideTestError[];
}

/**
 * A copy of a string that holds nothing else: a string cut from the text a reader decoded can keep that whole
 * piece of the file alive, and a joined one its parts. For strings kept long after reading.
 */
export function detach(text: string): string {
  // Its first character and the rest joined: a join of two strings makes one flat string of exactly the text, a
  // single object that views nothing. (Joined to a space and cut again, it made the flat string and a view of
  // it, two objects per kept text that the tally's 10,000 failures kept alive: the pipeline took 3 % more
  // instructions. structuredClone took several times either.)
  return [text.slice(0, 1), text.slice(1)].join('');
}

/**
 * A result to keep after reading: what a case's description, status and attachments read of it (the output, the
 * tags and the properties are left out: nothing after mapping reads them, and they are most of its size). A
 * stream can keep 100,000 of these (5,000 cases × 20), so each is small: empty lists are one shared frozen list,
 * the suite path is the reader's own (shared by its suite), and each field present is set in the constructor of
 * KeptResult, so that it has its place in the object itself.
 */
export function keptCopy(result: TestResult): TestResult {
  return new KeptResult(result);
}

/**
 * A kept copy. Set one by one after an object literal, the optional fields went to a second array of the
 * object's own (a "property array": 71,000 of them, 3 MB, in the 30 MB worst case of the bench); assigned in a
 * constructor, they are counted when the object is laid out and fit in it. Every field is set, undefined where the
 * result has none, so that every kept copy has one shape and what reads them (the plan, the descriptions) reads
 * each field with one map.
 */
class KeptResult implements TestResult {
  declare source: string;
  declare file?: string;
  declare line?: number;
  declare suitePath: string[];
  declare name: string;
  declare classname?: string;
  declare project?: string;
  declare status: TestStatus;
  declare durationMs?: number;
  declare message?: string;
  declare stack?: string;
  declare properties: Property[];
  declare tags: string[];
  declare attachments: Attachment[];
  declare attempts: Attempt[];

  constructor(result: TestResult) {
    this.source = result.source;
    this.file = result.file;
    this.line = result.line;
    // The reader shares one suite path among the suite's results: so do the copies.
    this.suitePath = result.suitePath;
    this.name = result.name;
    this.classname = result.classname;
    this.project = result.project;
    this.status = result.status;
    this.durationMs = result.durationMs;
    this.message = result.message;
    this.stack = result.stack;
    this.properties = NONE;
    this.tags = NONE;
    this.attachments = result.attachments.length === 0 ? NONE : result.attachments.map(copyAttachment);
    this.attempts = keptAttempts(result);
  }
}

/** The empty list every kept copy shares (frozen: adding to one would add to all). */
const NONE = Object.freeze([]) as never[];

/**
 * One attempt that is the result itself (its status, nothing attached to it) is kept as a list shared by every
 * kept copy of that status: what reads a result's attempts (its retry history, whether it is flaky, which
 * attachments to send) reads their statuses and attachments, and the history only when there are several;
 * the duration, message and stack are the result's own. Most kept results have one attempt, and a list and an
 * object fewer for each of 100,000 kept results is memory the garbage collector need not move.
 */
const ONE_ATTEMPT: Readonly<Record<TestStatus, Attempt[]>> = {
  passed: Object.freeze([Object.freeze({ status: 'passed' })]) as Attempt[],
  failed: Object.freeze([Object.freeze({ status: 'failed' })]) as Attempt[],
  error: Object.freeze([Object.freeze({ status: 'error' })]) as Attempt[],
  skipped: Object.freeze([Object.freeze({ status: 'skipped' })]) as Attempt[],
};

function keptAttempts(result: TestResult): Attempt[] {
  const only = result.attempts.length === 1 ? result.attempts[0] : undefined;
  if (only !== undefined && only.status === result.status && only.attachments === undefined) return ONE_ATTEMPT[result.status];
  return result.attempts.map(copyAttempt);
}

function copyAttempt(attempt: Attempt): Attempt {
  const copy: Attempt = { status: attempt.status };
  if (attempt.durationMs !== undefined) copy.durationMs = attempt.durationMs;
  if (attempt.message !== undefined) copy.message = attempt.message;
  if (attempt.stack !== undefined) copy.stack = attempt.stack;
  if (attempt.attachments) copy.attachments = attempt.attachments.map(copyAttachment);
  return copy;
}

function copyAttachment(attachment: Attachment): Attachment {
  return { ...attachment };
}

/** What names a result in a list (its titles, project and outcome), copied out of what it was read from; the rest left empty. */
export function nameOnly(result: TestResult): TestResult {
  return {
    source: detach(result.source),
    suitePath: result.suitePath.map(detach),
    name: detach(result.name),
    ...(result.project !== undefined && { project: detach(result.project) }),
    status: result.status,
    properties: [],
    tags: [],
    attachments: [],
    attempts: [{ status: result.status }],
  };
}

/** How many results a file held, whether they were kept or handed over as they were read. */
export function resultCount(file: Pick<FileOutcome, 'results' | 'count'>): number {
  return file.count ?? file.results.length;
}

/**
 * Results an upload reads once, each as it comes, so that memory need not grow with the input: result files
 * read while uploading (the CLI, the Action), or a list already in memory (a reporter's). `read` may be called
 * again (to spool what could not be sent) and resolves to the files' outcomes, counts instead of results.
 */
export interface ResultSource {
  /** `rules`: how readers take what producers leave ambiguous (from the settings; see formats/format.ts). */
  read(each: (result: TestResult) => void, rules?: { repeatsAreRetries?: boolean }): Promise<FileOutcome[]>;
}
