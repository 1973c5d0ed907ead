/**
 * Jest's result objects → core's TestResult. Small pure functions, no I/O, so they are tested on plain data.
 *
 * - One TestResult per test case: suitePath = `describe` titles, name = the test's title (the title path is
 *   where core finds case references such as `[DEMO-3]`).
 * - Status: passed/focused → passed; failed → failed; skipped/pending/todo/disabled → skipped; anything else
 *   → error with a message naming the unknown status (never silently passed).
 * - Retries (`jest.retryTimes`): `invocations` attempts, the earlier ones failed; their errors come from
 *   `retryReasons` when Jest kept them. Still ONE result per test; the last attempt decides its status.
 * - A file that failed without a failing test (it did not compile, a module was missing, a hook or a
 *   `describe` body threw) → one `error` result named after the file, so the failure is not lost.
 */
import path from 'node:path';
import { stripAnsi, type Attempt, type TestResult, type TestStatus } from 'testsigma-tm-core';
import type { JestAssertionResult, JestTestFileResult } from './jest-types.js';

/** `TestResult.source` of everything this reporter produces. */
export const SOURCE = 'jest';

/** Longest message / stack kept per attempt; core trims them further for the description. */
const MAX_MESSAGE_CHARS = 16 * 1024;
const MAX_STACK_CHARS = 64 * 1024;

const STATUS: Readonly<Record<string, TestStatus>> = {
  passed: 'passed',
  focused: 'passed',
  failed: 'failed',
  skipped: 'skipped',
  pending: 'skipped',
  todo: 'skipped',
  disabled: 'skipped',
};

/** Name of the result that stands for a test file that failed to run. */
export const SUITE_FAILED = 'Test suite failed to run';

/** Said about attempts whose error Jest did not keep. */
export const REASON_NOT_KEPT = 'error unknown: Jest keeps it only with jest.retryTimes(n, { logErrorsBeforeRetry: true })';

export interface ConvertOptions {
  /** Test file paths are shown relative to this directory (Jest's rootDir), with `/` separators. */
  rootDir?: string;
  /** The Jest project's displayName, in a multi-project configuration. */
  project?: string;
}

/** One Jest test case → one TestResult. */
export function toTestResult(testFilePath: string, assertion: JestAssertionResult, options: ConvertOptions = {}): TestResult {
  const known = STATUS[assertion.status];
  const status: TestStatus = known ?? 'error';
  const final: Attempt = { status, ...failureParts(assertion.failureMessages) };
  if (known === undefined) final.message = `Jest reported the unknown status ${JSON.stringify(assertion.status)}.`;
  else if (assertion.status === 'todo' && final.message === undefined) final.message = 'test.todo: not written yet.';
  const durationMs = msOrUndefined(assertion.duration);
  if (durationMs !== undefined) final.durationMs = durationMs;

  return {
    source: SOURCE,
    file: displayPath(testFilePath, options.rootDir),
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
    attempts: [...earlierAttempts(assertion), final],
  };
}

/**
 * The failed attempts before the last one. `invocations` says how many there were; `retryReasons` holds
 * their errors only when Jest was asked to keep them, and may hold several errors for one attempt.
 */
export function earlierAttempts(assertion: Pick<JestAssertionResult, 'invocations' | 'retryReasons'>): Attempt[] {
  const reasons = assertion.retryReasons ?? [];
  const invocations = typeof assertion.invocations === 'number' && Number.isInteger(assertion.invocations) ? assertion.invocations : 0;
  const count = invocations > 1 ? invocations - 1 : reasons.length;
  const attempts: Attempt[] = [];
  for (let i = 0; i < count; i++) {
    // Extra reasons (several errors in one attempt) all belong to the last failed attempt.
    const own = i < count - 1 ? reasons.slice(i, i + 1) : reasons.slice(i);
    const parts = failureParts(own);
    attempts.push({ status: 'failed', ...(parts.message !== undefined ? parts : { message: REASON_NOT_KEPT }) });
  }
  return attempts;
}

/**
 * The result of a file that failed without a failing test, or undefined when the file's tests carry its
 * failure (or it did not fail).
 */
export function suiteErrorResult(file: JestTestFileResult, options: ConvertOptions = {}): TestResult | undefined {
  if (file.testResults.some((t) => t.status === 'failed')) return undefined;
  // Jest's formatted text (with the code frame) is the most reliable; testExecError is sometimes `{}` or has
  // an empty message, depending on where the file failed.
  const formatted = clean(file.failureMessage ?? '');
  const execMessage = clean(file.testExecError?.message ?? '');
  const execStack = clean(file.testExecError?.stack ?? '');
  const text = formatted || execStack || execMessage;
  if (text === '') return undefined;
  const reason = formatted ? reasonLine(formatted) : execMessage || reasonLine(execStack);
  const message = truncate(reason === undefined ? `${SUITE_FAILED}.` : `${SUITE_FAILED}: ${reason}`, MAX_MESSAGE_CHARS);
  const stack = truncate(text, MAX_STACK_CHARS);
  const shown = displayPath(file.testFilePath, options.rootDir);
  return {
    source: SOURCE,
    file: shown,
    // The file path stays in the title path: a case id in the file name (`DEMO-3.test.ts`) still maps it.
    suitePath: [shown],
    name: SUITE_FAILED,
    ...(options.project !== undefined && { project: options.project }),
    status: 'error',
    message,
    stack,
    properties: [],
    tags: [],
    attachments: [],
    attempts: [{ status: 'error', message, stack }],
  };
}

/** Every result of one test file: its test cases, plus one error result when the file itself failed. */
export function fileResults(file: JestTestFileResult, rootDir?: string): TestResult[] {
  const project = projectName(file.displayName);
  const options: ConvertOptions = { ...(rootDir !== undefined && { rootDir }), ...(project !== undefined && { project }) };
  const results = file.testResults.map((assertion) => toTestResult(file.testFilePath, assertion, options));
  const suiteError = suiteErrorResult(file, options);
  if (suiteError) results.push(suiteError);
  return results;
}

/** `path/to/file.test.ts` relative to rootDir with `/` separators; the path as given when it lies outside. */
export function displayPath(filePath: string, rootDir: string | undefined): string {
  if (!rootDir || !path.isAbsolute(filePath)) return filePath;
  const relative = path.relative(rootDir, filePath);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return filePath;
  return relative.split(path.sep).join('/');
}

function projectName(displayName: JestTestFileResult['displayName']): string | undefined {
  const name = typeof displayName === 'string' ? displayName : displayName?.name;
  return name !== undefined && name.trim() !== '' ? name : undefined;
}

/** message = the first failure up to its first stack frame; stack = every failure (body and hooks). */
function failureParts(failures: readonly string[]): Pick<Attempt, 'message' | 'stack'> {
  const texts = failures.map((f) => withoutJestFrames(clean(f))).filter((t) => t !== '');
  const first = texts[0];
  if (first === undefined) return {};
  const frame = first.search(/\n\s+at /);
  const message = (frame === -1 ? first : first.slice(0, frame)).trim();
  return {
    ...(message !== '' && { message: truncate(message, MAX_MESSAGE_CHARS) }),
    stack: truncate(texts.join('\n\n'), MAX_STACK_CHARS),
  };
}

// Frames of Jest's own machinery (the runner, expect, test.each), which say nothing about the test.
const JEST_FRAME = /^\s+at (?:.*[\\/]node_modules[\\/](?:jest-[^\\/]+|@jest[\\/][^\\/]+|expect|expect-utils|babel-jest)[\\/].*|.*\(?node:internal[\\/].*|new Promise \(<anonymous>\))$/;

/** The text without Jest's internal stack frames, as Jest's own reporters print it; unchanged if nothing else is left. */
export function withoutJestFrames(text: string): string {
  const lines = text.split('\n');
  const frames = lines.filter((l) => /^\s+at /.test(l));
  const kept = lines.filter((l) => !JEST_FRAME.test(l));
  if (frames.length > 0 && frames.every((l) => JEST_FRAME.test(l))) return text;
  return kept.join('\n');
}

/** Jest's "● Test suite failed to run" text: the first line after the heading says why. */
function reasonLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('●'));
}

function clean(text: string): string {
  return stripAnsi(text).trim();
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (truncated)`;
}

function msOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}
