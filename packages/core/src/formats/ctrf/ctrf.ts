/**
 * CTRF (Common Test Report Format, https://ctrf.io: `ctrf-report.json` of jest-ctrf-json-reporter,
 * playwright-ctrf-json-reporter, pytest-ctrf, cypress-ctrf-json-reporter and others) → TestResult[]. Small pure
 * functions, no I/O; values of the wrong type read as absent (CTRF is read leniently: a report with a field the
 * schema does not know is still read).
 *
 * - One TestResult per `results.tests[]` entry: name = `name`; suitePath = `suite`, an array of titles (the
 *   spec since 0.0.0) or one string with ` > ` between them (what reporters wrote before: `login.test.ts >
 *   login`); file = `filePath` without its `./`, line = `line`, duration = `duration` (ms).
 *   jest-ctrf-json-reporter (`tool.name` "jest") writes Jest's fullName as `name`: the describe titles, which its
 *   `suite` holds after the file's name, then the test's own title, joined by spaces. Those leading titles are
 *   left out of the name, so that a title reads once (`cart.test.ts › Cart › adds`, as Jest's own JSON reads);
 *   a case id in a describe title is still found, in the suite path. Other tools' names are the test's own
 *   title, which may begin as its describe block does: they are kept whole.
 * - Status: passed → passed, failed → failed, skipped and pending → skipped. `other` is a status the runner
 *   had that CTRF has no name for: when the runner's own status (`rawStatus`) says the test did not run
 *   (`todo`, `disabled`, `ignored`, …, as jest-ctrf-json-reporter writes `test.todo`) it is skipped, saying so;
 *   any other `other` is an error naming it, so it is looked at and never taken for a pass. A status CTRF does
 *   not define (or none) is an error naming it too.
 * - message = `message` up to its first stack frame, colours removed; stack = `trace`, with the message before
 *   it when the trace does not repeat it. A passed test's message is not kept (no failure to show).
 * - Retries: `retryAttempts` (the spec's) are the earlier attempts, in `attempt` order, each with its status,
 *   duration, message, trace and attachments; the test itself is the final attempt. Producers differ on
 *   whether the list holds the final attempt (the spec's example does, playwright-ctrf-json-reporter does not):
 *   a last entry that agrees with the test's status is dropped as the test itself when `retries` counts the
 *   others, or when it passed (a passed attempt is not retried). Without `retryAttempts`, `retries` (or the
 *   older `retry`) > 0 means that many failed attempts before the final one, whose errors the report does not
 *   hold; a passed test marked `flaky` (or the older `flake`) without either had one. So a test that passed
 *   after failing is flaky, never a plain pass, and one that failed every time keeps its attempts. A test skipped
 *   on its last attempt after a failed one ends failed (as Playwright's verdict has it), saying so.
 * - tags = `tags` with one leading `@` (`@DEMO-12` names test case DEMO-12, as in any title or tag);
 *   properties = `labels` (`{"testsigma": "DEMO-3"}` names the case explicitly, as a JUnit property does) and
 *   the Playwright annotations playwright-ctrf-json-reporter keeps in `extra.annotations`.
 * - attachments = `attachments` ({name, contentType, path}, the path as written, relative to the report; a URL
 *   there, as reporters write for cloud artifacts, is a link the description names and the upload never looks
 *   for) and `screenshot` (base64, inline).
 * - output = `stdout` then `stderr`.
 */
import type { Attachment, Attempt, Property, TestResult, TestStatus } from '../../model.js';
import { stripAnsi } from '../../text.js';
import { isObject, objects, str, strings, type JsonObject as Json } from '../json-values.js';
import { linkOf } from '../links.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, clip, firstLineOf, msOrUndefined, nonEmpty, normaliseTags } from '../text.js';

// A Map, not an object literal: a status such as "constructor" must not find Object.prototype's.
const STATUS = new Map<string, TestStatus>([
  ['passed', 'passed'],
  ['failed', 'failed'],
  ['skipped', 'skipped'],
  ['pending', 'skipped'],
]);

/** Runner statuses (`rawStatus`, lower case, letters only) that mean the test did not run: `other` is then a skip. */
const NOT_RUN = new Set(['todo', 'disabled', 'skip', 'skipped', 'pending', 'ignored', 'excluded', 'notrun', 'notexecuted']);

/** Said of earlier attempts a report counts (`retries`) without holding them (`retryAttempts`). */
export const CTRF_RETRY_NOT_KEPT = 'error unknown: the CTRF report counts this attempt (retries) but does not hold it (retryAttempts)';

/** The base64 of a screenshot, by its first bytes: PNG, JPEG, GIF or WebP; PNG when unknown (what reporters take). */
const IMAGE_TYPES: readonly [string, string][] = [
  ['iVBORw0KGgo', 'image/png'],
  ['/9j/', 'image/jpeg'],
  ['R0lGOD', 'image/gif'],
  ['UklGR', 'image/webp'],
];

/** `tool.name`s whose reporters write a test's name after its describe titles, as Jest's fullName. */
const NAMES_AFTER_DESCRIBES = new Set(['jest']);

/** One `results.tests[]` entry → one TestResult. `source` is the report as it will be shown; `tool` its `tool.name`. */
export function ctrfTestResult(test: Json, source: string, tool?: string): TestResult {
  const final = finalAttempt(test);
  const earlier = earlierAttempts(test, final.status);
  if (final.status === 'skipped') failSkipAfterFailure(final, earlier);
  const attempts = [...earlier, final];
  const file = nonEmpty(str(test.filePath))?.replace(/^\.\//, '');
  const line = typeof test.line === 'number' && Number.isInteger(test.line) && test.line > 0 ? test.line : undefined;
  const output = outputOf(test);
  const lastFailing = final.status === 'passed' ? earlier.findLast((a) => a.status === 'failed' || a.status === 'error') : undefined;
  const attachments = final.attachments ?? lastFailing?.attachments ?? [];
  const suitePath = suitePathOf(test.suite);
  const name = nonEmpty(str(test.name)) ?? nonEmpty(str(test.testId)) ?? str(test.id) ?? '';
  return {
    source,
    ...(file !== undefined && { file }),
    ...(line !== undefined && { line }),
    suitePath,
    name: tool !== undefined && NAMES_AFTER_DESCRIBES.has(tool.trim().toLowerCase()) ? withoutDescribes(name, suitePath) : name,
    status: final.status,
    ...(final.durationMs !== undefined && { durationMs: final.durationMs }),
    ...(final.message !== undefined && { message: final.message }),
    ...(final.stack !== undefined && { stack: final.stack }),
    ...(output !== undefined && { output }),
    properties: propertiesOf(test),
    tags: normaliseTags(strings(test.tags)),
    attachments: [...attachments],
    attempts,
  };
}

/**
 * A test skipped on its last attempt after an earlier one failed (a retry that a condition skipped) ends as that
 * failure, as Playwright's own verdict has it: a skip must not hide a failure any more than a pass may.
 */
function failSkipAfterFailure(final: Attempt, earlier: readonly Attempt[]): void {
  const index = earlier.findLastIndex((a) => a.status === 'failed' || a.status === 'error');
  const failing = earlier[index];
  if (failing === undefined) return;
  const why = firstLineOf(failing.message);
  final.status = failing.status;
  final.message = clip(
    `Skipped on its last attempt after attempt ${index + 1} ${failing.status === 'error' ? 'errored' : 'failed'}${why === undefined ? '.' : `: ${why}`}`,
    MAX_MESSAGE_CHARS,
  );
  if (final.stack === undefined && failing.stack !== undefined) final.stack = failing.stack;
}

/**
 * Jest's fullName (`Cart adding adds`) without the describe titles the suite holds after the file's name
 * (`cart.test.ts > Cart > adding`): `adds`. Only all of them, exactly as Jest joins them; else the name as written.
 */
function withoutDescribes(name: string, suitePath: readonly string[]): string {
  if (suitePath.length < 2) return name;
  const describes = `${suitePath.slice(1).join(' ')} `;
  return name.startsWith(describes) && name.length > describes.length ? name.slice(describes.length) : name;
}

/** `["login.test.ts", "login"]` as written, or `"login.test.ts > login"` split at its ` > `. */
function suitePathOf(suite: unknown): string[] {
  const titles = typeof suite === 'string' ? suite.split(' > ') : strings(suite);
  return titles.map((title) => title.trim()).filter((title) => title !== '');
}

/** The test itself, as its last attempt. */
function finalAttempt(test: Json): Attempt {
  const { status, note } = statusOf(test.status, str(test.rawStatus));
  const attempt = attemptOf(test, status, note);
  const screenshot = screenshotOf(test.screenshot);
  const attachments = [...attachmentsOf(test.attachments), ...(screenshot === undefined ? [] : [screenshot])];
  if (attachments.length > 0) attempt.attachments = attachments;
  return attempt;
}

/** A CTRF status, and what to say of it when it is no pass, failure or skip of CTRF's own. */
function statusOf(raw: unknown, runnerStatus: string | undefined): { status: TestStatus; note?: string } {
  const known = typeof raw === 'string' ? STATUS.get(raw) : undefined;
  if (known !== undefined) return { status: known };
  const runner = nonEmpty(runnerStatus);
  if (raw === 'other') {
    if (runner !== undefined && NOT_RUN.has(runner.toLowerCase().replace(/[^a-z]/g, ''))) {
      return { status: 'skipped', note: `Not run: the runner reported ${JSON.stringify(runner)} (CTRF status "other")` };
    }
    const why = runner === undefined ? '' : ` (the runner's status ${JSON.stringify(runner)})`;
    return { status: 'error', note: `CTRF reported the status "other"${why}, which is no pass, failure or skip, so it is recorded as an error` };
  }
  return { status: 'error', note: raw === undefined ? 'CTRF reported no status' : `CTRF reported the unknown status ${JSON.stringify(raw)}` };
}

/** Status, duration, message and stack of a test or one of its `retryAttempts`. */
function attemptOf(entry: Json, status: TestStatus, note: string | undefined): Attempt {
  const attempt: Attempt = { status };
  const durationMs = msOrUndefined(entry.duration);
  if (durationMs !== undefined) attempt.durationMs = durationMs;
  if (status === 'passed') return attempt;
  const text = stripAnsi(str(entry.message) ?? '').trim();
  const trace = stripAnsi(str(entry.trace) ?? '').trim();
  const frame = text.search(/\n\s+at /);
  const own = nonEmpty(frame === -1 ? text : text.slice(0, frame));
  const message = note === undefined ? own : `${note}${own === undefined ? '.' : `: ${firstLineOf(own) ?? own}`}`;
  if (message !== undefined) attempt.message = clip(message, MAX_MESSAGE_CHARS);
  // Most runners' traces begin with the message (JavaScript stacks); jest-ctrf-json-reporter's hold the frames only,
  // and some messages hold the frames too: the longer is kept when it holds the other, else both.
  const stack = nonEmpty(trace.includes(text) ? trace : text.includes(trace) ? text : `${text}\n${trace}`);
  if (stack !== undefined) attempt.stack = clip(stack, MAX_STACK_CHARS);
  return attempt;
}

/**
 * The attempts before the final one (see the file comment): `retryAttempts` when the report holds them, else as
 * many failed attempts as `retries` counts, else one when a passed test is marked flaky.
 */
function earlierAttempts(test: Json, finalStatus: TestStatus): Attempt[] {
  const retries = countOf(test.retries) ?? countOf(test.retry);
  const entries = ordered(objects(test.retryAttempts ?? test.attempts));
  if (entries.length > 0) {
    const attempts = entries.map((entry) => {
      const { status, note } = statusOf(entry.status, str(entry.rawStatus));
      const attempt = attemptOf(entry, status, note);
      const attachments = attachmentsOf(entry.attachments);
      if (attachments.length > 0) attempt.attachments = attachments;
      return attempt;
    });
    const last = attempts[attempts.length - 1] as Attempt;
    const isFinal = last.status === finalStatus && (retries !== undefined ? attempts.length === retries + 1 : finalStatus === 'passed');
    return isFinal ? attempts.slice(0, -1) : attempts;
  }
  const flaky = test.flaky === true || test.flake === true;
  const count = retries !== undefined && retries > 0 ? retries : flaky && finalStatus === 'passed' ? 1 : 0;
  return Array.from({ length: count }, () => ({ status: 'failed', message: CTRF_RETRY_NOT_KEPT }));
}

/** A non-negative whole number, else undefined. */
function countOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** By `attempt` number when every entry has one (the spec says they SHOULD come so), else as written. */
function ordered(entries: Json[]): Json[] {
  if (!entries.every((entry) => typeof entry.attempt === 'number')) return entries;
  return [...entries].sort((a, b) => (a.attempt as number) - (b.attempt as number));
}

/**
 * `{name, contentType, path}` entries; one without a path carries nothing and is left out. A path that is a URL
 * (reporters write those for artifacts kept in a cloud store) or a `data:` URI is a link, named with its name.
 */
function attachmentsOf(value: unknown): Attachment[] {
  const out: Attachment[] = [];
  for (const entry of objects(value)) {
    const path = nonEmpty(str(entry.path));
    if (path === undefined) continue;
    const name = nonEmpty(str(entry.name));
    const link = linkOf(path);
    if (link !== undefined) {
      out.push({ name: name === undefined || name === path ? link : `${name}: ${link}` });
      continue;
    }
    const contentType = nonEmpty(str(entry.contentType));
    out.push({ name: name ?? path, path, ...(contentType !== undefined && { contentType }) });
  }
  return out;
}

/** The inline `screenshot` (base64) as an attachment, its type told by its first bytes. */
function screenshotOf(value: unknown): Attachment | undefined {
  const body = nonEmpty(str(value));
  if (body === undefined) return undefined;
  const contentType = IMAGE_TYPES.find(([start]) => body.startsWith(start))?.[1] ?? 'image/png';
  return { name: 'screenshot', contentType, body };
}

/** `labels` (each value, or each item of an array value) and `extra.annotations` ({type, description}). */
function propertiesOf(test: Json): Property[] {
  const properties: Property[] = [];
  const add = (name: string, value: string): void => {
    if (name.trim() !== '' && !properties.some((p) => p.name === name && p.value === value)) properties.push({ name, value });
  };
  if (isObject(test.labels)) {
    for (const [name, value] of Object.entries(test.labels)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') add(name, String(item));
      }
    }
  }
  const extra = isObject(test.extra) ? test.extra : {};
  for (const annotation of objects(extra.annotations)) {
    const type = str(annotation.type);
    if (type !== undefined) add(type.trim(), str(annotation.description) ?? '');
  }
  return properties;
}

/** `stdout` then `stderr` (arrays of lines), colours removed, capped. */
function outputOf(test: Json): string | undefined {
  const text = nonEmpty(stripAnsi([...strings(test.stdout), ...strings(test.stderr)].join('\n')));
  return text === undefined ? undefined : clip(text, MAX_OUTPUT_CHARS);
}
