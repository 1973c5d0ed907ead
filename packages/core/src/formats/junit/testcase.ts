/**
 * One `<testcase>` while it is being read: its result elements, output and properties, gathered with bounded
 * text, then turned into a TestResult by the rules at the top of junit.ts.
 */
import type { Attachment, Attempt, Property, TestResult, TestStatus } from '../../model.js';
import { linkOf } from '../links.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, clip, nonEmpty } from '../text.js';
import { firstLine, stripAnsi } from '../../text.js';
import { readDuration } from './duration.js';
import { detached } from './xml-entities.js';
import type { CappedText } from './capped-text.js';
import { suitePathOf, type SuiteContext } from './suite-context.js';

/** A result element (`<failure>`, `<flakyError>` …) while it is read. */
export interface ResultElement {
  name: string;
  attrs: Record<string, string>;
  text: CappedText;
  /** Surefire's nested `<stackTrace>`, when present (the first one). */
  stackTrace?: CappedText;
  /** Output nested in a surefire flaky/rerun element: that attempt's own log. */
  output: CappedText[];
}

export const RESULT_KINDS = new Map<string, TestStatus>([
  ['error', 'error'],
  ['failure', 'failed'],
  ['skipped', 'skipped'],
  ['disabled', 'skipped'],
]);
const KIND_NAMES = [...RESULT_KINDS.keys()];
/** Each of RESULT_KINDS → its place in that list (the first is the worst). */
const KIND_RANK = new Map(KIND_NAMES.map((name, rank) => [name, rank]));
export const EARLIER_RUNS = new Map<string, TestStatus>([
  ['flakyFailure', 'failed'],
  ['flakyError', 'error'],
]);
export const LATER_RUNS = new Map<string, TestStatus>([
  ['rerunFailure', 'failed'],
  ['rerunError', 'error'],
]);

/** The empty list a result without tags or attachments shares (frozen: adding to one would add to all). */
const NONE = Object.freeze([]) as never[];

export class TestcaseBuilder {
  /** The reader's frame for an open `<testcase>` is its builder. */
  readonly kind = 'testcase';
  // Most testcases hold no element at all: the lists are made for the first one (see the reader's `child`).
  results: ResultElement[] = NONE;
  systemOut: CappedText[] = NONE;
  systemErr: CappedText[] = NONE;
  properties: Property[] = NONE;
  /** The testcase's own output, kept until its suite's output is known (failed testcases get both). */
  ownOutput: string | undefined;

  constructor(
    readonly attrs: Record<string, string>,
    readonly context: SuiteContext,
  ) {}

  ownResults(): ResultElement[] {
    if (this.results === NONE) this.results = [];
    return this.results;
  }

  ownSystemOut(): CappedText[] {
    if (this.systemOut === NONE) this.systemOut = [];
    return this.systemOut;
  }

  ownSystemErr(): CappedText[] {
    if (this.systemErr === NONE) this.systemErr = [];
    return this.systemErr;
  }

  ownProperties(): Property[] {
    if (this.properties === NONE) this.properties = [];
    return this.properties;
  }

  /** `unreadableTime` is told a `time` that is not a duration (the result then has none). */
  build(source: string, unreadableTime: (value: string) => void): TestResult {
    const attrs = this.attrs;
    const attempts = this.attempts();
    const final = attempts[attempts.length - 1] as Attempt;
    // Most testcases have no output and no result element: no lists built for them.
    const ownStreams = this.systemOut.length + this.systemErr.length === 0 ? undefined : joinOutput(this.systemOut, this.systemErr);
    this.ownOutput = this.results.length === 0 ? ownStreams : this.withAttemptOutputs(ownStreams);
    let durationMs: number | undefined = plainSecondsMs(attrs.time);
    if (durationMs === -1) {
      const time = readDuration(attrs.time);
      if (!time.readable) unreadableTime(attrs.time ?? '');
      durationMs = time.ms;
    }
    const classname = this.keptClassname(attrs.classname ?? attrs.class);
    const ownFile = nonEmpty(attrs.file ?? attrs.filepath);
    const file = ownFile === undefined ? this.context.file : detached(ownFile);
    if (attempts.length === 1 && durationMs !== undefined) final.durationMs = durationMs;
    // A positive whole number only: a `line` attribute (pytest, PHPUnit, Robot write it), for annotations.
    const lineNumber = attrs.line === undefined ? 0 : Number(attrs.line);
    const ownProperties = this.properties;
    // Every field set, in one order (undefined where the testcase has none), not spread (objects built with
    // conditional spreads measured several times larger): every result then has one shape, and what reads
    // results (the mapping, the tally, the plan) reads them with one map, not with the megamorphic lookups a
    // shape per combination of optional fields cost (3 % of the reader alone).
    const result: TestResult = {
      source,
      file,
      line: Number.isInteger(lineNumber) && lineNumber > 0 ? lineNumber : undefined,
      suitePath: suitePathOf(this.context),
      name: detached(attrs.name ?? ''),
      classname,
      project: undefined,
      status: final.status,
      durationMs,
      message: final.message,
      stack: final.stack,
      output: this.ownOutput === undefined ? undefined : clip(this.ownOutput, MAX_OUTPUT_CHARS),
      properties: ownProperties.length > 0 ? mergeProperties([this.context.properties, ownProperties]) : this.context.properties,
      tags: NONE,
      attachments: NONE,
      attempts,
    };
    if (this.ownOutput !== undefined || final.status !== 'passed' || ownProperties.length > 0) {
      const attachments = readAttachments(this.ownOutput, attempts, ownProperties);
      if (attachments.length > 0) result.attachments = attachments;
    }
    return result;
  }

  /**
   * The classname as written, trimmed and detached (undefined when blank), shared with the testcase before when it
   * wrote the same: compared as written, so that a classname like the last one is neither trimmed nor copied.
   */
  private keptClassname(raw: string | undefined): string | undefined {
    if (raw === undefined) return undefined;
    const last = this.context.lastClassname;
    if (last?.raw === raw) return last.kept;
    const trimmed = nonEmpty(raw);
    const kept = trimmed === undefined ? undefined : detached(trimmed);
    // Kept as written too (detached: a view would hold the buffer), unless trimming changed nothing.
    this.context.lastClassname = { raw: kept === raw ? kept : detached(raw), kept };
    return kept;
  }

  /** Output written inside a surefire flaky/rerun element belongs to that run: labelled with it. */
  private withAttemptOutputs(ownStreams: string | undefined): string | undefined {
    let joined = ownStreams;
    for (const element of this.results) {
      if (element.output.length === 0) continue;
      const output = joinOutput(element.output, NONE);
      if (output !== undefined) joined = joinParts([joined, `[${element.name} output]\n${output}`]);
    }
    return joined;
  }

  /** Every run of the testcase in order: flaky runs, the main outcome, then reruns. */
  private attempts(): Attempt[] {
    if (this.results.length === 0) return [newAttempt(statusFromAttributes(this.attrs))];
    // Most testcases with an element hold one `<failure>` or `<skipped>`: no lists of runs made for them.
    // (Loops without closures: these run a few thousand times before V8 optimises them, in the first round
    // that a single run of the CLI pays.)
    let reruns = 0;
    for (const element of this.results) if (EARLIER_RUNS.has(element.name) || LATER_RUNS.has(element.name)) reruns += 1;
    if (reruns === 0) return [this.mainAttempt()];
    const earlier: Attempt[] = [];
    const later: Attempt[] = [];
    for (const element of this.results) {
      const before = EARLIER_RUNS.get(element.name);
      const after = LATER_RUNS.get(element.name);
      if (before !== undefined) earlier.push(attemptFrom(before, [element]));
      if (after !== undefined) later.push(attemptFrom(after, [element]));
    }
    earlier.push(this.mainAttempt());
    for (const attempt of later) earlier.push(attempt);
    return earlier;
  }

  /** The worst kind of element present decides (RESULT_KINDS' order); several of that kind are joined. */
  private mainAttempt(): Attempt {
    let worst = -1;
    for (const element of this.results) {
      const rank = KIND_RANK.get(element.name);
      if (rank !== undefined && (worst === -1 || rank < worst)) worst = rank;
    }
    if (worst === -1) return newAttempt(statusFromAttributes(this.attrs));
    const name = KIND_NAMES[worst] as string;
    const elements: ResultElement[] = [];
    for (const element of this.results) if (element.name === name) elements.push(element);
    return attemptFrom(RESULT_KINDS.get(name) as TestStatus, elements);
  }
}

/**
 * A repeat of a testcase already read in the same suite (same classname and name) is another run of it, as
 * gotestsum --rerun-fails and several retry plugins write them: its attempts follow the earlier ones, and the
 * last run decides status, message, stack and duration.
 */
export function mergeRepeat(earlier: TestResult, later: TestResult): void {
  earlier.attempts.push(...later.attempts);
  earlier.status = later.status;
  // Assigned, undefined included, never deleted: a deleted field would turn the result into a dictionary.
  earlier.durationMs = later.durationMs;
  earlier.message = later.message;
  earlier.stack = later.stack;
  const output = joinParts([earlier.output, later.output]);
  if (output !== undefined) earlier.output = clip(output, MAX_OUTPUT_CHARS);
  for (const attachment of later.attachments) {
    // A copy, not a push: a result without attachments shares one frozen empty list.
    if (!earlier.attachments.some((a) => sameAttachment(a, attachment))) earlier.attachments = [...earlier.attachments, attachment];
  }
}

/** A failed testcase's output gets its suite's own output after its own (that is where a person needs the log). */
export function withSuiteOutput(result: TestResult, ownOutput: string | undefined, suiteOutput: string | undefined): void {
  if (suiteOutput === undefined) return;
  const labelled = `[suite output]\n${suiteOutput}`;
  result.output = clip(ownOutput === undefined ? labelled : `${ownOutput}\n${labelled}`, MAX_OUTPUT_CHARS);
}

/**
 * `time` written as plain seconds ("0.013", "12"), the form nearly every producer writes, as whole
 * milliseconds (as readDuration gives them); -1 for anything else, which readDuration then reads. Checked a
 * character at a time: a regular expression per testcase cost more than the rest of the duration.
 */
function plainSecondsMs(value: string | undefined): number {
  if (value === undefined) return -1;
  const length = value.length;
  let i = 0;
  let whole = 0;
  while (i < length && isDigit(value.charCodeAt(i))) {
    whole = whole * 10 + (value.charCodeAt(i) - 0x30);
    i += 1;
  }
  if (i === 0 || i > 9) return -1;
  if (i === length) return whole * 1000;
  if (value.charCodeAt(i) !== 0x2e) return -1;
  const fraction = i + 1;
  i = fraction;
  // Up to three decimals (what producers write: "0.013") are whole milliseconds, counted exactly; more are
  // rounded as Number() reads them (Number() is a call into the runtime, a tenth of the reader's time per
  // testcase when every time took it).
  let ms = 0;
  while (i < length && isDigit(value.charCodeAt(i))) {
    if (i - fraction < 3) ms = ms * 10 + (value.charCodeAt(i) - 0x30);
    i += 1;
  }
  if (i === fraction || i - fraction > 9 || i < length) return -1;
  if (i - fraction > 3) return Math.round(Number(value) * 1000);
  for (let digits = i - fraction; digits < 3; digits += 1) ms *= 10;
  return whole * 1000 + ms;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

const SKIPPED_WORDS = new Set(['skipped', 'skip', 'disabled', 'notrun', 'not run', 'ignored', 'pending', 'suppressed', 'excluded']);
const FAILED_WORDS = new Set(['failed', 'failure', 'fail']);
const ERROR_WORDS = new Set(['error', 'errored', 'broken']);

/** `status="disabled"` (tst), `status="notrun"` (GoogleTest, jasmine), `result="skipped"` (GoogleTest ≥1.11). */
function statusFromAttributes(attrs: Record<string, string>): TestStatus {
  if (attrs.result === undefined && attrs.status === undefined) return 'passed';
  return statusFromWord(attrs.result) ?? statusFromWord(attrs.status) ?? 'passed';
}

function statusFromWord(value: string | undefined): TestStatus | undefined {
  const word = value?.trim().toLowerCase();
  if (word === undefined) return undefined;
  if (SKIPPED_WORDS.has(word)) return 'skipped';
  if (FAILED_WORDS.has(word)) return 'failed';
  if (ERROR_WORDS.has(word)) return 'error';
  return undefined;
}

/**
 * One attempt from its result elements (several `<failure>`s in one testcase are joined, not dropped).
 * message = the `message` attribute, else the first line of the text, else the `type` attribute;
 * stack = surefire's nested `<stackTrace>`, else the element's text.
 */
export function attemptFrom(status: TestStatus, elements: ResultElement[]): Attempt {
  const messages: string[] = [];
  const stacks: string[] = [];
  for (const element of elements) {
    const stack = nonEmpty(stripAnsi((element.stackTrace ?? element.text).value()));
    const message = nonEmpty(stripAnsi(element.attrs.message ?? '')) ?? firstLine(stack) ?? nonEmpty(element.attrs.type);
    if (message !== undefined) messages.push(message);
    if (stack !== undefined) stacks.push(stack);
  }
  return newAttempt(
    status,
    messages.length > 0 ? detached(clip(messages.join('\n'), MAX_MESSAGE_CHARS)) : undefined,
    stacks.length > 0 ? clip(stacks.join('\n\n'), MAX_STACK_CHARS) : undefined,
  );
}

/**
 * An attempt with every field set, in one order, undefined where it has none: attempts built field by field
 * came in five shapes, and reading the final one's status, message and stack in `build` was a megamorphic load
 * each (as results, see `build`).
 */
function newAttempt(status: TestStatus, message?: string, stack?: string): Attempt {
  return { status, durationMs: undefined, message, stack, attachments: undefined };
}

/**
 * Outer levels first; a name present at an inner level drops every outer value of that name. One pass from the
 * innermost level out, so the cost is the number of properties, whatever the number of levels.
 */
export function mergeProperties(levels: readonly (readonly Property[])[]): Property[] {
  const nonEmpty = levels.filter((level) => level.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return [...(nonEmpty[0] as readonly Property[])];
  const inner = new Set<string>();
  const kept: Property[][] = [];
  for (let index = nonEmpty.length - 1; index >= 0; index -= 1) {
    const level = nonEmpty[index] as readonly Property[];
    kept.push(level.filter((property) => !inner.has(property.name)));
    for (const property of level) inner.add(property.name);
  }
  return kept.reverse().flat();
}

/** system-out then system-err, each trimmed; undefined when all are empty. */
export function joinOutput(out: CappedText[], err: CappedText[]): string | undefined {
  // Loops, not spreads: a testcase without output shares a frozen empty list, and a spread of lists of both
  // kinds threw the optimised code away again and again in the first megabytes.
  let joined: string | undefined;
  for (let k = 0; k < out.length + err.length; k += 1) {
    const text = (k < out.length ? out[k] : err[k - out.length]) as CappedText;
    const part = nonEmpty(stripAnsi(text.value()));
    if (part !== undefined) joined = joined === undefined ? part : `${joined}\n${part}`;
  }
  return joined;
}

export function joinParts(parts: Array<string | undefined>): string | undefined {
  let joined: string | undefined;
  for (const part of parts) if (part !== undefined) joined = joined === undefined ? part : `${joined}\n${part}`;
  return joined;
}

const ATTACHMENT_MARKER = /\[\[ATTACHMENT\|([^\]\r\n]+)\]\]/g;

/**
 * The testcase's own `<property name="attachment" value="path"/>` entries, then markers in its own output and in
 * failure texts (WebdriverIO writes them there). Paths stay as written: the upload resolves them safely.
 * A URL or a `data:` URI (testmo and others write them there too) is no file: it becomes an attachment with a
 * name and no path, which the description lists as a link and the upload never opens.
 */
function readAttachments(ownOutput: string | undefined, attempts: readonly Attempt[], ownProperties: readonly Property[]): Attachment[] {
  // Most results name no attachment: told without building a list (a tenth of a first run's reading, measured).
  if (ownProperties.length === 0 && !attempts.some((a) => marked(a.message) || marked(a.stack)) && !marked(ownOutput)) return NONE;
  const attachments: Attachment[] = [];
  for (const property of ownProperties) {
    if (property.name.toLowerCase() === 'attachment') addAttachment(attachments, property.value.trim());
  }
  // Output first, then each attempt's message and stack (no list of them built: most hold no marker).
  addMarkedAttachments(attachments, ownOutput);
  for (const attempt of attempts) {
    addMarkedAttachments(attachments, attempt.message);
    addMarkedAttachments(attachments, attempt.stack);
  }
  return attachments;
}

function marked(text: string | undefined): boolean {
  return text !== undefined && text.includes('[[ATTACHMENT|');
}

function addMarkedAttachments(attachments: Attachment[], text: string | undefined): void {
  if (!marked(text)) return;
  for (const match of (text as string).matchAll(ATTACHMENT_MARKER)) addAttachment(attachments, (match[1] ?? '').trim());
}

function addAttachment(attachments: Attachment[], written: string): void {
  if (written === '') return;
  const attachment = attachmentFrom(written);
  if (!attachments.some((a) => sameAttachment(a, attachment))) attachments.push(attachment);
}

/** A path as written, or a link (no path) for a URL or a `data:` URI (../links.ts). */
function attachmentFrom(written: string): Attachment {
  const link = linkOf(written);
  if (link !== undefined) return { name: link };
  return { name: written.split(/[\\/]/).pop() ?? written, path: written };
}

function sameAttachment(a: Attachment, b: Attachment): boolean {
  return a.path === undefined && b.path === undefined ? a.name === b.name : a.path === b.path;
}

export const OUTPUT_CAP = MAX_OUTPUT_CHARS;
export const STACK_CAP = MAX_STACK_CHARS;
