/**
 * A JSON tokenizer fed the text in pieces: it calls its handler for each token as soon as the token is complete
 * and keeps only the token in progress, so memory does not grow with the document. It accepts exactly what
 * JSON.parse accepts (RFC 8259; a byte-order mark at the very start is skipped) and refuses anything else with an
 * InputError naming the file and the byte offset, line and column. Nesting deeper than `MAX_DEPTH` is refused
 * (no result file needs it, and it bounds the stack). Long strings are kept as the handler's `limit()` says
 * (long-string.ts); numbers and literals are limited to `MAX_TOKEN_CHARS`.
 */
import { InputError } from '../../errors.js';
import { LongString, detached, limited, type StringLimit } from './long-string.js';
import { isPlain, scanString } from './string-scanner.js';
import { TextPosition, describePosition } from './position.js';

export interface JsonHandler {
  openObject(): void;
  closeObject(): void;
  openArray(): void;
  closeArray(): void;
  key(name: string): void;
  /** `length` is the decoded string's whole length: more than `value.length` when it was cut. */
  string(value: string, length: number): void;
  scalar(value: number | boolean | null): void;
  /** How to keep the string value about to be completed; asked only of strings longer than SHORT_STRING. */
  limit(): StringLimit;
}

const MAX_DEPTH = 512;
const MAX_TOKEN_CHARS = 1024;
/** Strings up to this length are handed over without asking the handler for a limit. */
const SHORT_STRING = 4096;
const KEY_LIMIT: StringLimit = { kind: 'text', max: 1024 };

const enum Expect {
  Value,
  ValueOrArrayEnd,
  KeyOrObjectEnd,
  Key,
  Colon,
  CommaOrEnd,
  Nothing,
}

const QUOTE = 0x22;
/** JSON's number grammar: `01`, `1.`, `.5`, `1e`, `+1` are not numbers. */
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const LITERALS: ReadonlyArray<[string, boolean | null]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];

export class JsonTokenizer {
  private buffer = '';
  private pos = 0;
  private expect = Expect.Value;
  /** true for an object, false for an array, innermost last. */
  private readonly containers: boolean[] = [];
  private readonly position = new TextPosition();
  /** The string in progress across pieces, and whether it is a key. */
  private partial: LongString | undefined;
  private partialIsKey = false;
  private started = false;

  /** `expected` completes "Expected …" in messages, e.g. `Playwright JSON reporter output`. */
  constructor(
    private readonly source: string,
    private readonly expected: string,
    private readonly handler: JsonHandler,
  ) {}

  write(text: string): void {
    if (!this.started && text !== '') {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buffer = this.pos < this.buffer.length ? this.buffer.slice(this.pos) + text : text;
    this.pos = 0;
    this.run(false);
    this.position.drop(this.buffer, this.pos);
  }

  end(): void {
    this.run(true);
    if (this.partial !== undefined) throw this.fail(`the file ends inside a string, at ${this.where(this.buffer.length)}`);
    if (this.expect !== Expect.Nothing) {
      const open = this.containers.length;
      const what = open === 0 ? 'before any value' : `with ${open} object${open === 1 ? '' : 's'} or array${open === 1 ? '' : 's'} still open`;
      throw this.fail(`the file ends at ${this.where(this.buffer.length)} ${what}`);
    }
  }

  private run(final: boolean): void {
    const s = this.buffer;
    const length = s.length;
    if (this.partial !== undefined && !this.continueString(final)) return;
    while (this.pos < length) {
      let c = s.charCodeAt(this.pos);
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        if (++this.pos === length) return;
        c = s.charCodeAt(this.pos);
      }
      switch (this.expect) {
        case Expect.Value:
        case Expect.ValueOrArrayEnd:
          if (c === 0x5d && this.expect === Expect.ValueOrArrayEnd) this.close(false);
          else if (!this.value(c, final)) return;
          break;
        case Expect.KeyOrObjectEnd:
        case Expect.Key:
          if (c === 0x7d && this.expect === Expect.KeyOrObjectEnd) this.close(true);
          else if (c !== QUOTE) throw this.unexpected(this.expect === Expect.Key ? 'a key in double quotes' : 'a key in double quotes or "}"');
          else if (!this.startString(true, final)) return;
          break;
        case Expect.Colon:
          if (c !== 0x3a) throw this.unexpected('":" after the key');
          this.pos += 1;
          this.expect = Expect.Value;
          break;
        case Expect.CommaOrEnd: {
          const inObject = this.containers[this.containers.length - 1] as boolean;
          if (c === 0x2c) {
            this.pos += 1;
            this.expect = inObject ? Expect.Key : Expect.Value;
          } else if (c === (inObject ? 0x7d : 0x5d)) this.close(inObject);
          else throw this.unexpected(inObject ? '"," or "}"' : '"," or "]"');
          break;
        }
        default:
          throw this.unexpected('nothing after the end of the JSON value');
      }
    }
  }

  /** A value starting with character `c`; false when the piece ended before it did. */
  private value(c: number, final: boolean): boolean {
    if (c === QUOTE) return this.startString(false, final);
    if (c === 0x7b || c === 0x5b) {
      if (this.containers.length >= MAX_DEPTH) throw this.fail(`objects and arrays nested more than ${MAX_DEPTH} deep, at ${this.where(this.pos)}`);
      const isObject = c === 0x7b;
      this.containers.push(isObject);
      this.pos += 1;
      this.expect = isObject ? Expect.KeyOrObjectEnd : Expect.ValueOrArrayEnd;
      if (isObject) this.handler.openObject();
      else this.handler.openArray();
      return true;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number(final);
    for (const [word, literal] of LITERALS) {
      if (c !== word.charCodeAt(0)) continue;
      const have = this.buffer.slice(this.pos, this.pos + word.length);
      if (have !== word) {
        if (!final && have.length < word.length && word.startsWith(have)) return false;
        break;
      }
      if (!this.endsToken(this.pos + word.length, final)) return false;
      this.pos += word.length;
      this.handler.scalar(literal);
      this.valueDone();
      return true;
    }
    throw this.unexpected(this.expect === Expect.ValueOrArrayEnd ? 'a value or "]"' : 'a value');
  }

  private number(final: boolean): boolean {
    const s = this.buffer;
    let end = this.pos;
    while (end < s.length && isNumberChar(s.charCodeAt(end))) end += 1;
    if (end - this.pos > MAX_TOKEN_CHARS) throw this.fail(`a number longer than ${MAX_TOKEN_CHARS} characters at ${this.where(this.pos)}`);
    if (end === s.length && !final) return false;
    const text = s.slice(this.pos, end);
    if (!NUMBER.test(text)) throw this.fail(`an invalid number ${JSON.stringify(text)} at ${this.where(this.pos)}`);
    if (end < s.length && !isDelimiter(s.charCodeAt(end))) {
      this.pos = end;
      throw this.unexpected('"," or a closing bracket after the number');
    }
    this.pos = end;
    this.handler.scalar(Number(text));
    this.valueDone();
    return true;
  }

  /** Is `at` the end of a literal: the end of the text, whitespace, "," or a closing bracket? */
  private endsToken(at: number, final: boolean): boolean {
    if (at >= this.buffer.length) return final;
    if (isDelimiter(this.buffer.charCodeAt(at))) return true;
    this.pos = at;
    throw this.unexpected('"," or a closing bracket');
  }

  /** A string at the opening quote. The fast path: the whole string is in this piece and has no escape. */
  private startString(isKey: boolean, final: boolean): boolean {
    const s = this.buffer;
    const start = this.pos + 1;
    const quote = s.indexOf('"', start);
    if (quote !== -1 && isPlain(s, start, quote)) {
      this.pos = quote + 1;
      const text = s.slice(start, quote);
      if (isKey) this.keyDone(text.length <= KEY_LIMIT.max ? text : limited(text, KEY_LIMIT));
      else this.stringDone(text.length <= SHORT_STRING ? text : limited(text, this.handler.limit()), text.length);
      return true;
    }
    this.partial = new LongString(isKey ? KEY_LIMIT : this.handler.limit());
    this.partialIsKey = isKey;
    this.pos = start;
    return this.continueString(final);
  }

  /** Reads on in the string begun in an earlier piece (or just now); true when it ended. */
  private continueString(final: boolean): boolean {
    const partial = this.partial as LongString;
    const end = scanString(this.buffer, this.pos, partial, final, this.stringFault);
    if (end < 0) {
      this.pos = -1 - end;
      return false;
    }
    this.pos = end;
    this.partial = undefined;
    if (this.partialIsKey) this.keyDone(partial.value());
    else this.stringDone(partial.value(), partial.length);
    return true;
  }

  private readonly stringFault = (reason: string, at: number): never => {
    throw this.fail(`${reason}, at ${this.where(at)}${reason.startsWith('a control') ? '; it must be escaped' : ''}`);
  };

  private keyDone(name: string): void {
    this.handler.key(name);
    this.expect = Expect.Colon;
  }

  private stringDone(value: string, length: number): void {
    this.handler.string(detached(value), length);
    this.valueDone();
  }

  private close(isObject: boolean): void {
    this.containers.pop();
    this.pos += 1;
    if (isObject) this.handler.closeObject();
    else this.handler.closeArray();
    this.valueDone();
  }

  private valueDone(): void {
    this.expect = this.containers.length === 0 ? Expect.Nothing : Expect.CommaOrEnd;
  }

  private where(offset: number): string {
    return describePosition(this.position.at(this.buffer, offset));
  }

  private unexpected(expected: string): InputError {
    const c = this.buffer.codePointAt(this.pos) as number;
    const shown = c < 0x20 || c === 0xfeff || c === 0x7f ? `U+${c.toString(16).toUpperCase().padStart(4, '0')}` : JSON.stringify(String.fromCodePoint(c));
    return this.fail(`unexpected ${shown} at ${this.where(this.pos)}, where ${expected} was expected`);
  }

  private fail(reason: string): InputError {
    return new InputError(
      'INPUT_MALFORMED',
      this.source,
      `${this.source} is not valid JSON: ${reason}. Expected ${this.expected}; the file may be truncated ` +
        '(the test run was killed while writing it) or have console output mixed in. Regenerate it.',
    );
  }
}

/** Characters a number is made of, and what follows one in a malformed number (`1.2.3`, `1e+-2`). */
function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

function isDelimiter(c: number): boolean {
  return c === 0x2c || c === 0x5d || c === 0x7d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
