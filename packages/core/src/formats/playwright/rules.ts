/**
 * The one set of rules that turns a Playwright test (the shape both the JSON file and the live reporter are
 * read into) into a TestResult. Each rule follows what Playwright itself means by its statuses: its
 * `TestCase.outcome()` (expected / unexpected / flaky / skipped), its JSON reporter, which writes that outcome as
 * `tests[].status`, and its JUnit reporter.
 *
 * - One TestResult per test × project, never one per attempt: the attempts are its runs, retries included.
 * - An attempt is judged against what the test expected, as `outcome()` judges it: a status equal to
 *   `expectedStatus` is a pass (so `test.fail()` that failed passed), any other finished status a failure
 *   (so a `test.fail()` test that passed, or timed out, failed).
 * - The final status is Playwright's verdict, not merely the last attempt's status (a failure followed by a
 *   skipped retry is a failure): the verdict the producer states (`outcome()`, the JSON's `tests[].status`),
 *   which stays right should Playwright change how it counts, else the same computed here (`outcomeOf`).
 *   An interrupted last attempt is the one exception (see finalStatus).
 * - TestResult.message, stack and attachments are those of the attempt a person should look at: the last
 *   failing attempt of a failed or flaky test, else the last attempt.
 */
import type { Attachment, Attempt, Property, TestResult, TestStatus } from '../../model.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, clip, msOrUndefined, nonEmpty, normaliseTags } from '../text.js';
import { stripAnsi } from '../../text.js';
import type {
  PlaywrightAnnotation,
  PlaywrightAttachment,
  PlaywrightAttempt,
  PlaywrightCase,
  PlaywrightError,
  PlaywrightOutcome,
  PlaywrightStatus,
} from './shape.js';

const INTERRUPTED_MESSAGE = 'Interrupted: the test run was stopped before this test finished (Ctrl-C, --max-failures or the global timeout).';
const DID_NOT_RUN_MESSAGE =
  'Did not run: Playwright never started this test (an earlier test of its serial group failed, or --max-failures / an interruption stopped the run).';
const UNEXPECTED_PASS_MESSAGE = 'Expected to fail (test.fail()), but passed.';

export function playwrightCaseToResult(test: PlaywrightCase, source: string): TestResult {
  // A test with no attempt was never started (--max-failures, an interruption, a failed serial group): Playwright
  // counts it `skipped` and its JUnit reporter writes <skipped/>. Said so, so that it is not mistaken for test.skip().
  const attempts = test.attempts.length > 0 ? test.attempts.map((run) => toAttempt(run, test)) : [{ status: 'skipped' as const, message: DID_NOT_RUN_MESSAGE }];
  const last = attempts[attempts.length - 1] as Attempt;
  const lastFailing = attempts.findLast((a) => a.status === 'failed' || a.status === 'error');
  const status = finalStatus(test.outcome ?? outcomeOf(test), last);
  const shown = status === 'skipped' ? last : (lastFailing ?? last);
  // The model's final status is the last attempt's: make the last attempt agree with the verdict.
  if (last.status !== status) {
    last.status = status;
    if (status === 'passed') {
      delete last.message;
      delete last.stack;
    }
  }
  const output = outputOf(test.attempts[test.attempts.length - 1]);
  return {
    source,
    ...(test.file !== undefined && { file: test.file }),
    ...(test.line !== undefined && test.line > 0 && { line: test.line }),
    suitePath: [...test.suitePath],
    name: test.title,
    ...(test.project !== undefined && test.project !== '' && { project: test.project }),
    status,
    ...(last.durationMs !== undefined && { durationMs: last.durationMs }),
    ...(status !== 'passed' && shown.message !== undefined && { message: shown.message }),
    ...(status !== 'passed' && shown.stack !== undefined && { stack: shown.stack }),
    ...(output !== undefined && { output }),
    properties: propertiesOf(test),
    tags: normaliseTags(test.tags),
    attachments: [...(shown.attachments ?? [])],
    attempts,
  };
}

/**
 * Playwright's `outcome()`, for a producer that does not state it: interrupted runs count for nothing, a skip
 * is expected only when the test expected to be skipped (otherwise it did not run), and a status equal to
 * `expectedStatus` is expected.
 */
export function outcomeOf(test: Pick<PlaywrightCase, 'expectedStatus' | 'attempts'>): PlaywrightOutcome {
  let expected = 0;
  let unexpected = 0;
  let skipped = 0;
  for (const { status } of test.attempts) {
    if (status === 'interrupted') continue;
    if (status === 'skipped') skipped += test.expectedStatus === 'skipped' ? 1 : 0;
    else if (status === test.expectedStatus) expected += 1;
    else unexpected += 1;
  }
  if (expected === 0 && unexpected === 0) return 'skipped';
  if (unexpected === 0) return 'expected';
  return expected === 0 && skipped === 0 ? 'unexpected' : 'flaky';
}

/**
 * expected and flaky → passed; unexpected → failed; skipped → skipped. Except that a last attempt that was
 * interrupted (or ended in a status we do not know) makes the test an error: Playwright's outcome() would call
 * an interrupted test `skipped`, but that would record a test the user stopped as if skipped on purpose; `error`
 * says the run, not the test, decided, and `statusMap` can record it as something else.
 */
function finalStatus(outcome: PlaywrightOutcome, last: Attempt): TestStatus {
  if (last.status === 'error') return 'error';
  if (outcome === 'expected' || outcome === 'flaky') return 'passed';
  return outcome === 'unexpected' ? 'failed' : 'skipped';
}

/**
 * One attempt, judged as outcome() judges it: skipped → skipped; interrupted → error (see finalStatus);
 * the expected status → passed; any other finished status (failed, timedOut, or passed under test.fail())
 * → failed. `timedOut` is a failure like any other (Playwright counts it unexpected, even under test.fail(),
 * which expects `failed`). An unknown status is an error that says so.
 */
export function attemptStatus(status: PlaywrightStatus, expectedStatus: PlaywrightStatus): TestStatus {
  if (status === 'skipped') return 'skipped';
  if (status === 'interrupted') return 'error';
  if (status === expectedStatus) return 'passed';
  return status === 'passed' || status === 'failed' || status === 'timedOut' ? 'failed' : 'error';
}

function toAttempt(run: PlaywrightAttempt, test: PlaywrightCase): Attempt {
  const attempt: Attempt = { status: attemptStatus(run.status, test.expectedStatus) };
  const durationMs = msOrUndefined(run.duration);
  if (durationMs !== undefined) attempt.durationMs = durationMs;
  // A passed attempt says nothing more: a test.fail() test that failed as expected has an error that is no news.
  if (attempt.status !== 'passed') {
    const { message, stack } = errorText(run.errors);
    if (stack !== undefined) attempt.stack = stack;
    const why = message ?? messageWithoutError(run, test);
    if (why !== undefined) attempt.message = why;
  }
  const attachments = run.attachments.map(toAttachment).filter((a): a is Attachment => a !== undefined);
  if (attachments.length > 0) attempt.attachments = attachments;
  return attempt;
}

/** What to say about an attempt that did not pass and left no error. */
function messageWithoutError(run: PlaywrightAttempt, test: PlaywrightCase): string | undefined {
  switch (run.status) {
    case 'interrupted':
      return INTERRUPTED_MESSAGE;
    case 'passed':
      return UNEXPECTED_PASS_MESSAGE;
    case 'skipped':
      // The reason of test.skip(cond, 'why') / test.fixme(...), from the attempt (run-time) or the test (declared).
      // No reason and not expected to be skipped: Playwright skipped it without running it ("did not run" in
      // outcome()'s terms), e.g. the rest of a serial group after a failure.
      return skipReason([...run.annotations, ...test.annotations]) ?? (test.expectedStatus === 'skipped' ? undefined : DID_NOT_RUN_MESSAGE);
    case 'failed':
    case 'timedOut':
      return undefined;
    default:
      return `Playwright reported the unknown status ${JSON.stringify(run.status)}.`;
  }
}

/**
 * "Skipped: why", like the other messages of this producer ("Did not run: …", "Interrupted: …"), so that a
 * message read alone says what happened.
 */
function skipReason(annotations: readonly PlaywrightAnnotation[]): string | undefined {
  for (const a of annotations) {
    const why = a.type === 'skip' || a.type === 'fixme' ? nonEmpty(a.description) : undefined;
    if (why !== undefined) return `Skipped: ${why}`;
  }
  return undefined;
}

/** Every error of the attempt (soft assertions give several), colours stripped, capped. */
function errorText(errors: readonly PlaywrightError[]): { message?: string; stack?: string } {
  const messages = errors.map((e) => nonEmpty(stripAnsi(e.message ?? e.value ?? ''))).filter((m): m is string => m !== undefined);
  const stacks = errors.map((e) => nonEmpty(stripAnsi(e.stack ?? ''))).filter((s): s is string => s !== undefined);
  return {
    ...(messages.length > 0 && { message: clip(messages.join('\n\n'), MAX_MESSAGE_CHARS) }),
    ...(stacks.length > 0 && { stack: clip(stacks.join('\n\n'), MAX_STACK_CHARS) }),
  };
}

/**
 * The test's annotations and those every attempt added, once each, in first-seen order. Playwright replaces
 * `TestCase.annotations` by the last attempt's, so an annotation added by an earlier attempt only is kept here.
 */
function propertiesOf(test: Pick<PlaywrightCase, 'annotations' | 'attempts'>): Property[] {
  const properties: Property[] = [];
  for (const annotation of [...test.annotations, ...test.attempts.flatMap((a) => a.annotations)]) {
    const name = annotation.type.trim();
    if (name === '') continue;
    const value = annotation.description ?? '';
    if (!properties.some((p) => p.name === name && p.value === value)) properties.push({ name, value });
  }
  return properties;
}

/** A file (`path`, as Playwright wrote it) or inline content (`body`, base64); one with neither carries nothing. */
function toAttachment(raw: PlaywrightAttachment): Attachment | undefined {
  const path = raw.path === '' ? undefined : raw.path;
  if (path === undefined && raw.body === undefined) return undefined;
  return {
    name: raw.name || path || 'attachment',
    ...(path !== undefined && { path }),
    ...(raw.contentType !== undefined && raw.contentType !== '' && { contentType: raw.contentType }),
    ...(raw.body !== undefined && { body: raw.body }),
  };
}

/** The last attempt's stdout then stderr, colours stripped, capped (head and tail kept). */
function outputOf(run: PlaywrightAttempt | undefined): string | undefined {
  if (run === undefined) return undefined;
  const text = nonEmpty(stripAnsi([...run.stdout, ...run.stderr].join('')));
  return text === undefined ? undefined : clip(text, MAX_OUTPUT_CHARS);
}
