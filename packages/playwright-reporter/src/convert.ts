/**
 * Playwright's TestCase (with every attempt in `test.results`) → one core TestResult. Small pure functions over
 * the few fields they read, so they are unit-tested with plain objects and never see a runner.
 *
 * - One TestResult per test per project, never one per attempt: attempts are `test.results`, in order.
 * - suitePath = the `describe` titles; the root, project and file suites are left out (the file goes to `file`,
 *   the project to `project`), so titles do not change when a file moves. name = the test's own title.
 * - Attempt status: passed → passed; failed, timedOut → failed; interrupted → error (the run was stopped, the test
 *   did not fail an assertion; `statusMap: { error: ... }` can record it as something else); skipped → skipped.
 *   A test expected to fail (`test.fail()`) that failed is passed, and one that passed is failed.
 * - The final status follows Playwright's own verdict, `test.outcome()`: expected and flaky → passed,
 *   unexpected → failed (error when its last attempt was interrupted), skipped → skipped (error when
 *   interrupted). A test that never started (serial group after a failure, `--max-failures`) is skipped with
 *   a message saying it did not run.
 * - annotations (test and every attempt) → properties {name: type, value: description}; tags → tags with one `@`.
 * - attachments with a `path`, from every attempt (the trace of a failed first attempt is what a person wants for
 *   a flaky test); inline attachments (`body` only) have no place in the model and are left out.
 */
import {
  MAX_MESSAGE_CHARS,
  MAX_OUTPUT_CHARS,
  MAX_STACK_CHARS,
  clip,
  displayPath,
  msOrUndefined,
  nonEmpty,
  normaliseTags,
  stripAnsi,
} from 'testsigma-tm-core/reporter';
import type { Attachment, Attempt, Property, TestResult, TestStatus } from 'testsigma-tm-core';

/** `TestResult.source` of everything this reporter produces. */
export const SOURCE = 'playwright';

// The parts of Playwright's reporter objects read here (structural, so tests pass plain objects and any
// Playwright from 1.40 on fits).
type PwStatus = 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';

export interface PwError {
  message?: string;
  stack?: string;
  value?: string;
}

export interface PwAnnotation {
  type: string;
  description?: string;
}

export interface PwAttempt {
  status: PwStatus;
  duration: number;
  error?: PwError;
  errors?: PwError[];
  annotations?: PwAnnotation[];
  attachments: { name: string; contentType: string; path?: string }[];
  stdout?: (string | Buffer)[];
  stderr?: (string | Buffer)[];
}

export interface PwTest {
  title: string;
  titlePath(): string[];
  outcome(): 'skipped' | 'expected' | 'unexpected' | 'flaky';
  expectedStatus: PwStatus;
  annotations: PwAnnotation[];
  /** Since Playwright 1.42. */
  tags?: string[];
  location: { file: string };
  parent: { project(): { name: string } | undefined };
  results: PwAttempt[];
}

export interface ConvertContext {
  /** Test file paths are made relative to this (Playwright's config.rootDir). */
  rootDir?: string;
}

export const INTERRUPTED_MESSAGE = 'Interrupted: the test run was stopped before this test finished (Ctrl-C, --max-failures or the global timeout).';
export const DID_NOT_RUN_MESSAGE = 'Did not run: Playwright never started this test (an earlier test of its serial group failed, or --max-failures / an interruption stopped the run).';
export const UNEXPECTED_PASS_MESSAGE = 'Expected to fail (test.fail()), but passed.';

export function toTestResult(test: PwTest, context: ConvertContext = {}): TestResult {
  const attempts = test.results.length > 0 ? test.results.map((r) => toAttempt(r, test.expectedStatus)) : [didNotRun()];
  const final = settleFinal(attempts, test.outcome());
  const last = test.results.at(-1);
  const project = test.parent.project()?.name;
  const output = last ? outputOf(last) : undefined;
  return {
    source: SOURCE,
    file: displayPath(test.location.file, context.rootDir),
    suitePath: suitePathOf(test),
    name: test.title,
    ...(project ? { project } : {}),
    status: final.status,
    ...(final.durationMs !== undefined ? { durationMs: final.durationMs } : {}),
    ...(final.message !== undefined ? { message: final.message } : {}),
    ...(final.stack !== undefined ? { stack: final.stack } : {}),
    ...(output !== undefined ? { output } : {}),
    properties: propertiesOf(test),
    tags: normaliseTags(test.tags ?? []),
    attachments: attachmentsOf(test.results),
    attempts,
  };
}

/** The `describe` titles: titlePath is [root, project, file, ...describes, test]. Anonymous describes add nothing. */
export function suitePathOf(test: Pick<PwTest, 'titlePath'>): string[] {
  return test.titlePath().slice(3, -1).filter((title) => title !== '');
}

/** One attempt as Playwright ran it, judged against what the test expected (`test.fail()`). */
export function toAttempt(result: PwAttempt, expectedStatus: PwStatus): Attempt {
  const attempt: Attempt = { status: attemptStatus(result.status, expectedStatus) };
  const durationMs = msOrUndefined(result.duration);
  if (durationMs !== undefined) attempt.durationMs = durationMs;
  if (attempt.status === 'passed') return attempt; // a test.fail() test that failed as expected: its error is no news
  const { message, stack } = errorText(result.errors && result.errors.length > 0 ? result.errors : result.error ? [result.error] : []);
  if (stack !== undefined) attempt.stack = stack;
  if (message !== undefined) attempt.message = message;
  else if (result.status === 'interrupted') attempt.message = INTERRUPTED_MESSAGE;
  else if (result.status === 'passed') attempt.message = UNEXPECTED_PASS_MESSAGE;
  else if (result.status === 'skipped') {
    const reason = skipReason(result.annotations ?? []);
    if (reason !== undefined) attempt.message = reason;
    else if (expectedStatus !== 'skipped') attempt.message = DID_NOT_RUN_MESSAGE;
  }
  return attempt;
}

export function attemptStatus(status: PwStatus, expectedStatus: PwStatus): TestStatus {
  switch (status) {
    case 'interrupted':
      return 'error';
    case 'skipped':
      return 'skipped';
    case 'passed':
      return expectedStatus === 'failed' ? 'failed' : 'passed';
    case 'failed':
      return expectedStatus === 'failed' ? 'passed' : 'failed';
    case 'timedOut':
      return expectedStatus === 'timedOut' ? 'passed' : 'failed';
    default:
      return 'error';
  }
}

/**
 * Make the last attempt agree with Playwright's verdict and return it. The attempt statuses already agree in
 * every ordinary case; this settles the odd ones (e.g. a skipped retry after a failure) Playwright's way.
 */
function settleFinal(attempts: Attempt[], outcome: ReturnType<PwTest['outcome']>): Attempt {
  const final = attempts[attempts.length - 1] as Attempt;
  const wanted: TestStatus =
    outcome === 'expected' || outcome === 'flaky'
      ? 'passed'
      : outcome === 'unexpected'
        ? final.status === 'error' ? 'error' : 'failed'
        : final.status === 'error' ? 'error' : 'skipped';
  if (final.status !== wanted) {
    final.status = wanted;
    if (wanted === 'passed') {
      delete final.message;
      delete final.stack;
    }
  }
  return final;
}

function didNotRun(): Attempt {
  return { status: 'skipped', message: DID_NOT_RUN_MESSAGE };
}

/** Every error of the attempt (soft assertions give several), colours stripped, capped as core's parsers cap them. */
export function errorText(errors: readonly PwError[]): { message?: string; stack?: string } {
  const messages = errors.map((e) => nonEmpty(stripAnsi(e.message ?? e.value ?? ''))).filter((m): m is string => m !== undefined);
  const stacks = errors.map((e) => nonEmpty(stripAnsi(e.stack ?? ''))).filter((s): s is string => s !== undefined);
  return {
    ...(messages.length > 0 ? { message: clip(messages.join('\n\n'), MAX_MESSAGE_CHARS) } : {}),
    ...(stacks.length > 0 ? { stack: clip(stacks.join('\n\n'), MAX_STACK_CHARS) } : {}),
  };
}

/** `test.skip(true, 'why')` / `test.fixme(...)` leave their reason as an annotation. */
function skipReason(annotations: readonly PwAnnotation[]): string | undefined {
  const found = annotations.find((a) => (a.type === 'skip' || a.type === 'fixme') && nonEmpty(a.description) !== undefined);
  return found ? `Skipped: ${nonEmpty(found.description)}` : undefined;
}

/** The test's annotations and those added at run time by any attempt, once each, in first-seen order. */
export function propertiesOf(test: Pick<PwTest, 'annotations' | 'results'>): Property[] {
  const properties: Property[] = [];
  for (const annotation of [...test.annotations, ...test.results.flatMap((r) => r.annotations ?? [])]) {
    const name = annotation.type.trim();
    if (name === '') continue;
    const value = annotation.description ?? '';
    if (!properties.some((p) => p.name === name && p.value === value)) properties.push({ name, value });
  }
  return properties;
}

export function attachmentsOf(results: readonly PwAttempt[]): Attachment[] {
  const attachments: Attachment[] = [];
  for (const result of results) {
    for (const a of result.attachments) {
      if (!a.path || attachments.some((b) => b.path === a.path)) continue;
      attachments.push({ name: a.name || a.path, path: a.path, ...(a.contentType ? { contentType: a.contentType } : {}) });
    }
  }
  return attachments;
}

/** The final attempt's stdout and stderr, colours stripped, capped (head and tail kept) as core's parsers cap it. */
function outputOf(result: PwAttempt): string | undefined {
  const chunks = [...(result.stdout ?? []), ...(result.stderr ?? [])].map((c) => (typeof c === 'string' ? c : c.toString('utf8')));
  const text = nonEmpty(stripAnsi(chunks.join('')));
  return text === undefined ? undefined : clip(text, MAX_OUTPUT_CHARS);
}
