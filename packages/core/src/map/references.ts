/**
 * Which test cases a test result names. Explicit ids first (a `testsigma` property or Playwright annotation),
 * then `<PREFIX>-<n>` tokens in the title and tags — never fuzzy title matching, because producers disagree on
 * how titles are joined (see FIELD-NOTES) and a wrong match is silent while a missing one is reported.
 *
 * Normal form of a reference (so that lookups and de-duplication agree):
 * - a human id is upper case without leading zeros in its number: `demo-012` → `DEMO-12`
 *   (the service prints `DEMO-12`; people who zero-pad, as some tools teach, still match);
 * - a UUID is lower case;
 * - anything else written in a `testsigma` property is kept as written (trimmed), so it is reported as
 *   unknown instead of being dropped silently.
 */
import type { TestResult } from '../model.js';

/** The property (or Playwright annotation type) that names test cases explicitly, compared case-insensitively. */
export const REFERENCE_PROPERTY = 'testsigma';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Any `<something>-<digits>`: a human id of this project or of another one; normalised the same way.
const HUMAN_ID_SHAPE = /^(.+-)0*(\d+)$/u;
// Punctuation people wrap ids in (`[DEMO-3]`, `@DEMO-3`, `DEMO-3:`), stripped from property values.
const WRAPPING = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** `demo-012` → `DEMO-12`. Text without a trailing number is only upper-cased. */
export function normaliseHumanId(text: string): string {
  const upper = text.trim().toUpperCase();
  const match = HUMAN_ID_SHAPE.exec(upper);
  return match ? `${match[1]}${match[2]}` : upper;
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
 * `testsigma` properties first, then the full title, then the tags.
 * An empty prefix disables title and tag scanning (only properties count).
 */
export function caseReferences(result: TestResult, prefix: string): string[] {
  const found = new Set<string>();
  for (const property of result.properties) {
    if (property.name.trim().toLowerCase() !== REFERENCE_PROPERTY) continue;
    for (const token of property.value.split(/[\s,;]+/)) {
      const bare = token.replace(WRAPPING, '');
      if (bare !== '') found.add(normaliseReference(bare));
    }
  }
  const pattern = humanIdPattern(prefix);
  if (pattern) {
    for (const text of [...result.suitePath, result.name, ...result.tags]) {
      for (const match of text.matchAll(pattern)) {
        found.add(normaliseHumanId(match[0]));
      }
    }
  }
  return [...found];
}

let cachedPrefix: string | undefined;
let cachedPattern: RegExp | undefined;

/**
 * `<PREFIX>-<digits>` as a whole token. Letters, digits and `-` glue a token together, so `XDEMO-3`,
 * `DEMO-3a`, `DEMO-R-3` (a run id) and `ABC-DEMO-3` do not match; `_` does not, because Go's subtest names
 * turn spaces into underscores (`TestLogin/DEMO-3_works`). A following `.<digit>` (`DEMO-3.5`) is a version
 * number, not an id. Cached because one upload scans every result with the same prefix.
 */
function humanIdPattern(prefix: string): RegExp | undefined {
  const trimmed = prefix.trim();
  if (trimmed === '') return undefined;
  if (trimmed !== cachedPrefix || !cachedPattern) {
    const escaped = trimmed.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    cachedPattern = new RegExp(`(?<![\\p{L}\\p{N}-])${escaped}-\\d+(?![\\p{L}\\p{N}-]|\\.\\p{N})`, 'giu');
    cachedPrefix = trimmed;
  }
  return cachedPattern;
}
