/**
 * Jest's results → TestResult[]: the one converter behind the Jest reporter (Jest's live result objects) and
 * `parseJestJson` (Jest's `--json` file, normalised into the same structural types first). Small pure
 * functions, no I/O.
 *
 * - One TestResult per test case: suitePath = `describe` titles, name = the test's title (`test.each` titles
 *   are already interpolated by Jest); the title path is where case references such as `[DEMO-3]` are found.
 * - Status: passed/focused → passed; failed → failed; skipped/pending/todo/disabled → skipped; anything else
 *   → error with a message naming the unknown status (never silently passed). A todo test says so.
 * - Retries (`jest.retryTimes`): `invocations` attempts, the earlier ones failed; their errors come from
 *   `retryReasons` when Jest kept them. Still ONE result per test; the last attempt decides its status.
 * - Failures: colours and Jest's own stack frames removed; message = the first failure up to its first stack
 *   frame, stack = every failure (body and hooks).
 * - A file that failed without a failing test (it did not compile, a module was missing, a hook or a
 *   `describe` body threw) → one `error` result titled `<file> › Test suite failed to run`, so the failure is
 *   not lost and a case id in the file name still maps it; also when nothing but the file's status says it
 *   failed, the message then saying so.
 * - file = the test file relative to `rootDir` when given (`/` separators); project = the Jest project's
 *   `displayName`.
 * - The aggregated results' `runExecError` (Jest's test runner failed outside every test file, after some may have
 *   run; Jest then fails the run) → an error outside any test, not a result: it belongs to no test.
 */
import type { Attempt, OutsideTestError, TestResult, TestStatus } from '../../model.js';
import { displayPath } from '../paths.js';
import { MAX_MESSAGE_CHARS, MAX_STACK_CHARS, clip, messageAndStack, msOrUndefined } from '../text.js';
import { stripAnsi } from '../../text.js';

// The parts of Jest's result objects read here, written out structurally so that neither core nor the
// reporter's published types depend on `@jest/*` packages (a user's Jest brings its own copies). The reporter's
// tests check that Jest's real types are assignable to these.

/** A test case as Jest reports it (`AssertionResult` / `TestCaseResult` of `@jest/test-result`). */
export interface JestAssertionResult {
  /** `describe` titles, outermost first. */
  ancestorTitles: readonly string[];
  /** The test's own title; `test.each` titles are already interpolated. */
  title: string;
  fullName?: string;
  /** `passed`, `failed`, `skipped`, `pending`, `todo`, `disabled`, `focused`. */
  status: string;
  duration?: number | null;
  failureMessages: readonly string[];
  /** How many times the test ran: more than 1 when `jest.retryTimes` retried it. */
  invocations?: number;
  /** Errors of the failed attempts; Jest keeps them only with `jest.retryTimes(n, { logErrorsBeforeRetry: true })`. */
  retryReasons?: readonly string[];
}

/** Jest's `SerializableError`. */
export interface JestSerializableError {
  message: string;
  stack?: string | null;
}

/** One test file's result (`TestResult` of `@jest/test-result`). */
export interface JestTestFileResult {
  /** The test file; empty when a `--json` file does not say. */
  testFilePath: string;
  testResults: readonly JestAssertionResult[];
  /** Set when the file failed: the formatted failures of its tests, or why the file could not run. */
  failureMessage?: string | null;
  /** Set when the file could not run at all (syntax error, missing module, a throwing `describe`). */
  testExecError?: JestSerializableError;
  /** The Jest project's `displayName`, in a multi-project configuration. */
  displayName?: { name: string } | string;
  /**
   * Whether the producer says the file failed (a `--json` file's `status`), for a file that says nothing else:
   * not one of Jest's own fields, whose live objects say it with `failureMessage` or `testExecError`.
   */
  failed?: boolean;
}

export interface JestConvertOptions {
  /** `TestResult.source`: `jest` for the reporter, the result file's path for `--json` files. */
  source: string;
  /** Test file paths are shown relative to this directory (Jest's rootDir), with `/` separators. */
  rootDir?: string;
  /** The Jest project's displayName, in a multi-project configuration. */
  project?: string;
}

/** Name of the result that stands for a test file that failed to run. */
export const JEST_SUITE_FAILED = 'Test suite failed to run';

/** Said of a file Jest marked failed without a failing test and without a word of why. */
export const JEST_NO_REASON = 'Jest marked the file as failed without a failing test or a message. Run it alone to see why.';

/** How messages name the runner. */
export const JEST_RUNNER = 'Jest';

/**
 * Said of a `runExecError` without a message: Jest hands its reporters the Error itself, whose message and stack
 * JSON.stringify leaves out, so a tool that writes the aggregated results that way writes `{}`.
 */
export const JEST_RUN_EXEC_NO_MESSAGE =
  "Jest's runExecError holds no message (an Error written with JSON.stringify loses it); Jest printed it in full at the end of its output";

/** Said about attempts whose error Jest did not keep. */
export const JEST_REASON_NOT_KEPT = 'error unknown: Jest keeps it only with jest.retryTimes(n, { logErrorsBeforeRetry: true })';

// A Map, not an object literal: a status such as "constructor" must not find Object.prototype's.
const STATUS = new Map<string, TestStatus>([
  ['passed', 'passed'],
  ['focused', 'passed'],
  ['failed', 'failed'],
  ['skipped', 'skipped'],
  ['pending', 'skipped'],
  ['todo', 'skipped'],
  ['disabled', 'skipped'],
]);

/** Every result of one test file: its test cases, plus one error result when the file itself failed. */
export function jestFileResults(file: JestTestFileResult, options: Omit<JestConvertOptions, 'project'>): TestResult[] {
  const project = projectName(file.displayName);
  const fileOptions: JestConvertOptions = { ...options, ...(project !== undefined && { project }) };
  const results = file.testResults.map((assertion) => jestTestResult(file.testFilePath, assertion, fileOptions));
  const suiteError = jestSuiteErrorResult(file, fileOptions);
  if (suiteError) results.push(suiteError);
  return results;
}

/** One Jest test case → one TestResult. */
export function jestTestResult(testFilePath: string, assertion: JestAssertionResult, options: JestConvertOptions): TestResult {
  const known = STATUS.get(assertion.status);
  const status: TestStatus = known ?? 'error';
  const final: Attempt = { status, ...failureParts(assertion.failureMessages) };
  if (known === undefined) final.message = `Jest reported the unknown status ${JSON.stringify(assertion.status)}.`;
  else if (assertion.status === 'todo' && final.message === undefined) final.message = 'test.todo: not written yet.';
  const durationMs = msOrUndefined(assertion.duration);
  if (durationMs !== undefined) final.durationMs = durationMs;
  const file = displayPath(testFilePath, options.rootDir);

  return {
    source: options.source,
    ...(file !== '' && { file }),
    suitePath: [...assertion.ancestorTitles],
    name: assertion.title,
    ...(options.project !== undefined && { project: options.project }),
    status: final.status,
    ...(durationMs !== undefined && { durationMs }),
    ...(final.message !== undefined && { message: final.message }),
    ...(final.stack !== undefined && { stack: final.stack }),
    properties: [],
    tags: [],
    attachments: [],
    attempts: [...jestEarlierAttempts(assertion), final],
  };
}

/**
 * The failed attempts before the last one. `invocations` says how many there were; `retryReasons` holds
 * their errors only when Jest was asked to keep them, and may hold several errors for one attempt.
 */
export function jestEarlierAttempts(assertion: Pick<JestAssertionResult, 'invocations' | 'retryReasons'>): Attempt[] {
  const reasons = assertion.retryReasons ?? [];
  const invocations = typeof assertion.invocations === 'number' && Number.isInteger(assertion.invocations) ? assertion.invocations : 0;
  const count = invocations > 1 ? invocations - 1 : reasons.length;
  const attempts: Attempt[] = [];
  for (let i = 0; i < count; i++) {
    // Extra reasons (several errors in one attempt) all belong to the last failed attempt.
    const own = i < count - 1 ? reasons.slice(i, i + 1) : reasons.slice(i);
    const parts = failureParts(own);
    attempts.push({ status: 'failed', ...(parts.message !== undefined ? parts : { message: JEST_REASON_NOT_KEPT }) });
  }
  return attempts;
}

/**
 * The result of a file that failed without a failing test, or undefined when the file's tests carry its
 * failure (or it did not fail).
 */
export function jestSuiteErrorResult(file: JestTestFileResult, options: JestConvertOptions): TestResult | undefined {
  if (file.testResults.some((t) => t.status === 'failed')) return undefined;
  // Jest's formatted text (with the code frame) is the most reliable; testExecError is sometimes `{}` or has
  // an empty message, depending on where the file failed.
  const formatted = clean(file.failureMessage ?? '');
  const execMessage = clean(file.testExecError?.message ?? '');
  const execStack = clean(file.testExecError?.stack ?? '');
  const text = formatted || execStack || execMessage;
  if (text === '' && file.failed !== true) return undefined;
  const reason = text === '' ? JEST_NO_REASON : formatted ? reasonLine(formatted) : execMessage || reasonLine(execStack);
  const message = clip(reason === undefined ? `${JEST_SUITE_FAILED}.` : `${JEST_SUITE_FAILED}: ${reason}`, MAX_MESSAGE_CHARS);
  const stack = text === '' ? undefined : clip(text, MAX_STACK_CHARS);
  const shown = displayPath(file.testFilePath, options.rootDir);
  return {
    source: options.source,
    ...(shown !== '' && { file: shown }),
    // The file path stays in the title path: a case id in the file name (`DEMO-3.test.ts`) still maps it.
    suitePath: shown === '' ? [] : [shown],
    name: JEST_SUITE_FAILED,
    ...(options.project !== undefined && { project: options.project }),
    status: 'error',
    message,
    ...(stack !== undefined && { stack }),
    properties: [],
    tags: [],
    attachments: [],
    attempts: [{ status: 'error', message, ...(stack !== undefined && { stack }) }],
  };
}

/**
 * The aggregated results' `runExecError` (an Error, a serialised one, or its message as text) → the error outside
 * any test it stands for; undefined when there is none (absent or null).
 */
export function jestRunExecError(error: unknown): OutsideTestError | undefined {
  if (typeof error === 'string') return { message: clean(error) || JEST_RUN_EXEC_NO_MESSAGE };
  if (typeof error !== 'object' || error === null) return undefined;
  const message = (error as { message?: unknown }).message;
  return { message: (typeof message === 'string' ? clean(message) : '') || JEST_RUN_EXEC_NO_MESSAGE };
}

// Frames of Jest's own machinery (the runner, expect, test.each), which say nothing about the test.
const JEST_FRAME =
  /^\s+at (?:.*[\\/]node_modules[\\/](?:jest-[^\\/]+|@jest[\\/][^\\/]+|expect|expect-utils|babel-jest)[\\/].*|.*\(?node:internal[\\/].*|new Promise \(<anonymous>\))$/;

/** The text without Jest's internal stack frames, as Jest's own reporters print it; unchanged if nothing else is left. */
export function withoutJestFrames(text: string): string {
  const lines = text.split('\n');
  const frames = lines.filter((l) => /^\s+at /.test(l));
  if (frames.length > 0 && frames.every((l) => JEST_FRAME.test(l))) return text;
  return lines.filter((l) => !JEST_FRAME.test(l)).join('\n');
}

function projectName(displayName: JestTestFileResult['displayName']): string | undefined {
  const name = typeof displayName === 'string' ? displayName : displayName?.name;
  return name !== undefined && name.trim() !== '' ? name : undefined;
}

/** message = the first failure up to its first stack frame; stack = every failure (body and hooks). */
function failureParts(failures: readonly string[]): Pick<Attempt, 'message' | 'stack'> {
  return messageAndStack(failures.map((f) => withoutJestFrames(clean(f))));
}

/** Jest's "● Test suite failed to run" text: the first line after the heading says why. */
function reasonLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('●'));
}

/** Colours removed, line ends made `\n` (so frames are found in Windows text too), trimmed. */
function clean(text: string): string {
  return stripAnsi(text).trim();
}
