/**
 * Playwright's TestCase (every attempt in `test.results`) → one core TestResult. The rules live in core, shared
 * with the Playwright JSON reader, so a test is recorded the same way through this reporter and through the file.
 */
import type { TestError } from '@playwright/test/reporter';
import type { TestResult } from 'testsigma-tm-core';
import { playwrightOutsideTestError, playwrightTestToResult, type LivePlaywrightTest, type OutsideTests } from 'testsigma-tm-core/reporter';

export function toTestResult(test: LivePlaywrightTest, context: { rootDir?: string } = {}): TestResult {
  return playwrightTestToResult(test, context);
}

/**
 * An error Playwright reported outside any test (onError), where it happened shown from `rootDir` when it lies
 * inside: core's rule, the one its JSON reader applies to the file's `errors[]`.
 */
export function outsideTestError(error: TestError, rootDir: string | undefined): OutsideTests['errors'][number] {
  return playwrightOutsideTestError(error, rootDir);
}
