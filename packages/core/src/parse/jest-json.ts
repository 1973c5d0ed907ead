/**
 * Jest `--json` output → TestResult[].
 *
 * - One TestResult per `testResults[].assertionResults[]` entry; suitePath = `ancestorTitles` (describe
 *   blocks, outermost first), name = `title` (test.each titles are already interpolated by Jest).
 * - Status: passed → passed; failed → failed; pending, skipped, todo, disabled → skipped; focused → passed;
 *   anything else → error, with a message naming the unknown status (never silently passed).
 * - A test file that failed without a failing test (it did not compile, a hook threw, a module was missing)
 *   becomes one `error` result named after the file, so the failure is not lost.
 * - `retryReasons` (jest.retryTimes) → failed attempts before the final one; `invocations` counts them when
 *   Jest leaves the reasons out.
 * - ANSI colours are stripped; message = the failure text before its first stack frame, stack = all of it.
 * - file = `testFilePath` (or the older `name`), as Jest wrote it (usually absolute).
 */
import { InputError } from '../errors.js';
import type { Attempt, TestResult, TestStatus } from '../model.js';
import { isObject, objects, str, strings, type JsonObject as Json } from './json-values.js';
import { MAX_STACK_CHARS, clip, msOrUndefined, nonEmpty, splitMessageAndStack, stripAnsi } from './text.js';

// A Map, not an object literal: a status such as "constructor" must not find Object.prototype's.
const STATUS = new Map<string, TestStatus>([
  ['passed', 'passed'],
  ['focused', 'passed'],
  ['failed', 'failed'],
  ['pending', 'skipped'],
  ['skipped', 'skipped'],
  ['todo', 'skipped'],
  ['disabled', 'skipped'],
]);

export function parseJestJson(json: unknown, source: string): TestResult[] {
  const suites = isObject(json) ? json.testResults : undefined;
  if (!Array.isArray(suites)) {
    throw new InputError(
      'INPUT_NOT_RESULTS',
      source,
      `${source} is not Jest --json output: expected an object with a "testResults" array. ` +
        'Run Jest with --json --outputFile=<file> and pass that file.',
    );
  }
  const results: TestResult[] = [];
  suites.forEach((suite, index) => {
    if (!isObject(suite)) throw notAnObject(source, `testResults[${index}]`);
    results.push(...readSuite(suite, source));
  });
  return results;
}

function readSuite(suite: Json, source: string): TestResult[] {
  const file = str(suite.testFilePath) ?? str(suite.name);
  const results = objects(suite.assertionResults).map((assertion) => readAssertion(assertion, file, source));
  const suiteFailure = suiteFailureText(suite);
  if (suiteFailure !== undefined && !results.some((r) => r.status === 'failed' || r.status === 'error')) {
    results.push(suiteError(suiteFailure, file, source));
  }
  return results;
}

function readAssertion(assertion: Json, file: string | undefined, source: string): TestResult {
  const rawStatus = str(assertion.status) ?? '';
  const status = STATUS.get(rawStatus) ?? 'error';
  const failures = strings(assertion.failureMessages);
  const final: Attempt = { status, ...failureParts(failures) };
  if (!STATUS.has(rawStatus)) final.message = `Jest reported the unknown status ${JSON.stringify(rawStatus)}.`;
  const durationMs = msOrUndefined(assertion.duration);
  if (durationMs !== undefined) final.durationMs = durationMs;
  const retries: Attempt[] = strings(assertion.retryReasons).map((reason) => ({ status: 'failed', ...failureParts([reason]) }));
  // Jest writes `invocations` even where it leaves `retryReasons` empty: earlier invocations all failed.
  const invocations = typeof assertion.invocations === 'number' && Number.isInteger(assertion.invocations) ? assertion.invocations : 1;
  while (retries.length < invocations - 1) retries.push({ status: 'failed', message: 'failed (Jest gave no reason for this attempt)' });
  return {
    source,
    ...(file !== undefined && { file }),
    suitePath: strings(assertion.ancestorTitles),
    name: str(assertion.title) ?? str(assertion.fullName) ?? '',
    status: final.status,
    ...(durationMs !== undefined && { durationMs }),
    ...(final.message !== undefined && { message: final.message }),
    ...(final.stack !== undefined && { stack: final.stack }),
    properties: [],
    tags: [],
    attachments: [],
    attempts: [...retries, final],
  };
}

/** message from the first failure, stack from all of them (a test can fail in the body and in a hook). */
function failureParts(failures: string[]): Pick<Attempt, 'message' | 'stack'> {
  if (failures.length === 0) return {};
  const { message } = splitMessageAndStack(failures[0] ?? '');
  const stack = nonEmpty(failures.map(stripAnsi).join('\n\n'));
  return {
    ...(message !== undefined && { message }),
    ...(stack !== undefined && { stack: clip(stack, MAX_STACK_CHARS) }),
  };
}

/** The suite-level failure text, when the test file itself failed. */
function suiteFailureText(suite: Json): string | undefined {
  if (suite.status !== 'failed') return undefined;
  const execError = isObject(suite.testExecError) ? suite.testExecError : undefined;
  return nonEmpty(stripAnsi(str(suite.message) ?? str(suite.failureMessage) ?? str(execError?.message) ?? ''));
}

function suiteError(text: string, file: string | undefined, source: string): TestResult {
  // Jest's text starts with "● Test suite failed to run"; the line after it says why.
  const reason = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('●'));
  const message = reason ?? 'Test suite failed to run';
  const stack = clip(text, MAX_STACK_CHARS);
  return {
    source,
    ...(file !== undefined && { file }),
    suitePath: [],
    name: file ?? 'Test suite failed to run',
    status: 'error',
    message,
    stack,
    properties: [],
    tags: [],
    attachments: [],
    attempts: [{ status: 'error', message, stack }],
  };
}

function notAnObject(source: string, where: string): InputError {
  return new InputError(
    'INPUT_NOT_RESULTS',
    source,
    `${source}: ${where} is not an object. Expected Jest --json output; the file may have been edited or produced by another tool.`,
  );
}
