/**
 * map/: mapping results to test cases, and outcomes to statuses; imports no other folder.
 *
 * Results → test cases of the project. Pure: the caller fetched the cases; this only decides, so the same
 * report serves `--dry-run`, the unmapped policy and the upload itself.
 */
import { isFlaky, keptCopy, nameOnly, type TestResult } from '../model.js';
import { outcomeOf, type Outcome } from './status.js';
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
  /**
   * The results naming this case, in input order; several results mean the worst outcome decides. Read as a
   * stream, at most DETAILED_PER_CASE failed and DETAILED_PER_CASE other results are kept; `beyond` counts the rest.
   */
  results: TestResult[];
  /** The results naming this case that were counted, not kept. */
  beyond?: Beyond;
}

/** Results of a case counted beyond those kept: how many, how many failed, and their outcomes (each once). */
interface Beyond {
  count: number;
  failed: number;
  outcomes: Outcome[];
}

/**
 * How many failed, and how many other, results of one case are kept to be described: a person reads the first
 * few in the case's description, and a million results naming 5,000 cases must not all stay in memory.
 */
export const DETAILED_PER_CASE = 10;

interface UnknownReference {
  /** The reference in its normal form (see references.ts). */
  reference: string;
  /** The results naming it, the first LISTED_RESULTS_MAX of them, by name only (see nameOnly). */
  results: TestResult[];
  /** How many results name it. */
  total: number;
}

export interface MappingReport {
  /** One per test case, in first-seen order. */
  mapped: MappedCase[];
  /** Results with no reference at all: every one when kept for title matching, else the first LISTED_RESULTS_MAX by name only. */
  unmapped: TestResult[];
  /** How many results have no reference at all. */
  unmappedTotal: number;
  /** References naming no case of the project (never sent), the first LISTED_RESULTS_MAX. A result whose references are all unknown is only here. */
  unknown: UnknownReference[];
  /** Results' references to no case beyond the listed ones, counted. */
  unknownUnlisted?: number;
}

/**
 * How many unmapped results (and results per unknown reference) are kept to be named in the summary: enough for
 * a person to act on, while a file of millions of tests that name no case costs counters, not memory.
 */
export const LISTED_RESULTS_MAX = 10_000;

/** What one result was mapped to; read, never changed (a result naming one case shares its case's). */
export interface FoundCases {
  cases: CaseInfo[];
  unknown: string[];
}

/**
 * Maps results one at a time as they are read. Every result that names a case is kept (its case's result needs
 * them all); one that names none, or only unknown ids, is counted and kept by name only (nameOnly), up to
 * LISTED_RESULTS_MAX, unless `keepResults` (title matching reads every unmapped result whole; a list already in
 * memory costs nothing more).
 */
export class ResultMapper {
  private lookup: CaseIndex | undefined;
  /** Each case named so far, with how many failed, and other, results it keeps (counted, not searched). */
  private readonly mapped = new Map<CaseInfo, CaseState>();
  private readonly unknown = new Map<string, UnknownReference>();
  private readonly unmapped: TestResult[] = [];
  private unmappedTotal = 0;
  private unknownUnlisted = 0;
  /** Without the project's cases yet: the results that name any, in input order, mapped by `resolve`. */
  private readonly pending: { result: TestResult; references: string[] }[] = [];

  /** `cases` undefined: map later (`resolve`), once it is known whether the project's cases must be listed at all. */
  constructor(
    cases: CaseInfo[] | undefined,
    private readonly prefix: string,
    private readonly options: { keepResults?: boolean } = {},
  ) {
    this.lookup = cases && indexCases(cases);
  }

  add(result: TestResult): FoundCases {
    const references = caseReferences(result, this.prefix);
    if (references.length === 0) {
      this.unmappedTotal++;
      if (this.options.keepResults) this.unmapped.push(result);
      else if (this.unmapped.length < LISTED_RESULTS_MAX) this.unmapped.push(nameOnly(result));
      return NOTHING_FOUND;
    }
    if (!this.lookup) {
      this.pending.push({ result, references });
      return NOTHING_FOUND;
    }
    return this.place(result, references, this.lookup);
  }

  /** How many results wait for the cases (read before they were known; see `resolve`). */
  get waiting(): number {
    return this.pending.length;
  }

  /** Whether every reference read so far is a UUID: then the cases need not be listed to map them. */
  onlyUuids(): boolean {
    return this.pending.every((p) => p.references.every(isUuid));
  }

  /** The UUIDs named so far (lower case), each once. */
  referencedUuids(): string[] {
    return [...new Set(this.pending.flatMap((p) => p.references.filter(isUuid).map((r) => r.toLowerCase())))];
  }

  /** Map what was read before the cases were known; `placed` hears what each result was mapped to. */
  resolve(cases: CaseInfo[], placed?: (result: TestResult, found: FoundCases) => void): void {
    const lookup = indexCases(cases);
    this.lookup = lookup;
    for (const { result, references } of this.pending.splice(0)) {
      const found = this.place(result, references, lookup);
      placed?.(result, found);
    }
  }

  private place(result: TestResult, references: string[], lookup: CaseIndex): FoundCases {
    // Most results name one known case and nothing else: they are answered with that case's own FoundCases
    // (shared, frozen); a list of their own is made for a result that names a second case or an unknown id.
    let found: FoundCases | undefined;
    // The cases this result was placed in, so that one naming a case twice counts once. (Not kept across results:
    // holding each case's last result would keep thousands of results alive long enough to reach the old heap.)
    // Most results name one case: the list is made only for a second.
    let firstSlot: CaseSlot | undefined;
    let placedIn: CaseState[] | undefined;
    // An indexed loop: for-of over each result's fresh list went through its iterator (1 % of the samples).
    for (let k = 0; k < references.length; k += 1) {
      const reference = references[k] as string;
      // References come in their normal form (caseReferences), the form the lookup is keyed by.
      const slot = lookup.get(reference);
      if (slot) {
        const testCase = slot.testCase;
        let state = slot.state;
        if (state === undefined) {
          state = this.mapped.get(testCase);
          if (state === undefined) {
            // `beyond` set from the start: an entry that gains it later changes shape, and the code reading
            // entries was thrown away and compiled again when the first case went past DETAILED_PER_CASE.
            const results: TestResult[] = [];
            state = {
              entry: { testCase, results, beyond: undefined },
              results,
              failed: 0,
              other: 0,
              beyondCount: 0,
              beyondFailed: 0,
              beyondSeen: 0,
              beyondOrder: 0,
            };
            this.mapped.set(testCase, state);
          }
          slot.state = state;
        }
        // A UUID and a human id in one result may name the same case: count the result once.
        if (firstSlot === undefined) {
          firstSlot = slot;
          found?.cases.push(testCase);
        } else {
          if (state === firstSlot.state || placedIn?.includes(state) === true) continue;
          (placedIn ??= [firstSlot.state as CaseState]).push(state);
          (found ??= { cases: [firstSlot.testCase], unknown: NO_UNKNOWN }).cases.push(testCase);
        }
        if (this.options.keepResults) state.results.push(result);
        else if (keepsMore(state, result)) state.results.push(keptCopy(result));
        else countBeyond(state, result);
      } else {
        found ??= { cases: firstSlot === undefined ? [] : [firstSlot.testCase], unknown: NO_UNKNOWN };
        let entry = this.unknown.get(reference);
        if (!entry && this.unknown.size >= LISTED_RESULTS_MAX) {
          // Beyond the cap a reference is counted, not listed: a file may name millions of ids the project lacks.
          this.unknownUnlisted++;
          if (found.unknown === NO_UNKNOWN) found.unknown = [];
          found.unknown.push(reference);
          continue;
        }
        entry ??= getOrAdd(this.unknown, reference, () => ({ reference, results: [], total: 0 }));
        entry.total++;
        if (this.options.keepResults) entry.results.push(result);
        else if (entry.results.length < LISTED_RESULTS_MAX) entry.results.push(nameOnly(result));
        if (found.unknown === NO_UNKNOWN) found.unknown = [];
        found.unknown.push(reference);
      }
    }
    if (found !== undefined) return found;
    if (firstSlot === undefined) return NOTHING_FOUND;
    return (firstSlot.found ??= Object.freeze({ cases: Object.freeze([firstSlot.testCase]) as CaseInfo[], unknown: NO_UNKNOWN }));
  }

  report(): MappingReport {
    return {
      mapped: [...this.mapped.values()].map(entryOf),
      unmapped: this.unmapped,
      unmappedTotal: this.unmappedTotal,
      unknown: [...this.unknown.values()],
      ...(this.unknownUnlisted > 0 && { unknownUnlisted: this.unknownUnlisted }),
    };
  }
}

/** Every outcome among the results naming the case, kept or counted beyond. */
export function caseOutcomes(mapped: MappedCase): Outcome[] {
  return [...mapped.results.map(outcomeOf), ...(mapped.beyond?.outcomes ?? [])];
}

function isFailure(result: TestResult): boolean {
  return result.status === 'failed' || result.status === 'error';
}

/**
 * A case named so far: its entry, how many failed and other results it keeps, and the results counted beyond those
 * (see countBeyond), which become the entry's `beyond` when the report is made.
 */
interface CaseState {
  entry: MappedCase;
  /** The entry's own list of results, reached without fetching the entry (see countBeyond). */
  results: TestResult[];
  failed: number;
  other: number;
  beyondCount: number;
  beyondFailed: number;
  /** The outcomes counted beyond, one bit each (OUTCOME_ORDER's index). */
  beyondSeen: number;
  /** The same outcomes in the order first seen: an octal digit each, OUTCOME_ORDER's index + 1, the first highest. */
  beyondOrder: number;
}

/** The entry of a case, with what was counted beyond its kept results. */
function entryOf(state: CaseState): MappedCase {
  const entry = state.entry;
  if (state.beyondCount > 0) entry.beyond = { count: state.beyondCount, failed: state.beyondFailed, outcomes: outcomesInOrder(state.beyondOrder) };
  return entry;
}

/** Whether the case keeps this result: fewer than DETAILED_PER_CASE of its kind (failed, or not) kept so far. */
function keepsMore(state: CaseState, result: TestResult): boolean {
  // Two named fields, not `state[kind]`: a keyed access by a computed name is a lookup per result.
  if (isFailure(result)) {
    if (state.failed >= DETAILED_PER_CASE) return false;
    state.failed++;
    return true;
  }
  if (state.other >= DETAILED_PER_CASE) return false;
  state.other++;
  return true;
}

/**
 * A result counted, not kept: most of a large file's results are. Counted in the case's state, which the result's
 * look-up reached anyway: the entry, its `beyond` and that list of outcomes were three more objects to fetch for
 * each result, scattered over the old generation as 5,000 cases take turns (`countBeyond` was the hottest part of
 * the mapping, 2.4 % of the pipeline's samples on the 30 MB file, most of them waiting on those fetches).
 */
function countBeyond(state: CaseState, result: TestResult): void {
  state.beyondCount++;
  if (isFailure(result)) state.beyondFailed++;
  const index = outcomeIndex(result);
  const bit = 1 << index;
  if ((state.beyondSeen & bit) !== 0) return;
  state.beyondSeen |= bit;
  state.beyondOrder = state.beyondOrder * 8 + index + 1;
}

/** The outcomes a result can have, each at its index (countBeyond's bits and digits). */
const OUTCOME_ORDER: readonly Outcome[] = ['passed', 'failed', 'error', 'skipped', 'flaky'];

/** outcomeOf(result)'s index in OUTCOME_ORDER, without comparing texts. */
function outcomeIndex(result: TestResult): number {
  switch (result.status) {
    case 'passed':
      return isFlaky(result) ? 4 : 0;
    case 'failed':
      return 1;
    case 'error':
      return 2;
    default:
      return 3;
  }
}

/** The outcomes a CaseState's `beyondOrder` holds, first seen first. */
function outcomesInOrder(order: number): Outcome[] {
  const outcomes: Outcome[] = [];
  for (let rest = order; rest > 0; rest = Math.floor(rest / 8)) outcomes.unshift(OUTCOME_ORDER[(rest % 8) - 1] as Outcome);
  return outcomes;
}

/** Every result at once (for lists already in memory). */
export function mapResults(results: Iterable<TestResult>, cases: CaseInfo[], prefix: string): MappingReport {
  const mapper = new ResultMapper(cases, prefix, { keepResults: true });
  for (const result of results) mapper.add(result);
  return mapper.report();
}

/**
 * A case as the lookup finds it, with its state once a result named it: one look-up per reference finds both
 * (its UUID and its human id lead to the same slot).
 */
interface CaseSlot {
  testCase: CaseInfo;
  state?: CaseState;
  /** What a result naming this case alone was mapped to: one frozen answer shared by all of them. */
  found?: FoundCases;
}

/** No unknown reference: shared, frozen, replaced by a list of its own for a result that names one. */
const NO_UNKNOWN = Object.freeze([]) as unknown as string[];

/** What a result naming no case (or mapped later) was mapped to: shared, frozen. */
const NOTHING_FOUND: FoundCases = Object.freeze({ cases: Object.freeze([]) as unknown as CaseInfo[], unknown: NO_UNKNOWN });

/** By UUID and by human id; the first of duplicate cases (a repeated page) wins. */
function indexCases(cases: CaseInfo[]): CaseIndex {
  const lookup = new Map<string, CaseSlot>();
  for (let k = 0; k < cases.length; k += 1) {
    const testCase = cases[k] as CaseInfo;
    // Every field set from the start (see `place`): one shape, whatever a slot gains later.
    const slot: CaseSlot = { testCase, state: undefined, found: undefined };
    const id = testCase.id.trim().toLowerCase();
    if (id !== '' && !lookup.has(id)) lookup.set(id, slot);
    const humanId = normaliseHumanId(testCase.human_id);
    if (humanId !== '' && !lookup.has(humanId)) lookup.set(humanId, slot);
  }
  return new CaseIndex(lookup);
}

/**
 * The cases by reference in its normal form. A project's human ids share one prefix and are numbered from 1:
 * those are found by their number in a list, without hashing the reference (a new string per result) and
 * probing a table of every case's two keys, the pipeline's hottest line (`Map.get`: 172 of 4,650 samples on the
 * 30 MB file). Every other reference, and a number beyond the list, is looked up by its text.
 */
class CaseIndex {
  /** `PREFIX-` of the most common prefix among the keys, whose numbers `byNumber` holds. */
  private readonly numbered: string;
  private readonly byNumber: Array<CaseSlot | undefined> = [];

  constructor(private readonly byKey: Map<string, CaseSlot>) {
    const counts = new Map<string, number>();
    for (const key of byKey.keys()) {
      const at = numberAt(key);
      if (at === -1) continue;
      const prefix = key.slice(0, at);
      counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
    }
    let numbered = '';
    for (const [prefix, count] of counts) if (count > (counts.get(numbered) ?? 0)) numbered = prefix;
    this.numbered = numbered;
    if (numbered === '') return;
    // Dense numbers only (a project numbers its cases from 1): a list as long as a few times the cases.
    const longest = 4 * byKey.size + 1024;
    for (const [key, slot] of byKey) {
      const number = this.numberOf(key);
      if (number !== -1 && number < longest) this.byNumber[number] = slot;
    }
  }

  get(reference: string): CaseSlot | undefined {
    const number = this.numberOf(reference);
    // Every key of this shape below the list's length is in the list (the constructor put them there).
    return number !== -1 && number < this.byNumber.length ? this.byNumber[number] : this.byKey.get(reference);
  }

  /** The number of `<numbered><digits>` (a normal form: no leading zero), -1 for any other text. */
  private numberOf(text: string): number {
    const prefix = this.numbered;
    const from = prefix.length;
    const length = text.length;
    if (from === 0 || length <= from || length > from + 9 || text.charCodeAt(from) === 0x30 /* 0 */) return -1;
    for (let k = 0; k < from; k += 1) if (text.charCodeAt(k) !== prefix.charCodeAt(k)) return -1;
    let number = 0;
    for (let k = from; k < length; k += 1) {
      const digit = text.charCodeAt(k) - 0x30;
      if (digit < 0 || digit > 9) return -1;
      number = number * 10 + digit;
    }
    return number;
  }
}

/** Where the number of a human id in its normal form (`DEMO-12`) begins, -1 for a key of another shape. */
function numberAt(key: string): number {
  const hyphen = key.lastIndexOf('-');
  if (hyphen <= 0 || hyphen === key.length - 1 || key.length - hyphen - 1 > 9 || key.charCodeAt(hyphen + 1) === 0x30) return -1;
  for (let k = hyphen + 1; k < key.length; k += 1) {
    const c = key.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return -1;
  }
  return hyphen + 1;
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
