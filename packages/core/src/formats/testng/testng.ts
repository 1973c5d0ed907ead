/**
 * TestNG's own result XML (`testng-results.xml`, written by its default XMLReporter) → TestResults, read in
 * pieces: each result is handed over as its `<test-method>` ends.
 *
 * Rules, decided once here:
 * - Root `<testng-results>` → `<suite>` → `<test>` → `<class name>` → `<test-method>`.
 * - One TestResult per test method run (`is-config` absent or false): name = `name`, classname = the class,
 *   suitePath = [class] (a class, left out of titles as JUnit's are); status PASS → passed, FAIL → failed,
 *   SKIP → skipped (any other value → error, named in a warning); duration = `duration-ms`.
 * - message = `<exception><message>`, else the first line of `<full-stacktrace>`, else the exception's class;
 *   stack = `<full-stacktrace>`; output = `<reporter-output>` lines.
 * - `<params>` values (a data provider's arguments) are the property `testng.params`, one run per set of
 *   arguments; `<attributes><attribute name>` (ITestResult attributes) are properties: `testsigma` names the
 *   test's case. `description` is the property `testng.description`.
 * - Configuration methods (`is-config="true"`: @BeforeClass, @AfterMethod …) are not tests. One that FAILED is
 *   a failure of its class, like a suite-level error in JUnit: a result of its own with status error, named
 *   after the class, with the property `testng.config-failure` (the method's name) — one per failed
 *   configuration method and class, never dropped. (The tests it stopped are written SKIP by TestNG.)
 * - Memory: one test method with capped texts, and the names of the failed configuration methods of one class.
 */
import type { Property, TestStatus } from '../../model.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, nonEmpty } from '../text.js';
import { detached } from '../junit/xml-entities.js';
import { Unreadable, XmlResultReader, joinTexts, keptAttribute, keptText, resultOf, type OpenElement } from '../xml-results.js';

/** Marks the result made of a failed configuration method; its value is the method's name. */
const TESTNG_CONFIG_FAILURE = 'testng.config-failure';

const STATUSES = new Map<string, TestStatus>([
  ['pass', 'passed'],
  ['fail', 'failed'],
  ['skip', 'skipped'],
]);

interface MethodBuilder {
  attrs: Record<string, string>;
  exceptionClass?: string;
  message?: string;
  stack?: string;
  output: Array<string | undefined>;
  params: string[];
  properties: Property[];
}

export class TestngReader extends XmlResultReader {
  private className: string | undefined;
  private method: MethodBuilder | undefined;
  /** Failed configuration methods already reported for the open class. */
  private readonly failedConfigs = new Set<string>();
  private readonly statuses = new Unreadable();

  constructor(source: string, warn: (message: string) => void = () => undefined) {
    super(source, warn, 'TestNG XML');
  }

  protected textCap(element: OpenElement, parent: OpenElement | undefined): number | undefined {
    if (this.method === undefined) return undefined;
    const name = element.name;
    const parentName = parent?.name;
    if (parentName === 'exception') return name === 'message' ? MAX_MESSAGE_CHARS : name === 'full-stacktrace' ? MAX_STACK_CHARS : undefined;
    if (name === 'line' && parentName === 'reporter-output') return MAX_OUTPUT_CHARS;
    if (name === 'value' && parentName === 'param') return MAX_MESSAGE_CHARS;
    if (name === 'attribute' && parentName === 'attributes') return MAX_MESSAGE_CHARS;
    return undefined;
  }

  protected opened(element: OpenElement): void {
    if (element.name === 'class' && this.above(1) === 'test') {
      this.className = keptAttribute(element.attrs.name);
      this.failedConfigs.clear();
    } else if (element.name === 'test-method') {
      this.method = { attrs: element.attrs, output: [], params: [], properties: [] };
    } else if (element.name === 'exception' && this.method !== undefined) {
      this.method.exceptionClass = keptAttribute(element.attrs.class);
    }
  }

  protected closed(element: OpenElement): void {
    const method = this.method;
    if (element.name === 'class') this.className = undefined;
    if (method === undefined) return;
    switch (element.name) {
      case 'message':
        if (element.text !== undefined) method.message = keptText(element.text);
        return;
      case 'full-stacktrace':
        if (element.text !== undefined) method.stack = keptText(element.text);
        return;
      case 'line':
        if (element.text !== undefined) method.output.push(keptText(element.text));
        return;
      case 'value':
        if (element.text !== undefined) method.params.push(element.text.value().trim());
        return;
      case 'attribute': {
        const name = keptAttribute(element.attrs.name);
        if (name !== undefined && element.text !== undefined) method.properties.push({ name, value: element.text.value().trim() });
        return;
      }
      case 'test-method':
        this.methodRead(method);
        this.method = undefined;
        return;
      default:
        return;
    }
  }

  private methodRead(method: MethodBuilder): void {
    const attrs = method.attrs;
    const rawStatus = (attrs.status ?? '').trim();
    let status = STATUSES.get(rawStatus.toLowerCase());
    const message = method.message ?? method.exceptionClass;
    const classname = this.className;
    if (attrs['is-config'] === 'true') {
      const name = detached(attrs.name ?? '');
      if (status !== 'failed' || this.failedConfigs.has(name)) return;
      this.failedConfigs.add(name);
      const className = classname ?? '';
      this.ready.push(
        resultOf({
          source: this.source,
          suitePath: [],
          name: className,
          classname,
          status: 'error',
          durationMs: durationOf(attrs['duration-ms']),
          message: method.message === undefined && method.stack !== undefined ? undefined : (message ?? `Configuration method ${name} failed.`),
          stack: method.stack,
          output: joinTexts(method.output),
          properties: [{ name: TESTNG_CONFIG_FAILURE, value: name }, ...method.properties],
        }),
      );
      return;
    }
    if (status === undefined) {
      this.statuses.note(rawStatus);
      status = 'error';
    }
    const properties: Property[] = [];
    if (method.params.length > 0) properties.push({ name: 'testng.params', value: method.params.join(', ') });
    const description = keptAttribute(attrs.description);
    if (description !== undefined) properties.push({ name: 'testng.description', value: description });
    properties.push(...method.properties);
    this.ready.push(
      resultOf({
        source: this.source,
        suitePath: classname === undefined ? [] : [classname],
        name: detached(attrs.name ?? ''),
        classname,
        status,
        durationMs: durationOf(attrs['duration-ms']),
        // The stack's first line says more than the class alone (`java.lang.AssertionError: expected …`).
        message: method.message === undefined && method.stack !== undefined ? undefined : message,
        stack: method.stack,
        output: joinTexts(method.output),
        properties,
      }),
    );
  }

  protected finish(): void {
    this.statuses.report(this.warn, this.source, 'test-method status', 'recorded with the status error', 'PASS, FAIL or SKIP');
  }
}

/** `duration-ms`: whole milliseconds. */
function durationOf(value: string | undefined): number | undefined {
  const text = nonEmpty(value);
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}
