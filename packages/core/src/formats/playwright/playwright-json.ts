/**
 * Playwright JSON reporter output → TestResult[]: the suite tree is read into the shape of shape.ts, then the
 * rules of rules.ts (shared with the live reporter) decide.
 *
 * - `spec.tests[]` has one entry per project: each is one test. The top-level suites are the test files: their
 *   title goes to `file` (unless the spec names its own `file`, relative to the config's rootDir), not into the
 *   suite path, so titles do not change when a file moves. Nested suites are the `describe`s.
 * - `tests[].status` is Playwright's outcome() of the test; `results[]` are its attempts.
 * - Top-level `errors[]` (global setup/teardown, worker crashes) belong to no test: they are not results but
 *   the file's errors outside any test (outside-tests.ts), read by the stream reader.
 */
import { InputError } from '../../errors.js';
import type { TestResult } from '../../model.js';
import { isObject, objects, str, strings, type JsonObject } from '../json-values.js';
import { playwrightCaseToResult } from './rules.js';
import { asOutcome, type PlaywrightAnnotation, type PlaywrightAttachment, type PlaywrightAttempt, type PlaywrightCase, type PlaywrightError } from './shape.js';

/** What a spec takes from its enclosing suites: one object per suite, shared by all its specs. */
export interface Scope {
  suitePath: string[];
  file?: string;
}

export function parsePlaywrightJson(json: unknown, source: string): TestResult[] {
  const suites = isObject(json) ? json.suites : undefined;
  if (!Array.isArray(suites)) throw notPlaywrightJson(source);
  return playwrightJsonCases(json).map((test) => playwrightCaseToResult(test, source));
}

export function notPlaywrightJson(source: string): InputError {
  return new InputError(
    'INPUT_NOT_RESULTS',
    source,
    `${source} is not Playwright JSON reporter output: expected an object with a "suites" array. ` +
      'Run Playwright with --reporter=json (PLAYWRIGHT_JSON_OUTPUT_FILE=<file>) and pass that file.',
  );
}

/** The JSON suite tree as the shape the rules read, in file order. */
function playwrightJsonCases(json: unknown): PlaywrightCase[] {
  const cases: PlaywrightCase[] = [];
  for (const fileSuite of objects(isObject(json) ? json.suites : undefined)) walkSuite(fileSuite, fileScope(fileSuite.title, fileSuite.file), cases);
  return cases;
}

function walkSuite(suite: JsonObject, scope: Scope, out: PlaywrightCase[]): void {
  for (const spec of objects(suite.specs)) out.push(...specCases(spec, scope));
  for (const child of objects(suite.suites)) walkSuite(child, describeScope(scope, child.title), out);
}

/** A top-level suite is a test file: its file (or title) is the tests' file, not part of their suite path. */
export function fileScope(title: unknown, file: unknown): Scope {
  const shown = str(file) ?? str(title);
  return { suitePath: [], ...(shown !== undefined && { file: shown }) };
}

/** A nested suite is a `describe`; an anonymous one adds nothing to the path. */
export function describeScope(parent: Scope, title: unknown): Scope {
  const shown = str(title) ?? '';
  return { ...parent, suitePath: shown === '' ? parent.suitePath : [...parent.suitePath, shown] };
}

/** One spec: one case per test (one per project). */
export function specCases(spec: JsonObject, scope: Scope): PlaywrightCase[] {
  return objects(spec.tests).map((test) => readCase(spec, test, scope));
}

function readCase(spec: JsonObject, test: JsonObject, scope: Scope): PlaywrightCase {
  const file = str(spec.file) ?? scope.file;
  const project = str(test.projectName);
  const outcome = asOutcome(test.status);
  const line = typeof spec.line === 'number' ? spec.line : undefined;
  const column = typeof spec.column === 'number' ? spec.column : undefined;
  return {
    suitePath: [...scope.suitePath],
    title: str(spec.title) ?? '',
    ...(project !== undefined && { project }),
    ...(file !== undefined && { file }),
    ...(line !== undefined && { line }),
    ...(column !== undefined && { column }),
    annotations: readAnnotations(test.annotations),
    tags: strings(spec.tags),
    expectedStatus: str(test.expectedStatus) ?? 'passed',
    ...(outcome !== undefined && { outcome }),
    attempts: objects(test.results).map(readAttempt),
  };
}

function readAttempt(run: JsonObject): PlaywrightAttempt {
  return {
    ...(typeof run.retry === 'number' && { retry: run.retry }),
    status: str(run.status) ?? '',
    duration: run.duration,
    errors: readErrors(run),
    annotations: readAnnotations(run.annotations),
    attachments: objects(run.attachments).map(readAttachment),
    stdout: objects(run.stdout).map(readChunk),
    stderr: objects(run.stderr).map(readChunk),
  };
}

/**
 * `errors[]` is written pre-formatted (message, code snippet and stack lines in one `message`); `error` is the
 * first error as thrown, the same object the live reporter sees. So the first error is read from `error`, and
 * the others (soft assertions) are split back into message and stack.
 */
function readErrors(run: JsonObject): PlaywrightError[] {
  const formatted = objects(run.errors);
  const first = isObject(run.error) ? readError(run.error) : undefined;
  if (formatted.length === 0) return first ? [first] : [];
  return formatted.map((error, i) => (i === 0 && first ? first : unformat(readError(error))));
}

function readError(raw: JsonObject): PlaywrightError {
  const message = str(raw.message);
  const stack = str(raw.stack);
  const value = str(raw.value);
  return { ...(message !== undefined && { message }), ...(stack !== undefined && { stack }), ...(value !== undefined && { value }) };
}

// A stack frame line as Playwright's own parser finds it (parseErrorStack: the first line starting "    at ").
const isStackFrame = (line: string): boolean => line.startsWith('    at ');
const SNIPPET_LINE = /^\s*(>\s*)?\d*\s*\|/;

/** "message\n\n  12 | code\n     |  ^\n    at frame" → the message, and a stack that repeats it as JavaScript's do. */
function unformat(error: PlaywrightError): PlaywrightError {
  if (error.stack !== undefined || error.message === undefined) return error;
  const lines = error.message.split('\n');
  const firstFrame = lines.findIndex(isStackFrame);
  if (firstFrame === -1) return error;
  const head = lines.slice(0, firstFrame);
  while (head.length > 0 && (SNIPPET_LINE.test(head[head.length - 1] as string) || (head[head.length - 1] as string).trim() === '')) head.pop();
  const message = head.join('\n');
  return { message, stack: [message, ...lines.slice(firstFrame)].join('\n') };
}

function readAnnotations(value: unknown): PlaywrightAnnotation[] {
  return objects(value).flatMap((a) => {
    const type = str(a.type);
    const description = str(a.description);
    return type === undefined ? [] : [{ type, ...(description !== undefined && { description }) }];
  });
}

function readAttachment(raw: JsonObject): PlaywrightAttachment {
  const contentType = str(raw.contentType);
  const path = str(raw.path);
  const body = str(raw.body);
  return {
    name: str(raw.name) ?? '',
    ...(contentType !== undefined && { contentType }),
    ...(path !== undefined && { path }),
    ...(body !== undefined && { body }),
  };
}

/** stdout/stderr entries are `{text}` or `{buffer}` (base64). */
function readChunk(entry: JsonObject): string {
  const text = str(entry.text);
  if (text !== undefined) return text;
  const buffer = str(entry.buffer);
  return buffer === undefined ? '' : Buffer.from(buffer, 'base64').toString('utf8');
}
