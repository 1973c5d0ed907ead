/**
 * JUnit XML (every dialect seen in the wild) → TestResult[].
 *
 * Rules, decided once here:
 * - Root `<testsuites>` or a bare `<testsuite>`; anything else is INPUT_NOT_RESULTS.
 * - suitePath = the `name`s of the enclosing `<testsuite>` elements, outermost first. The `<testsuites>`
 *   root's name ("jest tests", "Mocha Tests") is a run label, not a suite, and is left out.
 * - One TestResult per `<testcase>` element, as written: repeated testcases are not merged (a repeated
 *   name can be a retry or a parameterised test; that policy belongs to the mapping stage).
 * - Status: the worst result child wins — `<error>` → error, `<failure>` → failed, `<skipped>` or
 *   `<disabled>` → skipped; without one, a `status`/`result` attribute saying skipped/disabled/notrun
 *   (tst, GoogleTest, jasmine) → skipped, failed → failed, errored → error; otherwise passed.
 * - Surefire reruns: `flakyFailure`/`flakyError` are failed runs before the final one, `rerunFailure`/
 *   `rerunError` are failed runs after the first `<failure>`/`<error>`. Attempts are in run order and the
 *   final outcome is the last attempt's (model rule), so a test whose last rerun was a failure is `failed`.
 * - Properties: those of every enclosing suite (including the `<testsuites>` root) apply to the testcase;
 *   a name defined at an inner level (testcase innermost) replaces the outer values of that name.
 * - Output: the testcase's own system-out/system-err; the suite's own system-out/system-err is added to the
 *   output of its failed/errored testcases only (that is where a person needs the log). Clipped; terminal
 *   colour codes (Playwright and Vitest leave them in) are stripped from output, messages and stacks.
 * - Attachments: the testcase's own `<property name="attachment" value="path"/>` entries, then
 *   `[[ATTACHMENT|path]]` markers (Jenkins attachments plugin convention) in its own system-out/system-err and
 *   failure texts; name = the path's last segment; paths stay as written (the upload resolves them safely).
 */
import { InputError } from '../../errors.js';
import type { Attachment, Attempt, Property, TestResult, TestStatus } from '../../model.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, clip, firstLine, nonEmpty, secondsToMs, stripAnsi, stripBom } from '../text.js';
import { childElements, parseXmlTree, type XmlElement } from './xml-tree.js';

/** What the enclosing suites hand down to a testcase. */
interface SuiteContext {
  suitePath: string[];
  /** Property lists, outermost first. */
  propertyLevels: Property[][];
  file?: string;
}

// Maps, not object literals, wherever an element name from the file is the key: `<constructor>` must
// not find Object.prototype's.
const NOT_JUNIT_HINTS = new Map([
  ['test-run', 'an NUnit 3 result file'],
  ['TestRun', 'a Visual Studio TRX file'],
  ['assemblies', 'an xUnit.net v2 result file'],
  ['assembly', 'an xUnit.net result file'],
  ['robot', 'a Robot Framework output.xml'],
  ['ns2:test-suite', 'an Allure 1 result file'],
  ['test-results', 'an NUnit 2 result file'],
]);

/** Parse a JUnit XML document. Throws InputError (naming `source`) when it is not one. */
export function parseJUnit(xml: string, source: string): TestResult[] {
  const text = stripBom(xml);
  if (text.trim() === '') {
    throw new InputError(
      'INPUT_EMPTY',
      source,
      `${source} is ${text === '' ? 'empty (0 bytes)' : 'only whitespace'}. Expected a JUnit XML file with a <testsuites> or <testsuite> root. ` +
        'The test run probably crashed before writing results; check the step that produced it.',
    );
  }
  const root = parseXmlTree(text, source);
  if (root.name !== 'testsuites' && root.name !== 'testsuite') {
    const hint = NOT_JUNIT_HINTS.get(root.name);
    throw new InputError(
      'INPUT_NOT_RESULTS',
      source,
      `${source} is XML but not JUnit: its root element is <${root.name}>${hint ? ` (${hint})` : ''}, expected <testsuites> or <testsuite>. ` +
        'Configure the test runner to write JUnit XML, or pass the JUnit file instead.',
    );
  }
  const results: TestResult[] = [];
  const rootContext: SuiteContext = { suitePath: [], propertyLevels: [] };
  if (root.name === 'testsuites') walkSuiteBody(root, rootContext, source, results);
  else walkSuite(root, rootContext, source, results);
  return results;
}

function walkSuite(suite: XmlElement, parent: SuiteContext, source: string, out: TestResult[]): void {
  const name = suite.attrs.name;
  const context: SuiteContext = {
    ...parent,
    suitePath: name !== undefined && name !== '' ? [...parent.suitePath, name] : parent.suitePath,
  };
  const file = nonEmpty(suite.attrs.file ?? suite.attrs.filepath);
  if (file !== undefined) context.file = file;
  walkSuiteBody(suite, context, source, out);
}

/** The children of a `<testsuite>` (or of the `<testsuites>` root, which has no name of its own). */
function walkSuiteBody(suite: XmlElement, context: SuiteContext, source: string, out: TestResult[]): void {
  const withProps: SuiteContext = { ...context, propertyLevels: [...context.propertyLevels, readProperties(suite)] };
  const suiteOutput = joinOutput(suite);
  for (const child of suite.children) {
    if (child.name === 'testsuite') walkSuite(child, withProps, source, out);
    else if (child.name === 'testcase') out.push(readTestcase(child, withProps, suiteOutput, source));
  }
}

function readTestcase(testcase: XmlElement, context: SuiteContext, suiteOutput: string | undefined, source: string): TestResult {
  const attrs = testcase.attrs;
  const attempts = readAttempts(testcase);
  const final = attempts[attempts.length - 1] as Attempt;
  const ownOutput = joinOutput(testcase);
  const failed = final.status === 'failed' || final.status === 'error';
  const output = joinParts([ownOutput, failed && suiteOutput !== undefined ? `[suite output]\n${suiteOutput}` : undefined]);
  const durationMs = secondsToMs(attrs.time);
  const classname = nonEmpty(attrs.classname ?? attrs.class);
  const file = nonEmpty(attrs.file ?? attrs.filepath) ?? context.file;
  if (attempts.length === 1 && durationMs !== undefined) final.durationMs = durationMs;
  return {
    source,
    ...(file !== undefined && { file }),
    suitePath: [...context.suitePath],
    name: attrs.name ?? '',
    ...(classname !== undefined && { classname }),
    status: final.status,
    ...(durationMs !== undefined && { durationMs }),
    ...(final.message !== undefined && { message: final.message }),
    ...(final.stack !== undefined && { stack: final.stack }),
    ...(output !== undefined && { output: clip(output, MAX_OUTPUT_CHARS) }),
    properties: mergeProperties([...context.propertyLevels, readProperties(testcase)]),
    tags: [],
    attachments: readAttachments([ownOutput, ...attempts.flatMap((a) => [a.message, a.stack])], readProperties(testcase)),
    attempts,
  };
}

const RESULT_KINDS: ReadonlyArray<{ element: string; status: TestStatus }> = [
  { element: 'error', status: 'error' },
  { element: 'failure', status: 'failed' },
  { element: 'skipped', status: 'skipped' },
  { element: 'disabled', status: 'skipped' },
];

const EARLIER_RUNS = new Map<string, TestStatus>([
  ['flakyFailure', 'failed'],
  ['flakyError', 'error'],
]);
const LATER_RUNS = new Map<string, TestStatus>([
  ['rerunFailure', 'failed'],
  ['rerunError', 'error'],
]);

/** Every run of the testcase in order: flaky runs, the main outcome, then reruns. */
function readAttempts(testcase: XmlElement): Attempt[] {
  const earlier: Attempt[] = [];
  const later: Attempt[] = [];
  for (const child of testcase.children) {
    const before = EARLIER_RUNS.get(child.name);
    const after = LATER_RUNS.get(child.name);
    if (before !== undefined) earlier.push(attemptFrom(before, [child]));
    if (after !== undefined) later.push(attemptFrom(after, [child]));
  }
  return [...earlier, mainAttempt(testcase), ...later];
}

function mainAttempt(testcase: XmlElement): Attempt {
  for (const kind of RESULT_KINDS) {
    const elements = childElements(testcase, kind.element);
    if (elements.length > 0) return attemptFrom(kind.status, elements);
  }
  return { status: statusFromAttributes(testcase.attrs) };
}

const SKIPPED_WORDS = new Set(['skipped', 'skip', 'disabled', 'notrun', 'not run', 'ignored', 'pending', 'suppressed', 'excluded']);
const FAILED_WORDS = new Set(['failed', 'failure', 'fail']);
const ERROR_WORDS = new Set(['error', 'errored', 'broken']);

/** `status="disabled"` (tst), `status="notrun"` (GoogleTest, jasmine), `result="skipped"` (GoogleTest ≥1.11). */
function statusFromAttributes(attrs: Record<string, string>): TestStatus {
  for (const value of [attrs.result, attrs.status]) {
    const word = value?.trim().toLowerCase();
    if (word === undefined) continue;
    if (SKIPPED_WORDS.has(word)) return 'skipped';
    if (FAILED_WORDS.has(word)) return 'failed';
    if (ERROR_WORDS.has(word)) return 'error';
  }
  return 'passed';
}

/**
 * One attempt from its result elements (several `<failure>`s in one testcase are joined, not dropped).
 * message = the `message` attribute, else the first line of the text, else the `type` attribute;
 * stack = surefire's nested `<stackTrace>`, else the element's text.
 */
function attemptFrom(status: TestStatus, elements: XmlElement[]): Attempt {
  const messages: string[] = [];
  const stacks: string[] = [];
  for (const element of elements) {
    const nested = childElements(element, 'stackTrace')[0];
    const stack = nonEmpty(stripAnsi(nested?.text ?? element.text));
    const message = nonEmpty(stripAnsi(element.attrs.message ?? '')) ?? firstLine(stack) ?? nonEmpty(element.attrs.type);
    if (message !== undefined) messages.push(message);
    if (stack !== undefined) stacks.push(stack);
  }
  const attempt: Attempt = { status };
  if (messages.length > 0) attempt.message = clip(messages.join('\n'), MAX_MESSAGE_CHARS);
  if (stacks.length > 0) attempt.stack = clip(stacks.join('\n\n'), MAX_STACK_CHARS);
  return attempt;
}

/** `<properties><property name value/>` (value may also be the element's text, as trcli writes it). */
function readProperties(element: XmlElement): Property[] {
  const properties: Property[] = [];
  for (const group of childElements(element, 'properties')) {
    for (const property of childElements(group, 'property')) {
      const name = property.attrs.name;
      if (name === undefined || name === '') continue;
      properties.push({ name, value: property.attrs.value ?? property.text.trim() });
    }
  }
  return properties;
}

/** Outer levels first; a name present at an inner level drops every outer value of that name. */
export function mergeProperties(levels: Property[][]): Property[] {
  const merged: Property[] = [];
  levels.forEach((level, index) => {
    const inner = new Set(levels.slice(index + 1).flatMap((l) => l.map((p) => p.name)));
    for (const property of level) if (!inner.has(property.name)) merged.push({ ...property });
  });
  return merged;
}

/** An element's own system-out then system-err, trimmed; undefined when both are empty. */
function joinOutput(element: XmlElement): string | undefined {
  const streams = [...childElements(element, 'system-out'), ...childElements(element, 'system-err')];
  return joinParts(streams.map((e) => nonEmpty(stripAnsi(e.text))));
}

function joinParts(parts: Array<string | undefined>): string | undefined {
  const present = parts.filter((p): p is string => p !== undefined);
  return present.length === 0 ? undefined : present.join('\n');
}

const ATTACHMENT_MARKER = /\[\[ATTACHMENT\|([^\]\r\n]+)\]\]/g;

/** Markers in the testcase's own output, and in failure texts (WebdriverIO writes them there). */
function readAttachments(texts: Array<string | undefined>, ownProperties: Property[]): Attachment[] {
  const attachments: Attachment[] = [];
  for (const property of ownProperties) {
    const path = property.value.trim();
    if (property.name.toLowerCase() !== 'attachment' || path === '' || attachments.some((a) => a.path === path)) continue;
    attachments.push({ name: path.split(/[\\/]/).pop() ?? path, path });
  }
  for (const text of texts) {
    if (text === undefined || !text.includes('[[ATTACHMENT|')) continue;
    for (const match of text.matchAll(ATTACHMENT_MARKER)) {
      const path = (match[1] ?? '').trim();
      if (path === '' || attachments.some((a) => a.path === path)) continue;
      attachments.push({ name: path.split(/[\\/]/).pop() ?? path, path });
    }
  }
  return attachments;
}
