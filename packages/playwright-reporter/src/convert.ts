/**
 * Playwright's TestCase (every attempt in `test.results`) → one core TestResult. The rules live in core, shared
 * with the Playwright JSON reader, so a test is recorded the same way through this reporter and through the file.
 */
import type { TestResult } from 'testsigma-tm-core';
import { playwrightTestToResult, type LivePlaywrightTest } from 'testsigma-tm-core/reporter';

export function toTestResult(test: LivePlaywrightTest, context: { rootDir?: string } = {}): TestResult {
  return playwrightTestToResult(test, context);
}
