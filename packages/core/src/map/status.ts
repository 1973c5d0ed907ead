/**
 * Outcome of a result → the name of a test-run status → that status's id on the service.
 * Names, not ids, are configured: accounts can rename statuses and the ids differ per account.
 */
import { ConfigError } from '../errors.js';
import { isFlaky, type TestResult } from '../model.js';

export type Outcome = 'passed' | 'failed' | 'error' | 'skipped' | 'flaky';

/** Outcome → status NAME. */
export type StatusMapping = Record<Outcome, string>;

const OUTCOMES: readonly Outcome[] = ['passed', 'failed', 'error', 'skipped', 'flaky'];

/** A flaky test passed in the end, so it is recorded as Passed; its failed attempts go into the description. */
export const DEFAULT_STATUS_MAPPING: StatusMapping = {
  passed: 'Passed',
  failed: 'Failed',
  error: 'Failed',
  skipped: 'Skipped',
  flaky: 'Passed',
};

export function outcomeOf(result: TestResult): Outcome {
  return isFlaky(result) ? 'flaky' : result.status;
}

const MAPPING_HELP =
  'Expected outcome=status pairs separated by commas or new lines, such as "skipped=Blocked,error=Blocked", ' + `with outcomes ${OUTCOMES.join(', ')}.`;

/**
 * `skipped=Blocked, error=Blocked` → `{skipped: 'Blocked', error: 'Blocked'}`. Outcomes are case-insensitive;
 * status names are kept as written (resolved later, case-insensitively). Empty text is an empty mapping.
 * Every problem is reported in one ConfigError, so a user fixes them all at once.
 */
export function parseStatusMapping(text: string): Partial<StatusMapping> {
  const mapping: Partial<StatusMapping> = {};
  const problems: string[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const pair = raw.trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq < 0) {
      problems.push(`"${pair}" is not an outcome=status pair`);
      continue;
    }
    const key = pair.slice(0, eq).trim().toLowerCase();
    const name = pair.slice(eq + 1).trim();
    if (!isOutcome(key)) problems.push(`"${pair.slice(0, eq).trim()}" is not an outcome`);
    else if (name === '') problems.push(`"${key}" has no status name`);
    else if (mapping[key] !== undefined) problems.push(`"${key}" is given more than once`);
    else mapping[key] = name;
  }
  if (problems.length > 0) {
    throw new ConfigError('CONFIG_STATUS_MAPPING', `Invalid status mapping: ${problems.join('; ')}. ${MAPPING_HELP}`);
  }
  return mapping;
}

function isOutcome(text: string): text is Outcome {
  return (OUTCOMES as readonly string[]).includes(text);
}

export interface RunStatus {
  id: string;
  name: string;
}

/** `In Progress`, `in progress`, `InProgress`, `in_progress` and `UnTested`/`Untested` are the same status. */
export function statusKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/**
 * The service status for every name the mapping uses, keyed by the name as written in the mapping.
 * An exact match beats a loose one (in case an account has both `Retest` and `Re-test`).
 * Throws one ConfigError naming every missing status, the outcomes that need it and what the service offers.
 */
export function resolveStatusIds(available: RunStatus[], mapping: StatusMapping): Map<string, RunStatus> {
  const resolved = new Map<string, RunStatus>();
  const missing = new Map<string, Outcome[]>();
  for (const outcome of OUTCOMES) {
    const name = mapping[outcome];
    if (resolved.has(name)) continue;
    const found = available.find((s) => s.name === name) ?? available.find((s) => statusKey(s.name) === statusKey(name));
    if (found) resolved.set(name, found);
    else getOrAdd(missing, name).push(outcome);
  }
  if (missing.size > 0) {
    const names = [...missing].map(([name, outcomes]) => `"${name}" (for ${outcomes.join(', ')})`).join(', ');
    const offered = available.length > 0 ? available.map((s) => s.name).join(', ') : 'none';
    throw new ConfigError(
      'CONFIG_STATUS_MISSING',
      `The service has no test run status named ${names}. Statuses it offers: ${offered}. ` +
        'Change the status mapping to use one of these names (e.g. "skipped=Skipped").',
    );
  }
  return resolved;
}

function getOrAdd(map: Map<string, Outcome[]>, key: string): Outcome[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
}

// Higher wins. A name outside the four (Retest, a renamed status) sits between Blocked and Passed:
// it is something a person should look at, but not as bad as a failure.
const RANK = new Map([
  ['failed', 4],
  ['blocked', 3],
  ['passed', 1],
  ['skipped', 0],
]);
const OTHER_RANK = 2;

/** How bad a status is: higher is worse; a status meaning "no result yet" (Untested) is below every result. */
export function statusSeverity(name: string): number {
  const key = statusKey(name);
  if (key === 'untested') return -1;
  return RANK.get(key) ?? OTHER_RANK;
}

/**
 * The status of a case several results name: Failed > Blocked > any other name > Passed > Skipped,
 * compared case/space-insensitively; the first of equal rank wins, returned as given.
 */
export function aggregateStatus(statusNames: string[]): string {
  let best: string | undefined;
  let bestRank = -1;
  for (const name of statusNames) {
    const rank = statusSeverity(name);
    if (rank > bestRank) {
      best = name;
      bestRank = rank;
    }
  }
  if (best === undefined) throw new RangeError('aggregateStatus needs at least one status name');
  return best;
}

/** The status name a case gets from its results under a mapping. */
export function caseStatusName(results: TestResult[], mapping: StatusMapping): string {
  return aggregateStatus(results.map((r) => mapping[outcomeOf(r)]));
}
