/**
 * What an upload did, as plain data (the `--summary-json` file, the Action's outputs) and as words for people:
 * a few lines for a terminal, a short Markdown table for a job summary. Never holds the token.
 */
import type { FileOutcome, TestResult } from '../model.js';

export interface FileSummary {
  path: string;
  format?: string;
  tests: number;
  error: string | null;
}

export interface UploadSummary {
  runId: string | null;
  runHumanId: string | null;
  runUrl: string | null;
  created: boolean;
  closed: boolean;
  dryRun: boolean;
  /** Test results read from every input. */
  total: number;
  /** Those results by final outcome (flaky counts as passed, error as failed). */
  tests: { passed: number; failed: number; skipped: number };
  /** Test cases that results map to. */
  mapped: number;
  /** Test cases whose result the service accepted. */
  uploaded: number;
  /** Test cases whose result did not land. */
  unsent: number;
  /** Status name → number of test cases recorded (or, in a dry run, that would be). */
  byStatus: Record<string, number>;
  /** Full titles of tests that map to no test case. */
  unmapped: string[];
  /** References (`DEMO-999`) that name no test case of the project, with the tests that carry them. */
  unknown: { reference: string; tests: string[] }[];
  files: FileSummary[];
  /** Number of result requests sent (batches). */
  requests: number;
  /** Results the service refused, case by case, with its reason. */
  refused: { case: string; reason: string }[];
  /** Where what could not be sent was written (`testsigma-tm resume FILE`), or null. */
  spoolFile: string | null;
  /**
   * Test cases created for tests that mapped to none (create-missing-cases); in a dry run `case` is null.
   * Always set by an upload; optional so that summaries built elsewhere need not name it.
   */
  casesCreated?: { case: string | null; title: string; folder: string | null }[];
  /** What matching by title and creating cases found, or null when both are off. */
  caseSync?: CaseSyncSummary | null;
}

export interface CaseSyncSummary {
  /** Tests recorded into a case found by its title. */
  matchedByTitle: number;
  /** Titles that several cases have: those tests were not recorded. */
  ambiguous: { title: string; cases: string[]; tests: string[] }[];
  /** Cases found by the identity line of the test they were created for, whose title differs from the test's now. */
  renamed: { case: string; title: string; now: string }[];
  /** Folders created (or, in a dry run, that would be) for the new cases. */
  folders: string[];
}

export function emptySummary(dryRun: boolean): UploadSummary {
  return { runId: null, runHumanId: null, runUrl: null, created: false, closed: false, dryRun, total: 0, tests: { passed: 0, failed: 0, skipped: 0 }, mapped: 0, uploaded: 0, unsent: 0, byStatus: {}, unmapped: [], unknown: [], files: [], requests: 0, refused: [], spoolFile: null, casesCreated: [], caseSync: null };
}

export function countOutcomes(results: readonly TestResult[]): UploadSummary['tests'] {
  const tests = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) {
    if (r.status === 'passed') tests.passed++;
    else if (r.status === 'skipped') tests.skipped++;
    else tests.failed++;
  }
  return tests;
}

export function summariseFiles(files: FileOutcome[]): FileSummary[] {
  return files.map((f) => ({ path: f.path, ...(f.format ? { format: f.format } : {}), tests: f.results.length, error: f.error ? f.error.message : null }));
}

const LIST_LIMIT = 20;

function listSome(items: string[], limit = LIST_LIMIT): string[] {
  const shown = items.slice(0, limit).map((t) => `    ${t}`);
  if (items.length > limit) shown.push(`    … and ${items.length - limit} more`);
  return shown;
}

function statusLine(byStatus: Record<string, number>): string {
  const parts = Object.entries(byStatus).map(([name, n]) => `${n} ${name}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/**
 * A few lines for a terminal. A reporter names its runner (`collectedBy: 'Jest'`) so that the first line says
 * what it collected (`Collected 14 Jest test result(s)`, with `from 7 test file(s)` when `countTestFiles`)
 * instead of reading result files; results handed over without files are "collected" too.
 */
export function renderText(s: UploadSummary, options: { collectedBy?: string; countTestFiles?: boolean } = {}): string {
  const lines: string[] = [];
  const fileErrors = s.files.filter((f) => f.error);
  const filesRead = s.files.length - fileErrors.length;
  const unreadable = fileErrors.length ? `; ${fileErrors.length} file(s) could not be read` : '';
  if (options.collectedBy !== undefined) {
    lines.push(`Collected ${s.total} ${options.collectedBy} test result(s)${options.countTestFiles ? ` from ${filesRead} test file(s)` : ''}${unreadable}.`);
  } else if (s.files.length === 0) {
    lines.push(`Collected ${s.total} test result(s).`);
  } else {
    lines.push(`Read ${s.total} test result(s) from ${filesRead} file(s)${unreadable}.`);
  }
  if (s.dryRun) {
    lines.push(`Dry run: would record ${s.mapped} test case(s): ${statusLine(s.byStatus)}. Nothing was written.`);
  } else if (s.runHumanId) {
    lines.push(`Test run ${s.runHumanId}${s.created ? ' (created)' : ''}${s.closed ? ', closed' : ''}: recorded ${s.uploaded} of ${s.mapped} test case(s): ${statusLine(s.byStatus)}.`);
    if (s.runUrl) lines.push(`  ${s.runUrl}`);
  } else {
    lines.push('No test run was written to.');
  }
  if (s.unsent > 0) lines.push(`${s.unsent} test case result(s) were NOT recorded.`);
  if (s.spoolFile) lines.push(`They were written to ${s.spoolFile}: send them with testsigma-tm resume ${s.spoolFile}`);
  if (s.unmapped.length > 0) lines.push(`${s.unmapped.length} test(s) map to no test case:`, ...listSome(s.unmapped));
  if (s.unknown.length > 0) lines.push(`${s.unknown.length} reference(s) name no test case of the project:`, ...listSome(s.unknown.map((u) => `${u.reference} (in ${u.tests[0]}${u.tests.length > 1 ? ` and ${u.tests.length - 1} more` : ''})`)));
  lines.push(...caseSyncLines(s));
  for (const f of fileErrors) lines.push(`File not used: ${f.error}`);
  return lines.join('\n');
}

function caseSyncLines(s: UploadSummary): string[] {
  const lines: string[] = [];
  const created = s.casesCreated ?? [];
  if (created.length > 0) {
    const where = created[0]?.folder ? `folder ${created[0].folder}` : 'the top level';
    lines.push(`${s.dryRun ? 'Would create' : 'Created'} ${created.length} test case(s) in ${where}:`, ...listSome(created.map((c) => (c.case ? `${c.case} ${c.title}` : c.title))));
  }
  const sync = s.caseSync;
  if (!sync) return lines;
  if (sync.matchedByTitle > 0) lines.push(`${sync.matchedByTitle} test case(s) found by title.`);
  if (sync.ambiguous.length > 0) lines.push(`${sync.ambiguous.length} title(s) belong to several test cases, so those tests were not recorded:`, ...listSome(sync.ambiguous.map((a) => `${a.title} (${a.cases.join(', ')})`)));
  if (sync.renamed.length > 0) lines.push(`${sync.renamed.length} test case(s) were found by the test they were created for, which now has another title:`, ...listSome(sync.renamed.map((r) => `${r.case} "${r.title}" is now "${r.now}"`)));
  return lines;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A short Markdown summary, far below GitHub's 1 MiB per step (lists are capped). */
export function renderMarkdown(s: UploadSummary): string {
  const out: string[] = [];
  const title = s.dryRun ? 'Testsigma Test Management — dry run' : s.runHumanId ? `Testsigma Test Management — ${s.runUrl ? `[${s.runHumanId}](${s.runUrl})` : s.runHumanId}` : 'Testsigma Test Management';
  out.push(`### ${title}`, '');
  out.push('| Tests read | Test cases | Recorded | ' + Object.keys(s.byStatus).map(cell).join(' | ') + (Object.keys(s.byStatus).length ? ' |' : ''));
  out.push('|---|---|---|' + Object.keys(s.byStatus).map(() => '---|').join(''));
  out.push(`| ${s.total} | ${s.mapped} | ${s.dryRun ? '— (dry run)' : s.uploaded} | ` + Object.values(s.byStatus).join(' | ') + (Object.keys(s.byStatus).length ? ' |' : ''));
  out.push('');
  if (!s.dryRun && s.runHumanId) out.push(`Run ${s.created ? 'created' : 'reused'}${s.closed ? ' and closed' : ', left open'}.`, '');
  if (s.unsent > 0) out.push(`**${s.unsent} test case result(s) were not recorded.**`, '');
  if (s.unmapped.length > 0) {
    out.push(`<details><summary>${s.unmapped.length} test(s) map to no test case</summary>`, '');
    out.push(...s.unmapped.slice(0, 50).map((t) => `- ${cell(t)}`));
    if (s.unmapped.length > 50) out.push(`- … and ${s.unmapped.length - 50} more`);
    out.push('', '</details>', '');
  }
  const created = s.casesCreated ?? [];
  if (created.length > 0) out.push(`${s.dryRun ? 'Would create' : 'Created'} ${created.length} test case(s): ${created.slice(0, 50).map((c) => cell(c.case ?? c.title)).join(', ')}${created.length > 50 ? ', …' : ''}`, '');
  if (s.caseSync && s.caseSync.ambiguous.length > 0) out.push(`Titles of several test cases (not recorded): ${s.caseSync.ambiguous.slice(0, 20).map((a) => cell(a.title)).join('; ')}`, '');
  if (s.unknown.length > 0) out.push(`References to no test case: ${s.unknown.slice(0, 50).map((u) => `\`${cell(u.reference)}\``).join(', ')}`, '');
  const bad = s.files.filter((f) => f.error);
  if (bad.length > 0) out.push('Files not used:', ...bad.slice(0, 20).map((f) => `- ${cell(f.error ?? '')}`), '');
  return out.join('\n');
}
