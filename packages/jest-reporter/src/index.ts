/**
 * jest-testsigma-tm-reporter: records Jest results in Testsigma Test Management.
 *
 *   reporters: ['default', ['jest-testsigma-tm-reporter', { projectId: 'Demo' }]]
 *
 * Jest loads a reporter module's default export (through `require`, which loads this ES module on the
 * Node versions this package supports, or through `import()`), so the reporter class is the default export.
 */
import { TestsigmaReporter } from './reporter.js';

export default TestsigmaReporter;
export { TestsigmaReporter, PACKAGE_NAME, PREFIX, NO_TOKEN_MESSAGE, type TestsigmaReporterOptions, type ReporterDependencies } from './reporter.js';
export { toTestResult, fileResults, suiteErrorResult, SOURCE, type ConvertOptions } from './convert.js';
// The Jest converter's parts live in core (shared with its --json reader); re-exported under this package's names.
export {
  jestEarlierAttempts as earlierAttempts,
  displayPath,
  withoutJestFrames,
  JEST_SUITE_FAILED as SUITE_FAILED,
  JEST_REASON_NOT_KEPT as REASON_NOT_KEPT,
} from 'testsigma-tm-core/reporter';
export type { JestAssertionResult, JestTestFileResult, JestSerializableError, JestGlobalConfigLike, JestAggregatedResultLike } from './jest-types.js';
