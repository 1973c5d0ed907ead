/**
 * Jest `--json` output, and Jest's aggregated results as its reporter API hands them over → TestResult[].
 *
 * Two serialisations of Jest's AggregatedResult reach us as files:
 * - `--json`: `testResults[]` with `assertionResults` instead of `testResults`, `name` instead of
 *   `testFilePath`, `message` for the file's failure text and a file `status`;
 * - the object itself, as `testResultsProcessor` and custom reporters receive it and tools such as jest-stare
 *   write it: `testResults[].testResults[]`, `testFilePath`, `failureMessage` (null when the file passed) and
 *   `testExecError`, no file `status`. Read as `--json` it gave 0 tests, so both are read here.
 * This module only checks that shape and normalises each file into the structural types of `./jest.js`; the
 * conversion rules (statuses, retries, failures, files that failed to run) are that converter's, the same as
 * the Jest reporter's. Values of the wrong type read as absent. `source` is the result file's path; file paths
 * stay as Jest wrote them (usually absolute), since the file does not say Jest's rootDir.
 */
import { InputError } from '../../errors.js';
import type { TestResult } from '../../model.js';
import { jestFileResults, type JestAssertionResult, type JestTestFileResult } from './jest.js';
import { isObject, objects, str, strings, type JsonObject as Json } from '../json-values.js';

export function parseJestJson(json: unknown, source: string): TestResult[] {
  const suites = isObject(json) ? json.testResults : undefined;
  if (!Array.isArray(suites)) {
    throw new InputError(
      'INPUT_NOT_RESULTS',
      source,
      `${source} is not Jest --json output: expected an object with a "testResults" array. ` + 'Run Jest with --json --outputFile=<file> and pass that file.',
    );
  }
  return suites.flatMap((suite, index) => jestSuiteResults(suite, index, source));
}

/** One `testResults[index]` entry → its tests' results. */
export function jestSuiteResults(suite: unknown, index: number, source: string): TestResult[] {
  if (!isObject(suite)) throw notAnObject(source, `testResults[${index}]`);
  return jestFileResults(toFileResult(suite), { source });
}

/** Does a `testResults[]` entry hold tests in either serialisation? */
export function isJestSuite(suite: unknown): boolean {
  return isObject(suite) && (Array.isArray(suite.assertionResults) || Array.isArray(suite.testResults));
}

/** One `testResults[]` entry in the shape of Jest's live TestResult. */
function toFileResult(suite: Json): JestTestFileResult {
  const execError = isObject(suite.testExecError) ? suite.testExecError : undefined;
  // Files converted through other tools carry every value as a string, null included (`"failureMessage": "null"`,
  // jest-stare's own test data): that is no failure text.
  const failureMessage = [str(suite.message), str(suite.failureMessage)].find((m) => m !== undefined && m !== 'null');
  // Only a failed file has a failure of its own; `message` of a passed one is empty or not the file's. The
  // aggregated shape has no file status: there a failure text or an execution error is the file's failure.
  const failed = suite.status === 'failed' || (suite.status === undefined && (execError !== undefined || (failureMessage ?? '') !== ''));
  const displayName = isObject(suite.displayName) ? str(suite.displayName.name) : str(suite.displayName);
  return {
    testFilePath: str(suite.testFilePath) ?? str(suite.name) ?? '',
    testResults: objects(Array.isArray(suite.assertionResults) ? suite.assertionResults : suite.testResults).map(toAssertion),
    ...(failed && failureMessage !== undefined && { failureMessage }),
    ...(failed && execError !== undefined && { testExecError: { message: str(execError.message) ?? '', stack: str(execError.stack) ?? null } }),
    ...(displayName !== undefined && { displayName }),
    ...(failed && { failed }),
  };
}

function toAssertion(assertion: Json): JestAssertionResult {
  return {
    ancestorTitles: strings(assertion.ancestorTitles),
    title: str(assertion.title) ?? str(assertion.fullName) ?? '',
    status: str(assertion.status) ?? '',
    duration: typeof assertion.duration === 'number' ? assertion.duration : null,
    failureMessages: strings(assertion.failureMessages),
    ...(typeof assertion.invocations === 'number' && { invocations: assertion.invocations }),
    retryReasons: strings(assertion.retryReasons),
  };
}

function notAnObject(source: string, where: string): InputError {
  return new InputError(
    'INPUT_NOT_RESULTS',
    source,
    `${source}: ${where} is not an object. Expected Jest --json output; the file may have been edited or produced by another tool.`,
  );
}
