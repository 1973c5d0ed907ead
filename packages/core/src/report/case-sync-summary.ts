/** What case sync did, in the summary's words: plain lines for a terminal, Markdown lines for a job summary. */
import type { CaseSync } from '../cases/case-sync.js';
import { displayTitle } from '../model.js';
import { displayCell } from './markdown-cell.js';
import type { UploadSummary } from './summary.js';

const LIMIT = 20;

/** The summary's view of what sync did (plain data for `--summary-json`). */
export function caseSyncSummary(sync: CaseSync): Required<Pick<UploadSummary, 'casesCreated' | 'caseSync'>> {
  return {
    casesCreated: sync.created,
    caseSync: {
      matchedByTitle: sync.byTitle,
      ambiguous: sync.ambiguous.map((a) => ({ title: a.title, cases: a.cases.map((c) => c.human_id), tests: a.results.map(displayTitle) })),
      renamed: sync.renamed.map((r) => ({ case: r.testCase.human_id, title: r.testCase.title, now: r.now })),
      folders: sync.folders,
    },
  };
}

function listSome(items: string[], indent: string): string[] {
  const shown = items.slice(0, LIMIT).map((t) => `${indent}${t}`);
  if (items.length > LIMIT) shown.push(`${indent}… and ${items.length - LIMIT} more (the summary JSON lists every one)`);
  return shown;
}

function createdHeading(s: UploadSummary): string | undefined {
  const created = s.casesCreated ?? [];
  if (created.length === 0) return undefined;
  const where = created[0]?.folder ? `folder ${created[0].folder}` : 'the top level';
  return `${s.dryRun ? 'Would create' : 'Created'} ${created.length} test case(s) in ${where}:`;
}

export function caseSyncText(s: UploadSummary): string[] {
  const lines: string[] = [];
  const heading = createdHeading(s);
  if (heading)
    lines.push(
      heading,
      ...listSome(
        (s.casesCreated ?? []).map((c) => (c.case ? `${c.case} ${c.title}` : c.title)),
        '    ',
      ),
    );
  const sync = s.caseSync;
  if (!sync) return lines;
  if (sync.matchedByTitle > 0) lines.push(`${sync.matchedByTitle} test case(s) found by title.`);
  if (sync.ambiguous.length > 0)
    lines.push(
      `${sync.ambiguous.length} title(s) belong to several test cases, so those tests were not recorded:`,
      ...listSome(
        sync.ambiguous.map((a) => `${a.title} (${a.cases.join(', ')})`),
        '    ',
      ),
    );
  if (sync.renamed.length > 0)
    lines.push(
      `${sync.renamed.length} test case(s) were found by the test they were created for, which now has another title:`,
      ...listSome(
        sync.renamed.map((r) => `${r.case} "${r.title}" is now "${r.now}"`),
        '    ',
      ),
    );
  return lines;
}

export function caseSyncMarkdown(s: UploadSummary): string[] {
  const lines: string[] = [];
  const heading = createdHeading(s);
  if (heading)
    lines.push(
      displayCell(heading),
      '',
      ...listSome(
        (s.casesCreated ?? []).map((c) => `- ${displayCell(c.case ? `${c.case} ${c.title}` : c.title)}`),
        '',
      ),
      '',
    );
  const ambiguous = s.caseSync?.ambiguous ?? [];
  if (ambiguous.length > 0)
    lines.push(
      `Titles of several test cases (not recorded): ${ambiguous
        .slice(0, LIMIT)
        .map((a) => displayCell(a.title))
        .join('; ')}`,
      '',
    );
  return lines;
}
