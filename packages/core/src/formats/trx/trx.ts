/**
 * .NET TRX (Visual Studio / `dotnet test --logger trx`) → TestResults, read in pieces.
 *
 * Rules, decided once here:
 * - Root `<TestRun>`. One TestResult per `<Results>/<UnitTestResult>`; a data-driven result holding
 *   `<InnerResults>` is replaced by its inner results (one per data row).
 * - name = `testName`; classname = the `className` of the `<TestDefinitions>/<UnitTest>/<TestMethod>` whose
 *   `id` is the result's `testId`, and suitePath = [classname] (a class, left out of titles as JUnit's are).
 *   The definition's `<Properties>` (MSTest `[TestProperty]`; `testsigma` names a case) and `<TestCategory>`
 *   items (as tags) apply to its results.
 * - Status from `outcome`: Passed, PassedButRunAborted, Completed, Warning → passed; Failed → failed; Error,
 *   Timeout, Aborted, Disconnected → error; NotExecuted, Inconclusive, NotRunnable, Pending, InProgress →
 *   skipped; any other value → error, named in a warning.
 * - duration `hh:mm:ss.fffffff`; message = `<Output><ErrorInfo><Message>`, stack = its `<StackTrace>`, output
 *   = `<StdOut>`, `<StdErr>`, `<DebugTrace>`; `<ResultFiles><ResultFile path>` are attachments, under the run's
 *   deployment directory (`<runDeploymentRoot>/In/<relativeResultsDirectory>/`) beside the TRX file.
 * - A run-level `<RunInfo outcome="Error">` (a crashed or aborted test host) is named in a warning, except the
 *   xUnit.net adapter's copies of failed tests (`… [FAIL]`), which are results already.
 * - Memory: vstest writes `<Results>` BEFORE `<TestDefinitions>`, so results wait for the definitions: until
 *   `</TestDefinitions>` the reader holds every result read (texts clipped: 16 KiB message, 64 KiB stack,
 *   64 KiB output), then hands them over; results after the definitions (MSTest's older layout puts them
 *   first) are handed over as each ends. Definitions are kept as small records (class name, properties,
 *   categories) for the whole file. A file that breaks hands over what it holds, without class names when
 *   the definitions were never reached.
 */
import type { Property, TestResult, TestStatus } from '../../model.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS } from '../text.js';
import { readDuration } from '../junit/duration.js';
import { detached } from '../junit/xml-entities.js';
import { Unreadable, XmlResultReader, attachmentAt, joinTexts, keptAttribute, keptText, resultOf, type OpenElement } from '../xml-results.js';

const OUTCOMES = new Map<string, TestStatus>([
  ['passed', 'passed'],
  ['passedbutrunaborted', 'passed'],
  ['completed', 'passed'],
  ['warning', 'passed'],
  ['failed', 'failed'],
  ['error', 'error'],
  ['timeout', 'error'],
  ['aborted', 'error'],
  ['disconnected', 'error'],
  ['notexecuted', 'skipped'],
  ['inconclusive', 'skipped'],
  ['notrunnable', 'skipped'],
  ['pending', 'skipped'],
  ['inprogress', 'skipped'],
]);

const PER_TEST_LINE = /\[(?:FAIL|SKIP)\]$/;
const OUTPUT_TEXTS = new Set(['StdOut', 'StdErr', 'DebugTrace']);

interface Definition {
  classname?: string;
  properties: Property[];
  tags: string[];
}

/** A `<UnitTestResult>` while it is read. */
interface ResultBuilder {
  attrs: Record<string, string>;
  message?: string;
  stack?: string;
  output: Array<string | undefined>;
  files: string[];
  hasInner: boolean;
}

/** A result read before its definition: complete but for what the definition adds. */
interface Held {
  testId: string | undefined;
  result: TestResult;
}

export class TrxReader extends XmlResultReader {
  private readonly definitions = new Map<string, Definition>();
  private definitionsRead = false;
  private held: Held[] = [];
  private readonly builders: ResultBuilder[] = [];
  private definition: Definition | undefined;
  private propertyKey: string | undefined;
  private propertyValue: string | undefined;
  private deploymentRoot: string | undefined;
  private readonly runErrors: string[] = [];
  private readonly durations = new Unreadable();
  private readonly outcomes = new Unreadable();

  constructor(source: string, warn: (message: string) => void = () => undefined) {
    super(source, warn, '.NET TRX');
  }

  protected textCap(element: OpenElement, parent: OpenElement | undefined): number | undefined {
    const name = element.name;
    const parentName = parent?.name;
    if (parentName === 'ErrorInfo') return name === 'Message' ? MAX_MESSAGE_CHARS : name === 'StackTrace' ? MAX_STACK_CHARS : undefined;
    if (parentName === 'Output' && OUTPUT_TEXTS.has(name) && this.above(1) === 'UnitTestResult') return MAX_OUTPUT_CHARS;
    if (parentName === 'Property' && this.definition !== undefined && (name === 'Key' || name === 'Value')) return MAX_MESSAGE_CHARS;
    if (parentName === 'RunInfo' && name === 'Text') return MAX_MESSAGE_CHARS;
    return undefined;
  }

  protected opened(element: OpenElement): void {
    const attrs = element.attrs;
    switch (element.name) {
      case 'UnitTestResult': {
        const parent = this.builders[this.builders.length - 1];
        if (parent !== undefined) parent.hasInner = true;
        this.builders.push({ attrs, output: [], files: [], hasInner: false });
        return;
      }
      case 'ResultFile': {
        const path = keptAttribute(attrs.path);
        const builder = this.builders[this.builders.length - 1];
        if (path !== undefined && builder !== undefined) builder.files.push(path);
        return;
      }
      case 'Deployment':
        this.deploymentRoot = keptAttribute(attrs.runDeploymentRoot);
        return;
      case 'UnitTest':
        if (this.above(1) === 'TestDefinitions') {
          this.definition = { properties: [], tags: [] };
          const id = keptAttribute(attrs.id);
          if (id !== undefined) this.definitions.set(id, this.definition);
        }
        return;
      case 'TestMethod': {
        const classname = keptAttribute(attrs.className);
        // `Namespace.Class, Assembly, Version=…` in older MSTest files: the class is before the first comma.
        if (this.definition !== undefined && classname !== undefined) this.definition.classname = classname.split(',')[0]?.trim() ?? classname;
        return;
      }
      case 'TestCategoryItem': {
        const category = keptAttribute(attrs.TestCategory);
        if (this.definition !== undefined && category !== undefined) this.definition.tags.push(category);
        return;
      }
      case 'Property':
        this.propertyKey = undefined;
        this.propertyValue = undefined;
        return;
      default:
        return;
    }
  }

  protected closed(element: OpenElement): void {
    switch (element.name) {
      case 'Message':
      case 'StackTrace': {
        const builder = this.builders[this.builders.length - 1];
        if (builder === undefined || element.text === undefined) return;
        if (element.name === 'Message') builder.message = keptText(element.text);
        else builder.stack = keptText(element.text);
        return;
      }
      case 'StdOut':
      case 'StdErr':
      case 'DebugTrace':
        if (element.text !== undefined) this.builders[this.builders.length - 1]?.output.push(keptText(element.text));
        return;
      case 'UnitTestResult': {
        const builder = this.builders.pop();
        if (builder !== undefined && !builder.hasInner) this.resultRead(builder);
        return;
      }
      case 'Key':
        if (element.text !== undefined) this.propertyKey = keptText(element.text);
        return;
      case 'Value':
        if (element.text !== undefined) this.propertyValue = keptText(element.text) ?? '';
        return;
      case 'Property':
        if (this.definition !== undefined && this.propertyKey !== undefined)
          this.definition.properties.push({ name: this.propertyKey, value: this.propertyValue ?? '' });
        return;
      case 'UnitTest':
        this.definition = undefined;
        return;
      case 'TestDefinitions':
        this.definitionsRead = true;
        this.releaseHeld();
        return;
      case 'Text': {
        const text = keptText(element.text);
        // The xUnit.net adapter repeats each failed test here (`… Failing_Test [FAIL]`): already a result.
        if (text === undefined || PER_TEST_LINE.test(text)) return;
        if (this.stack[this.stack.length - 1]?.attrs.outcome?.toLowerCase() === 'error') this.runErrors.push(text);
        return;
      }
      default:
        return;
    }
  }

  private resultRead(builder: ResultBuilder): void {
    const attrs = builder.attrs;
    const outcome = attrs.outcome?.trim() ?? '';
    let status = OUTCOMES.get(outcome.toLowerCase());
    if (status === undefined) {
      this.outcomes.note(outcome);
      status = 'error';
    }
    const time = readDuration(attrs.duration);
    if (!time.readable) this.durations.note(attrs.duration ?? '');
    const directory = keptAttribute(attrs.relativeResultsDirectory) ?? keptAttribute(attrs.executionId);
    const files = builder.files.map((path) =>
      attachmentAt(this.deploymentRoot !== undefined && directory !== undefined ? `${this.deploymentRoot}/In/${directory}/${path}` : path),
    );
    const result = resultOf({
      source: this.source,
      suitePath: [],
      name: detached(attrs.testName ?? ''),
      status,
      durationMs: time.ms,
      message: builder.message,
      stack: builder.stack,
      output: joinTexts(builder.output),
      attachments: files,
    });
    const testId = keptAttribute(attrs.testId);
    if (this.definitionsRead) this.ready.push(this.withDefinition(result, testId));
    else this.held.push({ testId, result });
  }

  /** What the result's definition adds: class, properties, categories. */
  private withDefinition(result: TestResult, testId: string | undefined): TestResult {
    const definition = testId === undefined ? undefined : this.definitions.get(testId);
    if (definition === undefined) return result;
    if (definition.classname !== undefined) {
      result.classname = definition.classname;
      result.suitePath = [definition.classname];
    }
    if (definition.properties.length > 0) result.properties = definition.properties;
    if (definition.tags.length > 0) result.tags = definition.tags;
    return result;
  }

  protected releaseHeld(): void {
    for (const { testId, result } of this.held) this.ready.push(this.withDefinition(result, testId));
    this.held = [];
  }

  protected finish(): void {
    this.releaseHeld();
    for (const text of this.runErrors) this.warn(`${this.source}: the test run reported an error outside any test: ${text}`);
    this.outcomes.report(
      this.warn,
      this.source,
      'result outcomes',
      'those results are recorded as errors. Expected Passed, Failed, NotExecuted, Timeout, Aborted or another TRX outcome.',
    );
    this.durations.report(this.warn, this.source, 'durations', 'those results are recorded without a duration. Expected hh:mm:ss.fffffff.');
  }
}
