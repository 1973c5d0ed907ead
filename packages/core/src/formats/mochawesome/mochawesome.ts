/**
 * mochawesome's JSON (`mocha --reporter mochawesome`, `mochawesome-report/mochawesome.json`; also what
 * mochawesome-merge and Cypress setups write) → TestResult[]. Small pure functions, no I/O.
 *
 * - `results[]` holds one root suite per spec file, with nested `suites[]`; every `tests[]` entry is one
 *   TestResult: suitePath = the enclosing suites' titles (the root's empty title left out), name = `title`,
 *   file = the suite's `file` (relative to where Mocha ran, with a leading `/`, which is dropped).
 * - Status: `state` passed/failed; a test with `pending: true` (`it.skip`, no body) or `skipped: true` (not
 *   run because a hook failed) → skipped; a test without a state that is neither → skipped too (Mocha did not
 *   run it); anything else → error naming it.
 * - A failed hook (`beforeHooks`/`afterHooks` with `state: "failed"`) → one `error` result with the hook's
 *   title in that suite, so the reason its tests did not run is recorded.
 * - Failures: message = the first line of `err.message`, stack = `err.estack`.
 */
import type { TestResult, TestStatus } from '../../model.js';
import { str, type JsonObject as Json } from '../json-values.js';
import { msOrUndefined } from '../text.js';
import { failureOf } from '../mocha/mocha.js';

export function mochawesomeStatus(test: Json): TestStatus {
  if (test.state === 'failed' || test.fail === true) return 'failed';
  if (test.state === 'passed' || test.pass === true) return 'passed';
  if (test.pending === true || test.skipped === true || test.state === null || test.state === undefined || test.state === 'pending') return 'skipped';
  return 'error';
}

export function mochawesomeTestResult(test: Json, status: TestStatus, suitePath: string[], file: string | undefined, source: string): TestResult {
  const durationMs = status === 'skipped' ? undefined : msOrUndefined(test.duration);
  const failure = status === 'failed' || status === 'error' ? (failureOf(test.err) ?? {}) : {};
  let message = failure.message;
  if (status === 'error' && !test.isHook) message = `mochawesome reported the unknown state ${JSON.stringify(test.state)}.`;
  else if (status === 'skipped' && test.skipped === true && test.pending !== true) message = 'Not run: a hook of its suite failed.';
  return {
    source,
    ...(file !== undefined && { file }),
    suitePath,
    name: str(test.title) ?? '',
    status,
    ...(durationMs !== undefined && { durationMs }),
    ...(message !== undefined && { message }),
    ...(failure.stack !== undefined && { stack: failure.stack }),
    properties: [],
    tags: [],
    attachments: [],
    attempts: [
      {
        status,
        ...(durationMs !== undefined && { durationMs }),
        ...(message !== undefined && { message }),
        ...(failure.stack !== undefined && { stack: failure.stack }),
      },
    ],
  };
}

/** Only a hook that failed is a result: the reason its suite's tests did not run. */
export function isFailedHook(hook: Json): boolean {
  return hook.state === 'failed' || hook.fail === true;
}
