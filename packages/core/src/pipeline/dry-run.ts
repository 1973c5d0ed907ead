/**
 * A dry run without a token or project: nothing can be asked of the service, but the files and tests were read
 * and a person wants to see which ids each test carries. The project's prefix is unknown, so any upper-case
 * `WORD-123` token in a title or tag counts as an id found (besides `testsigma` properties); none is checked.
 * Given the prefix (`--prefix DEMO`, or `prefix` in the config file), ids are read as an upload would read them,
 * underscore ids (`test_demo_12`) included.
 *
 * It exits 0 (unless a file could not be read): a dry run is a preview that writes nothing, run where secrets are
 * often absent (a fork's pull request, a laptop), and it says plainly what it could not check. The upload itself
 * still fails with exit 2 without a token.
 */
import { exitCodeFor } from '../errors.js';
import { displayTitle, type TestResult } from '../model.js';
import { OTHER_DASHES, caseReferences, normaliseHumanId } from '../map/references.js';
import { addDetails } from '../report/details.js';
import { emptySummary, summariseFiles, type MappingLine } from '../report/summary.js';
import { filesError, readAll } from './inputs.js';
import { ResultTally } from '../report/tally.js';
import type { UploadInput, UploadOutcome } from './stages.js';

// Letters, digits and `-` glue a token, as in the project's own pattern, so `DEMO-R-3` (a run id) is not an id; the
// dashes word processors put for `-` (OTHER_DASHES) count as it, as the upload reads them.
const ANY_HUMAN_ID = new RegExp(`(?<![\\p{L}\\p{N}${OTHER_DASHES}-])[A-Z][A-Z0-9]*[${OTHER_DASHES}-]\\d+(?![\\p{L}\\p{N}${OTHER_DASHES}-]|\\.\\p{N})`, 'gu');

function idsFound(result: TestResult, prefix: string): string[] {
  const found = new Set(caseReferences(result, prefix));
  for (const text of [...result.suitePath, result.name, ...result.tags]) for (const m of text.matchAll(ANY_HUMAN_ID)) found.add(normaliseHumanId(m[0]));
  return [...found];
}

export async function offlineDryRun(input: UploadInput, workspace: string): Promise<UploadOutcome> {
  const started = Date.now();
  const tally = new ResultTally({ lines: true, workspace });
  const prefix = input.settings.prefix ?? '';
  // The files' warnings (an empty file beside others, a repeated test) are a dry run's to show as much as an upload's.
  const files = await readAll(input, (result) => tally.add(result, undefined, (r) => offlineLine(r, prefix)), input.log);
  const base = {
    ...emptySummary(true),
    files: summariseFiles(files),
    total: tally.total,
    tests: tally.tests,
    checkedAgainstProject: false,
  };
  const summary = addDetails(base, { tally, elapsedMs: Date.now() - started });
  const fileError = filesError(files);
  const failed = tally.annotatable;
  return fileError ? { summary, failed, error: fileError, exitCode: exitCodeFor(fileError) } : { summary, failed, exitCode: 0 };
}

function offlineLine(result: TestResult, prefix: string): MappingLine {
  const ids = idsFound(result, prefix);
  return { test: displayTitle(result), file: result.file ?? null, ids, case: null, reason: ids.length > 0 ? 'not checked' : 'no id' };
}
