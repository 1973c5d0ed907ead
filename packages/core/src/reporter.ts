/**
 * testsigma-tm-core/reporter: what the test-runner reporters (Jest, Playwright) share — start, printing and the
 * single upload at the end — and the converters of their runners' live objects (the same rules the file readers
 * use). Not for library users: its names may change with the reporters.
 */
export {
  REPORTER_PREFIX,
  noTestRanMessage,
  noTokenMessage,
  reportResults,
  resolveReporterStart,
  sayInvalidSettings,
  type ReporterOptions,
  type OutsideTests,
  type ReporterStart,
  type ReporterUpload,
} from './hosts/reporter.js';
export {
  JEST_REASON_NOT_KEPT,
  JEST_SUITE_FAILED,
  jestEarlierAttempts,
  jestFileResults,
  jestRunExecError,
  jestSuiteErrorResult,
  jestTestResult,
  withoutJestFrames,
  type JestAssertionResult,
  type JestConvertOptions,
  type JestSerializableError,
  type JestTestFileResult,
} from './formats/jest/jest.js';
export { playwrightTestToResult, type LivePlaywrightTest } from './formats/playwright/from-live.js';
export { playwrightOutsideTestError, type PlaywrightOutsideError } from './formats/playwright/outside-tests.js';
export { displayPath } from './formats/paths.js';
export { nodeTooOld, nodeTooOldMessage } from './node-check.js';
