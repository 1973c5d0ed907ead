/**
 * The parts of Jest's reporter objects this package reads, written out structurally so that the published
 * types do not depend on `@jest/*` packages (a user's Jest brings its own copies). A test checks that Jest's
 * real types are assignable to these.
 */

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
  testFilePath: string;
  testResults: readonly JestAssertionResult[];
  /** Set when the file failed: the formatted failures of its tests, or why the file could not run. */
  failureMessage?: string | null;
  /** Set when the file could not run at all (syntax error, missing module, a throwing `describe`). */
  testExecError?: JestSerializableError;
  /** The Jest project's `displayName`, in a multi-project configuration. */
  displayName?: { name: string } | string;
}

/** What the reporter reads of Jest's global config. */
export interface JestGlobalConfigLike {
  rootDir?: string;
  watch?: boolean;
  watchAll?: boolean;
  /** `jest --collectTests`: tests are listed, not run. */
  collectTests?: boolean;
}

export interface JestAggregatedResultLike {
  testResults: readonly JestTestFileResult[];
}
