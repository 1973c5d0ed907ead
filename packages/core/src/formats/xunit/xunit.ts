/**
 * xUnit.net result XML (v2 `-xml`, `<assemblies>`; v1 and Fixie, `<assembly>`) → TestResults, read in pieces:
 * each result is handed over as its `<test>` ends.
 *
 * Rules, decided once here:
 * - Root `<assemblies>` or `<assembly>`; one TestResult per `<test>` (under `<collection>` in v2, `<class>` in v1).
 * - name = `name` (the display name: often `Namespace.Class.Method(args)`), classname = `type`, suitePath =
 *   [type] (a class, left out of titles as JUnit's are).
 * - Status from `result`: Pass → passed, Fail → failed, Skip and NotRun → skipped; any other value → error,
 *   named in a warning.
 * - message = `<failure><message>` (else `<reason>` for a skipped test), stack = `<stack-trace>`, output =
 *   `<output>`, duration = `time` (seconds).
 * - `<traits><trait name value>` are properties (a trait named `testsigma` names the test's case); `Category`
 *   traits are tags too.
 * - An `<errors><error>` entry (a fixture, collection or class cleanup that failed outside any test) becomes a
 *   result of its own with status error, named after the error's `name` (the class or collection), with the
 *   property `xunit.error` (its `type`): never dropped. So does a `<failure>` of an xUnit.net 1 `<class>` (its
 *   fixture, its start or its finish failed, possibly after its tests passed), named after the class, with
 *   `xunit.error` = `class-failure`.
 * - Memory: one test with capped texts.
 */
import type { Property, TestStatus } from '../../model.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, secondsToMs } from '../text.js';
import { detached } from '../junit/xml-entities.js';
import { Unreadable, XmlResultReader, keptAttribute, keptText, resultOf, type OpenElement } from '../xml-results.js';

/** Marks the result made of an `<errors><error>` entry; its value is the error's type. */
const XUNIT_ERROR_PROPERTY = 'xunit.error';
/** The `xunit.error` of an xUnit.net 1 class's own failure, which says no more of where it happened. */
const CLASS_FAILURE = 'class-failure';

const RESULTS = new Map<string, TestStatus>([
  ['pass', 'passed'],
  ['fail', 'failed'],
  ['skip', 'skipped'],
  ['notrun', 'skipped'],
]);

interface TestBuilder {
  /** A `<test>`, an `<errors><error>`, or an xUnit.net 1 `<class>`'s own `<failure>`. */
  kind: 'test' | 'error' | 'class';
  attrs: Record<string, string>;
  /** For a class failure: the class's name (the `<failure>`'s own attributes name the exception only). */
  className?: string;
  properties: Property[];
  tags: string[];
  message?: string;
  reason?: string;
  stack?: string;
  output?: string;
}

export class XunitReader extends XmlResultReader {
  private test: TestBuilder | undefined;
  private readonly results = new Unreadable();
  private readonly durations = new Unreadable();

  constructor(source: string, warn: (message: string) => void = () => undefined) {
    super(source, warn, 'xUnit.net XML');
  }

  protected textCap(element: OpenElement, parent: OpenElement | undefined): number | undefined {
    if (this.test === undefined) return undefined;
    const name = element.name;
    if (parent?.name === 'failure') return name === 'message' ? MAX_MESSAGE_CHARS : name === 'stack-trace' ? MAX_STACK_CHARS : undefined;
    if (parent?.name === 'test') return name === 'output' ? MAX_OUTPUT_CHARS : name === 'reason' ? MAX_MESSAGE_CHARS : undefined;
    return undefined;
  }

  protected opened(element: OpenElement): void {
    if (element.name === 'test') this.test = { kind: 'test', attrs: element.attrs, properties: [], tags: [] };
    else if (element.name === 'error' && this.above(1) === 'errors') this.test = { kind: 'error', attrs: element.attrs, properties: [], tags: [] };
    else if (element.name === 'failure' && this.test === undefined && this.above(1) === 'class') {
      const className = keptAttribute(this.stack[this.stack.length - 2]?.attrs.name);
      this.test = { kind: 'class', attrs: element.attrs, ...(className !== undefined && { className }), properties: [], tags: [] };
    } else if (element.name === 'trait' && this.test !== undefined) {
      const name = keptAttribute(element.attrs.name);
      if (name === undefined) return;
      const value = detached(element.attrs.value ?? '');
      this.test.properties.push({ name, value });
      if (name.toLowerCase() === 'category') this.test.tags.push(value);
    }
  }

  protected closed(element: OpenElement): void {
    const test = this.test;
    if (test === undefined) return;
    switch (element.name) {
      case 'message':
        if (element.text !== undefined) test.message = keptText(element.text);
        return;
      case 'stack-trace':
        if (element.text !== undefined) test.stack = keptText(element.text);
        return;
      case 'reason':
        if (element.text !== undefined) test.reason = keptText(element.text);
        return;
      case 'output':
        if (element.text !== undefined) test.output = keptText(element.text);
        return;
      case 'test':
      case 'error':
      case 'failure':
        if (element.attrs === test.attrs) {
          this.testRead(test);
          this.test = undefined;
        }
        return;
      default:
        return;
    }
  }

  private testRead(test: TestBuilder): void {
    const attrs = test.attrs;
    if (test.kind !== 'test') {
      const name = (test.kind === 'class' ? test.className : (keptAttribute(attrs.name) ?? keptAttribute(attrs.type))) ?? '';
      this.ready.push(
        resultOf({
          source: this.source,
          suitePath: [],
          name,
          classname: name,
          status: 'error',
          message: test.message,
          stack: test.stack,
          properties: [{ name: XUNIT_ERROR_PROPERTY, value: test.kind === 'class' ? CLASS_FAILURE : detached(attrs.type ?? '') }],
        }),
      );
      return;
    }
    const classname = keptAttribute(attrs.type);
    let status = RESULTS.get((attrs.result ?? '').trim().toLowerCase());
    if (status === undefined) {
      this.results.note(attrs.result ?? '');
      status = 'error';
    }
    const ms = secondsToMs(attrs.time);
    if (ms === undefined && attrs.time !== undefined && attrs.time.trim() !== '') this.durations.note(attrs.time);
    this.ready.push(
      resultOf({
        source: this.source,
        suitePath: classname === undefined ? [] : [classname],
        name: detached(attrs.name ?? ''),
        classname,
        status,
        durationMs: ms,
        message: test.message ?? test.reason,
        stack: test.stack,
        output: test.output,
        properties: test.properties,
        tags: test.tags,
      }),
    );
  }

  protected finish(): void {
    this.results.report(this.warn, this.source, 'test result', 'recorded with the status error', 'Pass, Fail, Skip or NotRun');
    this.durations.report(this.warn, this.source, 'duration', 'recorded without a duration', 'seconds ("0.0123")');
  }
}
