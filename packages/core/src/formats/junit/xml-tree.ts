/**
 * Turns XML text into a small, plain element tree, refusing what is hostile or not well-formed.
 *
 * fast-xml-parser does the parsing, configured against its traps (see FIELD-NOTES "Traps"): attributes
 * kept, nothing converted to numbers ("1.10" stays a string), whitespace kept (stack traces), and our own
 * entity decoder: the five XML entities and numeric references only — v5 leaves `&#10;` undecoded unless
 * HTML entities are switched on, and a DTD (the only source of other entities) is refused before parsing.
 *
 * The JUnit reader only sees `XmlElement`s, so a later streaming reader can build the same elements one
 * `<testcase>` at a time without changing it.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from '../../errors.js';
import { lineAndColumn } from '../text.js';

export interface XmlElement {
  name: string;
  /** Attribute values, entity-decoded. A null-prototype object: names like `__proto__` are just keys. */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text and CDATA, concatenated in order, untrimmed. */
  text: string;
}

// DTD declarations: JUnit never needs one, and they are how entity bombs and external entities get in.
const DTD_DECLARATION = /^<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)\b/i;

/**
 * One pass over the markup, outside comments, CDATA and processing instructions:
 * - any DTD declaration → INPUT_HOSTILE (never parsed, so never expanded or fetched);
 * - a raw `<` inside an attribute value → INPUT_MALFORMED (not well-formed XML, but fast-xml-parser's
 *   validator lets it through).
 */
export function scanMarkup(xml: string, source: string): void {
  let i = xml.indexOf('<');
  while (i !== -1) {
    if (xml.startsWith('<!--', i)) {
      i = skipPast(xml, i, '-->', 'comment', source);
    } else if (xml.startsWith('<![CDATA[', i)) {
      i = skipPast(xml, i, ']]>', 'CDATA section', source);
    } else if (xml.startsWith('<?', i)) {
      i = skipPast(xml, i, '?>', 'processing instruction', source);
    } else if (xml.startsWith('<!', i) && DTD_DECLARATION.test(xml.slice(i, i + 12))) {
      throw refuseDeclaration(xml, i, source);
    } else {
      i = scanTag(xml, i, source);
    }
    if (i === -1) return; // an unclosed tag: the validator reports it
    i = xml.indexOf('<', i);
  }
}

function refuseDeclaration(xml: string, offset: number, source: string): InputError {
  if (/^<!DOCTYPE\s+html\b/i.test(xml.slice(offset, offset + 15))) {
    // Someone passed an HTML report: say so, rather than calling it hostile.
    return new InputError(
      'INPUT_NOT_RESULTS',
      source,
      `${source} is an HTML page, not JUnit XML. Pass the machine-readable results (JUnit XML, Jest --json or ` +
        'Playwright JSON), not an HTML report.',
    );
  }
  const { line, column } = lineAndColumn(xml, offset);
  return new InputError(
    'INPUT_HOSTILE',
    source,
    `${source}: refused a DTD declaration (${xml.slice(offset, offset + 9)}…) at line ${line}, column ${column}. ` +
      'Expected a JUnit XML file without <!DOCTYPE> or <!ENTITY>: a DTD can define entities that expand ' +
      'without bound or read other files, so it is never processed. Remove the declaration, or check where this file came from.',
  );
}

function skipPast(xml: string, from: number, terminator: string, what: string, source: string): number {
  const end = xml.indexOf(terminator, from);
  if (end !== -1) return end + terminator.length;
  const { line, column } = lineAndColumn(xml, from);
  throw new InputError(
    'INPUT_MALFORMED',
    source,
    `${source} is not well-formed XML: the ${what} opened at line ${line}, column ${column} is never closed (no "${terminator}"). ` +
      'The file is probably truncated (the test run was killed while writing it); regenerate it.',
  );
}

/** Scan one tag from its `<` to its `>`, honouring quotes; returns the index after `>`. */
function scanTag(xml: string, start: number, source: string): number {
  let quote = '';
  for (let i = start + 1; i < xml.length; i += 1) {
    const c = xml[i];
    if (quote !== '') {
      if (c === quote) quote = '';
      else if (c === '<') throw attributeLessThan(xml, i, source);
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i + 1;
    } else if (c === '<') {
      return i; // not a tag after all (a stray `<`); the validator reports it
    }
  }
  return -1;
}

function attributeLessThan(xml: string, offset: number, source: string): InputError {
  const { line, column } = lineAndColumn(xml, offset);
  return new InputError(
    'INPUT_MALFORMED',
    source,
    `${source} is not well-formed XML: line ${line}, column ${column}: "<" is not allowed inside an attribute value ` +
      '(it must be written &lt;). The tool that wrote this file produced invalid XML; fix or regenerate the file.',
  );
}

/** The only entities an XML document without a DTD can use. */
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

const entityDecoder = {
  setExternalEntities: () => undefined,
  // Unreachable after scanMarkup refused every DTD; refuse again rather than trust that.
  addInputEntities: (entities: Record<string, string>) => {
    if (Object.keys(entities).length > 0) throw new Error('DTD entities are not accepted');
  },
  reset: () => undefined,
  decode: decodeXmlEntities,
  setXmlVersion: () => undefined,
};

function makeParser(): XMLParser {
  return new XMLParser({
    preserveOrder: true, // keeps surefire's flakyFailure/rerunFailure and text/CDATA in document order
    ignoreAttributes: false,
    // Prefixes keep every XML name clear of the names fast-xml-parser refuses or renames (`constructor`,
    // `__proto__`, `hasOwnProperty`) and of its own `#text` / `:@` keys; toElementOrText takes them off.
    attributeNamePrefix: ATTR_PREFIX,
    transformTagName: (name: string) => TAG_PREFIX + name,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    processEntities: true,
    entityDecoder,
    maxNestedTags: 200,
  });
}

function validationMessage(xml: string, source: string, err: { msg: string; line: number; col?: number }): string {
  // At the end of the input the validator lists the elements still open, as a JSON array "at line 1".
  const unclosed = /^Invalid '(\[[\s\S]*\])' found\.?$/.exec(err.msg);
  if (unclosed?.[1] !== undefined) {
    let names: string[] = [];
    try {
      names = (JSON.parse(unclosed[1]) as unknown[]).map(String);
    } catch {
      // keep the generic wording below
    }
    const { line } = lineAndColumn(xml, xml.length);
    return (
      `${source} is not well-formed XML: it ends at line ${line} while ${names.map((n) => `<${n}>`).join(', ') || 'elements'} ` +
      'are still open. The file is truncated (the test run was probably killed while writing it); regenerate it.'
    );
  }
  const where = err.col === undefined ? `line ${err.line}` : `line ${err.line}, column ${err.col}`;
  return (
    `${source} is not well-formed XML: ${where}: ${err.msg.replace(/\.?$/, '.')} Expected a complete JUnit XML file; ` +
    'the file may be truncated or hand-edited. Regenerate it.'
  );
}

type OrderedNode = Record<string, unknown>;
const ATTR_PREFIX = '@';
const TAG_PREFIX = '<';

/** Parse and validate; returns the document's single root element. */
export function parseXmlTree(input: string, source: string): XmlElement {
  // Some producers write blank lines before the XML declaration, which XML forbids. The declaration tells
  // nothing we use (bytes were decoded already), so blank it out, keeping line and column numbers.
  const xml = /^\s+<\?xml\s/.test(input) ? input.replace(/^\s+<\?xml\s[^>]*\?>/, (d) => d.replace(/[^\r\n]/g, ' ')) : input;
  scanMarkup(xml, source);
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    throw new InputError('INPUT_MALFORMED', source, validationMessage(xml, source, validation.err));
  }
  let nodes: OrderedNode[];
  try {
    nodes = makeParser().parse(xml) as OrderedNode[];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(
      'INPUT_MALFORMED',
      source,
      `${source} could not be read as XML: ${reason} Expected a JUnit XML file; regenerate it.`,
      { cause: error },
    );
  }
  const top = nodes.map(toElementOrText);
  const roots = top.filter((n): n is XmlElement => typeof n !== 'string');
  // fast-xml-parser drops text after the root element: look at what follows the last tag ourselves.
  const strayText = top.some((n) => typeof n === 'string' && n.trim() !== '') || xml.slice(xml.lastIndexOf('>') + 1).trim() !== '';
  if (roots.length !== 1 || strayText) {
    const found = roots.length === 1 ? 'text outside the root element' : `${roots.length} top-level elements`;
    throw new InputError(
      'INPUT_MALFORMED',
      source,
      `${source} is not well-formed XML: expected exactly one root element and nothing else, found ${found}. ` +
        'Several files may have been concatenated, or the file was hand-edited; pass each result file separately.',
    );
  }
  return roots[0] as XmlElement;
}

/** Convert one fast-xml-parser ordered node: an element, or a text/CDATA string. */
function toElementOrText(node: OrderedNode): XmlElement | string {
  const attrsNode = node[':@'] as Record<string, unknown> | undefined;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (key === '#text') return typeof value === 'string' ? value : String(value);
    if (!key.startsWith(TAG_PREFIX)) continue;
    const attrs = Object.create(null) as Record<string, string>;
    for (const [name, attrValue] of Object.entries(attrsNode ?? {})) {
      attrs[name.slice(ATTR_PREFIX.length)] = typeof attrValue === 'string' ? attrValue : String(attrValue);
    }
    // fast-xml-parser applies transformTagName twice to self-closing tags; no XML name contains '<'.
    const element: XmlElement = { name: key.replace(/^<+/, ''), attrs, children: [], text: '' };
    for (const child of Array.isArray(value) ? (value as OrderedNode[]) : []) {
      const converted = toElementOrText(child);
      if (typeof converted === 'string') element.text += converted;
      else element.children.push(converted);
    }
    return element;
  }
  return '';
}

export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}
