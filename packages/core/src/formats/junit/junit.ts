/**
 * JUnit XML (every dialect seen in the wild) → TestResults, read in pieces: each result is produced as soon
 * as its `<testcase>` (and, for a failing one, its suite) is complete, so memory does not grow with the file.
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
 *   a name defined at an inner level (testcase innermost) replaces the outer values of that name. A suite's
 *   properties are written before its testcases by every producer; they are merged once per suite and the
 *   one list is shared by its testcases (never copied per test).
 * - Output: the testcase's own system-out/system-err; the suite's own system-out/system-err is added to the
 *   output of its failed/errored testcases only (that is where a person needs the log) — such a result waits
 *   for the end of its suite, and the results after it wait too, so results keep document order. Clipped;
 *   terminal colour codes (Playwright and Vitest leave them in) are stripped from output, messages and stacks.
 *   Every text is capped while it is read (CappedText), so one huge text node costs no more than a small one.
 * - Attachments: `[[ATTACHMENT|path]]` markers (Jenkins attachments plugin convention) in the testcase's
 *   own system-out/system-err and failure texts; name = the path's last segment; paths stay as written.
 * - XML: see xml-scanner.ts (entities, DTDs refused, well-formedness).
 */
import { InputError } from '../../errors.js';
import type { Property, TestResult } from '../../model.js';
import { MAX_MESSAGE_CHARS, nonEmpty, stripBom } from '../text.js';
import { CappedText } from './capped-text.js';
import { EARLIER_RUNS, LATER_RUNS, OUTPUT_CAP, RESULT_KINDS, STACK_CAP, TestcaseBuilder, joinOutput, mergeProperties, withSuiteOutput, type ResultElement, type SuiteContext } from './testcase.js';
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

/** A result that waits for its suite's output, and the suite it waits for. */
interface Waiting {
  result: TestResult;
  ownOutput: string | undefined;
  suite: SuiteFrame | undefined;
}

interface SuiteFrame {
  kind: 'suite';
  context: SuiteContext;
  ownProperties: Property[];
  systemOut: CappedText[];
  systemErr: CappedText[];
  waiting: Waiting[];
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

/** Turns scanner events into TestResults; `take()` hands over those complete so far, in document order. */
export class JUnitReader implements XmlHandler {
  private readonly frames: Frame[] = [];
  private readonly queue: Waiting[] = [];
  private ready: TestResult[] = [];
  private readonly scanner: XmlScanner;
  private started = false;
  /** Whitespace read before the first markup, to tell an empty file from a blank one. */
  private pendingBlank = 0;

  constructor(private readonly source: string) {
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
    this.frames.push(this.child(parent, name, attrs));
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
        if (name === 'testcase') return { kind: 'testcase', builder: new TestcaseBuilder(attrs, parent.context) };
        if (name === 'properties') return { kind: 'properties', owner: parent.ownProperties };
        if (name === 'system-out') return textFrame(parent.systemOut);
        if (name === 'system-err') return textFrame(parent.systemErr);
        return IGNORED;
      case 'testcase': {
        const builder = parent.builder;
        if (RESULT_KINDS.has(name) || EARLIER_RUNS.has(name) || LATER_RUNS.has(name)) {
          const element: ResultElement = { name, attrs, text: new CappedText(STACK_CAP), output: [] };
          builder.results.push(element);
          return { kind: 'result', element };
        }
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
        return IGNORED;
      default:
        return IGNORED;
    }
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
    const result = builder.build(this.source);
    const suite = this.frames[this.frames.length - 1] as SuiteFrame;
    const failed = result.status === 'failed' || result.status === 'error';
    const waiting: Waiting = { result, ownOutput: builder.ownOutput, suite: failed ? suite : undefined };
    if (failed) suite.waiting.push(waiting);
    this.queue.push(waiting);
    this.flush();
  }

  private closeSuite(suite: SuiteFrame): void {
    const output = joinOutput(suite.systemOut, suite.systemErr);
    for (const waiting of suite.waiting) {
      withSuiteOutput(waiting.result, waiting.ownOutput, output);
      waiting.suite = undefined;
    }
    suite.waiting.length = 0;
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

function suiteFrame(parent: SuiteContext, attrs?: Record<string, string>): SuiteFrame {
  const name = attrs?.name;
  const file = nonEmpty(attrs?.file ?? attrs?.filepath) ?? parent.file;
  const ownProperties: Property[] = [];
  const context: SuiteContext = {
    suitePath: name !== undefined && name !== '' ? [...parent.suitePath, name] : parent.suitePath,
    ...(file !== undefined && { file }),
    properties: parent.properties,
    propertyLevels: [...parent.propertyLevels, ownProperties],
  };
  return { kind: 'suite', context, ownProperties, systemOut: [], systemErr: [], waiting: [] };
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
export function parseJUnit(xml: string, source: string): TestResult[] {
  const reader = new JUnitReader(source);
  reader.write(xml);
  reader.end();
  return reader.take();
}

/** Read JUnit XML given in pieces, yielding each result as soon as it is complete. */
export async function* readJUnit(chunks: AsyncIterable<string>, source: string): AsyncGenerator<TestResult, void, undefined> {
  const reader = new JUnitReader(source);
  for await (const chunk of chunks) {
    reader.write(chunk);
    yield* reader.take();
  }
  reader.end();
  yield* reader.take();
}
