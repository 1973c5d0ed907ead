/**
 * The summary as plain lines, for a terminal, a reporter and CIs without a job summary: what was read, where it
 * went, then the failed tests before every other list, then what did not map, what could not be read, and the
 * upload's figures; the host prints the error that decides the exit code after it, then what to do about it
 * (whatToDoLine). Lists are capped with a note.
 */
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { formatDuration } from '../plan/description.js';
import { filesByUse, type AttachmentSummary, type FailedTest, type MappingLine, type UploadSummary } from './summary.js';
import { caseSyncText } from './case-sync-summary.js';
import { outsideTestsLines } from './outside-tests.js';
import { LISTED_RESULTS_MAX } from '../map/mapping.js';

const TEXT_LIST_LIMIT = 20;
const TEXT_MAPPING_LIMIT = 200;

export interface RenderOptions {
  /** A reporter names its runner (`Jest`): the first line then says "collected", and failed tests are not repeated (the runner printed them). */
  collectedBy?: string;
  /** With `collectedBy`: say from how many test files the results came. */
  countTestFiles?: boolean;
  /**
   * The error that decides the exit code, whose advice the lists follow (`resume --new-run` for a deleted run). The
   * host prints its message after the summary, and whatToDoLine after the message.
   */
  error?: { code: ErrorCode; message: string };
}

/** `total`: how many the list stands for when it was capped before rendering (see howMany). */
function listSome(items: string[], limit = TEXT_LIST_LIMIT, more = '', total = items.length): string[] {
  const shown = items.slice(0, limit).map((t) => `    ${t}`);
  if (total > shown.length) shown.push(`    … and ${total - shown.length} more${more}`);
  return shown;
}

function statusLine(byStatus: Record<string, number>): string {
  const parts = Object.entries(byStatus).map(([name, n]) => `${n} ${name}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** `file.ts:12`, `file.ts`, or '' — where a failed test points. */
export function place(f: Pick<FailedTest, 'file' | 'line'>): string {
  if (!f.file) return '';
  return f.line !== null ? `${f.file}:${f.line}` : f.file;
}

function failureLine(f: FailedTest): string {
  const where = place(f);
  return `${f.test}${f.case ? ` (${f.case})` : ''}${f.message ? `: ${f.message}` : ''}${where ? ` — ${where}` : ''}`;
}

export function mappingText(m: MappingLine): string {
  if (m.case) return `${m.test} → ${m.case}`;
  if (m.reason === 'unknown id') return `${m.test} → none: unknown id ${m.ids.join(', ')}`;
  if (m.reason === 'not checked') return `${m.test} → not checked: ids found ${m.ids.join(', ')}`;
  return `${m.test} → none: no id`;
}

export function todoOf(code: ErrorCode): string {
  return ERROR_CODES[code].todo;
}

/**
 * `What to do: … (CODE)`: the line a host prints right after the error's message. Its words refer to the message
 * ("set the project to one of them": the projects the message lists), so it never comes before it.
 */
export function whatToDoLine(error: { code: ErrorCode }): string {
  return `What to do: ${todoOf(error.code)} (${error.code})`;
}

/** `14 request(s) in 1.2 s, 2 retries`: what the upload itself cost. */
export function figuresText(s: UploadSummary): string {
  const { httpRequests, retries, elapsedMs } = s.figures;
  return `${httpRequests} request(s) in ${formatDuration(elapsedMs)}, ${retries === 0 ? 'no retries' : `${retries} retr${retries === 1 ? 'y' : 'ies'}`}`;
}

export function renderText(s: UploadSummary, options: RenderOptions = {}): string {
  const lines: string[] = [];
  const { used, partly, unused } = filesByUse(s.files);
  const inPart = partly.length > 0 ? `, ${partly.length} of them only up to an error` : '';
  const unreadable = unused.length > 0 ? `; ${unused.length} file(s) could not be read` : '';
  if (options.collectedBy !== undefined) {
    lines.push(
      `Collected ${s.total} ${options.collectedBy} test result(s)${options.countTestFiles ? ` from ${used} test file(s)${inPart}` : ''}${unreadable}.`,
    );
  } else if (s.files.length === 0) {
    lines.push(`Collected ${s.total} test result(s).`);
  } else {
    lines.push(`Read ${s.total} test result(s) from ${used} file(s)${inPart}${unreadable}.`);
  }
  if (!s.checkedAgainstProject) {
    lines.push(`Dry run without a token or project: ids were not checked against the project, so no test case is named below. Nothing was written.`);
  } else if (s.dryRun) {
    lines.push(`Dry run: would record ${s.mapped} test case(s): ${statusLine(s.byStatus)}. Nothing was written.`);
  } else if (s.runHumanId) {
    lines.push(
      `Test run ${s.runHumanId}${s.created ? ' (created)' : ''}${s.closed ? ', closed' : ''}: recorded ${s.uploaded} of ${s.mapped} test case(s): ${statusLine(s.byStatus)}.`,
    );
    if (s.runUrl) lines.push(`  ${s.runUrl}`);
  } else {
    lines.push('No test run was written to.');
  }
  const { passed, failed, skipped } = s.tests;
  if (passed + failed + skipped > 0) {
    const cases = s.cases.recorded > 0 ? ` Test cases: ${s.cases.passed} passed, ${s.cases.failed} failed, ${s.cases.skipped} skipped.` : '';
    lines.push(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped.${cases}`);
  }
  if (s.failures.length > 0 && options.collectedBy === undefined)
    lines.push(
      `${howMany(s.failures, s.tests.failed)} failed test(s):`,
      ...listSome(s.failures.map(failureLine), TEXT_LIST_LIMIT, '', howMany(s.failures, s.tests.failed)),
    );
  if (s.unsent > 0) lines.push(`${s.unsent} test case result(s) were NOT recorded.`);
  // The run they were meant for was deleted: they go into a new one, as the error says.
  const resume = options.error?.code === 'RUN_DELETED' ? 'resume --new-run' : 'resume';
  if (s.spoolFile) lines.push(`They were written to ${s.spoolFile}: send them with testsigma-tm ${resume} ${s.spoolFile}`);
  if (s.mapping) {
    lines.push(
      `Mapping (test → test case), ${howMany(s.mapping, s.total)} test(s):`,
      ...listSome(s.mapping.map(mappingText), TEXT_MAPPING_LIMIT, ' (the summary JSON lists up to 10,000)', howMany(s.mapping, s.total)),
    );
  } else {
    if (s.unmapped.length > 0)
      lines.push(
        `${howMany(s.unmapped, s.unmappedTotal)} test(s) map to no test case:`,
        ...listSome(s.unmapped, TEXT_LIST_LIMIT, '', howMany(s.unmapped, s.unmappedTotal)),
      );
    if (s.unknown.length > 0)
      lines.push(
        `${s.unknown.length} reference(s) name no test case of the project:`,
        ...listSome(s.unknown.map((u) => `${u.reference} (in ${u.tests[0]}${u.tests.length > 1 ? ` and ${u.tests.length - 1} more` : ''})`)),
      );
  }
  for (const k of listSome((s.keptFromOtherJobs ?? []).map((k) => `${k.case}: ${k.status} by another job of this run — kept`))) lines.push(k);
  lines.push(...caseSyncText(s));
  for (const f of partly) lines.push(`File read in part (the ${f.tests} result(s) before the error are used): ${f.error}`);
  for (const f of unused) lines.push(`File not used: ${f.error}`);
  for (const f of s.files) if (f.outsideTests) lines.push(...outsideTestsLines(f.path, f.outsideTests));
  lines.push(...attachmentLines(s.attachments, s.dryRun));
  if (s.figures.httpRequests > 0) lines.push(`Upload: ${figuresText(s)}.`);
  return lines.join('\n');
}

function attachmentLines(a: AttachmentSummary, dryRun: boolean): string[] {
  const lines: string[] = [];
  if (dryRun && a.planned.length > 0)
    lines.push(
      `Would attach ${a.planned.length} file(s) (${mebibytes(a.planned.reduce((n, p) => n + p.size, 0))}):`,
      ...listSome(a.planned.map((p) => `${p.case}: ${p.name} (${mebibytes(p.size)})`)),
    );
  if (!dryRun && a.sent > 0) lines.push(`Attached ${a.sent} file(s) (${mebibytes(a.sentBytes)}).`);
  if (a.skipped.length > 0)
    lines.push(
      `${a.skipped.length} file(s) not attached (named in the case's description instead):`,
      ...listSome(a.skipped.map((k) => `${k.case}: ${k.name}: ${k.reason}`)),
    );
  return lines;
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** How many a capped list stands for: its length, or the total once the list reached the cap. */
export function howMany(list: readonly unknown[], total: number): number {
  return list.length < LISTED_RESULTS_MAX ? list.length : Math.max(list.length, total);
}
