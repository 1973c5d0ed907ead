/**
 * The summary as GitHub-flavoured Markdown for a job summary: title and link, the error that failed the step
 * with what to do, tests and test cases by outcome, the failed tests (name, case, first line of the message,
 * place, link), the dry run's mapping, unmapped tests, unreadable files, and the upload's figures.
 *
 * GitHub refuses a step summary over 1 MiB (and then shows none), so every list is capped and the whole text
 * is built against a byte budget: whatever does not fit is replaced by a line saying how much was left out.
 */
import { displayCell } from './markdown-cell.js';
import { figuresText, howMany, mappingText, mebibytes, place, todoOf, type RenderOptions } from './summary-text.js';
import { filesByUse, type UploadSummary } from './summary.js';
import { caseSyncMarkdown } from './case-sync-summary.js';
import { outsideTestsLines } from './outside-tests.js';

/** GitHub's limit per step is 1 MiB; this leaves room for a margin and the closing notes. */
export const MARKDOWN_MAX_BYTES = 1_000_000;
const MARKDOWN_FAILURE_LIMIT = 1_000;
const MARKDOWN_LIST_LIMIT = 200;
/** The step's error, in characters: what the pull-request comment shows of it too. */
const ERROR_MAX_CHARS = 1_000;

class Budget {
  private readonly lines: string[] = [];
  private used = 0;

  constructor(private readonly max: number) {}

  /** Adds the line when it fits (keeping `reserve` bytes free); says whether it did. */
  add(line: string, reserve = 0): boolean {
    const cost = Buffer.byteLength(line, 'utf8') + 1;
    if (this.used + cost + reserve > this.max) return false;
    this.lines.push(line);
    this.used += cost;
    return true;
  }

  text(): string {
    return this.lines.join('\n');
  }
}

/** Room kept for the notes and sections after a list, so a long list never pushes them out. */
const RESERVE = 8_000;

/**
 * Adds the list's lines while they fit under both the item cap and the byte budget, then one line saying how many
 * were left out (the note always fits because of RESERVE). Lines are made only for what is shown: a list of
 * 50,000 costs no more than one of `limit`.
 */
/** `total`: how many the list stands for when it was capped before rendering (see howMany). */
function addList<T>(out: Budget, items: readonly T[], limit: number, noun: string, line: (item: T) => string, total = items.length): void {
  let shown = 0;
  for (const item of items) {
    if (shown >= limit || !out.add(line(item), RESERVE)) break;
    shown++;
  }
  if (shown < total) {
    const why = shown >= limit ? `only the first ${limit} are shown` : 'the job summary is limited to 1 MiB per step';
    out.add('');
    out.add(`*… and ${total - shown} more ${noun} not shown (${why}).*`);
  }
}

export function renderMarkdown(s: UploadSummary, options: Pick<RenderOptions, 'error'> & { maxBytes?: number } = {}): string {
  const out = new Budget(options.maxBytes ?? MARKDOWN_MAX_BYTES);
  const run = s.runHumanId ? ` — ${s.runUrl ? `[${displayCell(s.runHumanId)}](${s.runUrl})` : displayCell(s.runHumanId)}` : '';
  out.add(`### Testsigma Test Management${s.dryRun ? ' — dry run' : run}`);
  out.add('');
  if (options.error) {
    // Bounded as the pull-request comment bounds it, not as a table cell: a message can end with what to do (the
    // command that closes a run left open), which a cell's 300 characters would cut off.
    out.add(`**The step failed** (\`${options.error.code}\`): ${displayCell(options.error.message, ERROR_MAX_CHARS)}`);
    out.add('');
    out.add(`**What to do:** ${displayCell(todoOf(options.error.code))}`);
    out.add('');
  }
  if (!s.checkedAgainstProject) {
    out.add('No token or project: ids were found in the tests but not checked against the project. Nothing was written.');
    out.add('');
  }
  const recorded = s.dryRun ? 'would be recorded' : 'recorded';
  out.add(`| | Tests | Test cases ${recorded} |`);
  out.add('|---|---:|---:|');
  out.add(`| Passed | ${s.tests.passed} | ${s.cases.passed} |`);
  out.add(`| Failed | ${s.tests.failed} | ${s.cases.failed} |`);
  out.add(`| Skipped | ${s.tests.skipped} | ${s.cases.skipped} |`);
  out.add(`| **Total** | **${s.total}** | **${s.cases.recorded}** |`);
  out.add('');
  const statuses = Object.entries(s.byStatus).map(([name, n]) => `${n} ${displayCell(name)}`);
  if (s.dryRun) out.add(`Dry run: ${s.mapped} test case(s) would be recorded${statuses.length ? ` (${statuses.join(', ')})` : ''}. Nothing was written.`);
  else if (s.runHumanId) {
    // A run deleted in Testsigma is not open: the error says so, and where its results are.
    const state = options.error?.code === 'RUN_DELETED' ? ', then deleted in Testsigma' : s.closed ? ' and closed' : ', left open';
    out.add(
      `Recorded ${s.uploaded} of ${s.mapped} test case(s)${statuses.length ? ` as ${statuses.join(', ')}` : ''}; run ${s.created ? 'created' : 'reused'}${state}.`,
    );
  } else out.add('No test run was written to.');
  out.add('');
  if (s.unsent > 0) {
    // The run they were meant for was deleted: they go into a new one, as the error says.
    const resume = options.error?.code === 'RUN_DELETED' ? 'resume --new-run' : 'resume';
    out.add(
      `**${s.unsent} test case result(s) were not recorded.**${s.spoolFile ? ` They were written to \`${displayCell(s.spoolFile)}\`: send them with \`testsigma-tm ${resume}\`.` : ''}`,
    );
    out.add('');
  }
  if (s.attachments.sent > 0 || s.attachments.skipped.length > 0) {
    out.add(`Attachments: ${s.attachments.sent} sent (${mebibytes(s.attachments.sentBytes)}), ${s.attachments.skipped.length} not attached.`);
    out.add('');
    addList(
      out,
      s.attachments.skipped,
      MARKDOWN_LIST_LIMIT,
      'file(s) not attached',
      (k) => `- ${displayCell(k.case)}: ${displayCell(k.name)}: ${displayCell(k.reason)}`,
    );
    out.add('');
  }
  const kept = s.keptFromOtherJobs ?? [];
  if (kept.length > 0) {
    out.add(`Worse results of other jobs of this run, kept (${kept.length}):`);
    out.add('');
    addList(out, kept, MARKDOWN_LIST_LIMIT, 'kept result(s)', (k) => `- ${displayCell(k.case)}: ${displayCell(k.status)} by another job — kept`);
    out.add('');
  }
  if (s.refused.length > 0) {
    out.add(`Refused by the service (${s.refused.length}):`);
    out.add('');
    addList(out, s.refused, MARKDOWN_LIST_LIMIT, 'refused result(s)', (r) => `- ${displayCell(r.case)}: ${displayCell(r.reason)}`);
    out.add('');
  }
  if (s.failures.length > 0) {
    out.add(`#### Failed tests (${howMany(s.failures, s.tests.failed)})`);
    out.add('');
    out.add('| Test | Test case | Message | Where |');
    out.add('|---|---|---|---|');
    addList(
      out,
      s.failures,
      MARKDOWN_FAILURE_LIMIT,
      'failed test(s)',
      (f) => {
        const testCase = f.case ? (f.url ? `[${displayCell(f.case)}](${f.url})` : displayCell(f.case)) : '—';
        const where = place(f);
        return `| ${displayCell(f.test)} | ${testCase} | ${displayCell(f.message) || '—'} | ${where ? `\`${displayCell(where).replace(/`/g, "'")}\`` : '—'} |`;
      },
      howMany(s.failures, s.tests.failed),
    );
    out.add('');
  }
  if (s.mapping) {
    out.add(`<details><summary>Mapping: test → test case (${howMany(s.mapping, s.total)} tests)</summary>`);
    out.add('');
    addList(out, s.mapping, MARKDOWN_LIST_LIMIT * 5, 'test(s)', (m) => `- ${displayCell(mappingText(m))}`, howMany(s.mapping, s.total));
    out.add('');
    out.add('</details>');
    out.add('');
  } else if (s.unmapped.length > 0) {
    out.add(`<details><summary>${howMany(s.unmapped, s.unmappedTotal)} test(s) map to no test case</summary>`);
    out.add('');
    addList(out, s.unmapped, MARKDOWN_LIST_LIMIT, 'test(s)', (t) => `- ${displayCell(t)}`, howMany(s.unmapped, s.unmappedTotal));
    out.add('');
    out.add('</details>');
    out.add('');
  }
  if (!s.mapping && s.unknown.length > 0) {
    out.add(`References to no test case of the project (${s.unknown.length}):`);
    out.add('');
    const reference = (u: UploadSummary['unknown'][number]): string =>
      `- \`${displayCell(u.reference).replace(/`/g, "'")}\` in ${displayCell(u.tests[0] ?? '')}${u.tests.length > 1 ? ` and ${u.tests.length - 1} more` : ''}`;
    addList(out, s.unknown, MARKDOWN_LIST_LIMIT, 'reference(s)', reference);
    out.add('');
  }
  for (const line of caseSyncMarkdown(s)) out.add(line);
  const { partly, unused } = filesByUse(s.files);
  if (partly.length > 0) {
    out.add(`#### Files read in part (${partly.length})`);
    out.add('');
    addList(out, partly, MARKDOWN_LIST_LIMIT, 'file(s)', (f) => `- ${displayCell(f.error ?? '')} (the ${f.tests} result(s) before the error are used)`);
    out.add('');
  }
  if (unused.length > 0) {
    out.add(`#### Files not used (${unused.length})`);
    out.add('');
    addList(out, unused, MARKDOWN_LIST_LIMIT, 'file(s)', (f) => `- ${displayCell(f.error ?? '')}`);
    out.add('');
  }
  // Runs that failed outside any test: named even when another error is the step's (a file that could not be used).
  const failedRuns = s.files.filter((f) => f.outsideTests);
  if (failedRuns.length > 0) {
    out.add(`#### Runs that failed outside any test (${failedRuns.length})`);
    out.add('');
    addList(
      out,
      failedRuns,
      MARKDOWN_LIST_LIMIT,
      'file(s)',
      (f) =>
        `- ${displayCell(
          f.outsideTests
            ? outsideTestsLines(f.path, f.outsideTests)
                .map((line) => line.trim())
                .join(' ')
            : '',
          ERROR_MAX_CHARS,
        )}`,
    );
    out.add('');
  }
  if (s.figures.httpRequests > 0) out.add(`Upload: ${figuresText(s)}.`);
  return `${out.text().trimEnd()}\n`;
}
