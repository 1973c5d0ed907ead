/**
 * Which test cases a test result names. Explicit ids first (a `testsigma` property or Playwright annotation),
 * then `<PREFIX>-<n>` tokens in the title and the tags (the `-` may be one of the dashes word processors put in
 * its place: OTHER_DASHES), then `<PREFIX>_<n>` word-parts of names that cannot hold a hyphen (pytest functions, Go and Java methods, and the JUnit classname: Python and Java classes). Never fuzzy:
 * matching by title is a separate, opt-in step (title.ts), because a wrong match is silent while a missing one
 * is reported.
 *
 * Normal form of a reference (so that lookups and de-duplication agree):
 * - a human id is upper case without leading zeros in its number, and `-` before the number: `demo-012` →
 *   `DEMO-12`, `DEMO‑12` (a non-breaking hyphen) → `DEMO-12` (the service prints `DEMO-12`; people who zero-pad,
 *   as some tools teach, still match);
 * - a UUID is lower case;
 * - anything else written in a `testsigma` property is kept as written (trimmed), so it is reported as
 *   unknown instead of being dropped silently.
 */
import type { Property, TestResult } from '../model.js';

/** The property (or Playwright annotation type) that names test cases explicitly, compared case-insensitively. */
const REFERENCE_PROPERTY = 'testsigma';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * The dashes read as `-` between a prefix and a number: hyphen (U+2010), non-breaking hyphen (U+2011), figure dash
 * (U+2012), en dash (U+2013) and minus sign (U+2212), which word processors, docs pages and the feature files
 * copied from them put where `-` was typed (`DEMO‑12`). Not the em dash (U+2014) or the horizontal bar (U+2015):
 * they stand between words, never inside one. A character class's body, for the patterns.
 */
export const OTHER_DASHES = '\\u2010-\\u2013\\u2212';
const OTHER_DASH = new RegExp(`[${OTHER_DASHES}]`, 'u');
// Any `<something>-<digits>` (or one of OTHER_DASHES for `-`): a human id of this project or of another one;
// normalised the same way.
const HUMAN_ID_SHAPE = new RegExp(`^(.+)[${OTHER_DASHES}-]0*(\\d+)$`, 'u');
// Punctuation people wrap ids in (`[DEMO-3]`, `@DEMO-3`, `DEMO-3:`), stripped from property values.
const WRAPPING = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** `demo-012` → `DEMO-12`. Text without a trailing number is only upper-cased. */
export function normaliseHumanId(text: string): string {
  // Most ids arrive in their normal form (the service lists them so): given back as they are, without the copies
  // and the match that normalising makes (indexing 5,000 cases spent most of its time there).
  if (isNormalAsciiHumanId(text)) return text;
  const upper = text.trim().toUpperCase();
  const match = HUMAN_ID_SHAPE.exec(upper);
  return match ? `${match[1]}-${match[2]}` : upper;
}

/**
 * Whether `text` is already `<PREFIX>-<n>` in normal form, told by its characters: ASCII only, no white space or
 * lower-case letter, a hyphen followed by digits without a leading zero (or a lone 0). False sends it through
 * the full normalisation, which decides every other case.
 */
function isNormalAsciiHumanId(text: string): boolean {
  const hyphen = text.lastIndexOf('-');
  const length = text.length;
  if (hyphen <= 0 || hyphen === length - 1) return false;
  if (text.charCodeAt(hyphen + 1) === 0x30 /* 0 */ && length - hyphen > 2) return false;
  for (let k = hyphen + 1; k < length; k += 1) {
    const c = text.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return false;
  }
  for (let k = 0; k < hyphen; k += 1) {
    const c = text.charCodeAt(k);
    if (c <= 0x20 || c > 0x7e || (c >= 0x61 && c <= 0x7a)) return false;
  }
  return true;
}

/** The normal form of one reference; see the file comment. */
export function normaliseReference(text: string): string {
  const trimmed = text.trim();
  if (isUuid(trimmed)) return trimmed.toLowerCase();
  if (HUMAN_ID_SHAPE.test(trimmed)) return normaliseHumanId(trimmed);
  return trimmed;
}

/**
 * Every test case the result names, normalised, de-duplicated, in first-seen order:
 * `testsigma` properties first, then the full title and the tags (`DEMO-3`), then the same texts and the
 * classname for underscore ids (`DEMO_3`).
 * An empty prefix disables title and tag scanning (only properties count).
 */
export function caseReferences(result: TestResult, prefix: string): string[] {
  // Made for the first reference found, at its size (see addOnce): most results name one case or none.
  let found = propertyReferences(result.properties);
  const patterns = idPatterns(prefix);
  if (patterns) {
    // The suite path and the classname are shared by a suite's results: what they name is read once per suite.
    const suite = suitePathReferences(result.suitePath, patterns);
    // Indexed loops, not for-of: these lists are mostly shared frozen empty ones, and for-of over them went through
    // the iterator protocol for every result (1 % of the pipeline).
    found = addEach(found, suite.hyphen);
    // A name is searched by hand where it can be (scanHyphenIds, which reads `-` alone), else with the pattern once
    // the prefix is in it.
    const scanned = OTHER_DASH.test(result.name) ? undefined : scanHyphenIds(result.name, patterns, found);
    if (scanned !== undefined) found = scanned;
    else if (patterns.prefix.test(result.name)) found = collect(result.name, patterns.hyphen, found, false, patterns);
    const tags = result.tags;
    for (let k = 0; k < tags.length; k += 1) {
      const tag = tags[k] as string;
      if (patterns.prefix.test(tag)) found = collect(tag, patterns.hyphen, found, false, patterns);
    }
    found = addEach(found, suite.underscore);
    // Most texts hold no underscore, or not the prefix: two cheap tests skip the pattern for them.
    if (result.name.includes('_') && patterns.prefix.test(result.name)) found = collect(result.name, patterns.underscore, found, true, patterns);
    for (let k = 0; k < tags.length; k += 1) {
      const tag = tags[k] as string;
      if (patterns.prefix.test(tag)) found = collect(tag, patterns.underscore, found, true, patterns);
    }
    // A class cannot hold a hyphen, so only an underscore id is read from it (`tests.DEMO_16`).
    if (result.classname !== undefined) found = addEach(found, classnameReferences(result.classname, patterns));
  }
  // The caller's own list (an empty one has no room to fill: cheap).
  return found === NO_REFERENCES ? [] : (found as string[]);
}

/** What a suite path names, by either pattern; the last one read is kept (a reader hands a suite's results over together). */
let lastSuitePath: { path: string[]; patterns: IdPatterns; hyphen: readonly string[]; underscore: readonly string[] } | undefined;

function suitePathReferences(path: readonly string[], patterns: IdPatterns): { hyphen: readonly string[]; underscore: readonly string[] } {
  // Compared by its names, not by identity: a caller may change a list it passed before.
  if (lastSuitePath !== undefined && lastSuitePath.patterns === patterns && sameTexts(lastSuitePath.path, path)) return lastSuitePath;
  let hyphen = NO_REFERENCES;
  let underscore = NO_REFERENCES;
  for (const text of path) {
    if (!patterns.prefix.test(text)) continue;
    hyphen = collect(text, patterns.hyphen, hyphen, false, patterns);
    underscore = collect(text, patterns.underscore, underscore, true, patterns);
  }
  lastSuitePath = { path: [...path], patterns, hyphen, underscore };
  return lastSuitePath;
}

function sameTexts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

let lastClassname: { classname: string; patterns: IdPatterns; underscore: readonly string[] } | undefined;

function classnameReferences(classname: string, patterns: IdPatterns): readonly string[] {
  if (lastClassname?.classname === classname && lastClassname.patterns === patterns) return lastClassname.underscore;
  const underscore = patterns.prefix.test(classname) ? collect(classname, patterns.underscore, NO_REFERENCES, true, patterns) : NO_REFERENCES;
  lastClassname = { classname, patterns, underscore };
  return underscore;
}

/**
 * Lists of at least this many properties are read once: a JUnit suite's properties are one list shared by all
 * its testcases (200 CI variables × 80,000 tests were read 16 million times before).
 */
const SHARED_PROPERTIES_MIN = 8;
const referencesOfShared = new WeakMap<readonly Property[], readonly string[]>();

/** The references named by `testsigma` properties, in order: NO_REFERENCES, or a copy for the caller to add to. */
function propertyReferences(properties: readonly Property[]): readonly string[] {
  if (properties.length < SHARED_PROPERTIES_MIN) return readPropertyReferences(properties);
  let known = referencesOfShared.get(properties);
  if (known === undefined) {
    known = readPropertyReferences(properties);
    referencesOfShared.set(properties, known);
  }
  return known === NO_REFERENCES ? known : [...known];
}

function readPropertyReferences(properties: readonly Property[]): readonly string[] {
  let found = NO_REFERENCES;
  // An indexed loop: a suite's few properties are read for each of its results.
  for (let k = 0; k < properties.length; k += 1) {
    const property = properties[k] as Property;
    if (!isReferenceProperty(property.name)) continue;
    for (const token of property.value.split(/[\s,;]+/)) {
      const bare = token.replace(WRAPPING, '');
      if (bare !== '') found = addOnce(found, normaliseReference(bare));
    }
  }
  return found;
}

/**
 * `testsigma` in any case, white space around it allowed; most names are told apart by their length alone, and a
 * longer one by its ends: only white space there can make it `testsigma`. (Trimmed each time, `java.version` and
 * its like cost a call for every result of their suite.)
 */
function isReferenceProperty(name: string): boolean {
  const length = name.length;
  if (length < REFERENCE_PROPERTY.length) return false;
  if (length > REFERENCE_PROPERTY.length && isVisibleAscii(name.charCodeAt(0)) && isVisibleAscii(name.charCodeAt(length - 1))) return false;
  const trimmed = length === REFERENCE_PROPERTY.length ? name : name.trim();
  return trimmed.length === REFERENCE_PROPERTY.length && trimmed.toLowerCase() === REFERENCE_PROPERTY;
}

/** A printable ASCII character other than the space: never white space, so `trim` keeps it. */
function isVisibleAscii(c: number): boolean {
  return c > 0x20 && c < 0x7f;
}

/**
 * `found` with every match of a (global) id pattern in `text` added, normalised (see addOnce);
 * `underscore`: `DEMO_3` is read as `DEMO-3`.
 */
function collect(text: string, pattern: RegExp, found: readonly string[], underscore: boolean, patterns: IdPatterns): readonly string[] {
  // Either pattern needs its separator: a text without one is not searched.
  if (underscore ? !text.includes('_') : !text.includes('-') && !OTHER_DASH.test(text)) return found;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const written = match[0];
    // Most ids are written in their normal form (`DEMO-12`): kept as written, without a look-up.
    let normal = underscore ? undefined : isNormalHumanId(written, patterns) ? written : normalOfWritten.get(written);
    if (normal === undefined) {
      normal = normaliseHumanId(underscore ? written.replace(/_(?=\d+$)/, '-') : written);
      if (!underscore && normalOfWritten.size < NORMAL_CACHE_MAX) normalOfWritten.set(written, normal);
    }
    found = addOnce(found, normal);
  }
  return found;
}

/**
 * `found` with the hyphen ids of `text` added, as `collect(text, patterns.hyphen, …)` adds them, found without a
 * regular expression: each `-` is looked at, the prefix before it compared in place (either case) and the digits
 * after it read. Every result's name is searched for ids, and the two patterns (the prefix anywhere, then the id
 * with its Unicode boundaries) cost more than the rest of the mapping of a result (`collect` and
 * `caseReferences` together 5 % of the pipeline's samples on the 30 MB file). Only for a prefix of ASCII letters
 * and digits, and only while every character it looks at is ASCII (a `K` can be the Kelvin sign's lower case,
 * a letter beside an id can be any script's): undefined otherwise, and the patterns decide.
 */
function scanHyphenIds(text: string, patterns: IdPatterns, found: readonly string[]): readonly string[] | undefined {
  const lower = patterns.asciiLower;
  // A prefix of ASCII letters and digits has its upper case (see idPatterns): `upper` is set whenever `lower` is.
  const upper = patterns.upper;
  if (lower === undefined || upper === undefined) return undefined;
  const length = lower.length;
  for (let hyphen = text.indexOf('-', length); hyphen !== -1; hyphen = text.indexOf('-', hyphen + 1)) {
    const start = hyphen - length;
    // Whether the prefix is written as `upper`: then the id is in its normal form unless its number starts with 0.
    let asUpper = true;
    let k = 0;
    for (; k < length; k += 1) {
      const c = text.charCodeAt(start + k);
      if (c > 0x7f) return undefined;
      // ASCII letters compared in lower case (`| 0x20`), digits as they are: the prefix holds nothing else.
      if ((c | 0x20) !== lower.charCodeAt(k) || (c < 0x41 && c !== lower.charCodeAt(k))) break;
      if (c !== upper.charCodeAt(k)) asUpper = false;
    }
    if (k < length) continue;
    if (start > 0) {
      const before = text.charCodeAt(start - 1);
      if (before > 0x7f) return undefined;
      if (isAsciiWordCharacter(before) || before === 0x2d /* - */) continue;
    }
    let end = hyphen + 1;
    while (end < text.length && isAsciiDigit(text.charCodeAt(end))) end += 1;
    if (end === hyphen + 1) {
      if (end < text.length && text.charCodeAt(end) > 0x7f) return undefined;
      continue;
    }
    if (end < text.length) {
      const after = text.charCodeAt(end);
      if (after > 0x7f) return undefined;
      if (isAsciiWordCharacter(after) || after === 0x2d /* - */) continue;
      if (after === 0x2e /* . */ && end + 1 < text.length) {
        const next = text.charCodeAt(end + 1);
        if (next > 0x7f) return undefined;
        if (isAsciiDigit(next)) continue;
      }
    }
    const written = text.slice(start, end);
    // isNormalHumanId(written, patterns), told by what the scan read (its `startsWith` was a call for each id).
    let normal = asUpper && text.charCodeAt(hyphen + 1) !== 0x30 /* 0 */ ? written : normalOfWritten.get(written);
    if (normal === undefined) {
      normal = normaliseHumanId(written);
      if (normalOfWritten.size < NORMAL_CACHE_MAX) normalOfWritten.set(written, normal);
    }
    found = addOnce(found, normal);
    hyphen = end - 1;
  }
  return found;
}

function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** An ASCII letter or digit: what `\p{L}` and `\p{N}` hold of ASCII. */
function isAsciiWordCharacter(c: number): boolean {
  return isAsciiDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
}

/**
 * Whether a hyphen id as written is its own normal form (see normaliseHumanId): the prefix in upper case as
 * the project writes it, then `-` and a number without leading zeros. Compared in place.
 */
function isNormalHumanId(written: string, patterns: IdPatterns): boolean {
  const upper = patterns.upper;
  return (
    upper !== undefined &&
    written.length > upper.length + 1 &&
    written.startsWith(upper) &&
    written.charCodeAt(upper.length) === 45 /* - */ &&
    written.charCodeAt(upper.length + 1) !== 48 /* 0 */
  );
}

/**
 * A file names a few thousand cases over and over: each id as written is normalised once. Bounded, so that a
 * file naming millions of different ids costs no more than a normalisation each.
 */
const NORMAL_CACHE_MAX = 20_000;
const normalOfWritten = new Map<string, string>();

/** No reference: one frozen list, shared; addOnce makes a list of its own for the first reference. */
const NO_REFERENCES = Object.freeze([]) as readonly string[];

/**
 * `found` with `reference` added when it is not there yet. A result names a case or two: a list searched beats a
 * set built for each result, and the list is made with its first reference, at its size (a list made empty and
 * then added to takes room for 17).
 */
/** `found` with each of `references` added once (see addOnce). */
function addEach(found: readonly string[], references: readonly string[]): readonly string[] {
  for (let k = 0; k < references.length; k += 1) found = addOnce(found, references[k] as string);
  return found;
}

function addOnce(found: readonly string[], reference: string): readonly string[] {
  if (found === NO_REFERENCES) return [reference];
  if (!found.includes(reference)) (found as string[]).push(reference);
  return found;
}

interface IdPatterns {
  /** The prefix anywhere, either case: both patterns need it. */
  prefix: RegExp;
  hyphen: RegExp;
  underscore: RegExp;
  /** The prefix in upper case, when upper-casing it again changes nothing (so `<upper>-<n>` is a normal form). */
  upper: string | undefined;
  /** The prefix in lower case when it is only ASCII letters and digits (scanHyphenIds), else undefined. */
  asciiLower: string | undefined;
}

/**
 * `hyphen`: `<PREFIX>-<digits>` as a whole token. Letters, digits and `-` glue a token together, so `XDEMO-3`,
 * `DEMO-3a`, `DEMO-R-3` (a run id) and `ABC-DEMO-3` do not match; `_` does not, because Go's subtest names
 * turn spaces into underscores (`TestLogin/DEMO-3_works`). A following `.<digit>` (`DEMO-3.5`) is a version
 * number, not an id. One of OTHER_DASHES in place of the `-` (`DEMO‑3`) is read as it, and then those dashes
 * glue too (`ABC‑DEMO‑3`, `DEMO‑3‑4`, `DEMO‑R‑3` do not match, as their `-` forms do not); beside an id written
 * with `-` they separate, as they always did (`Login–DEMO-3` matches).
 *
 * `underscore`: `<PREFIX>_<digits>` as its own word-parts, for names that cannot hold a hyphen:
 * `test_demo_12_update_quantity`, `TestCheckout_DEMO_16`, the class `tests.DEMO_16`. Letters and digits glue,
 * `_` and any other character separate, so `TestCheckoutDEMO_16` (camel case) and `DEMO_16b` do not count;
 * neither do a `-` before the prefix (`ABC-DEMO_3`) nor a `_<digits>` or `.<digits>` after the number
 * (`DEMO_3_4`, `DEMO_3.4`: a version or a parameter). The limit: a prefix that is also a word of test
 * names (`TEST`, `API`) turns `test_1_adds` into `TEST-1`; such a reference names no case and is reported as
 * unknown, so it is seen, not silently recorded against the wrong case, unless that case exists.
 *
 * Cached because one upload scans every result with the same prefix.
 */
function idPatterns(prefix: string): IdPatterns | undefined {
  // Keyed by the prefix as asked, which is the same for each result: no trim per result (a call each, 3 % of the
  // instructions caseReferences takes).
  if (prefix !== cachedPrefix) {
    cachedPrefix = prefix;
    cachedPatterns = patternsOf(prefix.trim());
  }
  return cachedPatterns;
}

let cachedPrefix: string | undefined;
let cachedPatterns: IdPatterns | undefined;

function patternsOf(trimmed: string): IdPatterns | undefined {
  if (trimmed === '') return undefined;
  const escaped = trimmed.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const upper = trimmed.toUpperCase();
  return {
    upper: upper.toUpperCase() === upper && !upper.includes('-') && upper.trim() === upper ? upper : undefined,
    asciiLower: /^[A-Za-z0-9]+$/.test(trimmed) ? trimmed.toLowerCase() : undefined,
    prefix: new RegExp(escaped, 'iu'),
    hyphen: new RegExp(
      `(?<![\\p{L}\\p{N}-])${escaped}-\\d+(?![\\p{L}\\p{N}-]|\\.\\p{N})` +
        `|(?<![\\p{L}\\p{N}${OTHER_DASHES}-])${escaped}[${OTHER_DASHES}]\\d+(?![\\p{L}\\p{N}${OTHER_DASHES}-]|\\.\\p{N})`,
      'giu',
    ),
    underscore: new RegExp(`(?<![\\p{L}\\p{N}-])${escaped}_\\d+(?![\\p{L}\\p{N}]|_\\p{N}|\\.\\p{N})`, 'giu'),
  };
}
