/**
 * Playwright JSON reporter output → TestResult[].
 *
 * - One TestResult per spec × project (`spec.tests[]` has one entry per project), never one per attempt:
 *   `results[]` (one per run, retries included) become `attempts` in order.
 * - suitePath = the titles of the `describe` suites. The top-level suites are the test files: their title
 *   (the file path) goes to `file` (unless the spec names its own `file`), not into suitePath, so titles do
 *   not change when a file moves. name = the spec title.
 * - Attempt status: passed → passed; failed, timedOut → failed; interrupted → error (the run was stopped, the
 *   test did not fail an assertion); skipped → skipped. A test that was expected to fail and failed
 *   (`test.fail()`, test status "expected") is passed; one expected to fail that passed is failed.
 * - annotations → properties {name: type, value: description}; spec tags → tags with one leading `@`;
 *   a `skip`/`fixme` annotation's description is the message of a skipped test.
 * - output = stdout/stderr of the final attempt; attachments with a `path`, from every attempt (the trace of
 *   a failed first run is what a person wants for a flaky test). Attachments carried inline (`body`, no
 *   path) are left out: the model has no place for their bytes.
 * - Top-level `errors[]` (global setup/teardown, worker crashes) belong to no test: they are returned as
 *   warnings by `playwrightGlobalErrors`, not as results.
 */
import { InputError } from '../../errors.js';
import type { Attachment, Attempt, Property, TestResult, TestStatus } from '../../model.js';
import { isObject, objects, str, strings, type JsonObject } from '../json-values.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, clip, msOrUndefined, nonEmpty, normaliseTags, stripAnsi } from '../text.js';

// A Map, not an object literal: a status such as "constructor" must not find Object.prototype's.
const ATTEMPT_STATUS = new Map<string, TestStatus>([
  ['passed', 'passed'],
  ['failed', 'failed'],
  ['timedOut', 'failed'],
  ['interrupted', 'error'],
  ['skipped', 'skipped'],
]);

interface Scope {
  suitePath: string[];
  file?: string;
}

export function parsePlaywrightJson(json: unknown, source: string): TestResult[] {
  const suites = isObject(json) ? json.suites : undefined;
  if (!Array.isArray(suites)) {
    throw new InputError(
      'INPUT_NOT_RESULTS',
      source,
      `${source} is not Playwright JSON reporter output: expected an object with a "suites" array. ` +
        "Run Playwright with --reporter=json (PLAYWRIGHT_JSON_OUTPUT_FILE=<file>) and pass that file.",
    );
  }
  const results: TestResult[] = [];
  for (const fileSuite of objects(suites)) {
    const file = str(fileSuite.file) ?? str(fileSuite.title);
    walkSuite(fileSuite, { suitePath: [], ...(file !== undefined && { file }) }, source, results);
  }
  return results;
}

/** Messages of the run-level errors (outside any test), for the caller to show as warnings. */
export function playwrightGlobalErrors(json: unknown): string[] {
  if (!isObject(json)) return [];
  return objects(json.errors)
    .map((error) => nonEmpty(stripAnsi(str(error.message) ?? str(error.value) ?? '')))
    .filter((message): message is string => message !== undefined);
}

function walkSuite(suite: JsonObject, scope: Scope, source: string, out: TestResult[]): void {
  for (const spec of objects(suite.specs)) {
    for (const test of objects(spec.tests)) out.push(readTest(spec, test, scope, source));
  }
  for (const child of objects(suite.suites)) {
    const title = str(child.title) ?? '';
    walkSuite(child, { ...scope, suitePath: title === '' ? scope.suitePath : [...scope.suitePath, title] }, source, out);
  }
}

function readTest(spec: JsonObject, test: JsonObject, scope: Scope, source: string): TestResult {
  const runs = objects(test.results);
  const attempts = runs.length > 0 ? runs.map(readAttempt) : [{ status: notRunStatus(test) }];
  applyExpectedStatus(attempts, test, str(runs[runs.length - 1]?.status));
  const final = attempts[attempts.length - 1] as Attempt;
  const properties = readAnnotations(test, runs);
  // test.skip('reason') / test.fixme('reason') record the reason as an annotation: it is the skip message.
  const skipReason = properties.find((p) => (p.name === 'skip' || p.name === 'fixme') && p.value !== '')?.value;
  if (final.status === 'skipped' && final.message === undefined && skipReason !== undefined) final.message = skipReason;
  const file = str(spec.file) ?? scope.file;
  const line = typeof spec.line === 'number' && Number.isInteger(spec.line) && spec.line > 0 ? spec.line : undefined;
  const project = nonEmpty(str(test.projectName));
  const output = runs.length > 0 ? readOutput(runs[runs.length - 1] as JsonObject) : undefined;
  return {
    source,
    ...(file !== undefined && { file }),
    ...(line !== undefined && { line }),
    suitePath: [...scope.suitePath],
    name: str(spec.title) ?? '',
    ...(project !== undefined && { project }),
    status: final.status,
    ...(final.durationMs !== undefined && { durationMs: final.durationMs }),
    ...(final.message !== undefined && { message: final.message }),
    ...(final.stack !== undefined && { stack: final.stack }),
    ...(output !== undefined && { output }),
    properties,
    tags: normaliseTags([...strings(spec.tags), ...strings(test.tags)]),
    attachments: readAttachments(runs),
    attempts,
  };
}

function readAttempt(run: JsonObject): Attempt {
  const raw = str(run.status) ?? '';
  const attempt: Attempt = { status: ATTEMPT_STATUS.get(raw) ?? 'error' };
  const durationMs = msOrUndefined(run.duration);
  if (durationMs !== undefined) attempt.durationMs = durationMs;
  const errors = objects(run.errors);
  if (errors.length === 0 && isObject(run.error)) errors.push(run.error);
  const messages = errors.map((e) => nonEmpty(stripAnsi(str(e.message) ?? str(e.value) ?? ''))).filter((m) => m !== undefined);
  const stacks = errors.map((e) => nonEmpty(stripAnsi(str(e.stack) ?? ''))).filter((s) => s !== undefined);
  if (messages.length > 0) attempt.message = clip(messages.join('\n\n'), MAX_MESSAGE_CHARS);
  else if (!ATTEMPT_STATUS.has(raw)) attempt.message = `Playwright reported the unknown status ${JSON.stringify(raw)}.`;
  if (stacks.length > 0) attempt.stack = clip(stacks.join('\n\n'), MAX_STACK_CHARS);
  return attempt;
}

/** A test without results was never started (an earlier failure in serial mode, --max-failures, a filter). */
function notRunStatus(test: JsonObject): TestStatus {
  return test.status === 'unexpected' ? 'failed' : 'skipped';
}

/**
 * `test.fail()`: Playwright expects the failure, so an expected failure is a pass and a pass is a failure.
 * Only the final attempt decides the outcome, so only it is adjusted.
 */
function applyExpectedStatus(attempts: Attempt[], test: JsonObject, lastRawStatus: string | undefined): void {
  if (test.expectedStatus !== 'failed') return;
  const final = attempts[attempts.length - 1] as Attempt;
  // Playwright's own verdict when present; a timeout is not the expected failure.
  const asExpected = test.status === 'expected' || (test.status === undefined && lastRawStatus === 'failed');
  if (asExpected && final.status === 'failed') {
    attempts[attempts.length - 1] = { status: 'passed', ...(final.durationMs !== undefined && { durationMs: final.durationMs }) };
  } else if (final.status === 'passed') {
    final.status = 'failed';
    final.message = 'Expected to fail (test.fail()), but passed.';
  }
}

function readAnnotations(test: JsonObject, runs: JsonObject[]): Property[] {
  const last = runs[runs.length - 1];
  const all = [...objects(test.annotations), ...(last ? objects(last.annotations) : [])];
  const properties: Property[] = [];
  for (const annotation of all) {
    const name = str(annotation.type);
    if (name === undefined || name === '') continue;
    const value = str(annotation.description) ?? '';
    if (!properties.some((p) => p.name === name && p.value === value)) properties.push({ name, value });
  }
  return properties;
}

/** stdout/stderr entries are `{text}` or `{buffer}` (base64). */
function readOutput(run: JsonObject): string | undefined {
  const parts = [...objects(run.stdout), ...objects(run.stderr)].map((entry) => {
    const text = str(entry.text);
    if (text !== undefined) return text;
    const buffer = str(entry.buffer);
    return buffer === undefined ? '' : Buffer.from(buffer, 'base64').toString('utf8');
  });
  const output = nonEmpty(stripAnsi(parts.join('')));
  return output === undefined ? undefined : clip(output, MAX_OUTPUT_CHARS);
}

function readAttachments(runs: JsonObject[]): Attachment[] {
  const attachments: Attachment[] = [];
  for (const run of runs) {
    for (const raw of objects(run.attachments)) {
      const path = str(raw.path);
      if (path === undefined || path === '' || attachments.some((a) => a.path === path)) continue;
      const contentType = str(raw.contentType);
      attachments.push({ name: str(raw.name) ?? path, path, ...(contentType !== undefined && { contentType }) });
    }
  }
  return attachments;
}
