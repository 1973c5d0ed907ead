/**
 * Playwright JSON read in pieces: the tokenizer's events are followed through the suite tree, and each spec is
 * built whole (it is small once its long strings are cut) and handed to the same converter as the whole-document
 * reader (specCases, then the rules shared with the live reporter) as soon as its object closes. Memory holds the
 * open suites' titles and files (one Scope per suite, shared by its specs), the spec being read, and the results
 * not yet taken.
 *
 * - Strings are kept as long as the converter can use them, cut while they are read (long-string.ts): messages
 *   to the message cap, stacks and output to theirs, stdout buffers likewise in base64; inline attachment bodies
 *   whole up to INLINE_BODY_MAX_CHARS, or not at all, with a warning naming the test. A string within its cap is
 *   the converter's input unchanged; a longer one becomes its head, a marker with the exact count of what was
 *   left out, and its tail, within the cap, so the converter keeps it as it is. Anything the converter does not
 *   read (`config`, `stats`, unknown keys) is checked as JSON and counted, never kept.
 * - Top-level `errors` (global setup, worker crashes) are read whole wherever they are in the document and
 *   handed over at its end (outside-tests.ts): the run that wrote the file failed, whatever its results say.
 * - Playwright writes a suite's `title` and `file` before its `specs` and `suites`. A file that writes them later
 *   still reads right: its specs wait (in document order) until the titles they need are known or their suite
 *   closes. Results come in document order, which is the whole-document reader's order whenever `specs` comes
 *   before `suites`, as Playwright writes it. (A key repeated within one object, which JSON.parse resolves to
 *   its last value, is not resolved so here: every `suites` and `specs` array is read, and a suite's first
 *   `title` and `file` are the ones its specs get.)
 */
import type { TestResult } from '../../model.js';
import type { JsonObject } from '../json-values.js';
import { isObject, str } from '../json-values.js';
import type { StringLimit } from '../json-stream/long-string.js';
import { JsonTokenizer, type JsonHandler } from '../json-stream/tokenizer.js';
import { ValueBuilder } from '../json-stream/value-builder.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS } from '../text.js';
import { describeScope, fileScope, notPlaywrightJson, specCases, type Scope } from './playwright-json.js';
import { PLAYWRIGHT_RUNNER, playwrightJsonOutsideErrors } from './outside-tests.js';
import type { FileOutsideTests } from '../../model.js';
import { playwrightCaseToResult } from './rules.js';

/** Base64 of 12 MiB: above the default per-file upload limit (8 MiB), so that what could be sent is kept. */
export const INLINE_BODY_MAX_CHARS = 16 * 1024 * 1024;

const LIMITS: ReadonlyMap<string, StringLimit> = new Map([
  ['message', { kind: 'text', max: MAX_MESSAGE_CHARS }],
  ['value', { kind: 'text', max: MAX_MESSAGE_CHARS }],
  ['stack', { kind: 'text', max: MAX_STACK_CHARS }],
  ['text', { kind: 'text', max: MAX_OUTPUT_CHARS }],
  // Decoded, the head, the marker and the tail stay within the output cap: no second cut.
  ['buffer', { kind: 'base64', max: Math.floor((MAX_OUTPUT_CHARS - 64) / 3) * 4 }],
  ['body', { kind: 'whole', max: INLINE_BODY_MAX_CHARS }],
]);
const OTHER_TEXT: StringLimit = { kind: 'text', max: MAX_OUTPUT_CHARS };
const UNREAD: StringLimit = { kind: 'count', max: 0 };

interface Suite {
  parent: Suite | undefined;
  title?: unknown;
  file?: unknown;
  sawTitle: boolean;
  sawFile: boolean;
  closed: boolean;
  scope?: Scope;
}

type Frame =
  | { kind: 'root'; key: string }
  | { kind: 'suites'; parent: Suite | undefined }
  | { kind: 'suite'; suite: Suite; key: string }
  | { kind: 'specs'; suite: Suite }
  | { kind: 'skip'; depth: number }
  | { kind: 'build'; builder: ValueBuilder; done(value: unknown): void };

export class PlaywrightStreamReader implements JsonHandler {
  private readonly tokenizer: JsonTokenizer;
  private readonly frames: Frame[] = [];
  /** Specs read whose suites' titles are not all known yet, in document order. */
  private readonly waiting: { spec: JsonObject; suite: Suite }[] = [];
  private ready: TestResult[] = [];
  private sawSuites = false;
  private errors: unknown;
  /** Inline attachment bodies of the spec being built that were too long to keep. */
  private dropped: { name: string | undefined; length: number }[] = [];

  constructor(
    private readonly source: string,
    private readonly warn: (message: string) => void = () => undefined,
    private readonly outsideTests: (outside: FileOutsideTests) => void = () => undefined,
  ) {
    this.tokenizer = new JsonTokenizer(source, 'Playwright JSON reporter output', this);
  }

  write(text: string): void {
    this.tokenizer.write(text);
  }

  end(): void {
    this.tokenizer.end();
    if (!this.sawSuites) throw notPlaywrightJson(this.source);
    const errors = playwrightJsonOutsideErrors(this.errors);
    if (errors.length > 0) this.outsideTests({ runner: PLAYWRIGHT_RUNNER, errors });
  }

  /** The results completed so far, in document order. */
  take(): TestResult[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  openObject(): void {
    this.open(true);
  }

  openArray(): void {
    this.open(false);
  }

  closeObject(): void {
    this.close();
  }

  closeArray(): void {
    this.close();
  }

  key(name: string): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame?.kind === 'build') frame.builder.key(name);
    else if (frame?.kind === 'root' || frame?.kind === 'suite') frame.key = name;
  }

  string(value: string, length: number): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame?.kind === 'build' && frame.builder.currentKey === 'body' && length > INLINE_BODY_MAX_CHARS) {
      const owner = frame.builder.container;
      this.dropped.push({ name: isObject(owner) ? str(owner.name) : undefined, length });
      return;
    }
    this.scalar(value);
  }

  scalar(value: string | number | boolean | null): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame === undefined) throw notPlaywrightJson(this.source);
    if (frame.kind === 'build') this.add(frame, value);
    else if (frame.kind === 'root') this.rootValue(frame.key, value);
    else if (frame.kind === 'suite') this.suiteValue(frame.suite, frame.key, value);
  }

  limit(): StringLimit {
    const frame = this.frames[this.frames.length - 1];
    if (frame?.kind === 'build') return LIMITS.get(frame.builder.currentKey ?? '') ?? OTHER_TEXT;
    return frame?.kind === 'suite' && (frame.key === 'title' || frame.key === 'file') ? OTHER_TEXT : UNREAD;
  }

  private open(isObject: boolean): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame === undefined) {
      if (!isObject) throw notPlaywrightJson(this.source);
      this.frames.push({ kind: 'root', key: '' });
      return;
    }
    switch (frame.kind) {
      case 'build':
        if (isObject) frame.builder.openObject();
        else frame.builder.openArray();
        return;
      case 'skip':
        frame.depth += 1;
        return;
      case 'root':
        if (frame.key === 'suites') {
          if (isObject) throw notPlaywrightJson(this.source);
          this.sawSuites = true;
          this.frames.push({ kind: 'suites', parent: undefined });
        } else if (frame.key === 'errors') this.build(isObject, (value) => this.rootValue('errors', value));
        else this.skip();
        return;
      case 'suite':
        if (!isObject && frame.key === 'specs') this.frames.push({ kind: 'specs', suite: frame.suite });
        else if (!isObject && frame.key === 'suites') this.frames.push({ kind: 'suites', parent: frame.suite });
        else if (frame.key === 'title' || frame.key === 'file') this.build(isObject, (value) => this.suiteValue(frame.suite, frame.key, value));
        else this.skip();
        return;
      case 'suites':
        if (isObject) this.frames.push({ kind: 'suite', suite: { parent: frame.parent, sawTitle: false, sawFile: false, closed: false }, key: '' });
        else this.skip();
        return;
      case 'specs':
        if (isObject) {
          this.dropped = [];
          this.build(true, (value) => this.spec(value as JsonObject, frame.suite));
        } else this.skip();
    }
  }

  private close(): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame?.kind === 'build') {
      frame.builder.close();
      if (frame.builder.complete) {
        this.frames.pop();
        frame.done(frame.builder.result);
      }
      return;
    }
    if (frame?.kind === 'skip' && --frame.depth > 0) return;
    this.frames.pop();
    if (frame?.kind === 'suite') {
      frame.suite.closed = true;
      this.flush();
    }
  }

  private build(isObject: boolean, done: (value: unknown) => void): void {
    const builder = new ValueBuilder();
    if (isObject) builder.openObject();
    else builder.openArray();
    this.frames.push({ kind: 'build', builder, done });
  }

  private add(frame: Extract<Frame, { kind: 'build' }>, value: unknown): void {
    frame.builder.add(value);
    if (frame.builder.complete) {
      this.frames.pop();
      frame.done(frame.builder.result);
    }
  }

  private skip(): void {
    this.frames.push({ kind: 'skip', depth: 1 });
  }

  private rootValue(key: string, value: unknown): void {
    if (key === 'suites') throw notPlaywrightJson(this.source);
    if (key === 'errors') this.errors = value;
  }

  private suiteValue(suite: Suite, key: string, value: unknown): void {
    if (key === 'title') {
      suite.title = value;
      suite.sawTitle = true;
    } else if (key === 'file') {
      suite.file = value;
      suite.sawFile = true;
    } else return;
    this.flush();
  }

  private spec(spec: JsonObject, suite: Suite): void {
    const dropped = this.dropped;
    this.dropped = [];
    for (const { name, length } of dropped) {
      this.warn(
        `${this.source}: the inline attachment ${JSON.stringify(name ?? 'attachment')} of "${str(spec.title) ?? ''}" is ${(length / 1024 / 1024).toFixed(1)} MiB of base64, ` +
          `more than the ${INLINE_BODY_MAX_CHARS / 1024 / 1024} MiB kept while reading, so it is not uploaded. Attach large files by path (testInfo.attach(name, { path })).`,
      );
    }
    this.waiting.push({ spec, suite });
    this.flush();
  }

  /** Converts the waiting specs, in order, as far as their suites' titles are known. */
  private flush(): void {
    let done = 0;
    for (const { spec, suite } of this.waiting) {
      const scope = scopeOf(suite);
      if (scope === undefined) break;
      for (const test of specCases(spec, scope)) this.ready.push(playwrightCaseToResult(test, this.source));
      done += 1;
    }
    if (done > 0) this.waiting.splice(0, done);
  }
}

/** The suite's scope once it and every enclosing suite are known (closed, or the titles read); computed once. */
function scopeOf(suite: Suite): Scope | undefined {
  if (suite.scope !== undefined) return suite.scope;
  const parentScope = suite.parent === undefined ? undefined : scopeOf(suite.parent);
  if (suite.parent !== undefined && parentScope === undefined) return undefined;
  if (parentScope === undefined) {
    const known = suite.closed || (suite.sawFile && (typeof suite.file === 'string' || suite.sawTitle));
    if (!known) return undefined;
    suite.scope = fileScope(suite.title, suite.file);
  } else {
    if (!suite.closed && !suite.sawTitle) return undefined;
    suite.scope = describeScope(parentScope, suite.title);
  }
  return suite.scope;
}
