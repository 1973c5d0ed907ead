/**
 * Results without a case id → cases, by the identity line a created case carries and (opt-in) by title; what is
 * left becomes the list of cases to create (opt-in). Pure: the caller lists the cases and does the writes.
 *
 * Never a guess: two cases with the title a test has are reported as ambiguous and the test stays unmapped
 * (no case is created for it either, which would only add a third). Several cases with one identity (left
 * from two uploads creating at once) resolve to the oldest, the rule every upload agrees on.
 */
import type { TestResult } from '../model.js';
import type { CaseInfo, MappedCase } from './mapping.js';
import { caseTitle, identityIn, identityOf, normaliseTitle, titleKey, type TitlePart } from './title.js';
import { oldest } from '../oldest.js';

export interface TitleMatchOptions {
  matchByTitle: boolean;
  createMissing: boolean;
  part: TitlePart;
}

export interface AmbiguousTitle {
  title: string;
  cases: CaseInfo[];
  results: TestResult[];
}

export interface RenamedCase {
  testCase: CaseInfo;
  /** The test's title path now. */
  now: string;
}

/** One case to create, for every result with the same key. */
export interface MissingCase {
  key: string;
  identity: string;
  /** The full title path, as Playwright prints it. */
  title: string;
  file?: string;
  results: TestResult[];
}

export interface TitleMatchReport {
  /** Found by identity or by title, one per case, in first-seen order. */
  mapped: MappedCase[];
  /** How many of `mapped` were found by title (the rest by identity). */
  byTitle: number;
  ambiguous: AmbiguousTitle[];
  /** Found by identity, but the case's title is no longer the test's. */
  renamed: RenamedCase[];
  missing: MissingCase[];
  /** Still without a case (no title, ambiguous, or nothing to do with them). */
  unmapped: TestResult[];
}

export function matchTitles(results: TestResult[], cases: CaseInfo[], options: TitleMatchOptions): TitleMatchReport {
  const listed = distinctCases(cases);
  const byIdentity = groupBy(listed, (c) => identityIn(c.description));
  const byTitle = options.matchByTitle ? groupBy(listed, (c) => normaliseTitle(c.title) || undefined) : new Map<string, CaseInfo[]>();
  const report: TitleMatchReport = { mapped: [], byTitle: 0, ambiguous: [], renamed: [], missing: [], unmapped: [] };
  const mapped = new Map<CaseInfo, MappedCase>();

  for (const [key, group] of groupBy(results, (r) => titleKey(r, options.part) || undefined)) {
    const first = group[0] as TestResult;
    const identified = byIdentity.get(identityOf(key));
    if (identified) {
      const testCase = oldestCase(identified);
      addResults(mapped, testCase, group);
      const now = caseTitle(first, 'full');
      if (normaliseTitle(testCase.title) !== normaliseTitle(now)) report.renamed.push({ testCase, now });
      continue;
    }
    const titled = byTitle.get(key) ?? [];
    if (titled.length === 1) {
      addResults(mapped, titled[0] as CaseInfo, group);
      report.byTitle++;
    } else if (titled.length > 1) {
      report.ambiguous.push({ title: caseTitle(first, options.part), cases: titled, results: group });
      report.unmapped.push(...group);
    } else if (options.createMissing) {
      report.missing.push({
        key,
        identity: identityOf(key),
        title: caseTitle(first, 'full'),
        ...(first.file !== undefined && { file: first.file }),
        results: group,
      });
    } else {
      report.unmapped.push(...group);
    }
  }
  report.unmapped.push(...results.filter((r) => titleKey(r, options.part) === ''));
  report.mapped = [...mapped.values()];
  return report;
}

/**
 * The oldest of cases that stand for one test: by creation time, then by the number in the human id (the
 * service counts up, so it breaks a tie within one millisecond the same way for everyone), then by id.
 */
export function oldestCase(cases: readonly CaseInfo[]): CaseInfo {
  const first = oldest(cases, humanNumber);
  if (!first) throw new RangeError('oldestCase needs at least one case');
  return first;
}

function humanNumber(testCase: CaseInfo): number {
  const match = /(\d+)$/.exec(testCase.human_id);
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}

/** A case listed twice (a page read again) is one case, not two with its title: its first copy, as the mapping takes it. */
function distinctCases(cases: readonly CaseInfo[]): CaseInfo[] {
  const byId = new Map<string, CaseInfo>();
  for (const testCase of cases) if (!byId.has(testCase.id)) byId.set(testCase.id, testCase);
  return [...byId.values()];
}

function addResults(mapped: Map<CaseInfo, MappedCase>, testCase: CaseInfo, results: TestResult[]): void {
  const entry = mapped.get(testCase);
  if (entry) entry.results.push(...results);
  else mapped.set(testCase, { testCase, results: [...results] });
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
