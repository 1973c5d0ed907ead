/**
 * The outcome as the short Markdown of a pull-request comment or a check run's summary, from core's summary
 * model: the run's link, tests and test-case totals, the failed tests (name, case, first line of the message),
 * unmapped tests, unreadable files and what failed in the reporting itself. GitHub refuses a comment over 65,536
 * characters, so the lists fill what the rest leaves and end with "and N more".
 */
import { filesByUse, type UploadSummary } from 'testsigma-tm-core';

/** GitHub's limit on a comment body; a check run's summary allows one character less. */
export const COMMENT_MAX_CHARS = 65_536;
export const CHECK_SUMMARY_MAX_CHARS = 65_535;
const FAILURE_LIMIT = 100;
const LIST_LIMIT = 30;
const CELL_MAX_CHARS = 300;
/** Room for the "and N more" line after a list that stopped on the budget. */
const MORE_RESERVE = 120;

export interface ReportInput {
  summary: UploadSummary;
  /** What failed in the reporting itself (the step's error), if anything. */
  error?: { code: string; message: string } | undefined;
  /** Links to the workflow run(s) that ran the tests and reported them. */
  links: { text: string; url: string }[];
  job: string;
}

export function hasFailure(input: Pick<ReportInput, 'summary' | 'error'>): boolean {
  return input.error !== undefined || input.summary.tests.failed > 0;
}

/** `marker`, when given, is the first line (a hidden comment the next run finds the comment by). */
export function renderReport(input: ReportInput, options: { marker?: string; maxChars: number }): string {
  const s = input.summary;
  const head: string[] = [];
  if (options.marker) head.push(options.marker);
  const run = s.runHumanId ? ` — ${s.runUrl ? `[${inline(s.runHumanId)}](${s.runUrl})` : inline(s.runHumanId)}` : '';
  head.push(`### ${hasFailure(input) ? '❌' : '✅'} Testsigma Test Management${s.dryRun ? ' — dry run' : run}`, '');
  if (input.error) head.push(`**The reporting failed** (\`${input.error.code}\`): ${inline(input.error.message, 1_000)}`, '');
  const recorded = s.dryRun ? 'would be recorded' : 'recorded';
  head.push(
    `| | Tests | Test cases ${recorded} |`,
    '|---|---:|---:|',
    `| Passed | ${s.tests.passed} | ${s.cases.passed} |`,
    `| Failed | ${s.tests.failed} | ${s.cases.failed} |`,
    `| Skipped | ${s.tests.skipped} | ${s.cases.skipped} |`,
    `| **Total** | **${s.total}** | **${s.cases.recorded}** |`,
    '',
  );
  if (s.unsent > 0) head.push(`**${s.unsent} test case result(s) were not recorded** (see the job summary).`, '');

  const tail: string[] = [];
  const { partly, unused } = filesByUse(s.files);
  for (const [title, files, used] of [
    ['Files read in part', partly, true],
    ['Files not used', unused, false],
  ] as const) {
    if (files.length === 0) continue;
    tail.push(`**${title} (${files.length}):**`, '');
    tail.push(...files.slice(0, LIST_LIMIT).map((f) => `- ${inline(f.error ?? '')}${used ? ` (the ${f.tests} result(s) before the error are used)` : ''}`));
    if (files.length > LIST_LIMIT) tail.push(`- … and ${files.length - LIST_LIMIT} more`);
    tail.push('');
  }
  const links = input.links.map((l) => `[${inline(l.text)}](${l.url})`);
  tail.push(`<sub>${[...links, `job \`${input.job.replace(/`/g, "'")}\``].join(' · ')}</sub>`);

  const out = new Budget(options.maxChars - length(head) - length(tail));
  const failedTotal = Math.max(s.tests.failed, s.failures.length);
  if (failedTotal > 0) {
    out.add(`**Failed tests (${failedTotal}):**`);
    out.add('');
    out.list(
      s.failures,
      failedTotal,
      FAILURE_LIMIT,
      (f) => `- ${inline(f.test)}${f.case ? ` — ${f.url ? `[${inline(f.case)}](${f.url})` : inline(f.case)}` : ''}${f.message ? `: ${inline(f.message)}` : ''}`,
      'failed test(s)',
    );
    out.add('');
  }
  if (s.unmappedTotal > 0) {
    out.add(`<details><summary>${s.unmappedTotal} test(s) map to no test case</summary>`);
    out.add('');
    out.list(s.unmapped, s.unmappedTotal, LIST_LIMIT, (t) => `- ${inline(t)}`, 'test(s)');
    out.add('');
    out.add('</details>');
    out.add('');
  }
  return [...head, ...out.lines, ...tail].join('\n');
}

/** Lines added while they fit in `max` characters (counting the newline that joins them). */
class Budget {
  readonly lines: string[] = [];
  private used = 0;

  constructor(private readonly max: number) {}

  add(line: string, reserve = 0): boolean {
    if (this.used + line.length + 1 + reserve > this.max) return false;
    this.lines.push(line);
    this.used += line.length + 1;
    return true;
  }

  /** Up to `limit` items while they fit, then one line counting the rest of `total`. */
  list<T>(items: readonly T[], total: number, limit: number, line: (item: T) => string, noun: string): void {
    let shown = 0;
    for (const item of items) {
      if (shown >= limit || !this.add(line(item), MORE_RESERVE)) break;
      shown++;
    }
    if (shown < total) this.add(`- … and ${total - shown} more ${noun}`);
  }
}

function length(lines: readonly string[]): number {
  return lines.reduce((n, line) => n + line.length + 1, 0);
}

/**
 * Text from a test or a message, safe on one line of Markdown: whitespace collapsed, markup characters escaped,
 * `@name` kept from mentioning anyone, cut to `max` characters.
 */
function inline(text: string, max = CELL_MAX_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return cut
    .replace(/[\\`*_[\]|#~]/g, '\\$&')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '@&#8203;');
}
