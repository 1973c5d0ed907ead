/**
 * A small streaming XML scanner: text goes in by pieces (`write`), element events come out as soon as each
 * piece is read, so memory holds one tag and the unread rest of a piece — never the document, never a whole
 * text node (a 200 MB `<system-out>` arrives as many `text` calls).
 *
 * Only what result files need, and strict where it matters:
 * - elements, attributes (quoted, no duplicates), text, CDATA; comments and processing instructions skipped;
 * - entities: the five XML ones and numeric references, decoded once (`&amp;lt;` → `&lt;`); references no
 *   DTD declares (`&nbsp;`) and NUL characters are dropped from text;
 * - attribute values: literal tabs and line breaks become spaces, as XML requires (`&#10;` stays a line
 *   break: a reference is not normalised);
 * - any DTD declaration (`<!DOCTYPE`, `<!ENTITY` …) → INPUT_HOSTILE: entities that expand without bound or
 *   read other files are never processed; an HTML page is named as such (INPUT_NOT_RESULTS);
 * - elements nested more than MAX_ELEMENT_DEPTH deep → INPUT_HOSTILE, at once (memory stays linear in depth);
 * - a tag cut by the end of a piece is taken up where it stopped, so a value costs its length once;
 * - not well-formed (mismatched or unclosed tags, `<` in an attribute value, several roots, text outside the
 *   root, a truncated file) → INPUT_MALFORMED with line and column.
 */
import { InputError } from '../../errors.js';
import { LONGEST_REFERENCE, decodeReferences, decodeXmlEntities } from './xml-entities.js';
import { XmlPosition } from './xml-position.js';

export interface XmlHandler {
  /**
   * Attributes are own properties of a plain object (fast to build and read, which matters per testcase):
   * read them by name, never through `in`; an attribute named `__proto__` is not kept. Values are views of the
   * piece being read: a value kept beyond the element must be `detached`.
   */
  open(name: string, attrs: Record<string, string>): void;
  close(name: string): void;
  /** Does the innermost open element collect its text? If not, its text is neither cut out nor decoded. */
  wantsText(): boolean;
  /** Decoded text or CDATA of the innermost open element, in pieces. */
  text(text: string): void;
}

const DTD_DECLARATION = /^<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)\b/i;
const NAME = /^[A-Za-z_:\u00C0-\uFFFF][\w.:\u00B7\u00C0-\uFFFF-]*$/;
/**
 * Elements open at once, at most. Real result files nest a few levels (merged shard reports a dozen); a file
 * nested thousands deep is generated to exhaust the reader, and is refused at once so that the files beside
 * it are still read.
 */
export const MAX_ELEMENT_DEPTH = 1000;

/** Longer tag or attribute names are refused: a name is never cut and read again piece after piece. */
const MAX_NAME_CHARS = 10_000;

type Mode = 'markup' | 'comment' | 'cdata' | 'pi';

/**
 * What was read of an open tag that the buffer cut, offsets from the tag's `<`: its name, its complete
 * attributes, where reading goes on (`next`: the start of the attribute that was cut), and, when the cut fell
 * inside a value, that value's quote, where it opened (`quoteAt`) and how far it is known to hold no closing
 * quote (`searched`).
 */
interface PartialTag {
  name: string;
  attrs: Record<string, string>;
  /** Which KNOWN_NAMES the complete attributes use (bit = index), for repeats. */
  seen: number;
  next: number;
  value?: { quote: '"' | "'"; quoteAt: number; searched: number };
}

export class XmlScanner {
  private buffer = '';
  private pos = 0;
  private mode: Mode = 'markup';
  private readonly open: string[] = [];
  private roots = 0;
  private readonly where = new XmlPosition();
  /**
   * Where a comment, CDATA section or processing instruction began, for "never closed" messages: its offset in
   * the buffer while the buffer holds it (`sectionAt`, -1 otherwise), told as line and column only when the
   * buffer drops it or the file ends inside it (counting lines for every CDATA section was 3 % of the scan).
   */
  private sectionAt = -1;
  private sectionStart = { line: 0, column: 0 };
  /** An open tag cut by the end of the input so far: where to go on reading it (see PartialTag). */
  private partial: PartialTag | undefined;
  /** Pieces that arrived inside a cut attribute value without its closing quote: joined once it comes. */
  private held: string[] = [];
  /** Where the characters that make an attribute value more than a cut lie next in the buffer. */
  private readonly special = new SpecialCharacters();

  constructor(
    private readonly source: string,
    private readonly handler: XmlHandler,
    /** What the file should be, for "Expected a complete … file" (the other XML formats share this scanner). */
    private readonly document = 'JUnit XML',
  ) {}

  write(piece: string): void {
    const value = this.partial?.value;
    if (value !== undefined && !piece.includes(value.quote)) {
      // Still inside a long attribute value: keep the piece aside rather than joining it to the buffer, which
      // would copy the whole value once per piece (a 50 MB value took minutes that way).
      this.held.push(piece);
      value.searched += piece.length;
      return;
    }
    if (this.sectionAt !== -1) this.placeSection();
    if (this.pos > 0) this.where.advance(this.buffer, this.pos);
    const rest = this.pos < this.buffer.length ? this.buffer.slice(this.pos) : '';
    this.pos = 0;
    const held = this.takeHeld();
    // One flat string, not `rest + piece`: V8 makes a concatenation a rope, and every charCodeAt of the scan
    // then goes through it (the scanner alone measured ~1.3× slower on a rope than on a flat copy).
    this.buffer = rest === '' && held === '' ? piece : [rest, held, piece].join('');
    this.special.reset();
    this.scan(false);
  }

  private placeSection(): void {
    this.sectionStart = this.where.at(this.buffer, this.sectionAt);
    this.sectionAt = -1;
  }

  private takeHeld(): string {
    if (this.held.length === 0) return '';
    const held = this.held.join('');
    this.held = [];
    return held;
  }

  end(): void {
    if (this.held.length > 0) this.buffer += this.takeHeld();
    this.special.reset();
    this.scan(true);
    if (this.mode !== 'markup') {
      if (this.sectionAt !== -1) this.placeSection();
      const what = this.mode === 'cdata' ? ['CDATA section', ']]>'] : this.mode === 'comment' ? ['comment', '-->'] : ['processing instruction', '?>'];
      const { line, column } = this.sectionStart;
      throw this.malformed(
        `the ${what[0]} opened at line ${line}, column ${column} is never closed (no "${what[1]}"). ` +
          'The file is probably truncated (the test run was killed while writing it); regenerate it.',
      );
    }
    if (this.pos < this.buffer.length)
      throw this.error(
        this.pos,
        'a tag is never closed (no ">"). The file is truncated (the test run was probably killed while writing it); regenerate it.',
        false,
      );
    if (this.open.length > 0) {
      const { line } = this.where.at(this.buffer, this.buffer.length);
      throw this.malformed(
        `it ends at line ${line} while ${this.open.map((n) => `<${n}>`).join(', ')} are still open. ` +
          'The file is truncated (the test run was probably killed while writing it); regenerate it.',
      );
    }
    if (this.roots === 0) throw this.malformed('it has no root element. Expected a JUnit XML file with a <testsuites> or <testsuite> root.');
  }

  /** Consume as much of the buffer as can be read; at the end of input (`final`), everything. */
  private scan(final: boolean): void {
    const buf = this.buffer;
    while (this.pos < buf.length) {
      if (this.mode === 'cdata') {
        const end = buf.indexOf(']]>', this.pos);
        const stop = end === -1 ? Math.max(this.pos, buf.length - 2) : end;
        if (stop > this.pos && this.handler.wantsText()) this.handler.text(withoutNul(newlines(buf.slice(this.pos, stop))));
        if (end === -1) {
          this.pos = stop;
          return;
        }
        this.pos = end + 3;
        this.mode = 'markup';
        this.sectionAt = -1;
        continue;
      }
      if (this.mode === 'comment' || this.mode === 'pi') {
        const terminator = this.mode === 'comment' ? '-->' : '?>';
        const end = buf.indexOf(terminator, this.pos);
        if (end === -1) {
          this.pos = Math.max(this.pos, buf.length - terminator.length + 1);
          return;
        }
        this.pos = end + terminator.length;
        this.mode = 'markup';
        this.sectionAt = -1;
        continue;
      }
      // The `<` after a tag with values is known already: `special` found it when it read the first value.
      const knownLt = this.special.nextLt(this.pos);
      const lt = knownLt === -2 ? buf.indexOf('<', this.pos) : knownLt;
      if (lt !== this.pos) {
        const stop = lt === -1 ? (final ? buf.length : safeTextEnd(buf, this.pos)) : lt;
        if (stop > this.pos) this.textBetweenTags(buf, this.pos, stop);
        this.pos = stop;
        if (lt === -1) return;
      }
      if (!this.markup(buf, final)) return;
    }
  }

  private textBetweenTags(buf: string, from: number, to: number): void {
    if (this.open.length > 0 && !this.handler.wantsText()) return;
    const raw = buf.slice(from, to);
    if (this.open.length === 0) {
      if (raw.trim() !== '') {
        throw this.malformed(
          `expected exactly one root element and nothing else, found text outside the root element. ` +
            'Several files may have been concatenated, or the file was hand-edited; pass each result file separately.',
        );
      }
      return;
    }
    this.handler.text(decodeXmlEntities(newlines(raw)));
  }

  /** Read the markup at `this.pos` (a `<`). False when more input is needed. */
  private markup(buf: string, final: boolean): boolean {
    const at = this.pos;
    // Too short to tell `<!DOCTYPE` from `<!--` or `<![CDATA[`: wait for more.
    if (!final && buf.length - at < 12 && (buf.length - at < 2 || buf[at + 1] === '!')) return false;
    const next = buf.charCodeAt(at + 1);
    // The common case first: a tag (one per testcase and per result element), told by its second character.
    if (next !== BANG && next !== QUESTION) {
      const end = next === SLASH ? this.closeTag(buf, at) : this.openTag(buf, at);
      if (end === -1) return this.cut(at, final);
      this.pos = end + 1;
      return true;
    }
    if (buf.startsWith('<!--', at)) return this.enter('comment', at, 4);
    if (buf.startsWith('<![CDATA[', at)) {
      if (this.open.length === 0) throw this.error(at, 'CDATA outside the root element.');
      return this.enter('cdata', at, 9);
    }
    if (buf.startsWith('<?', at)) return this.enter('pi', at, 2);
    // `<!` and neither a comment nor CDATA.
    if (DTD_DECLARATION.test(buf.slice(at, at + 12))) throw this.refuseDeclaration(buf, at);
    throw this.error(at, `unexpected "${buf.slice(at, at + 12)}".`);
  }

  /** A tag cut by the end of the buffer: wait for more, or, at the end of input, a truncated file. */
  private cut(at: number, final: boolean): false {
    if (final)
      throw this.error(at, 'a tag is never closed (no ">"). The file is truncated (the test run was probably killed while writing it); regenerate it.', false);
    return false;
  }

  private enter(mode: Mode, at: number, length: number): boolean {
    this.sectionAt = at;
    this.mode = mode;
    this.pos = at + length;
    return true;
  }

  /**
   * An open tag, read in one pass: name, attributes, `>` (the scanner's hottest path: one per testcase).
   * Returns the index of its `>`, or -1 when the buffer ends first (nothing is reported until it is whole).
   * A tag cut by the end of the buffer is taken up where it was left (`partial`), not read again from its
   * start, so a tag costs its length however many pieces it spans.
   */
  private openTag(buf: string, at: number): number {
    const length = buf.length;
    const partial = this.partial;
    this.partial = undefined;
    let i: number;
    let name: string;
    let attrs: Record<string, string>;
    /** Which known attribute names this tag used so far (bit = index in KNOWN_NAMES): a repeat is one test. */
    let seen = 0;
    if (partial === undefined) {
      const element = knownElementAt(buf, at + 1);
      if (element !== -1) {
        name = KNOWN_NAMES[element] as string;
        i = at + 1 + name.length;
      } else {
        i = at + 1;
        while (i < length && !endsName(buf.charCodeAt(i))) i += 1;
        if (i - at > MAX_NAME_CHARS) throw this.error(at, `a tag name longer than ${MAX_NAME_CHARS} characters.`);
        if (i >= length) return -1;
        const known = knownName(buf, at + 1, i);
        name = known === -1 ? buf.slice(at + 1, i) : (KNOWN_NAMES[known] as string);
        if (known === -1 && !NAME.test(name)) throw this.error(at, `"<${name.slice(0, 40)}" is not a valid tag name.`);
      }
      attrs = {};
    } else {
      ({ name, attrs, seen } = partial);
      i = at + partial.next;
    }
    for (;;) {
      while (i < length && isSpace(buf.charCodeAt(i))) i += 1;
      if (i >= length) return this.suspend(at, name, attrs, seen, i);
      const c = buf.charCodeAt(i);
      if (c === GT) {
        this.openElement(name, attrs, false);
        return i;
      }
      if (c === SLASH) {
        if (i + 1 >= length) return this.suspend(at, name, attrs, seen, i);
        if (buf.charCodeAt(i + 1) !== GT) throw this.error(i, 'expected ">" after "/" in a tag.');
        this.openElement(name, attrs, true);
        return i + 1;
      }
      if (c === LT) throw this.error(i, 'a "<" inside a tag.');
      const start = i;
      // A known name followed at once by `=` is found with one search; anything else character by character.
      const equals = buf.indexOf('=', i);
      let known = equals === -1 ? -1 : knownName(buf, start, equals);
      let attribute: string;
      if (known !== -1) {
        attribute = KNOWN_NAMES[known] as string;
        i = equals;
      } else {
        while (i < length && !endsName(buf.charCodeAt(i)) && buf.charCodeAt(i) !== EQUALS) i += 1;
        if (i - start > MAX_NAME_CHARS) throw this.error(start, `an attribute name longer than ${MAX_NAME_CHARS} characters.`);
        attribute = buf.slice(start, i);
        known = KNOWN_INDEX.get(attribute) ?? -1;
      }
      while (i < length && isSpace(buf.charCodeAt(i))) i += 1;
      if (i >= length) return this.suspend(at, name, attrs, seen, start);
      if (buf.charCodeAt(i) === EQUALS) i += 1;
      else throw this.notAnAttribute(buf, start);
      while (i < length && isSpace(buf.charCodeAt(i))) i += 1;
      if (i >= length) return this.suspend(at, name, attrs, seen, start);
      const quote = buf.charCodeAt(i);
      if ((quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) || attribute === '') throw this.notAnAttribute(buf, start);
      // The part of a cut value already searched holds no closing quote: search only what came after it.
      const cut = partial?.value;
      const searchFrom = cut !== undefined && cut.quoteAt === i - at ? at + cut.searched : i + 1;
      const close = buf.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", searchFrom);
      if (close === -1) {
        this.partial = { name, attrs, seen, next: start - at, value: { quote: quote === DOUBLE_QUOTE ? '"' : "'", quoteAt: i - at, searched: length - at } };
        return -1;
      }
      // A known name is told repeated by its bit; only other names need a look at the object.
      if (known === -1 ? Object.hasOwn(attrs, attribute) : (seen & (1 << known)) !== 0) {
        this.refuseLt(buf, i + 1, close);
        throw this.error(start, `attribute "${attribute}" is repeated.`);
      }
      if (known !== -1) seen |= 1 << known;
      const special = this.special.within(buf, i + 1, close);
      const value = special === 0 ? buf.slice(i + 1, close) : this.attributeValue(buf, i + 1, close, special);
      if (known === -1) attrs[attribute] = value;
      else setKnownAttribute(attrs, known, value);
      i = close + 1;
    }
  }

  /**
   * A value that is not plain (`special`: which of SpecialCharacters it holds): refused with a `<`, otherwise
   * normalised and decoded, each only when its characters are there.
   */
  private attributeValue(buf: string, from: number, to: number, special: number): string {
    if ((special & SpecialCharacters.LT) !== 0) this.refuseLt(buf, from, to);
    // The common case: references and nothing else to change, decoded where the value stands.
    if (special === SpecialCharacters.AMP) return decodeReferences(buf, from, to, this.special.nextAmp());
    let value = buf.slice(from, to);
    if ((special & SpecialCharacters.WHITESPACE) !== 0) value = value.replace(/\r\n|[\t\n\r]/g, ' ');
    return (special & SpecialCharacters.DECODED) !== 0 ? decodeXmlEntities(value, (special & SpecialCharacters.NUL) !== 0) : value;
  }

  private refuseLt(buf: string, from: number, to: number): void {
    const lt = buf.indexOf('<', from);
    if (lt !== -1 && lt < to) {
      throw this.error(
        lt,
        '"<" is not allowed inside an attribute value (it must be written &lt;). The tool that wrote this file produced invalid XML; fix or regenerate the file.',
        false,
      );
    }
  }

  /** The tag at `at` is cut by the end of the buffer: remember what was read of it, up to `next`. */
  private suspend(at: number, name: string, attrs: Record<string, string>, seen: number, next: number): -1 {
    this.partial = { name, attrs, seen, next: next - at };
    return -1;
  }

  private notAnAttribute(buf: string, start: number): InputError {
    const excerpt =
      buf
        .slice(start, start + 40)
        .split('>')[0]
        ?.trim() ?? '';
    return this.error(start, `attribute "${excerpt}" is not of the form name="value".`);
  }

  private openElement(name: string, attrs: Record<string, string>, selfClosing: boolean): void {
    if (this.open.length === 0) {
      if (this.roots > 0) {
        throw this.malformed(
          'expected exactly one root element and nothing else, found 2 top-level elements. ' +
            'Several files may have been concatenated, or the file was hand-edited; pass each result file separately.',
        );
      }
      this.roots += 1;
    }
    if (this.open.length >= MAX_ELEMENT_DEPTH) throw this.tooDeep(name);
    this.open.push(name);
    this.handler.open(name, attrs);
    if (selfClosing) {
      this.open.pop();
      this.handler.close(name);
    }
  }

  /** A closing tag; returns the index of its `>`, or -1 when the buffer ends first. */
  private closeTag(buf: string, at: number): number {
    const end = buf.indexOf('>', at);
    if (end === -1) return -1;
    const expectedName = this.open[this.open.length - 1];
    // The common case: `</name>` exactly as it was opened, compared in place.
    if (expectedName !== undefined && end === at + 2 + expectedName.length && buf.startsWith(expectedName, at + 2)) {
      this.open.pop();
      this.handler.close(expectedName);
      return end;
    }
    const stray = buf.indexOf('<', at + 1);
    if (stray !== -1 && stray < end) throw this.error(stray, 'a "<" inside a tag.');
    const name = buf.slice(at + 2, end).trim();
    const expected = this.open.pop();
    if (expected === undefined) throw this.error(at, `closing tag </${name}> without an open element.`);
    if (expected !== name) throw this.error(at, `expected closing tag </${expected}>, found </${name}>.`);
    this.handler.close(name);
    return end;
  }

  private refuseDeclaration(buf: string, at: number): InputError {
    if (/^<!DOCTYPE\s+html\b/i.test(buf.slice(at, at + 15))) {
      return new InputError(
        'INPUT_NOT_RESULTS',
        this.source,
        `${this.source} is an HTML page, not JUnit XML. Pass the machine-readable result file the test runner wrote, ` + 'not an HTML report made from it.',
      );
    }
    const { line, column } = this.where.at(buf, at);
    return new InputError(
      'INPUT_HOSTILE',
      this.source,
      `${this.source}: refused a DTD declaration (${buf.slice(at, at + 9)}…) at line ${line}, column ${column}. ` +
        'Expected a JUnit XML file without <!DOCTYPE> or <!ENTITY>: a DTD can define entities that expand ' +
        'without bound or read other files, so it is never processed. Remove the declaration, or check where this file came from.',
    );
  }

  private tooDeep(name: string): InputError {
    const { line, column } = this.where.at(this.buffer, this.pos);
    return new InputError(
      'INPUT_HOSTILE',
      this.source,
      `${this.source}: refused at line ${line}, column ${column}: a <${name}> nested more than ${MAX_ELEMENT_DEPTH} elements deep. ` +
        `Real result files nest a few levels; a file nested this deep is broken or made to exhaust the memory of the tools that read it, ` +
        'so it is not read further (the other files are). Check where this file came from, and regenerate it with the test runner.',
    );
  }

  private error(offset: number, what: string, generic = true): InputError {
    const { line, column } = this.where.at(this.buffer, offset);
    const advice = generic ? ` Expected a complete ${this.document} file; the file may be truncated or hand-edited. Regenerate it.` : '';
    return this.malformed(`line ${line}, column ${column}: ${what}${advice}`);
  }

  private malformed(what: string): InputError {
    return new InputError('INPUT_MALFORMED', this.source, `${this.source} is not well-formed XML: ${what}`);
  }
}

const GT = 0x3e;
const LT = 0x3c;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BANG = 0x21;
const QUESTION = 0x3f;

/**
 * The names result files use most, as constants: a name read from the buffer is compared in place instead of
 * cut out, and the constant (an internalised string) makes a fast property key and needs no name check.
 */
const KNOWN_NAMES = [
  'testcase',
  'testsuite',
  'testsuites',
  'failure',
  'error',
  'skipped',
  'system-out',
  'system-err',
  'properties',
  'property',
  'name',
  'classname',
  'time',
  'file',
  'line',
  'message',
  'type',
  'value',
  'tests',
  'failures',
  'errors',
  'timestamp',
  'hostname',
  'assertions',
];
const KNOWN_INDEX = new Map(KNOWN_NAMES.map((name, index) => [name, index]));

/** The attributes every testcase and result element has, as their indexes in KNOWN_NAMES (checked below). */
const STORED_BY_NAME = { name: 10, classname: 11, time: 12, message: 15, type: 16, value: 17 } as const;
for (const [name, index] of Object.entries(STORED_BY_NAME)) {
  if (KNOWN_NAMES[index] !== name) throw new Error(`KNOWN_NAMES[${index}] is not "${name}": update STORED_BY_NAME`);
}

/**
 * `attrs[KNOWN_NAMES[known]] = value`, with the common names stored by name. One keyed store for every
 * attribute of every tag met every shape of attribute object and went megamorphic (KeyedStoreIC_Megamorphic:
 * 2.8 % of the reader's instructions); a store per name meets the few shapes that come before that name.
 */
function setKnownAttribute(attrs: Record<string, string>, known: number, value: string): void {
  switch (known) {
    case 10:
      attrs.name = value;
      return;
    case 11:
      attrs.classname = value;
      return;
    case 12:
      attrs.time = value;
      return;
    case 15:
      attrs.message = value;
      return;
    case 16:
      attrs.type = value;
      return;
    case 17:
      attrs.value = value;
      return;
    default:
      attrs[KNOWN_NAMES[known] as string] = value;
  }
}

/** The longest of KNOWN_NAMES. */
const MAX_KNOWN_LENGTH = Math.max(...KNOWN_NAMES.map((known) => known.length));
/**
 * Indexes in KNOWN_NAMES by length and first character (`length * 128 + code`; names are ASCII), as a list, so that
 * looking a name up hashes nothing: most keys have one name, so a name read is compared with one known name, from
 * its second character (by length alone, "time" was compared with "name" and "type", "classname" with "testsuite").
 */
const KNOWN_BY_KEY: (number[] | undefined)[] = Array.from({ length: (MAX_KNOWN_LENGTH + 1) * 128 }, () => undefined);
KNOWN_NAMES.forEach((known, index) => (KNOWN_BY_KEY[known.length * 128 + known.charCodeAt(0)] ??= []).push(index));

/** Indexes in KNOWN_NAMES of the element names (those before ELEMENT_NAMES_END), by the code of their first character. */
const ELEMENT_NAMES_END = KNOWN_NAMES.indexOf('name');
const ELEMENTS_BY_FIRST: (number[] | undefined)[] = Array.from({ length: 128 }, () => undefined);
for (let index = 0; index < ELEMENT_NAMES_END; index += 1) (ELEMENTS_BY_FIRST[(KNOWN_NAMES[index] as string).charCodeAt(0)] ??= []).push(index);

/**
 * The index in KNOWN_NAMES of the element name that starts at `from` and ends where a name ends; -1 when there is
 * none (or the buffer ends first). Told from its first character and compared in place, where finding the name's
 * end a character at a time, then looking it up, cost twice as much on every tag.
 */
function knownElementAt(buf: string, from: number): number {
  const first = buf.charCodeAt(from);
  const candidates = first < 128 ? ELEMENTS_BY_FIRST[first] : undefined;
  if (candidates === undefined) return -1;
  for (let c = 0; c < candidates.length; c += 1) {
    const index = candidates[c] as number;
    const known = KNOWN_NAMES[index] as string;
    // A name cut by the end of the buffer is read the long way. (The check is not left to charCodeAt's NaN past
    // the end: reading out of bounds deoptimises this function and openTag, and compiling both again cost more
    // than the 30 MB read's whole parse of its attributes.)
    const after = from + known.length;
    if (after >= buf.length || !endsName(buf.charCodeAt(after))) continue;
    let k = 1;
    while (k < known.length && buf.charCodeAt(from + k) === known.charCodeAt(k)) k += 1;
    if (k === known.length) return index;
  }
  return -1;
}

/** The index in KNOWN_NAMES of the name at `buf[from, to)`; -1 when it is none of them. */
function knownName(buf: string, from: number, to: number): number {
  const length = to - from;
  const first = buf.charCodeAt(from);
  if (length > MAX_KNOWN_LENGTH || first >= 128) return -1;
  const candidates = KNOWN_BY_KEY[length * 128 + first];
  if (candidates === undefined) return -1;
  // Compared a character at a time: a call to startsWith per candidate cost more than the compare.
  for (let c = 0; c < candidates.length; c += 1) {
    const index = candidates[c] as number;
    const known = KNOWN_NAMES[index] as string;
    let k = 1;
    while (k < length && buf.charCodeAt(from + k) === known.charCodeAt(k)) k += 1;
    if (k === length) return index;
  }
  return -1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** What ends a tag or attribute name: white space, `/`, `>`, `<`, a quote. */
function endsName(c: number): boolean {
  return isSpace(c) || c === SLASH || c === GT || c === LT || c === DOUBLE_QUOTE || c === SINGLE_QUOTE;
}

/** Where text before the end of a piece can safely stop: never inside an entity reference. */
function safeTextEnd(buf: string, from: number): number {
  if (buf.endsWith('\r')) return Math.max(from, buf.length - 1);
  const amp = buf.lastIndexOf('&');
  if (amp < from || amp < buf.length - LONGEST_REFERENCE || buf.indexOf(';', amp) !== -1) return buf.length;
  return amp;
}

/** NUL is never allowed in XML; a tool that wrote one (a crashed process's output) meant nothing by it. */
function withoutNul(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '') : text;
}

/** XML reads every `\r\n` and lone `\r` as `\n`. */
function newlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/**
 * Where each character that makes an attribute value more than a cut of the buffer lies next: `<` (refused),
 * `&` (an entity), tab, line feed, carriage return (normalised) and NUL (dropped). Values are read in order, so
 * each position only moves forward: one native search per character and buffer finds them all, where testing
 * every character of every value would read the file a character at a time.
 */
class SpecialCharacters {
  private static readonly CHARACTERS = ['<', '&', '\n', '\t', '\r', '\0'];
  /** Bits of `within`'s answer. */
  static readonly LT = 1;
  static readonly DECODED = 2 | 32;
  static readonly NUL = 32;
  static readonly AMP = 2;
  static readonly WHITESPACE = 4 | 8 | 16;
  /** Per character: its next index at or after the last `from` asked, -1 when none is left, -2 not searched. */
  private readonly next = [-2, -2, -2, -2, -2, -2];
  /**
   * The least of `next` (NONE_LEFT when every one is -1): no special character lies between the last `from`
   * asked and it, so a value that ends before it is plain with one comparison (most values are).
   */
  private soonest = -2;

  /** The buffer changed. */
  reset(): void {
    for (let k = 0; k < this.next.length; k += 1) this.next[k] = -2;
    this.soonest = -2;
  }

  /**
   * The first `<` at or after `pos` (-1: none in the buffer) when a search made for a value already tells it;
   * -2 when it does not. Every `from` asked lies before the `pos` of the scan that follows it.
   */
  nextLt(pos: number): number {
    const at = this.next[0] as number;
    return at === -1 || at >= pos ? at : -2;
  }

  /** Where the `&` lies that the last `within` found (when it found one). */
  nextAmp(): number {
    return this.next[1] as number;
  }

  /** Which of the characters `buf[from, to)` holds (bit k: CHARACTERS[k]), 0 for none; `from` never goes back within one buffer. */
  within(buf: string, from: number, to: number): number {
    if (this.soonest >= to) return 0;
    let found = 0;
    let soonest = NONE_LEFT;
    for (let k = 0; k < this.next.length; k += 1) {
      let at = this.next[k] as number;
      if (at === -1) continue;
      if (at < from) {
        at = buf.indexOf(SpecialCharacters.CHARACTERS[k] as string, from);
        this.next[k] = at;
        if (at === -1) continue;
      }
      if (at < to) found |= 1 << k;
      if (at < soonest) soonest = at;
    }
    this.soonest = soonest;
    return found;
  }
}

/** Beyond any index of a buffer (a small integer, so comparisons with it stay integer ones). */
const NONE_LEFT = 0x3fffffff;
