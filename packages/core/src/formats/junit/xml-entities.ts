/** The only entities an XML document without a DTD can use, and numeric character references. */
const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ENTITY_REFERENCE = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));/g;

/** One left-to-right pass, so `&amp;lt;` becomes `&lt;` and never `<`. Unknown references stay as written. */
export function decodeXmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY_REFERENCE, (whole, dec?: string, hex?: string, named?: string) => {
    if (named !== undefined) return XML_ENTITIES[named] ?? whole;
    const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return valid ? String.fromCodePoint(code) : whole;
  });
}

/**
 * A copy of `text` that does not keep the piece it was cut from alive: V8 makes a substring of 13 or more
 * characters a view of its parent, so a test name kept in a result would otherwise hold a whole 1 MiB piece
 * of the file in memory. (Concatenation then slicing forces a flat copy.)
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}
