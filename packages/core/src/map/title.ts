/**
 * A test's title as a key that producers agree on, for matching results to cases by title and for the identity
 * a created case remembers.
 *
 * Producers join describe blocks differently: Playwright with " › ", Vitest with " > ", jest-junit with a space,
 * and the JUnit reporters put the joined path into the testcase name while the native formats keep it in
 * `suitePath`. So a title path is split into parts on " › " and " > " wherever it comes from, and the key joins
 * the parts that count with one space, lower-cased, with runs of whitespace made one. A suite that names a file
 * or package (a JUnit `<testsuite>` of Playwright, Vitest, Go, Maven) is not a describe block and does not
 * count. The limit: jest-junit's space-joined names cannot be split into parts, so only `full` gives the same
 * key for them as for the other producers.
 */
import type { TestResult } from '../model.js';

/** Which part of the title path counts: all of it, only the test's own title, or its last n parts. */
export type TitlePart = 'full' | 'name' | number;

const SEPARATOR = /\s+[›>]\s+/u;
// A suite title that is a path or a source file name, or a dotted package / class name without spaces.
const FILE_LIKE = /[\\/]|\.(?:[cm]?[jt]sx?|py|go|java|kt|rb|php|cs|feature|swift|rs|scala)$/iu;
const PACKAGE_LIKE = /^[\p{L}_][\p{L}\p{N}_$]*(?:\.[\p{L}_][\p{L}\p{N}_$]*)+$/u;

// Suite names producers use for the whole run rather than a describe block.
const RUN_LABELS = new Set(['pytest', 'jest tests', 'mocha tests', 'vitest tests']);

/**
 * The describe blocks and the test's title, outermost first. Left out: suites naming a file, a package or the
 * whole run, and suites the test's name already starts with (jest-junit names a suite after the outer describe
 * block and repeats it in the testcase name).
 */
export function titleParts(result: Pick<TestResult, 'suitePath' | 'name' | 'file' | 'classname'>): string[] {
  const name = normaliseTitle(result.name);
  const describes = result.suitePath.filter((suite) => !isFileOrPackage(suite, result) && !name.startsWith(`${normaliseTitle(suite)} `));
  return [...describes, result.name]
    .flatMap((part) => part.split(SEPARATOR))
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function isFileOrPackage(suite: string, result: Pick<TestResult, 'file' | 'classname'>): boolean {
  const trimmed = suite.trim();
  if (RUN_LABELS.has(trimmed.toLowerCase())) return true;
  return trimmed === result.file || (trimmed === result.classname && !/\s/u.test(trimmed)) || FILE_LIKE.test(trimmed) || PACKAGE_LIKE.test(trimmed);
}

/** `Checkout › Adds  item` → `checkout adds item`: how titles are compared. */
export function normaliseTitle(title: string): string {
  return title.split(SEPARATOR).join(' ').normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** The key of a result under a title part setting; '' when the result has no title at all. */
export function titleKey(result: Pick<TestResult, 'suitePath' | 'name' | 'file' | 'classname'>, part: TitlePart): string {
  const parts = titleParts(result);
  const counted = part === 'full' ? parts : parts.slice(-(part === 'name' ? 1 : part));
  return normaliseTitle(counted.join(' '));
}

/** The title a created case gets: the counted parts as Playwright prints them. */
export function caseTitle(result: Pick<TestResult, 'suitePath' | 'name' | 'file' | 'classname'>, part: TitlePart): string {
  const parts = titleParts(result);
  return (part === 'full' ? parts : parts.slice(-(part === 'name' ? 1 : part))).join(' › ');
}

/** The line a created case carries in its description, so later uploads find it whatever its title became. */
export const IDENTITY_LINE = 'testsigma-tm-test:';

/** 16 hex digits of SHA-256 over the key: short enough to read, far from colliding within one project. */
export function identityOf(key: string): string {
  // Looked up when first used: importing node:crypto by name loads all of Web Crypto (~10 ms), which every
  // reporter would pay at start although only case sync hashes.
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16);
}

export function identityLine(key: string): string {
  return `${IDENTITY_LINE} ${identityOf(key)}`;
}

/** The identity a case's description records, if any. */
export function identityIn(description: string | undefined): string | undefined {
  if (!description) return undefined;
  const match = /^testsigma-tm-test:\s*([0-9a-f]{16})\s*$/mu.exec(description);
  return match?.[1];
}

/** `full`, `name`, or a whole number 1-20 (the last n parts), for the title-part setting. */
export function parseTitlePart(raw: unknown): { value: TitlePart } | { problem: string } {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  if (text === 'full' || text === 'name') return { value: text };
  if (text !== undefined && /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 20) return { value: Number(text) };
  return { problem: 'expected full, name, or a whole number from 1 to 20 (the last n parts of the title path)' };
}
