/**
 * Vitest JSON (`vitest run --reporter=json --outputFile=<file>`) → TestResult[]. Small pure functions, no
 * I/O; values of the wrong type read as absent.
 *
 * Vitest imitates Jest's `--json` shape (`testResults[].assertionResults[]`), but its own details differ, so
 * it has its own rules here:
 * - One TestResult per test: suitePath = `ancestorTitles` (the `describe` titles), name = `title`
 *   (`test.each` titles already interpolated), file = the test file as Vitest wrote it (absolute: the file
 *   does not say Vitest's root).
 * - Status: passed → passed; failed → failed; skipped/pending/todo → skipped (a todo says so); anything
 *   else → error naming the unknown status (never silently passed).
 * - Retries (`{ retry: n }`): Vitest writes no attempt count, but keeps each failed attempt's error in
 *   `failureMessages`. A passed test with failure messages therefore passed after that many failed attempts
 *   (flaky). A failed test's messages are all shown as one final attempt: one attempt may fail with several
 *   errors (the test and an `afterEach`), so they cannot be counted as attempts.
 * - Failures: colours and Vitest's own stack frames removed; message = the first failure up to its first
 *   stack frame, stack = every failure.
 * - Vitest tags → tags with one leading `@`; `meta` entries with a plain value (`task.meta.testsigma =
 *   'DEMO-3'`) → properties, where a `testsigma` property names a test case explicitly.
 * - A file that failed without a failing test (it did not import, a `describe` body or an `afterAll` threw)
 *   → one `error` result named after the file, with Vitest's message: never dropped silently.
 */
import { InputError } from '../../errors.js';
import type { Attempt, Property, TestResult, TestStatus } from '../../model.js';
import { isObject, objects, str, strings, type JsonObject as Json } from '../json-values.js';
import { MAX_MESSAGE_CHARS, MAX_STACK_CHARS, clip, messageAndStack, msOrUndefined, normaliseTags } from '../text.js';
import { firstLine, stripAnsi } from '../../text.js';

// A Map, not an object literal: a status such as "constructor" must not find Object.prototype's.
const STATUS = new Map<string, TestStatus>([
  ['passed', 'passed'],
  ['failed', 'failed'],
  ['skipped', 'skipped'],
  ['pending', 'skipped'],
  ['todo', 'skipped'],
]);

/** Said about a test file that failed to run without saying why. */
export const VITEST_NO_REASON = 'Vitest marked the file as failed without a message';

export function parseVitestJson(json: unknown, source: string): TestResult[] {
  const files = isObject(json) ? json.testResults : undefined;
  if (!Array.isArray(files)) {
    throw new InputError(
      'INPUT_NOT_RESULTS',
      source,
      `${source} is not Vitest JSON: expected an object with a "testResults" array. ` +
        'Run Vitest with --reporter=json --outputFile=<file> and pass that file.',
    );
  }
  const results: TestResult[] = [];
  files.forEach((file, index) => {
    if (!isObject(file)) {
      throw new InputError(
        'INPUT_NOT_RESULTS',
        source,
        `${source}: testResults[${index}] is not an object. Expected Vitest JSON; the file may have been edited or produced by another tool.`,
      );
    }
    results.push(...vitestFileResults(file, source));
  });
  return results;
}

/** Every test of one file, plus one error result when the file itself failed. */
function vitestFileResults(file: Json, source: string): TestResult[] {
  const path = str(file.name) ?? '';
  const tests = objects(file.assertionResults);
  const results = tests.map((test) => vitestTestResult(test, path, source));
  if (file.status === 'failed' && !results.some((r) => r.status === 'failed')) results.push(fileErrorResult(path, str(file.message), source));
  return results;
}

function vitestTestResult(test: Json, path: string, source: string): TestResult {
  const rawStatus = str(test.status) ?? '';
  const known = STATUS.get(rawStatus);
  const status: TestStatus = known ?? 'error';
  const failures = strings(test.failureMessages)
    .map(clean)
    .filter((f) => f !== '');
  const durationMs = msOrUndefined(test.duration);
  // A passed test's failures are its failed attempts (see the file comment); a failed test's are its own.
  const earlier: Attempt[] = status === 'passed' ? failures.map((f) => ({ status: 'failed', ...failureParts([f]) })) : [];
  const final: Attempt = { status, ...(status === 'passed' ? {} : failureParts(failures)) };
  if (known === undefined) final.message = `Vitest reported the unknown status ${JSON.stringify(rawStatus)}.`;
  else if (rawStatus === 'todo' && final.message === undefined) final.message = 'test.todo: not written yet.';
  if (durationMs !== undefined) final.durationMs = durationMs;
  return {
    source,
    ...(path !== '' && { file: path }),
    suitePath: strings(test.ancestorTitles),
    name: str(test.title) ?? str(test.fullName) ?? '',
    status,
    ...(durationMs !== undefined && { durationMs }),
    ...(final.message !== undefined && { message: final.message }),
    ...(final.stack !== undefined && { stack: final.stack }),
    properties: metaProperties(test.meta),
    tags: normaliseTags(strings(test.tags)),
    attachments: [],
    attempts: [...earlier, final],
  };
}

function fileErrorResult(path: string, rawMessage: string | undefined, source: string): TestResult {
  const text = clean(rawMessage ?? '');
  const reason = text === '' ? undefined : firstLine(text);
  const message = clip(`The test file failed to run: ${reason ?? `${VITEST_NO_REASON}.`}`, MAX_MESSAGE_CHARS);
  const stack = text === '' ? undefined : clip(text, MAX_STACK_CHARS);
  return {
    source,
    ...(path !== '' && { file: path }),
    suitePath: [],
    // The file's path is its title, so a case id in the file name (`DEMO-3.test.ts`) still maps it.
    name: path === '' ? 'test file that failed to run' : path,
    status: 'error',
    message,
    ...(stack !== undefined && { stack }),
    properties: [],
    tags: [],
    attachments: [],
    attempts: [{ status: 'error', message, ...(stack !== undefined && { stack }) }],
  };
}

// Frames of Vitest's own machinery (its runner chunks, tinypool, Node's internals), which say nothing about the test.
const VITEST_FRAME =
  /^\s+at (?:.*[\\/]node_modules[\\/](?:vitest|@vitest[\\/][^\\/]+|tinypool|tinyspy|chai)[\\/].*|.*\(?node:internal[\\/].*|new Promise \(<anonymous>\))$/;

/** The text without Vitest's internal stack frames; unchanged if nothing else would be left. */
function withoutVitestFrames(text: string): string {
  const lines = text.split('\n');
  const frames = lines.filter((l) => /^\s+at /.test(l));
  if (frames.length > 0 && frames.every((l) => VITEST_FRAME.test(l))) return text;
  return lines.filter((l) => !VITEST_FRAME.test(l)).join('\n');
}

/** message = the first failure up to its first stack frame; stack = every failure. */
function failureParts(failures: readonly string[]): Pick<Attempt, 'message' | 'stack'> {
  return messageAndStack(failures.map(withoutVitestFrames));
}

function metaProperties(meta: unknown): Property[] {
  if (!isObject(meta)) return [];
  return Object.entries(meta)
    .filter((entry): entry is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof entry[1]))
    .map(([name, value]) => ({ name, value: String(value) }));
}

/** Colours removed, line ends made `\n` (so frames are found in Windows text too), trimmed. */
function clean(text: string): string {
  return stripAnsi(text).trim();
}
