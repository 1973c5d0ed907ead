/** Scanner events → TestResults, by the rules at the top of junit.ts. */
import type { ReadingRules } from '../format.js';
import { InputError } from '../../errors.js';
import type { TestResult } from '../../model.js';
import { MAX_MESSAGE_CHARS, stripBom } from '../text.js';
import { CappedText } from './capped-text.js';
import {
  IGNORED,
  closeProperty,
  resultFrame,
  suiteErrorResult,
  suiteFrame,
  textFrame,
  type Frame,
  type Named,
  type PropertiesFrame,
  type PropertyFrame,
  type ResultFrame,
  type TextFrame,
  type SuiteFrame,
  type Waiting,
} from './frames.js';
import {
  EARLIER_RUNS,
  LATER_RUNS,
  RESULT_KINDS,
  STACK_CAP,
  TestcaseBuilder,
  joinOutput,
  joinParts,
  mergeProperties,
  mergeRepeat,
  withSuiteOutput,
} from './testcase.js';
import { rootContext } from './suite-context.js';
import { XmlScanner, type XmlHandler } from './xml-scanner.js';

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

/** Elements that carry nothing a result needs: skipped without a warning. */
const KNOWN_NOISE = new Set(['properties', 'system-out', 'system-err']);

/** Turns scanner events into TestResults; `take()` hands over those complete so far, in document order. */
export class JUnitReader implements XmlHandler {
  private readonly frames: Frame[] = [];
  /**
   * Each open frame's kind, in step with `frames`. Frames come in seven shapes, so reading `kind` off them was a
   * megamorphic load on every event (3 % of the reader); a list of strings is read the same way every time.
   */
  private readonly kinds: Frame['kind'][] = [];
  /**
   * Results read whole, in document order, until every one before them is complete: a failure waits for its
   * suite's end (a `Waiting`), a pass or skip read after it waits only for its turn and is queued as itself (no
   * object of its own: in a suite whose first testcase fails, every later testcase queues).
   */
  private readonly queue: Array<Waiting | TestResult> = [];
  private ready: TestResult[] = [];
  /** Results handed to `ready` so far, for the message of a file that breaks off. */
  private handedOver = 0;
  private readonly scanner: XmlScanner;
  private started = false;
  /** Whitespace read before the first markup, to tell an empty file from a blank one. */
  private pendingBlank = 0;
  /** `<parent>/<child>` → how many such elements were skipped. */
  private readonly skipped = new Map<string, number>();
  private readonly unreadableTimes: string[] = [];
  private unreadableTimeCount = 0;

  /** Test names seen repeated in a suite and read as separate results, for one warning at the end. */
  private readonly repeated = new Set<string>();
  private repeatedCount = 0;

  constructor(
    private readonly source: string,
    private readonly warn: (message: string) => void = () => undefined,
    private readonly rules: ReadingRules = {},
  ) {
    this.scanner = new XmlScanner(source, this);
    if (!warmedUp) warmUp();
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
    try {
      this.scanner.write(text);
    } catch (error) {
      throw this.broken(error);
    }
  }

  /**
   * The file broke off (truncated, malformed, refused mid-way): every testcase read whole before the break is
   * handed over (`take`), even those whose suite never closed, and the message says so, after naming where
   * it broke. A killed test run leaves exactly such a file, and its complete results are real.
   */
  private broken(error: unknown): unknown {
    if (!(error instanceof InputError)) return error;
    const kept = this.handedOver + this.queue.length;
    for (const queued of this.queue) this.ready.push(resultOf(queued));
    this.handedOver += this.queue.length;
    this.queue.length = 0;
    if (kept === 0) return error;
    const what = kept === 1 ? 'The 1 testcase read whole before that point is kept' : `The ${kept} testcases read whole before that point are kept`;
    return new InputError(error.code, error.file, `${error.message} ${what}; the rest of the file is not read.`, { cause: error.cause });
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
    try {
      this.scanner.end();
    } catch (error) {
      throw this.broken(error);
    }
    for (const [where, count] of this.skipped) {
      const [parent, child] = where.split('/');
      this.warn(
        `${this.source}: skipped ${count} <${child}> element${count === 1 ? '' : 's'} inside <${parent}>: not part of JUnit XML as this tool reads it, so ${count === 1 ? 'its' : 'their'} content is not recorded.`,
      );
    }
    if (this.repeatedCount > 0) {
      const shown = [...this.repeated].map((t) => `"${t}"`).join(', ');
      const more = this.repeatedCount - this.repeated.size;
      this.warn(
        `${this.source}: ${this.repeatedCount} testcase(s) repeat the classname and name of an earlier one in the same suite (${shown}${more > 0 ? ` and ${more} more` : ''}); ` +
          'each is read as a result of its own and the worst decides the case. If your test runner writes reruns this way (gotestsum --rerun-fails, jest-junit with retries), set repeats-are-retries (--repeats-are-retries).',
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
    // Told by the length, not by reading the element before the first: a load at -1 is a lookup of the property
    // "-1", which turned this load megamorphic for every element after the root.
    if (this.frames.length === 0) {
      this.openRoot(name, attrs);
      return;
    }
    const parent = this.frames[this.frames.length - 1] as Frame;
    const parentKind = this.kinds[this.kinds.length - 1] as Frame['kind'];
    const kind = this.openChild(parent, parentKind, name, attrs);
    if (kind === 'ignored' && parentKind !== 'ignored' && !(KNOWN_NOISE.has(name) && parentKind === 'result')) {
      const where = `${this.elementName(parent)}/${name}`;
      this.skipped.set(where, (this.skipped.get(where) ?? 0) + 1);
    }
  }

  /**
   * Open `frame`, whose kind is `kind`: given, not read off the frame, where it is known anyway (frames come in
   * seven shapes, and reading `kind` off them was a megamorphic load per element: 1 % of the reader).
   */
  private push<K extends Frame['kind']>(frame: Extract<Frame, { kind: K }>, kind: K): K {
    this.frames.push(frame);
    this.kinds.push(kind);
    return kind;
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
    const root = rootContext();
    this.push(name === 'testsuites' ? suiteFrame(root) : suiteFrame(root, attrs), 'suite');
  }

  /** Open the frame of an element opened in `parent`, whose kind is `parentKind` (see `kinds`); its kind. */
  private openChild(parent: Frame, parentKind: Frame['kind'], name: string, attrs: Record<string, string>): Frame['kind'] {
    // Told by `parentKind`, then narrowed by a cast: a switch on `parent.kind` would read the megamorphic field again.
    switch (parentKind) {
      case 'suite': {
        const suite = parent as SuiteFrame;
        if (name === 'testsuite') return this.push(suiteFrame(suite.context, attrs), 'suite');
        // Merged shard reports nest whole `<testsuites>` documents: read them like the root.
        if (name === 'testsuites') return this.push(suiteFrame(suite.context), 'suite');
        // The builder is the testcase's frame itself (one object per testcase, not two).
        if (name === 'testcase') return this.push(new TestcaseBuilder(attrs, suite.context), 'testcase');
        if (name === 'properties') return this.push({ kind: 'properties', owner: suite.ownProperties }, 'properties');
        if (name === 'system-out') return this.push(textFrame(suite.systemOut), 'text');
        if (name === 'system-err') return this.push(textFrame(suite.systemErr), 'text');
        if (name === 'error' || name === 'failure') return this.push(resultFrame(suite.errors, name, attrs), 'result');
        return this.push(IGNORED, 'ignored');
      }
      case 'testcase': {
        const builder = parent as TestcaseBuilder;
        if (RESULT_KINDS.has(name) || EARLIER_RUNS.has(name) || LATER_RUNS.has(name))
          return this.push(resultFrame(builder.ownResults(), name, attrs), 'result');
        if (name === 'properties') return this.push({ kind: 'properties', owner: builder.ownProperties() }, 'properties');
        if (name === 'system-out') return this.push(textFrame(builder.ownSystemOut()), 'text');
        if (name === 'system-err') return this.push(textFrame(builder.ownSystemErr()), 'text');
        return this.push(IGNORED, 'ignored');
      }
      case 'properties':
        if (name !== 'property') return this.push(IGNORED, 'ignored');
        return this.push({ kind: 'property', owner: (parent as PropertiesFrame).owner, attrs, text: new CappedText(MAX_MESSAGE_CHARS) }, 'property');
      case 'result': {
        const element = (parent as ResultFrame).element;
        if (name === 'stackTrace' && element.stackTrace === undefined) {
          element.stackTrace = new CappedText(STACK_CAP);
          return this.push({ kind: 'text', text: element.stackTrace }, 'text');
        }
        // Surefire writes a rerun's own log inside its flakyFailure/rerunFailure.
        if ((name === 'system-out' || name === 'system-err') && (EARLIER_RUNS.has(element.name) || LATER_RUNS.has(element.name))) {
          return this.push(textFrame(element.output), 'text');
        }
        return this.push(IGNORED, 'ignored');
      }
      default:
        return this.push(IGNORED, 'ignored');
    }
  }

  wantsText(): boolean {
    const kind = this.kinds[this.kinds.length - 1];
    return kind === 'text' || kind === 'property' || kind === 'result';
  }

  text(text: string): void {
    const kind = this.kinds[this.kinds.length - 1];
    if (kind === 'text' || kind === 'property') (this.frames[this.frames.length - 1] as TextFrame).text.append(text);
    else if (kind === 'result') (this.frames[this.frames.length - 1] as ResultFrame).element.text.append(text);
  }

  close(): void {
    const frame = this.frames.pop();
    const kind = this.kinds.pop();
    if (frame === undefined) return;
    if (kind === 'testcase') this.closeTestcase(frame as TestcaseBuilder);
    else if (kind === 'property') {
      const property = frame as PropertyFrame;
      closeProperty(property.owner, property.attrs, property.text);
    } else if (kind === 'properties') this.propertiesRead();
    else if (kind === 'suite') this.closeSuite(frame as SuiteFrame);
  }

  /** A suite's properties apply to its testcases: merge them once, for all of them to share. */
  private propertiesRead(): void {
    if (this.kinds[this.kinds.length - 1] !== 'suite') return;
    const context = (this.frames[this.frames.length - 1] as SuiteFrame).context;
    // The enclosing levels' properties are merged already: merging with them is merging with every level.
    context.properties = mergeProperties([context.parent?.properties ?? [], context.ownProperties]);
  }

  private closeTestcase(builder: TestcaseBuilder): void {
    const result = builder.build(this.source, this.onUnreadableTime);
    const suite = this.frames[this.frames.length - 1] as SuiteFrame;
    const sameName = suite.byName.get(result.name);
    const earlier = Array.isArray(sameName)
      ? sameName.find((n) => n.classname === result.classname)
      : sameName?.classname === result.classname
        ? sameName
        : undefined;
    // Only a failed run is retried, and only when the producer writes reruns as repeats (rules): otherwise a
    // repeat is another test of the same name (parameterised tests, `it.each` with a fixed title), a result of
    // its own, and named in a warning. A testcase without a name has no identity to repeat.
    const failedBefore = earlier !== undefined && result.name !== '' && isFailure(earlier.status);
    if (earlier !== undefined && result.name !== '' && !this.rules.repeatsAreRetries) this.noteRepeat(result.classname, result.name);
    if (failedBefore && this.rules.repeatsAreRetries && earlier.waiting !== undefined) {
      // A failed result always waits for the end of its suite, so the repeat has it to merge into.
      const target = earlier.waiting;
      mergeRepeat(target.result, result);
      target.ownOutput = joinParts([target.ownOutput, builder.ownOutput]);
      earlier.status = target.result.status;
      return;
    }
    let waiting: Waiting | undefined;
    if (!isFailure(result.status)) {
      // A pass or a skip needs nothing from its suite (no repeat merges into it, the suite's output is only a
      // failure's): handed over at once unless an earlier result waits (document order), so that it dies young
      // instead of living until its suite ends (one suite of 80,000 testcases held them all).
      if (this.queue.length === 0) {
        this.ready.push(result);
        this.handedOver += 1;
      } else this.queue.push(result);
    } else {
      waiting = { result, ownOutput: builder.ownOutput, suite };
      suite.waiting.push(waiting);
      this.queue.push(waiting);
    }
    // What a repeat needs of this testcase: the result only for a failure (the one a retry merges into).
    const named =
      waiting === undefined ? this.handedOverNamed(result.classname, result.status) : { classname: result.classname, status: result.status, waiting };
    // Most names are read once in a suite: a list is made only for a second classname.
    if (sameName === undefined || sameName === earlier) suite.byName.set(result.name, named);
    else if (!Array.isArray(sameName)) suite.byName.set(result.name, [sameName, named]);
    else if (earlier === undefined) sameName.push(named);
    else sameName[sameName.indexOf(earlier)] = named;
  }

  /** The last entry made for a result that is not a failure: most testcases in a row share their classname and status. */
  private lastHandedOver: Named | undefined;

  /**
   * What the name map holds for a pass or a skip (handed over, or queued behind a failure): one frozen entry shared by the testcases in a row with its
   * classname and status (nothing changes an entry without a waiting result), not an object per testcase that
   * lives until its suite ends (80,000 of them in one suite of the properties benchmark).
   */
  private handedOverNamed(classname: string | undefined, status: TestResult['status']): Named {
    const last = this.lastHandedOver;
    if (last !== undefined && last.classname === classname && last.status === status) return last;
    this.lastHandedOver = Object.freeze({ classname, status, waiting: undefined });
    return this.lastHandedOver;
  }

  private noteRepeat(classname: string | undefined, name: string): void {
    this.repeatedCount++;
    if (this.repeated.size < 5) this.repeated.add(classname ? `${name} (${classname})` : name);
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
    for (const element of suite.errors)
      this.queue.push({ result: suiteErrorResult(suite, element, output, this.source), ownOutput: undefined, suite: undefined });
    this.flush();
  }

  private flush(): void {
    let done = 0;
    while (done < this.queue.length) {
      const queued = this.queue[done] as Waiting | TestResult;
      if (isWaiting(queued)) {
        if (queued.suite !== undefined) break;
        this.ready.push(queued.result);
      } else this.ready.push(queued);
      done += 1;
    }
    this.handedOver += done;
    if (done > 0) this.queue.splice(0, done);
  }
}

/** A queued failure (which waits for its suite), not a queued pass or skip (a result itself). */
function isWaiting(queued: Waiting | TestResult): queued is Waiting {
  return (queued as Partial<Waiting>).result !== undefined;
}

function resultOf(queued: Waiting | TestResult): TestResult {
  return isWaiting(queued) ? queued.result : queued;
}

function isFailure(status: TestResult['status']): boolean {
  return status === 'failed' || status === 'error';
}

/** Whether this process read WARM_UP_DOCUMENT already. */
let warmedUp = false;

/**
 * A small document that takes every path of the scanner and the reader: a tag, a value, a name, a CDATA
 * section, a comment and text cut by the end of a piece; values with entities, line breaks and single quotes;
 * failures, skips, output, properties.
 */
const WARM_UP_DOCUMENT = `<?xml version="1.0" encoding="UTF-8"?>
<!-- warm-up -->
<testsuites name="w">
  <testsuite name="w.Suite" tests="4" failures="1" errors="1" skipped="1" time="0.5" timestamp="2026-01-01T00:00:00" hostname='h'>
    <properties><property name="a" value="1"/><property name="b">two</property></properties>
    <testcase classname="w.Suite" name="passes &amp; more" time="0.001"/>
    <testcase classname="w.Suite" name="fails" time="1"><failure message="expected &lt;1&gt;
	got 2" type="AssertionError"><![CDATA[at w.Suite.fails(Suite.java:1)
at &amp;]]>more &#10;text</failure><system-out>out</system-out></testcase>
    <testcase classname="w.Suite" name="skips" time="0.25" file="w/Suite.java" line="3"><skipped/></testcase>
    <testcase classname="w.Other" name="errs"><error message="boom" type="E">stack</error><system-err>err</system-err></testcase>
    <testcase classname="w.Suite" name="passes &amp; more" time="x"/>
    <system-out>suite out</system-out>
  </testsuite>
</testsuites>
`;

/**
 * Reads WARM_UP_DOCUMENT once per process, in pieces of several lengths, before the first real file. Without
 * it, a path that only a piece's end takes (a tag or a value cut in two) is first met while the hot functions
 * already run optimised code that has never seen it: V8 throws that code away and optimises again, several
 * times in the first megabytes (20 deoptimisations measured on the 30 MB bench file, 7 of them in openTag).
 * The document costs well under a millisecond.
 */
function warmUp(): void {
  warmedUp = true;
  for (const size of [5, 13]) {
    const reader = new JUnitReader('warm-up');
    for (let at = 0; at < WARM_UP_DOCUMENT.length; at += size) {
      reader.write(WARM_UP_DOCUMENT.slice(at, at + size));
      reader.take();
    }
    reader.end();
    reader.take();
  }
  // And cut right after each `/`: a self-closing tag cut between its `/` and `>`.
  const reader = new JUnitReader('warm-up');
  for (let at = 0; at < WARM_UP_DOCUMENT.length;) {
    const slash = WARM_UP_DOCUMENT.indexOf('/', at);
    const end = slash === -1 ? WARM_UP_DOCUMENT.length : slash + 1;
    reader.write(WARM_UP_DOCUMENT.slice(at, end));
    reader.take();
    at = end;
  }
  reader.end();
  reader.take();
}
