/**
 * NUnit 3 result XML (`nunit3-console --result`, the NUnit adapter's `--logger nunit`) → TestResults, read in
 * pieces: each result is handed over as its `<test-case>` ends.
 *
 * Rules, decided once here:
 * - Root `<test-run>`; `<test-suite>` elements nest (assembly, namespaces, fixture, parameterised method).
 * - One TestResult per `<test-case>`: name = `name`, classname = `classname` (else the enclosing fixture's
 *   `fullname`), suitePath = [classname] (a class, left out of titles as JUnit's are).
 * - Status from `result` and `label`: Passed, Warning → passed; Failed → failed, but with label Error,
 *   Invalid or Cancelled → error (an exception or a test that could not run, not an assertion); Skipped,
 *   Inconclusive → skipped; any other value → error, named in a warning.
 * - message = `<failure><message>` (else `<reason><message>` for a skipped test), stack = `<stack-trace>`,
 *   output = `<output>`, duration = `duration` (seconds), attachments = `<attachments><attachment><filePath>`.
 * - Properties: those of every enclosing `<test-suite>` and the test-case's own (inner names replace outer
 *   ones); `Category` values become tags; NUnit's internal ones (`_SKIPREASON`, `_PID` …) are left out. A
 *   property named `testsigma` names the test's case.
 * - A suite NUnit marked failed becomes a result of its own with status error, named after the suite, with
 *   the property `nunit.suite-failure` (its site), when no result under it carries the failure (no test-case
 *   under it failed: an empty fixture whose setup failed, a cancelled fixture, a OneTimeSetUp error NUnit did
 *   not write on its test-cases), or when its own `<failure>` happened in its teardown (site="TearDown"),
 *   which its test-cases never carry: never dropped. (A setup failure is otherwise written on each of its
 *   test-cases by NUnit itself.)
 * - Memory: the open suites (their properties) and one test-case with capped texts.
 */
import type { Property, TestStatus } from '../../model.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, secondsToMs } from '../text.js';
import { detached } from '../junit/xml-entities.js';
import { Unreadable, XmlResultReader, attachmentAt, keptAttribute, keptText, resultOf, type OpenElement } from '../xml-results.js';

/** Marks the result made of a fixture's own failure; its value is the failure's site. */
const NUNIT_SUITE_FAILURE = 'nunit.suite-failure';

/** Said of a fixture NUnit marked failed with no failing test-case under it and no reason written. */
export const NUNIT_SUITE_FAILED_WITHOUT_REASON =
  "NUnit marked this suite as failed, but none of its test-cases failed and it wrote no reason. Look at the test run's console output for what went wrong.";

const ERROR_LABELS = new Set(['error', 'invalid', 'cancelled']);

interface SuiteLevel {
  attrs: Record<string, string>;
  ownProperties: Property[];
  ownTags: string[];
  /** This level's and every enclosing level's, merged when a test-case first needs them (see `inherited`). */
  inherited?: { properties: Property[]; tags: string[] };
  message?: string;
  stack?: string;
  /** Results under it that failed or errored (test-cases, and suites' own results): they carry its failure. */
  failing: number;
}

interface CaseBuilder {
  attrs: Record<string, string>;
  ownProperties: Property[];
  tags: string[];
  message?: string;
  reason?: string;
  stack?: string;
  output?: string;
  files: string[];
}

const NOTHING_INHERITED = Object.freeze({ properties: [] as Property[], tags: [] as string[] });

/**
 * Property lists, outermost first, as one: a name present at an inner level drops every outer value of that name
 * (values repeated within one level are all kept). One pass from the innermost level: linear in the levels.
 */
function mergeLevels(levels: readonly Property[][]): Property[] {
  const inner = new Set<string>();
  const kept: Property[][] = [];
  for (let i = levels.length - 1; i >= 0; i -= 1) {
    const level = levels[i] ?? [];
    kept.push(level.filter((p) => !inner.has(p.name)));
    for (const property of level) inner.add(property.name);
  }
  return kept.reverse().flat();
}

export class NUnit3Reader extends XmlResultReader {
  private readonly suites: SuiteLevel[] = [];
  private testCase: CaseBuilder | undefined;
  private readonly results = new Unreadable();
  private readonly durations = new Unreadable();

  constructor(source: string, warn: (message: string) => void = () => undefined) {
    super(source, warn, 'NUnit 3 XML');
  }

  protected textCap(element: OpenElement, parent: OpenElement | undefined): number | undefined {
    const name = element.name;
    const parentName = parent?.name;
    if (name === 'message' && (parentName === 'failure' || parentName === 'reason') && this.ownerOf(1)) return MAX_MESSAGE_CHARS;
    if (name === 'stack-trace' && parentName === 'failure' && this.ownerOf(1)) return MAX_STACK_CHARS;
    if (name === 'output' && parentName === 'test-case') return MAX_OUTPUT_CHARS;
    if (name === 'filePath' && parentName === 'attachment' && this.testCase !== undefined) return MAX_MESSAGE_CHARS;
    return undefined;
  }

  /** Is the element `depth` levels above the one opening a test-case or a test-suite (not an assertion)? */
  private ownerOf(depth: number): boolean {
    const owner = this.above(depth);
    return owner === 'test-case' || owner === 'test-suite';
  }

  protected opened(element: OpenElement): void {
    const attrs = element.attrs;
    if (element.name === 'test-suite') {
      this.suites.push({ attrs, ownProperties: [], ownTags: [], failing: 0 });
    } else if (element.name === 'test-case') {
      this.testCase = { attrs, ownProperties: [], tags: [], files: [] };
    } else if (element.name === 'property' && this.above(1) === 'properties') {
      const owner = this.above(2);
      const name = keptAttribute(attrs.name);
      if (name === undefined || name.startsWith('_')) return;
      const value = detached(attrs.value ?? '');
      const testCase = owner === 'test-case' ? this.testCase : undefined;
      const suite = owner === 'test-suite' ? this.suites[this.suites.length - 1] : undefined;
      if (name === 'Category') {
        if (testCase !== undefined) testCase.tags.push(value);
        else if (suite !== undefined) suite.ownTags.push(value);
        return;
      }
      (testCase?.ownProperties ?? suite?.ownProperties)?.push({ name, value });
    }
  }

  protected closed(element: OpenElement): void {
    switch (element.name) {
      case 'message': {
        if (element.text === undefined) return;
        const text = keptText(element.text);
        const target = this.target();
        if (target === undefined) return;
        if (this.above(0) === 'failure') target.message = text;
        else if (this.above(1) === 'test-case') (target as CaseBuilder).reason = text;
        return;
      }
      case 'stack-trace': {
        if (element.text === undefined) return;
        const target = this.target();
        if (target !== undefined) target.stack = keptText(element.text);
        return;
      }
      case 'output':
        if (element.text !== undefined && this.testCase !== undefined) this.testCase.output = keptText(element.text);
        return;
      case 'filePath': {
        const path = keptText(element.text);
        if (path !== undefined && this.testCase !== undefined) this.testCase.files.push(path);
        return;
      }
      case 'test-case':
        if (this.testCase !== undefined) this.caseRead(this.testCase);
        this.testCase = undefined;
        return;
      case 'test-suite': {
        const suite = this.suites.pop();
        if (suite !== undefined) this.suiteRead(suite);
        return;
      }
      default:
        return;
    }
  }

  /** Whose `<failure>`/`<reason>` has just ended its child: the test-case's or the innermost suite's. */
  private target(): CaseBuilder | SuiteLevel | undefined {
    return this.above(1) === 'test-case' ? this.testCase : this.suites[this.suites.length - 1];
  }

  private status(attrs: Record<string, string>): TestStatus {
    const result = (attrs.result ?? '').trim().toLowerCase();
    if (result === 'passed' || result === 'warning') return 'passed';
    if (result === 'failed') return ERROR_LABELS.has((attrs.label ?? '').trim().toLowerCase()) ? 'error' : 'failed';
    if (result === 'skipped' || result === 'inconclusive') return 'skipped';
    this.results.note(attrs.result ?? '');
    return 'error';
  }

  private duration(value: string | undefined): number | undefined {
    const ms = secondsToMs(value);
    if (ms === undefined && value !== undefined && value.trim() !== '') this.durations.note(value);
    return ms;
  }

  private caseRead(testCase: CaseBuilder): void {
    const attrs = testCase.attrs;
    const suite = this.suites[this.suites.length - 1];
    const classname = keptAttribute(attrs.classname) ?? this.fixtureName();
    const status = this.status(attrs);
    if (suite !== undefined && (status === 'failed' || status === 'error')) suite.failing += 1;
    const inherited = this.inherited();
    const properties = testCase.ownProperties.length === 0 ? inherited.properties : mergeLevels([inherited.properties, testCase.ownProperties]);
    const tags = testCase.tags.length === 0 ? inherited.tags : [...inherited.tags, ...testCase.tags];
    this.ready.push(
      resultOf({
        source: this.source,
        suitePath: classname === undefined ? [] : [classname],
        name: detached(attrs.name ?? ''),
        classname,
        status,
        durationMs: this.duration(attrs.duration),
        message: testCase.message ?? testCase.reason,
        stack: testCase.stack,
        output: testCase.output,
        properties,
        tags,
        attachments: testCase.files.map(attachmentAt),
      }),
    );
  }

  /**
   * The properties and tags of every open suite (outermost first; an inner name replaces outer values), for the
   * innermost one or for `closing` (just popped): merged once per suite whose test-cases ask, and shared by them.
   * Computed from the open levels each time rather than level by level, so deep nesting costs its depth, not its
   * square.
   */
  private inherited(closing?: SuiteLevel): { properties: Property[]; tags: string[] } {
    const innermost = closing ?? this.suites[this.suites.length - 1];
    if (innermost === undefined) return NOTHING_INHERITED;
    if (innermost.inherited !== undefined) return innermost.inherited;
    const levels = closing === undefined ? this.suites : [...this.suites, closing];
    innermost.inherited = { properties: mergeLevels(levels.map((l) => l.ownProperties)), tags: [...new Set(levels.flatMap((l) => l.ownTags))] };
    return innermost.inherited;
  }

  /** The innermost enclosing fixture's full name: the class of test-cases written without `classname`. */
  private fixtureName(): string | undefined {
    for (let i = this.suites.length - 1; i >= 0; i -= 1) {
      const attrs = this.suites[i]?.attrs;
      if (attrs?.type === 'TestFixture' || attrs?.type === 'GenericFixture') return keptAttribute(attrs.fullname) ?? keptAttribute(attrs.name);
    }
    return undefined;
  }

  /** A suite's own failure that no result under it carries (none failed, or its teardown failed). */
  private suiteRead(suite: SuiteLevel): void {
    const outer = this.suites[this.suites.length - 1];
    const site = (suite.attrs.site ?? '').trim();
    const failed = (suite.attrs.result ?? '').trim().toLowerCase() === 'failed';
    const teardownFailed = site === 'TearDown' && (suite.message !== undefined || suite.stack !== undefined);
    const ownResult = failed && (suite.failing === 0 || teardownFailed);
    if (outer !== undefined) outer.failing += suite.failing + (ownResult ? 1 : 0);
    if (!ownResult) return;
    const name = keptAttribute(suite.attrs.fullname) ?? keptAttribute(suite.attrs.name) ?? '';
    const noReason = suite.message === undefined && suite.stack === undefined;
    this.ready.push(
      resultOf({
        source: this.source,
        suitePath: [],
        name,
        classname: name,
        status: 'error',
        durationMs: this.duration(suite.attrs.duration),
        message: noReason ? NUNIT_SUITE_FAILED_WITHOUT_REASON : suite.message,
        stack: suite.stack,
        properties: [...this.inherited(suite).properties, { name: NUNIT_SUITE_FAILURE, value: site }],
        tags: this.inherited(suite).tags,
      }),
    );
  }

  protected finish(): void {
    this.results.report(this.warn, this.source, 'test-case result', 'recorded with the status error', 'Passed, Failed, Skipped, Inconclusive or Warning');
    this.durations.report(this.warn, this.source, 'duration', 'recorded without a duration', 'seconds ("0.0123")');
  }
}
