/**
 * Jest's result objects → core's TestResult, with this reporter's source. The rules live in core
 * (`jestFileResults`, shared with its `--json` reader); these bind `source: 'jest'`. toTestResult and
 * fileResults are the package's documented helpers.
 */
import type { TestResult } from 'testsigma-tm-core';
import {
  jestFileResults,
  jestSuiteErrorResult,
  jestTestResult,
  type JestAssertionResult,
  type JestConvertOptions,
  type JestTestFileResult,
} from 'testsigma-tm-core/reporter';

/** `TestResult.source` of everything this reporter produces. */
export const SOURCE = 'jest';

export type ConvertOptions = Omit<JestConvertOptions, 'source'>;

/** One Jest test case → one TestResult. */
export function toTestResult(testFilePath: string, assertion: JestAssertionResult, options: ConvertOptions = {}): TestResult {
  return jestTestResult(testFilePath, assertion, { ...options, source: SOURCE });
}

/** The result of a file that failed without a failing test; undefined when its tests carry the failure. */
export function suiteErrorResult(file: JestTestFileResult, options: ConvertOptions = {}): TestResult | undefined {
  return jestSuiteErrorResult(file, { ...options, source: SOURCE });
}

/** Every result of one test file: its test cases, plus one error result when the file itself failed. */
export function fileResults(file: JestTestFileResult, rootDir?: string): TestResult[] {
  return jestFileResults(file, { source: SOURCE, ...(rootDir !== undefined && { rootDir }) });
}
