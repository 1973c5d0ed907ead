/**
 * Mocha's built-in `json` reporter (`mocha --reporter json --reporter-option output=<file>`) → TestResult[].
 * Small pure functions, no I/O; values of the wrong type read as absent.
 *
 * - One TestResult per `tests[]` entry: name = `title`; the `describe` titles are written only joined into
 *   `fullTitle` (`Cart adding items adds one`), so what precedes the title there is kept as one suite title
 *   (titles themselves hold spaces). file = `file` as written.
 * - Status: a test with an error (`err.message` or `err.stack`) failed; one listed in `pending[]` (`it.skip`,
 *   `it` without a body) is skipped; any other passed.
 * - Retries (`this.retries(n)`): a passed test with `currentRetry` > 0 passed after that many failed attempts
 *   (flaky); their errors are not in the file.
 * - A failed hook (`"before all" hook for "charges the card"`) is in `failures[]` but not in `tests[]`: it
 *   becomes one `error` result with the hook's title, since the tests it stopped are not listed at all.
 * - Failures: message = the first line of `err.message`, stack = `err.stack`.
 */
import type { Attempt, TestResult, TestStatus } from '../../model.js';
import { isObject, str, type JsonObject as Json } from '../json-values.js';
import { MAX_MESSAGE_CHARS, MAX_STACK_CHARS, clip, msOrUndefined, nonEmpty } from '../text.js';
import { stripAnsi } from '../../text.js';
import { firstLineOf as firstLine } from '../text.js';

/** Said of attempts before a retry, whose errors Mocha does not write. */
export const MOCHA_RETRY_NOT_KEPT = 'error unknown: Mocha does not write the errors of attempts it retried';

/** What identifies one test across `tests`, `pending` and `failures`. */
export const mochaTestKey = (test: Json): string => `${str(test.file) ?? ''}\u0000${str(test.fullTitle) ?? ''}`;

/** The error's message and stack, or undefined when Mocha wrote `err: {}` (the test did not fail). */
export function failureOf(err: unknown): Pick<Attempt, 'message' | 'stack'> | undefined {
  if (!isObject(err)) return undefined;
  const text = stripAnsi(str(err.message) ?? '').trim();
  const stackText = stripAnsi(str(err.stack) ?? str(err.estack) ?? '').trim();
  if (text === '' && stackText === '') return undefined;
  const message = firstLine(text) ?? firstLine(stackText);
  return {
    ...(message !== undefined && { message: clip(message, MAX_MESSAGE_CHARS) }),
    ...(stackText !== '' && { stack: clip(stackText, MAX_STACK_CHARS) }),
  };
}

/** `Cart adding items adds one` with the title `adds one` → [`Cart adding items`]. */
function suiteOf(fullTitle: string, title: string): string[] {
  const prefix = fullTitle.endsWith(title) ? fullTitle.slice(0, fullTitle.length - title.length).trim() : '';
  return prefix === '' ? [] : [prefix];
}

export function mochaTestResult(test: Json, status: TestStatus, source: string): TestResult {
  const title = str(test.title) ?? '';
  const durationMs = msOrUndefined(test.duration);
  const file = nonEmpty(str(test.file));
  const failure = status === 'failed' || status === 'error' ? (failureOf(test.err) ?? {}) : {};
  const retries = typeof test.currentRetry === 'number' && Number.isInteger(test.currentRetry) && test.currentRetry > 0 ? test.currentRetry : 0;
  const earlier: Attempt[] = Array.from({ length: retries }, () => ({ status: 'failed', message: MOCHA_RETRY_NOT_KEPT }));
  const final: Attempt = { status, ...(durationMs !== undefined && { durationMs }), ...failure };
  return {
    source,
    ...(file !== undefined && { file }),
    suitePath: suiteOf(str(test.fullTitle) ?? title, title),
    name: title,
    status,
    ...(durationMs !== undefined && { durationMs }),
    ...(failure.message !== undefined && { message: failure.message }),
    ...(failure.stack !== undefined && { stack: failure.stack }),
    properties: [],
    tags: [],
    attachments: [],
    attempts: [...earlier, final],
  };
}
