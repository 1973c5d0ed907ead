/**
 * Playwright's TestCase (every attempt in `test.results`) → one core TestResult. The rules live in core, shared
 * with the Playwright JSON reader, so a test is recorded the same way through this reporter and through the file.
 */
import type { TestError } from '@playwright/test/reporter';
import type { TestResult } from 'testsigma-tm-core';
import { displayPath, playwrightTestToResult, type LivePlaywrightTest, type OutsideTests } from 'testsigma-tm-core/reporter';

export function toTestResult(test: LivePlaywrightTest, context: { rootDir?: string } = {}): TestResult {
  return playwrightTestToResult(test, context);
}

/** An error Playwright reported outside any test (onError), where it happened shown from `rootDir` when it lies inside. */
export function outsideTestError(error: TestError, rootDir: string | undefined): OutsideTests['errors'][number] {
  const message = error.message ?? error.value ?? 'an error without a message';
  if (!error.location) return { message };
  return { message, file: displayPath(error.location.file, rootDir), line: error.location.line };
}
