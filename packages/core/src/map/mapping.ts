/**
 * Results → test cases of the project. Pure: the caller fetched the cases; this only decides, so the same
 * report serves `--dry-run`, the unmapped policy and the upload itself.
 */
import type { TestResult } from '../model.js';
import { caseReferences, isUuid, normaliseHumanId } from './references.js';

export interface CaseInfo {
  /** UUID. */
  id: string;
  /** `DEMO-12`. */
  human_id: string;
  title: string;
  /** Read by the opt-in title matching: the identity line of a case this tool created. */
  description?: string;
  /** Epoch milliseconds; decides which of two duplicates is the older. */
  created_at?: number;
}

export interface MappedCase {
  testCase: CaseInfo;
  /** Every result naming this case, in input order; several results mean the worst outcome decides. */
  results: TestResult[];
}

interface UnknownReference {
  /** The reference in its normal form (see references.ts). */
  reference: string;
  results: TestResult[];
}

export interface MappingReport {
  /** One per test case, in first-seen order. */
  mapped: MappedCase[];
  /** Results with no reference at all. */
  unmapped: TestResult[];
  /** References naming no case of the project (never sent). A result whose references are all unknown is only here. */
  unknown: UnknownReference[];
}

export function mapResults(results: TestResult[], cases: CaseInfo[], prefix: string): MappingReport {
  const lookup = indexCases(cases);
  const mapped = new Map<CaseInfo, MappedCase>();
  const unknown = new Map<string, UnknownReference>();
  const unmapped: TestResult[] = [];

  for (const result of results) {
    const references = caseReferences(result, prefix);
    if (references.length === 0) {
      unmapped.push(result);
      continue;
    }
    for (const reference of references) {
      const testCase = lookup.get(caseKey(reference));
      if (testCase) {
        const entry = getOrAdd(mapped, testCase, () => ({ testCase, results: [] }));
        // A UUID and a human id in one result may name the same case: count the result once.
        if (entry.results.at(-1) !== result) entry.results.push(result);
      } else {
        getOrAdd(unknown, reference, () => ({ reference, results: [] })).results.push(result);
      }
    }
  }
  return { mapped: [...mapped.values()], unmapped, unknown: [...unknown.values()] };
}

/** By UUID and by human id; the first of duplicate cases (a repeated page) wins. */
function indexCases(cases: CaseInfo[]): Map<string, CaseInfo> {
  const lookup = new Map<string, CaseInfo>();
  for (const testCase of cases) {
    for (const key of [testCase.id.trim().toLowerCase(), normaliseHumanId(testCase.human_id)]) {
      if (key !== '' && !lookup.has(key)) lookup.set(key, testCase);
    }
  }
  return lookup;
}

function caseKey(reference: string): string {
  return isUuid(reference) ? reference.toLowerCase() : normaliseHumanId(reference);
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
