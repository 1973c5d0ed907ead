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
/** `&#x10FFFF;` is the longest reference worth looking at. */
const LONGEST_REFERENCE = 10;

/**
 * The five XML entities and numeric character references, decoded in one left-to-right pass, so `&amp;lt;`
 * becomes `&lt;` and never `<`. Unknown or invalid references stay as written. (A loop, not a replace with
 * a callback: every test name passes through here.)
 */
export function decodeXmlEntities(text: string): string {
  let amp = text.indexOf('&');
  if (amp === -1) return text;
  let out = '';
  let done = 0;
  while (amp !== -1) {
    const semi = text.indexOf(';', amp + 2);
    if (semi === -1) break;
    const decoded = semi - amp <= LONGEST_REFERENCE ? decodeReference(text.slice(amp + 1, semi)) : undefined;
    if (decoded === undefined) {
      amp = text.indexOf('&', amp + 1);
      continue;
    }
    out += text.slice(done, amp) + decoded;
    done = semi + 1;
    amp = text.indexOf('&', done);
  }
  return done === 0 ? text : out + text.slice(done);
}

function decodeReference(name: string): string | undefined {
  const named = XML_ENTITIES.get(name);
  if (named !== undefined) return named;
  const code = DECIMAL.test(name) ? Number.parseInt(name.slice(1), 10) : HEX.test(name) ? Number.parseInt(name.slice(2), 16) : Number.NaN;
  const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
  return valid ? String.fromCodePoint(code) : undefined;
}

/**
 * A copy of `text` that does not keep the piece it was cut from alive: V8 makes a substring of 13 or more
 * characters a view of its parent, so a test name kept in a result would otherwise hold a whole 1 MiB piece
 * of the file in memory. (Concatenation then slicing forces a flat copy.)
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}
