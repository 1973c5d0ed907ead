/** The only entities an XML document without a DTD can use. */
const XML_ENTITIES = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);
const DECIMAL = /^#\d{1,7}$/;
const HEX = /^#x[0-9a-fA-F]{1,6}$/;
/** What a reference looks like: a name, or a character number in decimal or hex. */
const REFERENCE_SHAPE = /^(?:[A-Za-z_][\w.-]*|#\d+|#x[0-9a-fA-F]+)$/;
/** References longer than this are not looked at (HTML's longest entity name has 31 characters). */
export const LONGEST_REFERENCE = 34;

/**
 * The five XML entities and numeric character references, decoded in one left-to-right pass, so `&amp;lt;`
 * becomes `&lt;` and never `<`. A reference that no DTD declares (`&nbsp;`: files written by hand or by HTML
 * templates) or that names no allowed character (`&#0;`) is dropped, as a lenient XML reader does; an `&` that
 * starts no reference (`a & b`) stays. NUL characters, never allowed in XML, are dropped too. (A loop, not a
 * replace with a callback: every test name passes through here.)
 */
export function decodeXmlEntities(text: string, mayHoldNul = true): string {
  // `mayHoldNul` false: the caller searched the text for NUL already (an attribute value: SpecialCharacters).
  if (mayHoldNul && text.includes('\0')) text = text.replaceAll('\0', '');
  return decodeReferences(text, 0, text.length, text.indexOf('&'));
}

/**
 * `text[from, to)` with its references decoded (as decodeXmlEntities, NUL aside), `amp` the first `&` in it (-1,
 * or `to` or beyond, when there is none): an attribute value is decoded where it stands in the buffer, from the
 * `&` its search for special characters found, without cutting it out first.
 */
export function decodeReferences(text: string, from: number, to: number, amp: number): string {
  let out = '';
  let done = from;
  while (amp !== -1 && amp < to) {
    // A reference ends within LONGEST_REFERENCE characters or is none: looked for that far only, never through
    // the rest of the buffer (an `&` without `;` after it in every value would make that quadratic).
    const semi = semicolonAfter(text, amp, Math.min(to, amp + LONGEST_REFERENCE + 1));
    // The five named entities are told by their characters in place: slicing each to look it up in a map was
    // most of this function's time (a generated name holds `&amp;` in every testcase).
    const decoded = semi === -1 ? undefined : (namedEntity(text, amp + 1, semi) ?? decodeReference(text.slice(amp + 1, semi)));
    if (decoded === undefined) {
      amp = text.indexOf('&', amp + 1);
      continue;
    }
    out += text.slice(done, amp) + decoded;
    done = semi + 1;
    amp = text.indexOf('&', done);
  }
  if (done === from) return from === 0 && to === text.length ? text : text.slice(from, to);
  return out + text.slice(done, to);
}

/** The first `;` in `text` after `amp` + 1 and before `end`; -1 when there is none. */
function semicolonAfter(text: string, amp: number, end: number): number {
  for (let i = amp + 2; i < end; i += 1) if (text.charCodeAt(i) === 0x3b) return i;
  return -1;
}

/** `lt`, `gt`, `amp`, `quot` or `apos` between `start` and `end` of `text`: its character; undefined for any other. */
function namedEntity(text: string, start: number, end: number): string | undefined {
  const first = text.charCodeAt(start);
  switch (end - start) {
    case 2:
      if (text.charCodeAt(start + 1) !== 0x74 /* t */) return undefined;
      return first === 0x6c /* l */ ? '<' : first === 0x67 /* g */ ? '>' : undefined;
    case 3:
      return first === 0x61 /* a */ && text.charCodeAt(start + 1) === 0x6d /* m */ && text.charCodeAt(start + 2) === 0x70 /* p */ ? '&' : undefined;
    case 4:
      if (first === 0x71 /* q */) return text.startsWith('uot', start + 1) ? '"' : undefined;
      return first === 0x61 /* a */ && text.startsWith('pos', start + 1) ? "'" : undefined;
    default:
      return undefined;
  }
}

/** A reference's replacement: its character, '' for one that is dropped, undefined for no reference at all. */
function decodeReference(name: string): string | undefined {
  const named = XML_ENTITIES.get(name);
  if (named !== undefined) return named;
  if (!REFERENCE_SHAPE.test(name)) return undefined;
  const code = DECIMAL.test(name) ? Number.parseInt(name.slice(1), 10) : HEX.test(name) ? Number.parseInt(name.slice(2), 16) : Number.NaN;
  const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
  return valid ? String.fromCodePoint(code) : '';
}

/**
 * A copy of `text` that does not keep the piece it was cut from alive: V8 makes a substring of 13 or more
 * characters a view of its parent, so a test name kept in a result would otherwise hold a whole 1 MiB piece
 * of the file in memory. (Concatenation then slicing forces a flat copy.)
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}
