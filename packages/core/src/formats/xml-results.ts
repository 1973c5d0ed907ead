/**
 * What the XML result formats other than JUnit (TRX, NUnit 3, xUnit.net, TestNG) share while reading: the
 * project's streaming scanner (junit/xml-scanner.ts, so entities, DTD refusal and well-formedness are decided
 * once), a stack of open elements whose text is collected only where the format asks for it (capped while it is
 * read), and the hand-over of results in batches. A file that breaks (truncated, not well-formed) hands over
 * every result completed before the break, then the scanner's error naming where it broke.
 */
import type { Attachment, Attempt, Property, TestResult, TestStatus } from '../model.js';
import { CappedText } from './junit/capped-text.js';
import { detached } from './junit/xml-entities.js';
import { XmlScanner, type XmlHandler } from './junit/xml-scanner.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, clip, nonEmpty, stripBom } from './text.js';
import { firstLine, stripAnsi } from '../text.js';

/** One open element: its name, its attributes (views of the piece read: detach what is kept) and its text if collected. */
export interface OpenElement {
  name: string;
  attrs: Record<string, string>;
  text?: CappedText;
}

export abstract class XmlResultReader implements XmlHandler {
  protected readonly stack: OpenElement[] = [];
  protected ready: TestResult[] = [];
  private readonly scanner: XmlScanner;
  private started = false;

  constructor(
    protected readonly source: string,
    protected readonly warn: (message: string) => void,
    label: string,
  ) {
    this.scanner = new XmlScanner(source, this, label);
  }

  /**
   * Which element's text to collect, and how much of it: undefined for none (then it is not even decoded).
   * Asked before `element` is on the stack: here `above(0)` is its parent, `above(1)` its grandparent.
   */
  protected abstract textCap(element: OpenElement, parent: OpenElement | undefined): number | undefined;
  /** An element has opened (after its parent); `this.stack` ends with it. */
  protected abstract opened(element: OpenElement): void;
  /** An element has closed, its text complete; `this.stack` no longer holds it. */
  protected abstract closed(element: OpenElement): void;
  /** The document ended well: hand over anything held and warn about anything skipped. */
  protected abstract finish(): void;
  /** The document broke before its end: hand over what is complete and held back, as it is (most formats hold nothing). */
  protected releaseHeld(): void {}

  write(text: string): void {
    if (!this.started) {
      if (text === '') return;
      this.started = true;
      text = stripBom(text);
    }
    this.scanner.write(text);
  }

  end(): void {
    this.scanner.end();
    this.finish();
  }

  take(): TestResult[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  /** After an error: what was complete before it. */
  takeAfterError(): TestResult[] {
    this.releaseHeld();
    return this.take();
  }

  open(name: string, attrs: Record<string, string>): void {
    const parent = this.stack[this.stack.length - 1];
    const element: OpenElement = { name, attrs };
    const cap = this.textCap(element, parent);
    if (cap !== undefined) element.text = new CappedText(cap);
    this.stack.push(element);
    this.opened(element);
  }

  close(): void {
    const element = this.stack.pop();
    if (element !== undefined) this.closed(element);
  }

  wantsText(): boolean {
    return this.stack[this.stack.length - 1]?.text !== undefined;
  }

  text(text: string): void {
    this.stack[this.stack.length - 1]?.text?.append(text);
  }

  /** The name of the element `depth` levels above the innermost (0: the innermost itself). */
  protected above(depth: number): string | undefined {
    return this.stack[this.stack.length - 1 - depth]?.name;
  }
}

/** Read a document in pieces with `reader`, yielding the results each piece completed; see the top of this file. */
export async function* readXmlInBatches(chunks: AsyncIterable<string>, reader: XmlResultReader): AsyncGenerator<readonly TestResult[], void, undefined> {
  try {
    for await (const chunk of chunks) {
      reader.write(chunk);
      yield reader.take();
    }
    reader.end();
  } catch (error) {
    yield reader.takeAfterError();
    throw error;
  }
  yield reader.take();
}

/** The same results one by one. */
export async function* readXml(chunks: AsyncIterable<string>, reader: XmlResultReader): AsyncGenerator<TestResult, void, undefined> {
  for await (const batch of readXmlInBatches(chunks, reader)) yield* batch;
}

/** An attribute kept beyond its element, trimmed; undefined when absent or blank. */
export function keptAttribute(value: string | undefined): string | undefined {
  const text = nonEmpty(value);
  return text === undefined ? undefined : detached(text);
}

/**
 * A collected text, trimmed, without terminal colours or NUL characters, its line breaks `\n`; undefined when
 * blank. (.NET writes `&#xD;` before each line break, which XML keeps as a carriage return; captured console
 * output can hold NULs, which no text field should carry.)
 */
export function keptText(text: CappedText | undefined): string | undefined {
  if (text === undefined) return undefined;
  let value = stripAnsi(text.value());
  if (value.includes('\r')) value = value.replace(/\r\n?/g, '\n');
  if (value.includes('\0')) value = value.replace(/\0/g, '');
  return nonEmpty(value);
}

/** What a result is made of; `resultOf` assembles it with texts clipped and one attempt. */
export interface ResultFields {
  source: string;
  suitePath: string[];
  name: string;
  classname?: string | undefined;
  file?: string | undefined;
  status: TestStatus;
  durationMs?: number | undefined;
  message?: string | undefined;
  stack?: string | undefined;
  output?: string | undefined;
  properties?: Property[] | undefined;
  tags?: string[] | undefined;
  attachments?: Attachment[] | undefined;
}

/** One attempt (these formats write one run per result); message = the message, else the stack's first line. */
export function resultOf(fields: ResultFields): TestResult {
  const message = fields.message ?? firstLine(fields.stack);
  const attempt: Attempt = { status: fields.status };
  if (fields.durationMs !== undefined) attempt.durationMs = fields.durationMs;
  if (message !== undefined) attempt.message = detached(clip(message, MAX_MESSAGE_CHARS));
  if (fields.stack !== undefined) attempt.stack = clip(fields.stack, MAX_STACK_CHARS);
  const result: TestResult = {
    source: fields.source,
    suitePath: fields.suitePath,
    name: fields.name,
    status: fields.status,
    properties: fields.properties ?? [],
    tags: fields.tags ?? [],
    attachments: fields.attachments ?? [],
    attempts: [attempt],
  };
  if (fields.file !== undefined) result.file = fields.file;
  if (fields.classname !== undefined) result.classname = fields.classname;
  if (fields.durationMs !== undefined) result.durationMs = fields.durationMs;
  if (attempt.message !== undefined) result.message = attempt.message;
  if (attempt.stack !== undefined) result.stack = attempt.stack;
  if (fields.output !== undefined) result.output = clip(fields.output, MAX_OUTPUT_CHARS);
  return result;
}

/** Texts joined by a line, the blank ones left out; undefined when none is left. */
export function joinTexts(texts: Array<string | undefined>): string | undefined {
  const present = texts.filter((t): t is string => t !== undefined && t !== '');
  return present.length === 0 ? undefined : present.join('\n');
}

/** An attachment from a path as the producer wrote it: named after its last segment. */
export function attachmentAt(path: string): Attachment {
  return { name: path.split(/[\\/]/).pop() ?? path, path };
}

/**
 * Values that could not be read (durations, outcomes), counted and named in one warning at the end rather
 * than one per result: the first three distinct values are shown.
 */
export class Unreadable {
  private readonly shown: string[] = [];
  private count = 0;

  note(value: string): void {
    this.count += 1;
    if (this.shown.length < 3 && !this.shown.includes(value)) this.shown.push(value);
  }

  /**
   * One warning naming the values: `what` is the singular noun ("duration"; an `s` makes the plural),
   * `consequence` what became of those results ("recorded as errors"), `expected` what would have been read.
   */
  report(warn: (message: string) => void, source: string, what: string, consequence: string, expected: string): void {
    if (this.count === 0) return;
    const more = this.count - this.shown.length;
    const values = `${this.shown.map((v) => JSON.stringify(v)).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
    const one = this.count === 1;
    warn(
      `${source}: ${this.count} ${what}${one ? '' : 's'} could not be read (${values}); ${one ? 'that result is' : 'those results are'} ${consequence}. Expected ${expected}.`,
    );
  }
}
