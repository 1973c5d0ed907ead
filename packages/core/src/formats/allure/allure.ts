/**
 * Allure results (`allure-results/`: one `<uuid>-result.json` per test run, `<uuid>-container.json` per fixture
 * scope, attachments beside them), as allure-jest, allure-playwright, allure-vitest, allure-pytest, Allure's
 * Java and .NET adapters write them → TestResult[]. Small pure functions, no I/O; values of the wrong type
 * read as absent.
 *
 * - One TestResult per test: results sharing a `historyId` are runs of one test (retries, or a test run again
 *   into the same directory); the one that stopped last decides, the earlier ones are its attempts.
 * - Status: passed → passed, failed (an assertion) → failed, broken (an exception) → error, skipped →
 *   skipped, unknown or anything else → error naming it. message = the first line of `statusDetails.message`,
 *   stack = message and `trace`. Duration = `stop - start`.
 * - Title: suitePath = the `parentSuite`, `suite` and `subSuite` labels (else Allure 3's `titlePath`, else the
 *   `package` label), name = `name`; classname = the `testClass` label (Java, pytest classes).
 * - Test cases: every `tms` link (its `name`, or the last part of its `url`; adapters fill them either way
 *   round), every `AS_ID` label (Allure TestOps' id) and every `testsigma` label becomes a `testsigma`
 *   property, so it names the case explicitly; an id in the title still counts as for any format. `tag`
 *   labels → tags.
 * - Attachments: the result's and its steps' `attachments[]` {name, source, type}; `source` is a file in the
 *   results directory, so `path` is relative to the result file.
 * - Fixtures: a container whose `befores` or `afters` failed or broke fails its children that did not fail on
 *   their own (a `beforeAll` that threw, an `afterAll` that could not clean up), with the fixture's message.
 *   One none of whose children left a result (JUnit 5's `@BeforeAll` that threw before its tests started)
 *   becomes a result of its own, titled after the container (else the fixture), from the container's file.
 */
import type { Attachment, Attempt, Property, TestResult, TestStatus } from '../../model.js';
import { isObject, objects, str, type JsonObject as Json } from '../json-values.js';
import { MAX_MESSAGE_CHARS, MAX_STACK_CHARS, clip, nonEmpty, normaliseTags } from '../text.js';
import { stripAnsi } from '../../text.js';
import { firstLineOf as firstLine } from '../text.js';

const STATUS = new Map<string, TestStatus>([
  ['passed', 'passed'],
  ['failed', 'failed'],
  ['broken', 'error'],
  ['skipped', 'skipped'],
]);

/** One `*-result.json`, read down to what is kept. */
export interface AllureRun {
  uuid: string;
  /** Runs with the same key are attempts of one test. */
  key: string;
  stop: number;
  result: TestResult;
}

/** A fixture that failed, and the runs it applies to. */
export interface AllureFixtureFailure {
  /** The container's file, as shown: the source of the result standing for the fixture when it has no child. */
  source: string;
  /** The container's name, else the fixture's: the title of that result. */
  title: string;
  children: string[];
  status: TestStatus;
  message: string;
  stack?: string;
}

/** What groups a result with its retries and orders it, without converting it: uuid, history key, stop time. */
export function allureIdentity(json: Json, source: string): Pick<AllureRun, 'uuid' | 'key' | 'stop'> {
  const uuid = str(json.uuid) ?? source;
  const start = typeof json.start === 'number' ? json.start : undefined;
  const stop = typeof json.stop === 'number' ? json.stop : undefined;
  return { uuid, key: str(json.historyId) ?? str(json.testCaseId) ?? str(json.fullName) ?? uuid, stop: stop ?? start ?? 0 };
}

/** One `*-result.json` → its run; `source` is the result file's path as it will be shown. */
export function allureRun(json: Json, source: string): AllureRun {
  const { uuid, key, stop: order } = allureIdentity(json, source);
  const labels = objects(json.labels).map((l) => ({ name: str(l.name) ?? '', value: str(l.value) ?? '' }));
  const label = (name: string): string[] => labels.filter((l) => l.name === name && l.value.trim() !== '').map((l) => l.value.trim());
  const rawStatus = str(json.status) ?? 'unknown';
  const known = STATUS.get(rawStatus);
  const status: TestStatus = known ?? 'error';
  const details = isObject(json.statusDetails) ? json.statusDetails : {};
  const text = stripAnsi(str(details.message) ?? '').trim();
  const trace = stripAnsi(str(details.trace) ?? '').trim();
  let message = firstLine(text);
  if (known === undefined) message = `Allure reported the status ${JSON.stringify(rawStatus)}${message === undefined ? '' : `: ${message}`}`;
  if (message !== undefined) message = clip(message, MAX_MESSAGE_CHARS);
  // Most adapters repeat the message at the top of the trace.
  const stack = nonEmpty(trace === '' || trace.includes(text) ? trace || text : `${text}\n${trace}`);
  const start = typeof json.start === 'number' ? json.start : undefined;
  const stop = typeof json.stop === 'number' ? json.stop : undefined;
  const durationMs = start !== undefined && stop !== undefined && stop >= start ? Math.round(stop - start) : undefined;
  const suites = [...label('parentSuite'), ...label('suite'), ...label('subSuite')];
  const titlePath = Array.isArray(json.titlePath) ? json.titlePath.filter((t): t is string => typeof t === 'string') : [];
  const suitePath = suites.length > 0 ? suites : titlePath.length > 0 ? titlePath : label('package');
  const classname = label('testClass')[0];
  const attachments = attachmentsOf(json);
  const properties: Property[] = [...tmsIds(json.links), ...label('AS_ID'), ...label('testsigma')].map((value) => ({ name: 'testsigma', value }));
  const final: Attempt = {
    status,
    ...(durationMs !== undefined && { durationMs }),
    ...(message !== undefined && { message }),
    ...(stack !== undefined && { stack: clip(stack, MAX_STACK_CHARS) }),
    ...(attachments.length > 0 && { attachments }),
  };
  return {
    uuid,
    key,
    stop: order,
    result: {
      source,
      suitePath,
      name: str(json.name) ?? str(json.fullName) ?? uuid,
      ...(classname !== undefined && { classname }),
      status,
      ...(durationMs !== undefined && { durationMs }),
      ...(final.message !== undefined && { message: final.message }),
      ...(final.stack !== undefined && { stack: final.stack }),
      properties: dedupe(properties),
      tags: normaliseTags(label('tag')),
      attachments,
      attempts: [final],
    },
  };
}

/** One `*-container.json` (`source`, as shown) → its failed fixture, or undefined when every fixture passed. */
export function allureFixtureFailure(json: Json, source: string): AllureFixtureFailure | undefined {
  const fixtures = [...objects(json.befores).map((f) => ({ f, kind: 'before' })), ...objects(json.afters).map((f) => ({ f, kind: 'after' }))];
  const failed = fixtures.find(({ f }) => f.status === 'failed' || f.status === 'broken');
  if (failed === undefined) return undefined;
  const details = isObject(failed.f.statusDetails) ? failed.f.statusDetails : {};
  const text = stripAnsi(str(details.message) ?? '').trim();
  const trace = stripAnsi(str(details.trace) ?? '').trim();
  const name = nonEmpty(str(failed.f.name)) ?? nonEmpty(str(json.name)) ?? `${failed.kind} fixture`;
  const reason = firstLine(text);
  return {
    source,
    title: nonEmpty(str(json.name)) ?? name,
    children: (Array.isArray(json.children) ? json.children : []).filter((c): c is string => typeof c === 'string'),
    status: failed.f.status === 'failed' ? 'failed' : 'error',
    message: clip(
      `The ${failed.kind === 'before' ? 'set-up' : 'tear-down'} fixture "${name}" ${failed.f.status === 'failed' ? 'failed' : 'broke'}${reason === undefined ? '.' : `: ${reason}`}`,
      MAX_MESSAGE_CHARS,
    ),
    ...(trace !== '' || text !== '' ? { stack: clip(trace !== '' ? trace : text, MAX_STACK_CHARS) } : {}),
  };
}

/** Runs and failed fixtures → one TestResult per test, in the order each test first ran. */
export function allureResults(runs: readonly AllureRun[], fixtures: readonly AllureFixtureFailure[]): TestResult[] {
  const groups = new Map<string, AllureRun[]>();
  for (const run of [...runs].sort((a, b) => a.stop - b.stop)) {
    const group = groups.get(run.key);
    if (group === undefined) groups.set(run.key, [run]);
    else group.push(run);
  }
  const fixtureOf = new Map<string, AllureFixtureFailure>();
  for (const fixture of fixtures) for (const child of fixture.children) if (!fixtureOf.has(child)) fixtureOf.set(child, fixture);
  const results: TestResult[] = [];
  for (const group of groups.values()) {
    const last = group[group.length - 1] as AllureRun;
    const result: TestResult = { ...last.result, attempts: group.flatMap((run) => run.result.attempts) };
    const fixture = group.map((run) => fixtureOf.get(run.uuid)).find((f) => f !== undefined);
    if (fixture !== undefined && (result.status === 'passed' || result.status === 'skipped')) {
      const attempt: Attempt = { status: fixture.status, message: fixture.message, ...(fixture.stack !== undefined && { stack: fixture.stack }) };
      result.status = fixture.status;
      result.message = fixture.message;
      if (fixture.stack !== undefined) result.stack = fixture.stack;
      else delete result.stack;
      result.attempts = [...result.attempts.slice(0, -1), { ...result.attempts[result.attempts.length - 1], ...attempt }];
    }
    results.push(result);
  }
  return results;
}

/** A failed fixture none of whose children left a result: the one result that says it failed. */
export function allureFixtureResult(fixture: AllureFixtureFailure): TestResult {
  const attempt: Attempt = { status: fixture.status, message: fixture.message, ...(fixture.stack !== undefined && { stack: fixture.stack }) };
  return {
    source: fixture.source,
    suitePath: [],
    name: fixture.title,
    status: fixture.status,
    message: fixture.message,
    ...(fixture.stack !== undefined && { stack: fixture.stack }),
    properties: [],
    tags: [],
    attachments: [],
    attempts: [attempt],
  };
}

/** The case id a `tms` link carries: its name, or the last part of its url, whichever is not a URL. */
function tmsIds(links: unknown): string[] {
  const ids: string[] = [];
  for (const link of objects(links)) {
    if ((str(link.type) ?? '').toLowerCase() !== 'tms') continue;
    const candidates = [str(link.name), str(link.url)].map((v) => nonEmpty(v)).filter((v): v is string => v !== undefined);
    const plain = candidates.find((v) => !v.includes('/'));
    const id = plain ?? candidates.map(lastSegment).find((v) => v !== undefined);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

function lastSegment(url: string): string | undefined {
  const path = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  return nonEmpty(decodeURIComponentSafe(path.slice(path.lastIndexOf('/') + 1)));
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The result's attachments and its steps', depth first. */
function attachmentsOf(item: Json): Attachment[] {
  const own = objects(item.attachments).flatMap((a): Attachment[] => {
    const source = nonEmpty(str(a.source));
    if (source === undefined) return [];
    const type = nonEmpty(str(a.type));
    return [{ name: nonEmpty(str(a.name)) ?? source, path: source, ...(type !== undefined && { contentType: type }) }];
  });
  return [...own, ...objects(item.steps).flatMap(attachmentsOf)];
}

function dedupe(properties: Property[]): Property[] {
  const seen = new Set<string>();
  return properties.filter((p) => (seen.has(p.value) ? false : (seen.add(p.value), true)));
}
