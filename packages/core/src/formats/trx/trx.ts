/**
 * .NET TRX (Visual Studio / `dotnet test --logger trx`) → TestResults, read in pieces.
 *
 * Rules, decided once here:
 * - Root `<TestRun>`. One TestResult per `<Results>/<UnitTestResult>`; a data-driven result holding
 *   `<InnerResults>` is replaced by its inner results (one per data row), unless it failed (or erred) while
 *   none of them did: then no row carries its failure, and it is a result too.
 * - name = `testName`; classname = the `className` of the `<TestDefinitions>/<UnitTest>/<TestMethod>` whose
 *   `id` is the result's `testId`, and suitePath = [classname] (a class, left out of titles as JUnit's are).
 *   The definition's `<Properties>` (MSTest `[TestProperty]`; `testsigma` names a case) and `<TestCategory>`
 *   items (as tags) apply to its results.
 * - Status from `outcome` (vstest's TestOutcome names them all; vstest and Microsoft.Testing.Platform write only
 *   Passed, Failed and NotExecuted): only a pass reads passed. Passed, PassedButRunAborted (the test passed, the
 *   run was aborted after it) → passed; Failed → failed; Error, Timeout, Aborted, Disconnected, NotRunnable (as
 *   MSTest reads it by default), InProgress (still running when the file was written: the run died under it)
 *   → error; NotExecuted, Inconclusive (as MSTest reads it), Pending (never started), Completed and Warning
 *   (neither says the test passed) → skipped. The outcomes read by judgement (see OUTCOMES) are named in a
 *   warning with their count; any other value → error, named in a warning.
 * - The run failed outside any test (handed over as ReadContext.outsideTests: the upload ends INPUT_RUN_FAILED)
 *   when its `<ResultSummary><RunInfos>` hold a `<RunInfo outcome="Error">`: vstest writes one for each error
 *   it logged (a crashed or aborted test host, a data collector or an attachment that failed) and marks the run
 *   Failed for it, so `dotnet test` fails. Except what restates results the file holds: the xUnit.net adapter's
 *   copies of failed tests (`… [FAIL]`), and Microsoft.Testing.Platform's `Exit code indicates failure: '2'`
 *   (a test failed) when a result failed; and its exit code 8 (zero tests ran), an empty run that fail-on-empty
 *   judges as it judges any. Each error is named with the computer that logged it.
 * - Likewise a run whose `<ResultSummary outcome>` says it did not end (Aborted, Error, Timeout, any outcome but
 *   Completed, Passed, Warning and Failed) and whose RunInfos name no error: tests it did not get to have no
 *   result in the file. A `<RunInfo outcome="Warning">` (no test matched the filter, a data collector's notice)
 *   does not fail a run: a warning. A run marked Failed when no result failed and nothing names why is a warning
 *   (vstest also marks an empty run Failed with TreatNoTestsAsError, which fail-on-empty judges).
 * - duration `hh:mm:ss.fffffff`; message = `<Output><ErrorInfo><Message>`, stack = its `<StackTrace>`, output
 *   = `<StdOut>`, `<StdErr>`, `<DebugTrace>`; `<ResultFiles><ResultFile path>` are attachments, under the run's
 *   deployment directory (`<runDeploymentRoot>/In/<relativeResultsDirectory>/`) beside the TRX file.
 * - Other result kinds under `<Results>` (web, generic, manual and ordered tests) are skipped and counted in a
 *   warning, never dropped silently. MSTest's `<TextMessages>` lines are output.
 * - Memory and order: vstest writes `<Results>` BEFORE `<TestDefinitions>`, so results wait for their
 *   definition, each as a small record of what it says itself (name, outcome, duration, its texts clipped: 16 KiB
 *   message, 64 KiB stack, 64 KiB output) — past 16 MB of them in a temporary file (held-results.ts) — and are handed over as their definition is read — in the order of the
 *   definitions — the definitions themselves not kept once `</Results>` has passed. When the definitions come
 *   first (MSTest's older layout) they are kept as small records (one shared class record per class,
 *   properties and categories only when present) and each result is handed over as it ends. A result whose
 *   definition never comes, or a file that breaks, hands over what is held without a class.
 */
import type { FileOutsideTests, OutsideTestError, Property, TestResult, TestStatus } from '../../model.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS } from '../text.js';
import { readDuration } from '../junit/duration.js';
import { detached } from '../junit/xml-entities.js';
import { HeldResults, type Held } from './held-results.js';
import { Unreadable, XmlResultReader, attachmentAt, joinTexts, keptAttribute, keptText, resultOf, type OpenElement } from '../xml-results.js';

/** How a result's outcome reads; `judged`, when the reading is a judgement, says why and what to do, in a warning. */
interface OutcomeReading {
  status: TestStatus;
  judged?: string;
}

const HAVE_PASSED_OR_FAILED = 'Have the tool that wrote the file report Passed or Failed.';

/** Every TRX outcome (vstest's TrxLogger, ObjectModel/TestOutcome.cs), by its name in lower case. */
const OUTCOMES = new Map<string, OutcomeReading>([
  ['passed', { status: 'passed' }],
  ['failed', { status: 'failed' }],
  ['notexecuted', { status: 'skipped' }],
  ['error', { status: 'error' }],
  ['timeout', { status: 'error' }],
  ['aborted', { status: 'error' }],
  ['disconnected', { status: 'error' }],
  // MSTest's own reading by default (MapInconclusiveToFailed off).
  ['inconclusive', { status: 'skipped' }],
  // MSTest's own reading by default (MapNotRunnableToFailed on): a test that cannot run is broken, not skipped.
  [
    'notrunnable',
    {
      status: 'error',
      judged: 'the test could not be run (an invalid test method, a missing data source); recorded as error. Fix the test so that it can run.',
    },
  ],
  [
    'inprogress',
    {
      status: 'error',
      judged:
        "the test was still running when the file was written, so the run stopped while it ran (a crash or a kill); recorded as error. Look at the test run's log for why it stopped.",
    },
  ],
  [
    'pending',
    {
      status: 'skipped',
      judged: "the test had not started when the file was written, so it never ran; recorded as skipped. Look at the test run's log for why the run stopped.",
    },
  ],
  [
    'passedbutrunaborted',
    {
      status: 'passed',
      judged:
        "the test passed, but the run was aborted after it, so the results of tests it did not get to are missing; recorded as passed. Look at the test run's log for why it was aborted.",
    },
  ],
  // Neither says the test passed: read as a pass, it would hide whatever the test did not check.
  [
    'completed',
    {
      status: 'skipped',
      judged: `the test ran, but Completed says neither that it passed nor that it failed; recorded as skipped, not passed. ${HAVE_PASSED_OR_FAILED}`,
    },
  ],
  [
    'warning',
    { status: 'skipped', judged: `Warning says that the test did not fail, not that it passed; recorded as skipped, not passed. ${HAVE_PASSED_OR_FAILED}` },
  ],
]);

/** Run outcomes that say the run ended as it should (vstest writes Completed, or Failed when something failed). */
const RUN_ENDED = new Set(['completed', 'passed', 'warning', 'failed']);

function readingOf(outcome: string | undefined): OutcomeReading | undefined {
  return OUTCOMES.get((outcome?.trim() ?? '').toLowerCase());
}

/** Does a result's outcome fail it (failed, erred, or an outcome not known, which is read as an error)? */
function isFailing(attrs: Record<string, string>): boolean {
  const status = readingOf(attrs.outcome)?.status;
  return status === undefined || status === 'failed' || status === 'error';
}

const PER_TEST_LINE = /\[(?:FAIL|SKIP)\]$/;
/** Microsoft.Testing.Platform's RunInfo for its exit code (https://aka.ms/testingplatform/exitcodes). */
const PLATFORM_EXIT_CODE = /^Exit code indicates failure: '(\d+)'/;
/** Its exit codes that restate the results: a test failed (2, when a result failed); no test ran (8). */
const TEST_FAILED_EXIT = '2';
const NO_TESTS_EXIT = '8';

/** How messages name the runner that wrote a TRX file (vstest or Microsoft.Testing.Platform, run by it). */
const TRX_RUNNER = 'dotnet test';

/** A `<RunInfo>`: the computer that logged it, and its text. */
interface RunInfo {
  computer: string | undefined;
  text: string;
}
const OUTPUT_TEXTS = new Set(['StdOut', 'StdErr', 'DebugTrace']);

/** What a `<TestDefinitions>/<UnitTest>` adds to its results; lists only when present. */
interface Definition {
  testClass?: TestClass;
  properties?: Property[];
  tags?: string[];
}

/** A class name and the suite path of its results, one of each per class (shared by its results, never copied). */
interface TestClass {
  name: string;
  suitePath: string[];
}

/** A `<UnitTestResult>` while it is read. */
interface ResultBuilder {
  attrs: Record<string, string>;
  message?: string;
  stack?: string;
  output: Array<string | undefined>;
  files: string[];
  hasInner: boolean;
  /** Whether an inner result (a data row) failed or erred, so that it carries this result's failure. */
  innerFailed: boolean;
}

export class TrxReader extends XmlResultReader {
  /** Definitions read while results may still follow them (MSTest's older layout puts them first). */
  private readonly definitions = new Map<string, Definition>();
  /** Results waiting for their definition, by testId; past a memory budget in a temporary file. */
  private readonly held: HeldResults;
  private resultsEnded = false;
  private definitionsEnded = false;
  private readonly builders: ResultBuilder[] = [];
  private definition: { id: string | undefined; read: Definition } | undefined;
  private readonly classes = new Map<string, TestClass>();
  private propertyKey: string | undefined;
  private propertyValue: string | undefined;
  private deploymentRoot: string | undefined;
  private readonly runErrors: RunInfo[] = [];
  private readonly runWarnings: RunInfo[] = [];
  /** Result kinds other than unit tests (web, generic, manual, ordered), counted for a warning. */
  private readonly otherKinds = new Map<string, number>();
  private readonly durations = new Unreadable();
  private readonly outcomes = new Unreadable();
  /** Outcomes read by judgement (OUTCOMES' `judged`), by their name in lower case: as first written, and how many. */
  private readonly judged = new Map<string, { written: string; count: number }>();
  /** Results handed over, and how many of them failed or erred: a run marked Failed is explained by one. */
  private resultCount = 0;
  private failingCount = 0;
  /** `<ResultSummary outcome>`: how the run itself ended. */
  private runOutcome: string | undefined;

  /**
   * outsideTests: hears the errors that failed the run outside any test (ReadContext.outsideTests), at the end.
   * heldMemoryBytes: what held results may take in memory before the rest are spilled (tests set it low).
   */
  constructor(
    source: string,
    warn: (message: string) => void = () => undefined,
    heldMemoryBytes?: number,
    private readonly outsideTests: (outside: FileOutsideTests) => void = () => undefined,
  ) {
    super(source, warn, '.NET TRX');
    this.held = new HeldResults(heldMemoryBytes);
  }

  protected textCap(element: OpenElement, parent: OpenElement | undefined): number | undefined {
    const name = element.name;
    const parentName = parent?.name;
    if (parentName === 'ErrorInfo') return name === 'Message' ? MAX_MESSAGE_CHARS : name === 'StackTrace' ? MAX_STACK_CHARS : undefined;
    if (parentName === 'Output' && OUTPUT_TEXTS.has(name) && this.above(1) === 'UnitTestResult') return MAX_OUTPUT_CHARS;
    if (parentName === 'Property' && this.definition !== undefined && (name === 'Key' || name === 'Value')) return MAX_MESSAGE_CHARS;
    if (parentName === 'RunInfo' && name === 'Text') return MAX_MESSAGE_CHARS;
    // MSTest's Logger.LogMessage lines: output of the test.
    if (parentName === 'TextMessages' && name === 'Message' && this.builders.length > 0) return MAX_OUTPUT_CHARS;
    return undefined;
  }

  protected opened(element: OpenElement): void {
    const attrs = element.attrs;
    switch (element.name) {
      case 'WebTestResult':
      case 'GenericTestResult':
      case 'ManualTestResult':
      case 'TestResultAggregation':
        if (this.above(1) === 'Results') this.otherKinds.set(element.name, (this.otherKinds.get(element.name) ?? 0) + 1);
        return;
      case 'UnitTestResult': {
        const parent = this.builders[this.builders.length - 1];
        if (parent !== undefined) parent.hasInner = true;
        this.builders.push({ attrs, output: [], files: [], hasInner: false, innerFailed: false });
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
      case 'ResultSummary':
        this.runOutcome = keptAttribute(attrs.outcome);
        return;
      case 'UnitTest':
        if (this.above(1) === 'TestDefinitions') this.definition = { id: keptAttribute(attrs.id), read: {} };
        return;
      case 'TestMethod': {
        const classname = keptAttribute(attrs.className);
        // `Namespace.Class, Assembly, Version=…` in older MSTest files: the class is before the first comma.
        if (this.definition !== undefined && classname !== undefined)
          this.definition.read.testClass = this.testClass(classname.split(',')[0]?.trim() ?? classname);
        return;
      }
      case 'TestCategoryItem': {
        const category = keptAttribute(attrs.TestCategory);
        if (this.definition !== undefined && category !== undefined) (this.definition.read.tags ??= []).push(category);
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
        if (this.above(0) === 'TextMessages') builder.output.push(keptText(element.text));
        else if (element.name === 'Message') builder.message = keptText(element.text);
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
        if (builder === undefined) return;
        const failing = isFailing(builder.attrs);
        const outer = this.builders[this.builders.length - 1];
        if (outer !== undefined && failing) outer.innerFailed = true;
        if (!builder.hasInner || (failing && !builder.innerFailed)) this.resultRead(builder);
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
          (this.definition.read.properties ??= []).push({ name: this.propertyKey, value: this.propertyValue ?? '' });
        return;
      case 'UnitTest':
        if (this.definition !== undefined) this.definitionRead(this.definition.id, this.definition.read);
        this.definition = undefined;
        return;
      case 'Results':
        this.resultsEnded = true;
        return;
      case 'TestDefinitions':
        // Results still held name no definition: they are complete as they are.
        this.definitionsEnded = true;
        this.releaseHeld();
        if (this.resultsEnded) this.definitions.clear();
        return;
      case 'Text': {
        const text = keptText(element.text);
        // The xUnit.net adapter repeats each failed test here (`… Failing_Test [FAIL]`): already a result.
        if (text === undefined || PER_TEST_LINE.test(text)) return;
        const runInfo = this.stack[this.stack.length - 1];
        if (runInfo?.name !== 'RunInfo') return;
        const logged = { computer: keptAttribute(runInfo.attrs.computerName), text };
        const level = runInfo.attrs.outcome?.trim().toLowerCase();
        if (level === 'error') this.runErrors.push(logged);
        else if (level === 'warning') this.runWarnings.push(logged);
        return;
      }
      default:
        return;
    }
  }

  private resultRead(builder: ResultBuilder): void {
    const attrs = builder.attrs;
    const outcome = attrs.outcome?.trim() ?? '';
    const reading = readingOf(outcome);
    if (reading === undefined) this.outcomes.note(outcome);
    else if (reading.judged !== undefined) this.noteJudged(outcome);
    const status = reading?.status ?? 'error';
    this.resultCount += 1;
    if (status === 'failed' || status === 'error') this.failingCount += 1;
    const time = readDuration(attrs.duration);
    if (!time.readable) this.durations.note(attrs.duration ?? '');
    const directory = keptAttribute(attrs.relativeResultsDirectory) ?? keptAttribute(attrs.executionId);
    const files =
      builder.files.length === 0
        ? undefined
        : builder.files.map((path) =>
            attachmentAt(this.deploymentRoot !== undefined && directory !== undefined ? `${this.deploymentRoot}/In/${directory}/${path}` : path),
          );
    const held: Held = {
      name: detached(attrs.testName ?? ''),
      status,
      durationMs: time.ms,
      message: builder.message,
      stack: builder.stack,
      output: joinTexts(builder.output),
      files,
      previous: undefined,
    };
    const testId = keptAttribute(attrs.testId);
    const definition = testId === undefined ? undefined : this.definitions.get(testId);
    // Hand it over now when its definition is known, or can no longer come; hold it otherwise.
    if (testId === undefined || definition !== undefined || this.definitionsEnded) {
      this.ready.push(this.resultOf(held, definition));
      return;
    }
    this.held.hold(testId, held);
  }

  private noteJudged(outcome: string): void {
    const key = outcome.toLowerCase();
    const known = this.judged.get(key);
    if (known === undefined) this.judged.set(key, { written: outcome, count: 1 });
    else known.count += 1;
  }

  /** A definition has been read: its held results are complete; it is kept only if results may still follow. */
  private definitionRead(id: string | undefined, definition: Definition): void {
    if (id === undefined) return;
    for (const held of this.held.take(id)) this.ready.push(this.resultOf(held, definition));
    if (!this.resultsEnded) this.definitions.set(id, definition);
  }

  private resultOf(held: Held, definition: Definition | undefined): TestResult {
    const testClass = definition?.testClass;
    return resultOf({
      source: this.source,
      suitePath: testClass?.suitePath ?? [],
      name: held.name,
      classname: testClass?.name,
      status: held.status,
      durationMs: held.durationMs,
      message: held.message,
      stack: held.stack,
      output: held.output,
      properties: definition?.properties,
      tags: definition?.tags,
      attachments: held.files,
    });
  }

  /** Microsoft.Testing.Platform's exit code that says only what the results say (a test failed, none ran). */
  private restatesResults(text: string): boolean {
    const code = PLATFORM_EXIT_CODE.exec(text)?.[1];
    return (code === TEST_FAILED_EXIT && this.failingCount > 0) || code === NO_TESTS_EXIT;
  }

  /** One class record per class name: its results share the name and the suite path. */
  private testClass(name: string): TestClass {
    let known = this.classes.get(name);
    if (known === undefined) {
      known = { name, suitePath: [name] };
      this.classes.set(name, known);
    }
    return known;
  }

  protected override releaseHeld(): void {
    for (const chain of this.held.takeAll()) for (const held of chain) this.ready.push(this.resultOf(held, undefined));
  }

  protected finish(): void {
    this.releaseHeld();
    for (const { text } of this.runWarnings) this.warn(`${this.source}: the test run logged a warning: ${text}`);
    this.reportRunOutcome();
    for (const [kind, count] of this.otherKinds) {
      this.warn(
        `${this.source}: skipped ${count} <${kind}> result${count === 1 ? '' : 's'}: only unit test results (<UnitTestResult>) are read, so ${count === 1 ? 'it is' : 'they are'} not recorded.`,
      );
    }
    for (const [key, { written, count }] of this.judged) {
      const one = count === 1;
      this.warn(`${this.source}: ${count} result${one ? ' has' : 's have'} the outcome ${written}: ${OUTCOMES.get(key)?.judged ?? ''}`);
    }
    this.outcomes.report(
      this.warn,
      this.source,
      'result outcome',
      'recorded with the status error',
      'Passed, Failed, NotExecuted, Timeout, Aborted or another TRX outcome',
    );
    this.durations.report(this.warn, this.source, 'duration', 'recorded without a duration', 'hh:mm:ss.fffffff');
  }

  /**
   * The errors that failed the run outside any test are handed over (the rules above): those its RunInfos name,
   * else the outcome of a run that did not end as it should. A run marked Failed is named in a warning when
   * nothing in the file says why (no failed result, no run-level error, no result kind left unread), since then a
   * pass of every result read would hide its failure.
   */
  private reportRunOutcome(): void {
    const errors: OutsideTestError[] = this.runErrors
      .filter((e) => !this.restatesResults(e.text))
      .map(({ computer, text }) => ({ message: computer ? `on ${computer}: ${text}` : text }));
    const outcome = this.runOutcome?.trim();
    const key = outcome?.toLowerCase();
    if (errors.length === 0 && outcome !== undefined && key !== undefined && !RUN_ENDED.has(key)) {
      errors.push({
        message: `the test run's outcome is ${outcome}, not Completed: it did not end as it should, and the file does not say why (the test run's log does)`,
      });
    }
    if (errors.length > 0) this.outsideTests({ runner: TRX_RUNNER, errors });
    if (key !== 'failed' || this.failingCount > 0 || this.runErrors.length > 0 || this.otherKinds.size > 0) return;
    const results = `${this.resultCount} result${this.resultCount === 1 ? '' : 's'}`;
    this.warn(
      `${this.source}: the test run is marked ${outcome}, but none of its ${results} failed: the failure is outside any test and this file does not say what it was ` +
        "(vstest marks a run Failed for an error it logged, or for no tests with TreatNoTestsAsError). Look at the test run's log.",
    );
  }
}
