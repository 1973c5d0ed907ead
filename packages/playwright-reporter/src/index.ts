/**
 * playwright-testsigma-tm-reporter: record Playwright results in Testsigma Test Management.
 * Playwright loads a reporter by package name and constructs its default export.
 */
import { TestsigmaReporter } from './reporter.js';

export default TestsigmaReporter;
export { TestsigmaReporter };
export { NO_TOKEN_MESSAGE, PREFIX } from './reporter.js';
export type { TestsigmaReporterOptions } from './options.js';
export { toTestResult } from './convert.js';
