/**
 * Robot Framework's output.xml (`robot`, `rebot`; schema versions 1 to 5, RF 3 to 7) → TestResults, read in
 * pieces: each result is handed over as its `<test>` ends.
 *
 * Rules, decided once here:
 * - Root `<robot>`; `<suite>` elements nest (a directory, then its files). One TestResult per `<test>`: name =
 *   `name`, suitePath = the names of its suites, outermost first (the root included: Robot's own long name is
 *   `Root.Sub.Test`), file = its suite's `source`, line = `line`. The `<suite>` and `<tag>` elements under
 *   `<statistics>` are totals, never tests.
 * - Status is the test's own `<status status>`, never a keyword's: PASS → passed, FAIL → failed, SKIP → skipped,
 *   NOT RUN (Robot's status of something it did not run) → skipped; any other value → error, named in a warning.
 *   message = the status text (Robot's message: `Setup failed:`, `Parent suite setup failed:` and the reason);
 *   one marked `*HTML*` is read as text. duration = `elapsed` (RF 7, seconds), else `endtime` − `starttime`
 *   (RF 6 and older, `20231116 17:35:01.773`); `N/A` is no duration.
 * - `<tag>`s (also wrapped in `<tags>`, as RF 3 wrote them) are tags, so `DEMO-12` or `testsigma:DEMO-12` names
 *   the test's case as in every other format. Keyword tags are not the test's.
 * - Keywords (`<kw>`) only add a stack to a failed test: the keywords open where it failed, innermost first
 *   (`at BuiltIn.Should Be Equal`, `at Page Should Say`), read off the open elements, so nothing is kept for
 *   passing keywords; a failure that was handled (TRY/EXCEPT) is not where it failed. Their messages (`<msg>`)
 *   are not read.
 * - `rebot --merge` (after `robot --rerunfailed`) writes a re-executed test once, with Robot's own message
 *   `Test has been re-executed and results merged.` and the earlier statuses and messages: those are the test's
 *   earlier attempts, oldest first, so a test that failed and then passed on the rerun is flaky (Robot says it
 *   was a retry). A rerun that was skipped leaves the earlier result (Robot keeps it, and says so).
 * - A test that reads PASS but whose keywords Robot marked NOT RUN, none having run, is recorded skipped, never
 *   passed: `robot --dryrun` writes PASS on every test whose data is valid, with NOT RUN on each library keyword
 *   (`NOT_RUN` in RF 3; only the user keywords around them read PASS), and marks nothing else — no attribute on
 *   `<robot>` or `<suite>` says it was a dry run. A keyword ran when one with no steps inside it (a library
 *   keyword, not a user keyword wrapping others) ended PASS or FAIL; a passing test of a real run always has one.
 *   One that `rebot --removekeywords` emptied (its `robot-note` in the message) says neither.
 *   A test with no keyword at all (only VAR, or its keywords stripped by a tool) carries no such mark and keeps
 *   Robot's status. Decided per test as it ends, so it holds while reading in pieces; the tests so recorded are
 *   counted in one warning that says to upload a real run's output.xml.
 * - `<errors>` (import failures, invalid settings, deprecations, `Log … WARN`) do not fail a Robot run: its
 *   return code counts failed tests only, a test broken by such an error is FAIL in the file, and a data file
 *   Robot cannot parse stops the run before any output.xml is written (RF 3.2 and later). So they are no
 *   failure outside the tests: the ERROR ones are named in one warning, the WARN ones left to Robot's own log.
 * - Memory: the open suites (name and source) and one test with capped texts.
 */
import type { Attempt, TestStatus } from '../../model.js';
import { MAX_MESSAGE_CHARS, nonEmpty } from '../text.js';
import { displayPath } from '../paths.js';
import { detached } from '../junit/xml-entities.js';
import { Unreadable, XmlResultReader, keptAttribute, keptText, resultOf, type OpenElement } from '../xml-results.js';
import { mergedAttempts, plainMessage } from './merged.js';

const STATUSES = new Map<string, TestStatus>([
  ['PASS', 'passed'],
  ['FAIL', 'failed'],
  ['SKIP', 'skipped'],
  ['NOT RUN', 'skipped'],
]);

/** The steps a keyword can hold (Robot's body items): a keyword holding one is not a library keyword. */
const STEPS = new Set(['kw', 'for', 'iter', 'while', 'if', 'branch', 'try', 'group', 'variable', 'return', 'break', 'continue', 'error']);

/** How rebot marks a keyword whose content it removed or flattened: `*HTML* <span class="robot-note">…`. */
const ROBOT_NOTE = 'robot-note';
/** What of a keyword's message is read: rebot puts its note first, or after the message it kept. */
const MAX_NOTE_CHARS = 200;

const DID_NOT_RUN =
  'Robot Framework did not run this test: it reads PASS, but none of its keywords ran (each is NOT RUN, as `robot --dryrun` writes them). Upload the output.xml of a real run.';

/** How many errors of `<errors>` the warning names; the rest are counted. */
const ERRORS_NAMED = 3;

interface SuiteLevel {
  name: string;
  source: string | undefined;
  /** Its name and those of the suites around it, outermost first, made when a test first needs it (`suitePath`). */
  path?: string[];
}

interface TestBuilder {
  attrs: Record<string, string>;
  /** Where the `<test>` element is in the stack of open elements (its keywords lie above it). */
  depth: number;
  tags: string[];
  status?: Record<string, string>;
  message?: string;
  /** The keywords open where the test failed, innermost first (see `stepFailed`). */
  stack?: string;
  /** The step of the test (a keyword or a control structure directly in it) that `stack` failed in. */
  failedIn?: OpenElement;
  /** `step` once that step itself ended FAIL: its failure is the test's. */
  failed?: 'step';
  /** A keyword with no steps inside it ended PASS or FAIL: Robot ran something of the test (see the top). */
  ran?: true;
  /** A keyword with no steps inside it ended NOT RUN: Robot checked it without running it. */
  checkedOnly?: true;
}

export class RobotReader extends XmlResultReader {
  private readonly suites: SuiteLevel[] = [];
  private test: TestBuilder | undefined;
  private readonly statuses = new Unreadable();
  private readonly durations = new Unreadable();
  private readonly errors: string[] = [];
  private errorCount = 0;
  /** The open keywords of the test that hold steps (user keywords, Run Keyword …): not ones that ran themselves. */
  private readonly holdingSteps = new WeakSet<OpenElement>();
  private notRun = 0;

  constructor(source: string, warn: (message: string) => void = () => undefined) {
    super(source, warn, 'Robot Framework output.xml');
  }

  protected textCap(element: OpenElement, parent: OpenElement | undefined): number | undefined {
    const name = element.name;
    const parentName = parent?.name;
    if (this.test !== undefined) {
      if (name === 'status' && parentName === 'test') return MAX_MESSAGE_CHARS;
      // Enough to see rebot's note on a keyword it emptied (see keywordEnded).
      if (name === 'status' && parentName === 'kw') return MAX_NOTE_CHARS;
      if (name === 'tag' && (parentName === 'test' || (parentName === 'tags' && this.above(1) === 'test'))) return MAX_MESSAGE_CHARS;
      return undefined;
    }
    if (name === 'msg' && parentName === 'errors' && isError(element.attrs)) return MAX_MESSAGE_CHARS;
    return undefined;
  }

  protected opened(element: OpenElement): void {
    const parent = this.above(1);
    if (element.name === 'suite' && (parent === 'robot' || parent === 'suite')) {
      const outer = this.suites[this.suites.length - 1];
      this.suites.push({ name: detached(element.attrs.name ?? ''), source: keptAttribute(element.attrs.source) ?? outer?.source });
    } else if (element.name === 'test' && parent === 'suite') {
      this.test = { attrs: element.attrs, depth: this.stack.length - 1, tags: [] };
    } else if (this.test !== undefined && STEPS.has(element.name)) {
      const holder = this.stack[this.stack.length - 2];
      if (holder?.name === 'kw') this.holdingSteps.add(holder);
    }
  }

  protected closed(element: OpenElement): void {
    const test = this.test;
    switch (element.name) {
      case 'suite':
        if (this.above(0) === 'robot' || this.above(0) === 'suite') this.suites.pop();
        return;
      case 'tag': {
        const tag = keptText(element.text);
        if (test !== undefined && tag !== undefined) test.tags.push(tag);
        return;
      }
      case 'status':
        if (test === undefined) return;
        if (this.above(0) === 'test') {
          test.status = element.attrs;
          test.message = keptText(element.text);
          return;
        }
        this.keywordEnded(test, (element.attrs.status ?? '').trim(), element.text?.value());
        if ((element.attrs.status ?? '').trim() === 'FAIL') this.stepFailed(test);
        return;
      case 'test':
        if (test !== undefined && this.stack.length === test.depth) this.testRead(test);
        this.test = undefined;
        return;
      case 'msg':
        if (element.text !== undefined && this.above(0) === 'errors') this.errorRead(keptText(element.text));
        return;
      default:
        return;
    }
  }

  /**
   * A keyword with no steps inside it ran if it ended PASS or FAIL, and was only checked if NOT RUN (see the top).
   * One whose steps `rebot --removekeywords` removed (its note in the message) says neither: a user keyword of a
   * dry run reads PASS too.
   */
  private keywordEnded(test: TestBuilder, status: string, message: string | undefined): void {
    const keyword = this.stack[this.stack.length - 1];
    if (keyword?.name !== 'kw' || this.holdingSteps.has(keyword)) return;
    if (message?.includes(ROBOT_NOTE) === true) return;
    if (status === 'PASS' || status === 'FAIL') test.ran = true;
    else if (status === 'NOT RUN' || status === 'NOT_RUN') test.checkedOnly = true;
  }

  /**
   * A keyword's or a control structure's `<status status="FAIL">` has ended. The first failure of a step of the test
   * (a keyword or a FOR, IF, TRY … directly in it) is where the test failed, innermost first: its callers end FAIL
   * after it and add nothing. Once a step itself ends FAIL, that failure stands (a teardown failing after it adds
   * nothing); a failure in a step that then passes was handled (TRY/EXCEPT, Run Keyword And Ignore Error), and the
   * next one replaces it. Read off the open elements, so passing keywords cost nothing.
   */
  private stepFailed(test: TestBuilder): void {
    if (test.failed === 'step') return;
    const step = this.stack[test.depth + 1];
    if (step === undefined) return;
    if (test.failedIn !== step) {
      test.stack = this.keywordsOpen(test.depth);
      test.failedIn = step;
    }
    // The step's own status: the failure was not handled.
    if (this.stack.length === test.depth + 2) test.failed = 'step';
  }

  /** The keywords open above the test, innermost first: `at BuiltIn.Fail (teardown)`. */
  private keywordsOpen(testDepth: number): string | undefined {
    const lines: string[] = [];
    for (let i = this.stack.length - 1; i > testDepth; i -= 1) {
      const element = this.stack[i] as OpenElement;
      if (element.name !== 'kw') continue;
      const attrs = element.attrs;
      const owner = nonEmpty(attrs.owner) ?? nonEmpty(attrs.library);
      const name = nonEmpty(attrs.name) ?? '(unnamed keyword)';
      const type = (attrs.type ?? '').trim().toLowerCase();
      const role = type === 'setup' || type === 'teardown' ? ` (${type})` : '';
      lines.push(`at ${owner === undefined ? '' : `${owner}.`}${name}${role}`);
    }
    // A copy of its own: the names are views of the piece of the file being read.
    return lines.length === 0 ? undefined : detached(lines.join('\n'));
  }

  private testRead(test: TestBuilder): void {
    const attrs = test.status ?? {};
    const rawStatus = (attrs.status ?? '').trim();
    let status = STATUSES.get(rawStatus.toUpperCase());
    if (status === undefined) {
      this.statuses.note(test.status === undefined ? '(no <status>)' : rawStatus);
      status = 'error';
    }
    const didNotRun = status === 'passed' && test.checkedOnly === true && test.ran !== true;
    if (didNotRun) {
      this.notRun += 1;
      status = 'skipped';
    }
    const suite = this.suites[this.suites.length - 1];
    const merged = test.message === undefined ? undefined : mergedAttempts(test.message);
    const message = merged !== undefined ? merged.message : test.message === undefined ? undefined : plainMessage(test.message);
    const result = resultOf({
      source: this.source,
      suitePath: this.suitePath(),
      name: detached(test.attrs.name ?? ''),
      // Robot writes the suite file's absolute path; shown relative to the checkout, as the other formats show theirs.
      file: suite?.source === undefined ? undefined : displayPath(suite.source, process.cwd()),
      status,
      durationMs: this.duration(attrs),
      message: didNotRun
        ? DID_NOT_RUN
        : (message ?? (rawStatus.toUpperCase() === 'NOT RUN' ? 'Robot Framework did not run this test (status NOT RUN).' : undefined)),
      // A passing test's keywords may fail (Run Keyword And Expect Error): only a failure has a stack.
      stack: status === 'failed' ? test.stack : undefined,
      tags: test.tags,
    });
    const line = Number(test.attrs.line);
    if (Number.isInteger(line) && line > 0) result.line = line;
    if (merged !== undefined && merged.earlier.length > 0) result.attempts = [...merged.earlier.map(earlierAttempt), ...result.attempts];
    this.ready.push(result);
  }

  /**
   * The open suites' names, outermost first: made once per suite whose tests ask, and shared by them. Made from the
   * open levels rather than level by level, so that deep nesting costs its depth, not its square.
   */
  private suitePath(): string[] {
    const innermost = this.suites[this.suites.length - 1];
    if (innermost === undefined) return [];
    innermost.path ??= this.suites.map((suite) => suite.name);
    return innermost.path;
  }

  private duration(attrs: Record<string, string>): number | undefined {
    const elapsed = attrs.elapsed;
    if (elapsed !== undefined) {
      const ms = secondsToMsStrict(elapsed);
      if (ms === undefined) this.durations.note(elapsed);
      return ms;
    }
    const start = attrs.starttime;
    const end = attrs.endtime;
    if (start === undefined || end === undefined || isUnknownTime(start) || isUnknownTime(end)) return undefined;
    const from = robotTime(start);
    const to = robotTime(end);
    if (from === undefined || to === undefined || to < from) {
      this.durations.note(`${start} – ${end}`);
      return undefined;
    }
    return to - from;
  }

  private errorRead(text: string | undefined): void {
    if (text === undefined) return;
    this.errorCount += 1;
    const first = text.split('\n')[0] ?? text;
    if (this.errors.length < ERRORS_NAMED && !this.errors.includes(first)) this.errors.push(first);
  }

  protected finish(): void {
    this.statuses.report(this.warn, this.source, 'test outcome', 'recorded with the status error', 'PASS, FAIL, SKIP or NOT RUN');
    this.durations.report(
      this.warn,
      this.source,
      'test time',
      'recorded without a duration',
      'elapsed seconds ("0.123") or starttime and endtime ("20231116 17:35:01.773")',
    );
    if (this.notRun > 0) {
      this.warn(
        `${this.source}: ${this.notRun} test(s) read PASS but Robot Framework ran none of their keywords (each is NOT RUN): the file was written by ` +
          '`robot --dryrun`, which only checks the test data, so they are recorded as skipped, never passed. Upload the output.xml of a real run to record their outcomes.',
      );
    }
    if (this.errorCount === 0) return;
    const more = this.errorCount - this.errors.length;
    this.warn(
      `${this.source}: Robot Framework logged ${this.errorCount} execution error(s) outside the tests: ${this.errors.map((e) => JSON.stringify(e)).join('; ')}` +
        `${more > 0 ? ` and ${more} more` : ''}. Such errors do not fail a Robot run (its return code counts failed tests only), and a test they broke is in the file as failed, ` +
        "so nothing more is recorded for them. Fix them: Robot's log lists them in full under Test Execution Errors.",
    );
  }
}

function isError(attrs: Record<string, string>): boolean {
  return (attrs.level ?? '').trim().toUpperCase() === 'ERROR';
}

function earlierAttempt(earlier: { status: string; message?: string }): Attempt {
  const attempt: Attempt = { status: STATUSES.get(earlier.status) ?? 'error' };
  if (earlier.message !== undefined) attempt.message = earlier.message;
  return attempt;
}

/** `elapsed`: seconds with a decimal point, as Robot writes them (`0.001000`). */
function secondsToMsStrict(value: string): number | undefined {
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Math.round(Number(text) * 1000);
}

/** Robot writes `N/A` (or nothing) where a time is not known, as rebot does for a merged suite. */
function isUnknownTime(value: string): boolean {
  const text = value.trim();
  return text === '' || text.toUpperCase() === 'N/A' || text.toUpperCase() === 'NONE';
}

const ROBOT_TIME = /^(\d{4})(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** `20231116 17:35:01.773` → milliseconds on a clock of its own (only differences are read). */
function robotTime(value: string): number | undefined {
  const match = ROBOT_TIME.exec(value.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction] = match;
  const ms = fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1000);
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}
