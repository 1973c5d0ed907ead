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
export { TestsigmaReporter, PACKAGE_NAME, PREFIX, NO_TOKEN_MESSAGE, reporterSummary, type TestsigmaReporterOptions, type ReporterDependencies } from './reporter.js';
export { toTestResult, earlierAttempts, suiteErrorResult, fileResults, displayPath, withoutJestFrames, SOURCE, SUITE_FAILED, REASON_NOT_KEPT, type ConvertOptions } from './convert.js';
export type { JestAssertionResult, JestTestFileResult, JestSerializableError, JestGlobalConfigLike, JestAggregatedResultLike } from './jest-types.js';
