/**
 * cases/: case sync (match by title, create missing cases and their folders); may import api, map, settings.
 *
 * Opt-in case sync, between mapping and planning: results that name no case are matched by the identity line
 * of a case this tool created, then (match-by-title) by title, and (create-missing-cases) the rest become new
 * test cases. Creating converges: after its creates an upload re-lists the cases, and where another upload
 * created a case for the same test at the same time, every upload takes the oldest and deletes its own younger
 * one — before any run holds it, so no result is lost. A create that got no answer is looked for by its identity
 * line before it is sent again, and when not found, looked for again once it can no longer land (`lateWriteMs`):
 * the re-list after the creates may come before such a create is applied, so converging cannot undo it.
 */
import type { CaseLookupKind, Lookup, TestCase, TestManagementApi } from '../api/client.js';
import { ApiError, ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import { displayTitle } from '../model.js';
import type { CaseInfo, MappedCase, MappingReport } from '../map/mapping.js';
import { statusKey } from '../map/status.js';
import { IDENTITY_LINE, identityIn, identityLine } from '../map/title.js';
import { matchTitles, oldestCase, type AmbiguousTitle, type MissingCase, type RenamedCase } from '../map/title-match.js';
import { SETTINGS, settingLabel, type Host, type Settings } from '../settings/index.js';
import { folderPath, resolveFolder } from './case-folder.js';

interface CreatedCase {
  /** `DEMO-12`; null in a dry run (it would be created). */
  case: string | null;
  title: string;
  /** The folder path, or null for the top level. */
  folder: string | null;
}

/** What case sync did, for the summary and the messages. */
export interface CaseSync {
  created: CreatedCase[];
  byTitle: number;
  ambiguous: AmbiguousTitle[];
  renamed: RenamedCase[];
  /** Folders this upload created (paths). */
  folders: string[];
}

export interface CaseSyncInput {
  projectId: string;
  cases: CaseInfo[];
  report: MappingReport;
  ownerId: string;
  settings: Settings;
  host: Host | undefined;
  /**
   * How long after it was sent a create that got no answer may still be applied (the caller's bound on the
   * service, run/timing.ts LATE_WRITE_MS): its retry waits that out before creating the case again.
   */
  lateWriteMs: number;
}

/** The mapping report with what sync found and created merged in; unchanged when both settings are off. */
export async function syncCases(api: TestManagementApi, input: CaseSyncInput, log: Logger): Promise<{ report: MappingReport; sync?: CaseSync }> {
  const { settings, report } = input;
  if (!settings.matchByTitle && !settings.createMissingCases) return { report };
  const matched = matchTitles(report.unmapped, input.cases, {
    matchByTitle: settings.matchByTitle,
    createMissing: settings.createMissingCases,
    part: settings.titlePart,
  });
  const sync: CaseSync = { created: [], byTitle: matched.byTitle, ambiguous: matched.ambiguous, renamed: matched.renamed, folders: [] };
  for (const a of matched.ambiguous) {
    log.warn(
      `"${a.title}" is the title of ${a.cases.length} test cases (${a.cases.map((c) => c.human_id).join(', ')}), so ${a.results.length} test(s) with that title are not recorded. Put the case id into the test, or rename one of the cases.`,
    );
  }
  for (const r of matched.renamed) {
    log.info(
      `Test case ${r.testCase.human_id} "${r.testCase.title}" was created for the test now titled "${r.now}" (its ${IDENTITY_LINE} line says so): results go there. Rename the case if you like.`,
    );
  }
  const mapped = [...matched.mapped];
  if (matched.missing.length > 0) {
    const path = folderPath(settings.caseFolder);
    const folder = path.length > 0 ? path.join('/') : null;
    // Lookups and folders are read in a dry run too, so that it fails where the real upload would.
    const lookups = await resolveLookups(api, settings, input.host, log);
    const plan = await resolveFolder(api, input.projectId, path, settings.dryRun, log);
    sync.folders = plan.created;
    if (settings.dryRun) {
      sync.created = matched.missing.map((m) => ({ case: null, title: m.title, folder }));
    } else {
      const made = await createConverged(api, input, matched.missing, { ...lookups, folderId: plan.id ?? null }, log);
      mapped.push(...made.mapped);
      sync.created = made.created.map((c) => ({ case: c.human_id, title: c.title, folder }));
    }
  }
  return { report: { ...report, mapped: merge(report.mapped, mapped), unmapped: matched.unmapped, unmappedTotal: matched.unmapped.length }, sync };
}

const CREATES_IN_FLIGHT = 4;

interface CaseFields {
  statusId: string;
  priorityId: string;
  typeId: string;
  automationTypeId: string;
  folderId: string | null;
}

/** Create one case per missing test, then re-list and keep, per test, the oldest case any upload made. */
async function createConverged(
  api: TestManagementApi,
  input: CaseSyncInput,
  missing: MissingCase[],
  fields: CaseFields,
  log: Logger,
): Promise<{ mapped: MappedCase[]; created: TestCase[] }> {
  const mine = new Map<string, TestCase>();
  // A few creates in flight: the HTTP client's pacer keeps them within the rate limit.
  for (let i = 0; i < missing.length; i += CREATES_IN_FLIGHT) {
    await Promise.all(
      missing.slice(i, i + CREATES_IN_FLIGHT).map(async (m) => {
        const findExisting = async (): Promise<TestCase | undefined> =>
          (await api.listTestCases(input.projectId)).find((c) => identityIn(c.description) === m.identity);
        // A create applied late is found too (waited out before creating again): not left beside this one.
        const options = { findExisting, lateWriteMs: input.lateWriteMs };
        mine.set(
          m.identity,
          await api.createTestCase(input.projectId, { ...fields, ownerId: input.ownerId, title: m.title, description: caseDescription(m) }, options),
        );
      }),
    );
  }
  const all = await api.listTestCases(input.projectId);
  const mapped: MappedCase[] = [];
  const created: TestCase[] = [];
  for (const m of missing) {
    const own = mine.get(m.identity) as TestCase;
    const same = all.filter((c) => identityIn(c.description) === m.identity);
    const winner = same.length > 0 ? oldestCase(same) : own;
    if (winner.id === own.id) {
      created.push(own);
    } else {
      await deleteDuplicate(api, input.projectId, own);
      log.info(`Another upload created test case ${winner.human_id} for "${m.title}" at the same time; using it and deleting the duplicate ${own.human_id}.`);
    }
    mapped.push({ testCase: winner, results: m.results });
  }
  return { mapped, created };
}

/** A duplicate another upload deleted already (both saw each other late) is gone: that is the aim. */
async function deleteDuplicate(api: TestManagementApi, projectId: string, testCase: TestCase): Promise<void> {
  try {
    await api.deleteTestCase(projectId, testCase.id);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
}

/** What a person reads in the case, and the identity line later uploads look for. */
function caseDescription(missing: Pick<MissingCase, 'key' | 'title' | 'file' | 'results'>): string {
  const first = missing.results[0];
  return [
    'Created by testsigma-tm for an automated test.',
    ...(missing.file ? [`File: ${missing.file}`] : []),
    `Title path: ${first ? displayTitle({ ...first, project: undefined }) : missing.title}`,
    identityLine(missing.key),
  ].join('\n');
}

const LOOKUPS: {
  kind: CaseLookupKind;
  setting: 'caseStatus' | 'casePriority' | 'caseType' | 'caseAutomationType';
  field: Exclude<keyof CaseFields, 'folderId'>;
  what: string;
}[] = [
  { kind: 'statuses', setting: 'caseStatus', field: 'statusId', what: 'test case status' },
  { kind: 'priorities', setting: 'casePriority', field: 'priorityId', what: 'priority' },
  { kind: 'types', setting: 'caseType', field: 'typeId', what: 'test case type' },
  { kind: 'automation_types', setting: 'caseAutomationType', field: 'automationTypeId', what: 'automation type' },
];

/**
 * The four ids a new case needs, by name, case- and space-insensitively. A default the account does not offer
 * falls back to its first entry (said in the log); a name the user set must exist. Every missing one is named
 * in one error, with what the service offers.
 */
async function resolveLookups(api: TestManagementApi, settings: Settings, host: Host | undefined, log: Logger): Promise<Omit<CaseFields, 'folderId'>> {
  const ids: Partial<Omit<CaseFields, 'folderId'>> = {};
  const problems: string[] = [];
  for (const lookup of LOOKUPS) {
    const name = settings[lookup.setting];
    const entries = await api.listCaseLookup(lookup.kind);
    const found = findByName(entries, name);
    const isDefault = name === SETTINGS[lookup.setting].default && lookup.setting !== 'caseAutomationType';
    if (found) ids[lookup.field] = found.id;
    else if (isDefault && entries[0]) {
      ids[lookup.field] = entries[0].id;
      log.info(
        `The service offers no ${lookup.what} "${name}"; created test cases get "${entries[0].name}" (set ${settingLabel(lookup.setting, host)} to choose).`,
      );
    } else {
      problems.push(
        `no ${lookup.what} "${name}" (${settingLabel(lookup.setting, host)}; it offers ${entries.length > 0 ? entries.map((e) => `"${e.name}"`).join(', ') : 'none'})`,
      );
    }
  }
  if (problems.length > 0)
    throw new ConfigError(
      'CONFIG_CASE_LOOKUP_MISSING',
      `Test cases cannot be created: the service has ${problems.join('; ')}. Set each to one of the names offered.`,
    );
  return ids as Omit<CaseFields, 'folderId'>;
}

function findByName(entries: Lookup[], name: string): Lookup | undefined {
  return entries.find((e) => e.name === name) ?? entries.find((e) => statusKey(e.name) === statusKey(name));
}

/** Results that reach a case both by id and by title are one entry: the case's results, in input order. */
function merge(existing: MappedCase[], found: MappedCase[]): MappedCase[] {
  const byId = new Map(existing.map((m) => [m.testCase.id, { ...m, results: [...m.results] }]));
  for (const m of found) {
    const entry = byId.get(m.testCase.id);
    if (entry) entry.results.push(...m.results.filter((r) => !entry.results.includes(r)));
    else byId.set(m.testCase.id, { ...m, results: [...m.results] });
  }
  return [...byId.values()];
}
