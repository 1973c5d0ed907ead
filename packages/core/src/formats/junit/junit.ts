/**
 * JUnit XML (every dialect seen in the wild) → TestResults, read in pieces: each result is produced as soon
 * as its `<testcase>` (and, for a failing one, its suite) is complete, so memory does not grow with the file.
 *
 * Rules, decided once here:
 * - Root `<testsuites>` or a bare `<testsuite>`; anything else is INPUT_NOT_RESULTS. A `<testsuites>` nested
 *   in a `<testsuite>` or `<testsuites>` (merged shard reports) is read like the root, at every level.
 * - suitePath = the `name`s of the enclosing `<testsuite>` elements, outermost first. The `<testsuites>`
 *   names ("jest tests", "Mocha Tests") are run labels, not suites, and are left out.
 * - One TestResult per `<testcase>` element, except retries: a testcase repeated with the same classname and
 *   name in the same suite, after a run of it that failed or errored (consecutive or not: gotestsum
 *   --rerun-fails writes reruns at the end), is another attempt of the first — attempts in run order, the
 *   last one's outcome final, so fail-then-pass is a flaky pass. A repeat after a pass or a skip is another
 *   test of the same name (parameterised tests) and stays separate; so does a testcase without a name.
 * - Status: the worst result child wins — `<error>` → error, `<failure>` → failed, `<skipped>` or
 *   `<disabled>` → skipped; without one, a `status`/`result` attribute saying skipped/disabled/notrun
 *   (tst, GoogleTest, jasmine) → skipped, failed → failed, errored → error; otherwise passed.
 * - Surefire reruns: `flakyFailure`/`flakyError` are failed runs before the final one, `rerunFailure`/
 *   `rerunError` are failed runs after the first `<failure>`/`<error>`. Attempts are in run order and the
 *   final outcome is the last attempt's (model rule), so a test whose last rerun was a failure is `failed`.
 *   The `<system-out>`/`<system-err>` written inside such a run is kept, labelled with the run, in the output.
 * - A suite-level `<error>`/`<failure>` (directly in `<testsuite>`: a failed beforeAll/afterAll, a class
 *   that could not start) becomes a result of its own with status error, named after the suite, its
 *   suitePath the enclosing suites, carrying the suite's properties and the property `junit.suite-error`:
 *   never dropped, mapped like any result by the suite's name or properties, unmapped otherwise.
 * - Properties: those of every enclosing suite (including the `<testsuites>` root) apply to the testcase;
 *   a name defined at an inner level (testcase innermost) replaces the outer values of that name. A suite's
 *   properties are written before its testcases by every producer; they are merged once per suite and the
 *   one list is shared by its testcases (never copied per test).
 * - Durations (`time`): seconds ("1.5", "1,234.5", "0,014"), with a unit ("150ms", "1.5s") or a clock
 *   ("00:01:02"); a value that is none of these is named in a warning and the result has no duration.
 * - Output: the testcase's own system-out/system-err; the suite's own system-out/system-err is added to the
 *   output of its failed/errored testcases only (that is where a person needs the log). Clipped; terminal
 *   colour codes (Playwright and Vitest leave them in) are stripped from output, messages and stacks.
 *   Every text is capped while it is read (CappedText), so one huge text node costs no more than a small one.
 * - Attachments: `[[ATTACHMENT|path]]` markers (Jenkins attachments plugin convention) in the testcase's
 *   own system-out/system-err and failure texts; name = the path's last segment; paths stay as written.
 * - Anything else is skipped and named in a warning (element and where it was), never dropped silently.
 * - Results are handed over when their suite ends (repeats merged, the suite's output known), in document
 *   order: memory holds the results of the open suites and capped texts, never the file.
 * - XML: see xml-scanner.ts (entities, DTDs refused, well-formedness).
 */
import { InputError } from '../../errors.js';
import type { Property, TestResult } from '../../model.js';
import { MAX_MESSAGE_CHARS, nonEmpty, stripBom } from '../text.js';
import { CappedText } from './capped-text.js';
import { clip } from '../text.js';
import { EARLIER_RUNS, LATER_RUNS, OUTPUT_CAP, RESULT_KINDS, STACK_CAP, TestcaseBuilder, attemptFrom, joinOutput, joinParts, mergeProperties, mergeRepeat, withSuiteOutput, type ResultElement, type SuiteContext } from './testcase.js';
import { XmlScanner, type XmlHandler } from './xml-scanner.js';

export { mergeProperties } from './testcase.js';

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

/** A result that waits for the end of its suite (repeats to merge, the suite's output), and that suite. */
interface Waiting {
  result: TestResult;
  ownOutput: string | undefined;
  suite: SuiteFrame | undefined;
}

interface SuiteFrame {
  kind: 'suite';
  /** The suite's name; undefined for a `<testsuites>` level. */
  name: string | undefined;
  context: SuiteContext;
  ownProperties: Property[];
  systemOut: CappedText[];
  systemErr: CappedText[];
  /** `<error>`/`<failure>` directly in the suite: a setup or teardown that failed outside any testcase. */
  errors: ResultElement[];
  waiting: Waiting[];
  /** name → the last result of that name (whatever its classname), for repeats. */
  byName: Map<string, Waiting[]>;
}

type Frame =
  | SuiteFrame
  | { kind: 'testcase'; builder: TestcaseBuilder }
  | { kind: 'properties'; owner: Property[] }
  | { kind: 'property'; owner: Property[]; attrs: Record<string, string>; text: CappedText }
  | { kind: 'text'; text: CappedText }
  | { kind: 'result'; element: ResultElement }
  | { kind: 'ignored' };

const IGNORED: Frame = { kind: 'ignored' };
/** Marks the result made of a suite-level `<error>`/`<failure>`; its value is the element's name. */
export const SUITE_ERROR_PROPERTY = 'junit.suite-error';
/** Elements that carry nothing a result needs: skipped without a warning. */
const KNOWN_NOISE = new Set(['properties', 'system-out', 'system-err']);

/** Turns scanner events into TestResults; `take()` hands over those complete so far, in document order. */
export class JUnitReader implements XmlHandler {
  private readonly frames: Frame[] = [];
  private readonly queue: Waiting[] = [];
  private ready: TestResult[] = [];
  private readonly scanner: XmlScanner;
  private started = false;
  /** Whitespace read before the first markup, to tell an empty file from a blank one. */
  private pendingBlank = 0;
  /** `<parent>/<child>` → how many such elements were skipped. */
  private readonly skipped = new Map<string, number>();
  private readonly unreadableTimes: string[] = [];
  private unreadableTimeCount = 0;

  constructor(
    private readonly source: string,
    private readonly warn: (message: string) => void = () => undefined,
  ) {
    this.scanner = new XmlScanner(source, this);
  }

  write(text: string): void {
    if (!this.started) {
      if (text.trim() === '') {
        this.pendingBlank += text.length;
        return;
      }
      this.started = true;
      text = stripBom(text);
    }
    this.scanner.write(text);
  }

  end(): void {
    if (!this.started) {
      throw new InputError(
        'INPUT_EMPTY',
        this.source,
        `${this.source} is ${this.pendingBlank === 0 ? 'empty (0 bytes)' : 'only whitespace'}. Expected a JUnit XML file with a <testsuites> or <testsuite> root. ` +
          'The test run probably crashed before writing results; check the step that produced it.',
      );
    }
    this.scanner.end();
    for (const [where, count] of this.skipped) {
      const [parent, child] = where.split('/');
      this.warn(
        `${this.source}: skipped ${count} <${child}> element${count === 1 ? '' : 's'} inside <${parent}>: not part of JUnit XML as this tool reads it, so ${count === 1 ? 'its' : 'their'} content is not recorded.`,
      );
    }
    if (this.unreadableTimeCount > 0) {
      const shown = this.unreadableTimes.map((t) => JSON.stringify(t)).join(', ');
      const more = this.unreadableTimeCount - this.unreadableTimes.length;
      this.warn(
        `${this.source}: ${this.unreadableTimeCount} testcase time${this.unreadableTimeCount === 1 ? '' : 's'} could not be read as a duration (${shown}${more > 0 ? ` and ${more} more` : ''}); ` +
          'those results are recorded without a duration. Expected seconds ("1.5"), a unit ("150ms", "1.5s") or a clock ("00:01:02").',
      );
    }
  }

  take(): TestResult[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  open(name: string, attrs: Record<string, string>): void {
    const parent = this.frames[this.frames.length - 1];
    if (parent === undefined) {
      this.openRoot(name, attrs);
      return;
    }
    const frame = this.child(parent, name, attrs);
    if (frame === IGNORED && parent.kind !== 'ignored' && !(KNOWN_NOISE.has(name) && parent.kind === 'result')) {
      const where = `${this.elementName(parent)}/${name}`;
      this.skipped.set(where, (this.skipped.get(where) ?? 0) + 1);
    }
    this.frames.push(frame);
  }

  private elementName(frame: Frame): string {
    switch (frame.kind) {
      case 'suite':
        return frame.name === undefined ? 'testsuites' : 'testsuite';
      case 'result':
        return frame.element.name;
      default:
        return frame.kind;
    }
  }

  private openRoot(name: string, attrs: Record<string, string>): void {
    if (name !== 'testsuites' && name !== 'testsuite') {
      const hint = NOT_JUNIT_HINTS.get(name);
      throw new InputError(
        'INPUT_NOT_RESULTS',
        this.source,
        `${this.source} is XML but not JUnit: its root element is <${name}>${hint ? ` (${hint})` : ''}, expected <testsuites> or <testsuite>. ` +
          'Configure the test runner to write JUnit XML, or pass the JUnit file instead.',
      );
    }
    const root: SuiteContext = { suitePath: [], properties: [], propertyLevels: [] };
    this.frames.push(name === 'testsuites' ? suiteFrame(root) : suiteFrame(root, attrs));
  }

  private child(parent: Frame, name: string, attrs: Record<string, string>): Frame {
    switch (parent.kind) {
      case 'suite':
        if (name === 'testsuite') return suiteFrame(parent.context, attrs);
        // Merged shard reports nest whole `<testsuites>` documents: read them like the root.
        if (name === 'testsuites') return suiteFrame(parent.context);
        if (name === 'testcase') return { kind: 'testcase', builder: new TestcaseBuilder(attrs, parent.context) };
        if (name === 'properties') return { kind: 'properties', owner: parent.ownProperties };
        if (name === 'system-out') return textFrame(parent.systemOut);
        if (name === 'system-err') return textFrame(parent.systemErr);
        if (name === 'error' || name === 'failure') return resultFrame(parent.errors, name, attrs);
        return IGNORED;
      case 'testcase': {
        const builder = parent.builder;
        if (RESULT_KINDS.has(name) || EARLIER_RUNS.has(name) || LATER_RUNS.has(name)) return resultFrame(builder.results, name, attrs);
        if (name === 'properties') return { kind: 'properties', owner: builder.properties };
        if (name === 'system-out') return textFrame(builder.systemOut);
        if (name === 'system-err') return textFrame(builder.systemErr);
        return IGNORED;
      }
      case 'properties':
        return name === 'property' ? { kind: 'property', owner: parent.owner, attrs, text: new CappedText(MAX_MESSAGE_CHARS) } : IGNORED;
      case 'result':
        if (name === 'stackTrace' && parent.element.stackTrace === undefined) {
          parent.element.stackTrace = new CappedText(STACK_CAP);
          return { kind: 'text', text: parent.element.stackTrace };
        }
        // Surefire writes a rerun's own log inside its flakyFailure/rerunFailure.
        if ((name === 'system-out' || name === 'system-err') && (EARLIER_RUNS.has(parent.element.name) || LATER_RUNS.has(parent.element.name))) {
          return textFrame(parent.element.output);
        }
        return IGNORED;
      default:
        return IGNORED;
    }
  }

  wantsText(): boolean {
    const kind = this.frames[this.frames.length - 1]?.kind;
    return kind === 'text' || kind === 'property' || kind === 'result';
  }

  text(text: string): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame === undefined) return;
    if (frame.kind === 'text' || frame.kind === 'property') frame.text.append(text);
    else if (frame.kind === 'result') frame.element.text.append(text);
  }

  close(): void {
    const frame = this.frames.pop();
    if (frame === undefined) return;
    if (frame.kind === 'testcase') this.closeTestcase(frame.builder);
    else if (frame.kind === 'property') closeProperty(frame.owner, frame.attrs, frame.text);
    else if (frame.kind === 'properties') this.propertiesRead();
    else if (frame.kind === 'suite') this.closeSuite(frame);
  }

  /** A suite's properties apply to its testcases: merge them once, for all of them to share. */
  private propertiesRead(): void {
    const owner = this.frames[this.frames.length - 1];
    if (owner?.kind !== 'suite') return;
    owner.context.properties = mergeProperties(owner.context.propertyLevels);
  }

  private closeTestcase(builder: TestcaseBuilder): void {
    const result = builder.build(this.source, this.onUnreadableTime);
    const suite = this.frames[this.frames.length - 1] as SuiteFrame;
    const sameName = suite.byName.get(result.name);
    const earlier = sameName?.find((w) => w.result.classname === result.classname);
    // Only a failed run is retried: a repeat after a pass or a skip is another test of the same name
    // (parameterised tests, `it.each` with a fixed title) and stays a result of its own. A testcase without
    // a name has no identity to repeat.
    const retried = earlier !== undefined && result.name !== '' && (earlier.result.status === 'failed' || earlier.result.status === 'error');
    if (retried) {
      mergeRepeat(earlier.result, result);
      earlier.ownOutput = joinParts([earlier.ownOutput, builder.ownOutput]);
      return;
    }
    const waiting: Waiting = { result, ownOutput: builder.ownOutput, suite };
    if (sameName === undefined) suite.byName.set(result.name, [waiting]);
    else if (earlier === undefined) sameName.push(waiting);
    else sameName[sameName.indexOf(earlier)] = waiting;
    suite.waiting.push(waiting);
    this.queue.push(waiting);
  }

  private readonly onUnreadableTime = (value: string): void => this.unreadableTime(value);

  private unreadableTime(value: string): void {
    this.unreadableTimeCount += 1;
    if (this.unreadableTimes.length < 3 && !this.unreadableTimes.includes(value)) this.unreadableTimes.push(value);
  }

  private closeSuite(suite: SuiteFrame): void {
    const output = joinOutput(suite.systemOut, suite.systemErr);
    for (const waiting of suite.waiting) {
      const status = waiting.result.status;
      if (status === 'failed' || status === 'error') withSuiteOutput(waiting.result, waiting.ownOutput, output);
      waiting.suite = undefined;
    }
    suite.waiting.length = 0;
    suite.byName.clear();
    for (const element of suite.errors) this.queue.push({ result: suiteErrorResult(suite, element, output, this.source), ownOutput: undefined, suite: undefined });
    this.flush();
  }

  private flush(): void {
    let done = 0;
    while (done < this.queue.length && (this.queue[done] as Waiting).suite === undefined) {
      this.ready.push((this.queue[done] as Waiting).result);
      done += 1;
    }
    if (done > 0) this.queue.splice(0, done);
  }
}

/**
 * A suite-level `<error>`/`<failure>` (a failed beforeAll/afterAll, a class that could not start): a result of
 * its own, named after the suite, so that it is never lost — the mapping stage records it against the suite's
 * case when the suite's name or properties name one, and reports it as unmapped otherwise.
 */
function suiteErrorResult(suite: SuiteFrame, element: ResultElement, output: string | undefined, source: string): TestResult {
  const attempt = attemptFrom('error', [element]);
  const context = suite.context;
  const result: TestResult = {
    source,
    suitePath: suite.name === undefined ? context.suitePath : context.suitePath.slice(0, -1),
    name: suite.name ?? '',
    status: 'error',
    properties: [...context.properties, { name: SUITE_ERROR_PROPERTY, value: element.name }],
    tags: [],
    attachments: [],
    attempts: [attempt],
  };
  if (context.file !== undefined) result.file = context.file;
  if (attempt.message !== undefined) result.message = attempt.message;
  if (attempt.stack !== undefined) result.stack = attempt.stack;
  if (output !== undefined) result.output = clip(output, OUTPUT_CAP);
  return result;
}

function suiteFrame(parent: SuiteContext, attrs?: Record<string, string>): SuiteFrame {
  const name = attrs === undefined ? undefined : (attrs.name ?? '');
  const file = nonEmpty(attrs?.file ?? attrs?.filepath) ?? parent.file;
  const ownProperties: Property[] = [];
  const context: SuiteContext = {
    suitePath: name !== undefined && name !== '' ? [...parent.suitePath, name] : parent.suitePath,
    ...(file !== undefined && { file }),
    properties: parent.properties,
    propertyLevels: [...parent.propertyLevels, ownProperties],
  };
  return { kind: 'suite', name: name === '' ? undefined : name, context, ownProperties, systemOut: [], systemErr: [], errors: [], waiting: [], byName: new Map() };
}

function resultFrame(into: ResultElement[], name: string, attrs: Record<string, string>): Frame {
  const element: ResultElement = { name, attrs, text: new CappedText(STACK_CAP), output: [] };
  into.push(element);
  return { kind: 'result', element };
}

function textFrame(into: CappedText[]): Frame {
  const text = new CappedText(OUTPUT_CAP);
  into.push(text);
  return { kind: 'text', text };
}

/** `<property name value/>`; the value may also be the element's text, as trcli writes it. */
function closeProperty(owner: Property[], attrs: Record<string, string>, text: CappedText): void {
  const name = attrs.name;
  if (name === undefined || name === '') return;
  owner.push({ name, value: attrs.value ?? text.value().trim() });
}

/** Parse a whole JUnit XML document held as a string. Throws InputError (naming `source`) when it is not one. */
export function parseJUnit(xml: string, source: string, warn?: (message: string) => void): TestResult[] {
  const reader = new JUnitReader(source, warn);
  reader.write(xml);
  reader.end();
  return reader.take();
}

/** Read JUnit XML given in pieces, yielding each result as soon as it is complete. */
export async function* readJUnit(chunks: AsyncIterable<string>, source: string, warn?: (message: string) => void): AsyncGenerator<TestResult, void, undefined> {
  const reader = new JUnitReader(source, warn);
  for await (const chunk of chunks) {
    reader.write(chunk);
    yield* reader.take();
  }
  reader.end();
  yield* reader.take();
}
