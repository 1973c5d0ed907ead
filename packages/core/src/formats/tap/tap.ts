/**
 * TAP (Test Anything Protocol, versions 13 and 14) → TestResult[], read line by line, so memory holds the open
 * subtests and the test point being read, never the file.
 *
 * - One TestResult per test point (`ok`, `not ok`), in the order written: name = its description (`test 3` when
 *   it has none), suitePath = the subtests it is nested in (4-space indented TAP documents, each named by its
 *   `# Subtest: name` line or, without one, by the test point that ends it). A test point that ends a subtest
 *   stands for its tests and is left out, unless it failed while none of them did (a failed hook in node:test):
 *   then it is kept, so that failure is not lost.
 * - Status: ok → passed, not ok → failed; `# SKIP` → skipped, also on a `not ok` (TAP: a skip is no failure);
 *   `not ok # TODO` → skipped, with the TODO's reason and the failure's details: TAP counts a failing TODO test
 *   as an expected failure, no failure of the run; `ok # TODO` → passed (the TODO may be done).
 * - Message and stack: the YAML diagnostic block after the test point (`message`, or node:test's `error`; the
 *   block as written is the stack), or the `#` lines after a `not ok` (Test::More, bats). Duration: the block's
 *   `duration_ms` (node:test), or node-tap's `# time=12ms`. File and line: node:test's `location` (relative to the
 *   working directory when it lies inside).
 * - What says the run did not end as planned fails the upload (ReadContext.outsideTests, INPUT_RUN_FAILED),
 *   whatever the results read say, since the tests it lost are in no result: a `Bail out!`; a plan (`1..N`)
 *   whose numbers did not all report, named; a stream without a plan, or that ends inside a subtest (the
 *   producer was cut off).
 * - Repeated or out-of-order test numbers are read as written, each test point a result of its own (a pass
 *   never stands in for a failure of the same number), and named in a warning.
 */
import type { OutsideTestError, TestResult, TestStatus } from '../../model.js';
import { LongString } from '../json-stream/long-string.js';
import { displayPath } from '../paths.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, clip, nonEmpty } from '../text.js';
import { readDiagnostic, type Diagnostic } from './diagnostic.js';
import { TestNumbers } from './test-numbers.js';
import { readTapLine, type TestPoint } from './test-point.js';

/** How the messages of a run failed outside any test name who said so. */
export const TAP_RUNNER = 'the TAP producer';

/** Subtests nested deeper than this are not read: the test points that end them still say how they went. */
export const MAX_TAP_DEPTH = 64;
/** Results of unnamed subtests held until the test point that names them comes; past this they go without it. */
const MAX_HELD = 10_000;
/** Longest YAML diagnostic block kept, in characters; the rest is skipped up to its end. */
const MAX_DIAGNOSTIC_CHARS = 2 * MAX_STACK_CHARS;
/** How many repeated or out-of-order numbers, or subtests over their plan, a warning names. */
const SHOWN = 5;
/** How many errors outside any test are kept one by one (a stream of many short subtests); the rest are counted. */
const MAX_ERRORS = 100;

/** One TAP document: the file's, or a subtest's. */
interface Level {
  depth: number;
  /** From its `# Subtest: name` line, or (set at its end) the test point that ends it; undefined until known. */
  name: string | undefined;
  /** A `# Subtest: name` read in this document: the name of the subtest that opens next in it. */
  nextName: string | undefined;
  plan: { count: number; reason: string } | undefined;
  points: number;
  numbers: TestNumbers;
  /** A test point in it, or in a subtest of it, failed. */
  failed: boolean;
  /** Only while unnamed: results of its tests, waiting for its name. */
  held: { result: TestResult; path: Level[] }[];
}

/** The test point being read: done when a line that is not its diagnostic comes. */
interface Pending {
  point: TestPoint;
  depth: number;
  number: number;
  /** The subtest this test point ends, when one was open below it. */
  ends: Level | undefined;
  /** Once its `---` came: the YAML block's lines, without their indentation. */
  yaml: string[] | undefined;
  yamlChars: number;
  yamlOpen: boolean;
  /** `#` lines after a `not ok` (also a TODO one): Test::More's and bats' way of saying why. */
  comments: LongString | undefined;
}

export class TapReader {
  private readonly levels: Level[] = [newLevel(0, undefined)];
  private pending: Pending | undefined;
  private out: TestResult[] = [];
  private heldCount = 0;
  private heldOverflowed = false;
  private tooDeep = 0;
  private misindented = 0;
  private readonly errors: OutsideTestError[] = [];
  private bailedOut = false;
  private readonly repeated: string[] = [];
  private repeatedCount = 0;
  private readonly outOfOrder: string[] = [];
  private outOfOrderCount = 0;
  private moreErrors = 0;
  private readonly overPlan: string[] = [];
  private overPlanCount = 0;

  constructor(private readonly source: string) {}

  take(): TestResult[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  line(raw: string): void {
    if (this.pending?.yamlOpen === true && this.yamlLine(this.pending, raw)) return;
    const indent = raw.length - raw.replace(/^ +/, '').length;
    const content = raw.slice(indent).trimEnd();
    if (content === '') return;
    const pending = this.pending;
    if (pending !== undefined && pending.yaml === undefined && content === '---' && indent === pending.depth * 4 + 2) {
      pending.yaml = [];
      pending.yamlOpen = true;
      return;
    }
    // TAP is indented by 4 spaces a level; anything else is a producer's stray output, which TAP says to ignore,
    // but a test point there is counted, so that a result not read is never silent.
    if (indent % 4 !== 0) {
      if (readTapLine(content).kind === 'test') this.misindented += 1;
      return;
    }
    const depth = indent / 4;
    if (depth > MAX_TAP_DEPTH) {
      this.tooDeep += 1;
      return;
    }
    const tap = readTapLine(content);
    if (tap.kind === 'other') return;
    if (tap.kind === 'comment') {
      if (pending !== undefined && pending.depth === depth && pending.yaml === undefined && !pending.point.ok) {
        pending.comments ??= new LongString({ kind: 'text', max: MAX_STACK_CHARS });
        pending.comments.append(`${tap.text}\n`);
      }
      return;
    }
    this.finishPending();
    if (tap.kind === 'bail-out') {
      this.bailOut(tap.reason);
      return;
    }
    // A deeper line opens the subtests down to it (a bare subtest has no `# Subtest` line).
    const opens = this.levels.length - 1 < depth;
    while (this.levels.length - 1 < depth) {
      const parent = this.levels[this.levels.length - 1] as Level;
      this.levels.push(newLevel(this.levels.length, parent.nextName));
      parent.nextName = undefined;
    }
    const level = this.levels[depth] as Level;
    if (tap.kind === 'subtest') {
      // TAP14 writes it at the parent's indentation, naming the subtest to come; older node-tap at the subtest's
      // own, as its first line: then it names the subtest it opened.
      if (opens && level.name === undefined) level.name = nameOf(tap.name);
      else level.nextName = tap.name;
    } else if (tap.kind === 'plan') {
      level.plan ??= { count: tap.count, reason: tap.reason };
    } else {
      this.testPoint(tap, depth);
    }
  }

  /** The stream ended: a test point still open is done; subtests still open were cut off. */
  end(): void {
    this.finishPending();
    while (this.levels.length > 1) {
      const level = this.levels.pop() as Level;
      // After a bail-out the stream ends where it stopped: the bail-out says why.
      if (!this.bailedOut)
        this.runError({
          message: `the stream ended inside the subtest ${quoted(this.pathOf(level))}, before the test point that ends it: the producer was cut off there (it crashed or was killed).`,
        });
      this.closeLevel(level);
    }
    const top = this.levels[0] as Level;
    this.flushHeld(top);
    this.checkPlan(top);
  }

  /** The errors that failed the run outside any test; empty when it ended as planned. */
  runErrors(): OutsideTestError[] {
    if (this.moreErrors === 0) return this.errors;
    return [...this.errors, { message: `and ${this.moreErrors} more such error(s) in this stream.` }];
  }

  private runError(error: OutsideTestError): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(error);
    else this.moreErrors += 1;
  }

  /** What a person should know that is not a result: repeated numbers, lines not read. */
  warnings(): string[] {
    const warnings: string[] = [];
    const more = (count: number, shown: number): string => (count > shown ? ` and ${count - shown} more` : '');
    if (this.repeatedCount > 0) {
      warnings.push(
        `${this.source}: ${this.repeatedCount} test point(s) repeat the number of an earlier one (${this.repeated.join(', ')}${more(this.repeatedCount, this.repeated.length)}). ` +
          'Each is read as a result of its own, so a pass never stands in for a failure of the same number, and the worst decides a case they share. ' +
          'If two producers wrote into one file, give each its own.',
      );
    }
    if (this.outOfOrderCount > 0) {
      warnings.push(
        `${this.source}: ${this.outOfOrderCount} test point(s) came out of order (${this.outOfOrder.join(', ')}${more(this.outOfOrderCount, this.outOfOrder.length)}); each is read as written.`,
      );
    }
    if (this.overPlanCount > 0) {
      warnings.push(
        `${this.source}: more test points were read than the plan promised (${this.overPlan.join('; ')}${more(this.overPlanCount, this.overPlan.length)}); all are recorded. ` +
          'A plan that counts fewer tests than ran is usually a producer that wrote two runs into one file.',
      );
    }
    if (this.tooDeep > 0) {
      warnings.push(
        `${this.source}: ${this.tooDeep} line(s) nested deeper than ${MAX_TAP_DEPTH} subtests were not read; the test points that end those subtests were, so a failure in them still fails the subtest that holds it.`,
      );
    }
    if (this.misindented > 0) {
      warnings.push(
        `${this.source}: ${this.misindented} line(s) that read as test points are indented by a number of spaces that is no multiple of 4, which TAP does not use, so they were not read: ` +
          'check the producer, or whatever rewrote its output.',
      );
    }
    if (this.heldOverflowed) {
      warnings.push(
        `${this.source}: subtests without a "# Subtest: name" line held more than ${MAX_HELD} results before the test point that names them; the rest were read without that subtest's name in their path.`,
      );
    }
    const top = this.levels[0] as Level;
    if (top.plan?.count === 0 && top.points === 0 && top.plan.reason !== '') {
      warnings.push(`${this.source}: the producer skipped every test (1..0 # ${top.plan.reason}).`);
    }
    return warnings;
  }

  private testPoint(point: TestPoint, depth: number): void {
    // A test point at a shallower level ends the subtest below it; any deeper one left open was cut off.
    let ends: Level | undefined;
    while (this.levels.length - 1 > depth) {
      const level = this.levels.pop() as Level;
      if (this.levels.length - 1 === depth) ends = level;
      else {
        this.runError({ message: `the subtest ${quoted(this.pathOf(level))} ended without its own test point: its output was cut off.` });
        this.closeLevel(level);
      }
    }
    const level = this.levels[depth] as Level;
    level.nextName = undefined;
    level.points += 1;
    const number = point.number ?? level.numbers.next;
    const seen = level.numbers.add(number);
    if (seen === 'repeated') {
      this.repeatedCount += 1;
      if (this.repeated.length < SHOWN) this.repeated.push(`${this.where(depth)}${number}`);
    } else if (seen === 'out-of-order') {
      this.outOfOrderCount += 1;
      if (this.outOfOrder.length < SHOWN) this.outOfOrder.push(`${this.where(depth)}${number}`);
    }
    this.pending = { point, depth, number, ends, yaml: undefined, yamlChars: 0, yamlOpen: false, comments: undefined };
  }

  /** A line while the YAML block is open: true when it belonged to the block. */
  private yamlLine(pending: Pending, raw: string): boolean {
    const base = pending.depth * 4 + 2;
    const lines = pending.yaml as string[];
    if (raw.trim() === '') {
      if (pending.yamlChars < MAX_DIAGNOSTIC_CHARS) lines.push('');
      pending.yamlChars += 1;
      return true;
    }
    if (raw.length - raw.trimStart().length < base || !raw.startsWith(' '.repeat(base))) {
      // Less indented than the block: it ended without its `...`, and this line is TAP again.
      pending.yamlOpen = false;
      return false;
    }
    const text = raw.slice(base).trimEnd();
    if (text === '...') {
      pending.yamlOpen = false;
      return true;
    }
    if (pending.yamlChars < MAX_DIAGNOSTIC_CHARS) {
      lines.push(text);
      pending.yamlChars += text.length + 1;
    }
    return true;
  }

  private finishPending(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    const level = this.levels[pending.depth] as Level;
    const diagnostic = pending.yaml === undefined ? undefined : readDiagnostic(pending.yaml);
    const ends = pending.ends;
    if (ends !== undefined) {
      ends.name ??= pending.point.description === '' ? undefined : pending.point.description;
      this.closeLevel(ends);
    }
    if (failing(pending.point)) level.failed = true;
    // A subtest's tests stand for it; its test point stands for itself only when it failed and none of them says
    // why (or when it held no test: `1..0`, a skipped subtest).
    if (ends !== undefined && ends.points > 0 && !(failing(pending.point) && !ends.failed)) return;
    this.emit(this.result(pending, diagnostic), pending.depth);
  }

  /** A subtest is over: its plan is checked, its held results go on, and a failure in it fails its parent. */
  private closeLevel(level: Level): void {
    this.checkPlan(level);
    this.flushHeld(level);
    const parent = this.levels[level.depth - 1];
    if (parent !== undefined && level.failed) parent.failed = true;
  }

  private checkPlan(level: Level): void {
    const where = level.depth === 0 ? '' : `the subtest ${quoted(this.pathOf(level))}: `;
    const plan = level.plan;
    if (plan === undefined) {
      // A subtest ended by its test point may leave its plan out; the file's own plan is what says it is whole.
      if (level.depth === 0 && !this.bailedOut) {
        this.runError({
          message:
            'the stream has no plan (1..N): it ended before its producer wrote one, so the producer was cut off (it crashed or was killed) ' +
            `and tests after the last one read${level.points === 0 ? '' : ` (${level.points} read)`} are missing.`,
        });
      }
      return;
    }
    const missing = level.numbers.missing(plan.count);
    if (missing.count > 0) {
      const named = missing.ranges.length === 0 ? '' : ` (${missing.ranges.join(', ')}${missing.count > countOf(missing.ranges) ? ', …' : ''})`;
      this.runError({
        message:
          `${where}the plan 1..${plan.count} promised ${plan.count} test(s), and ${missing.count} of them never reported${named}: ` +
          `the run stopped before them${this.bailedOut ? ' (it bailed out)' : ' (it crashed or was killed)'}, so their results are missing.`,
      });
    }
    if (level.points > plan.count) {
      this.overPlanCount += 1;
      if (this.overPlan.length < SHOWN) this.overPlan.push(`${where}${level.points} where the plan 1..${plan.count} promised ${plan.count}`);
    }
  }

  private bailOut(reason: string): void {
    // TAP14 asks a producer to repeat a subtest's bail-out at the top level: the first one says it.
    if (this.bailedOut) return;
    this.bailedOut = true;
    this.runError({
      message: `Bail out!${reason === '' ? '' : ` ${reason}`} (the producer stopped the run here, so the tests after it did not run)`,
    });
  }

  private result(pending: Pending, diagnostic: Diagnostic | undefined): TestResult {
    const { point } = pending;
    const directive = point.directive;
    const status: TestStatus = directive === undefined ? (point.ok ? 'passed' : 'failed') : directive.kind === 'todo' && point.ok ? 'passed' : 'skipped';
    const comments = nonEmpty(pending.comments?.value());
    const details = [diagnostic?.text, comments].filter((text) => nonEmpty(text) !== undefined).join('\n');
    const said = diagnostic?.message ?? firstReason(comments);
    let message: string | undefined;
    let stack: string | undefined;
    let output: string | undefined;
    if (directive?.kind === 'todo') {
      const todo = `TODO${directive.reason === '' ? '' : `: ${directive.reason}`}`;
      if (point.ok) output = `${todo}. It passed although marked TODO: what it waited for may be done, so remove the TODO.`;
      else {
        message = `${todo} (an expected failure: TAP counts a "not ok" marked TODO as no failure of the run)${said === undefined ? '' : `: ${said}`}`;
        stack = nonEmpty(details);
      }
    } else if (directive?.kind === 'skip') {
      message = nonEmpty(directive.reason);
    } else if (!point.ok) {
      message = said;
      stack = nonEmpty(details);
    }
    const durationMs = diagnostic?.durationMs ?? point.durationMs;
    if (message !== undefined) message = clip(message, MAX_MESSAGE_CHARS);
    if (stack !== undefined) stack = clip(stack, MAX_STACK_CHARS);
    return {
      source: this.source,
      ...(diagnostic?.file !== undefined && { file: displayPath(diagnostic.file, process.cwd()) }),
      ...(diagnostic?.line !== undefined && { line: diagnostic.line }),
      suitePath: [],
      name: point.description === '' ? `test ${pending.number}` : point.description,
      status,
      ...(durationMs !== undefined && { durationMs }),
      ...(message !== undefined && { message }),
      ...(stack !== undefined && { stack }),
      ...(output !== undefined && { output: clip(output, MAX_OUTPUT_CHARS) }),
      properties: [],
      tags: [],
      attachments: [],
      attempts: [{ status, ...(durationMs !== undefined && { durationMs }), ...(message !== undefined && { message }), ...(stack !== undefined && { stack }) }],
    };
  }

  /** Hand a result over, or hold it while a subtest it is in has no name yet. */
  private emit(result: TestResult, depth: number): void {
    const path = this.levels.slice(1, depth + 1);
    const unnamed = path.find((level) => level.name === undefined);
    if (unnamed === undefined) {
      result.suitePath = path.map((level) => level.name as string);
      this.out.push(result);
      return;
    }
    if (this.heldCount >= MAX_HELD) {
      this.heldOverflowed = true;
      result.suitePath = path.flatMap((level) => (level.name === undefined ? [] : [level.name]));
      this.out.push(result);
      return;
    }
    unnamed.held.push({ result, path });
    this.heldCount += 1;
  }

  private flushHeld(level: Level): void {
    for (const { result, path } of level.held) {
      result.suitePath = path.flatMap((l) => (l.name === undefined ? [] : [l.name]));
      this.out.push(result);
    }
    this.heldCount -= level.held.length;
    level.held = [];
  }

  /** `math › adds` for a subtest: its own name and those of the subtests it is in. */
  private pathOf(level: Level): string {
    const names = this.levels
      .slice(1, level.depth)
      .concat(level)
      .map((l) => l.name ?? '(unnamed)');
    return names.join(' › ');
  }

  /** Where a test number is, for warnings: `3` at the top level, `math: 3` in a subtest. */
  private where(depth: number): string {
    return depth === 0 ? '' : `${this.pathOf(this.levels[depth] as Level)}: `;
  }
}

function newLevel(depth: number, name: string | undefined): Level {
  return { depth, name: nameOf(name), nextName: undefined, plan: undefined, points: 0, numbers: new TestNumbers(), failed: false, held: [] };
}

/** A subtest's name; `# Subtest` without one names nothing. */
function nameOf(name: string | undefined): string | undefined {
  return name === '' ? undefined : name;
}

/** A `not ok` that counts: neither skipped nor TODO. */
function failing(point: TestPoint): boolean {
  return !point.ok && point.directive === undefined;
}

/** The first line of `#` diagnostics that says why: bats' `(in test file x.bats, line 7)` only says where. */
function firstReason(comments: string | undefined): string | undefined {
  if (comments === undefined) return undefined;
  const lines = comments
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.find((line) => !/^\(in test file .*\)$/.test(line)) ?? lines[0];
}

function quoted(text: string): string {
  return `"${text}"`;
}

/** How many numbers `3`, `5–9` name. */
function countOf(ranges: readonly string[]): number {
  return ranges.reduce((sum, range) => {
    const [from, to] = range.split('–').map(Number);
    return sum + (to === undefined ? 1 : to - (from as number) + 1);
  }, 0);
}
