/** A native fixture read as a user's file is (format detected, every result), reduced to what a reviewer checks. */
import { readResultFiles } from '../../src/formats/read-files.js';
import { fullTitle, type TestResult } from '../../src/model.js';
import { FIXTURES_DIR } from './fixture-files.js';

export interface Read {
  format: string | undefined;
  error: string | undefined;
  warnings: string[];
  results: TestResult[];
}

export async function readFixture(file: string): Promise<Read> {
  const [outcome] = await readResultFiles([file], { cwd: FIXTURES_DIR });
  if (outcome === undefined) throw new Error(`no outcome for ${file}`);
  return { format: outcome.format, error: outcome.error?.message, warnings: outcome.warnings, results: outcome.results };
}

/** [title, status, duration, first line of the message, attempts' statuses]. */
export function rows(results: TestResult[]): [string, string, number | undefined, string | undefined, string][] {
  return results.map((r) => [fullTitle(r), r.status, r.durationMs, r.message?.split('\n')[0], r.attempts.map((a) => a.status).join(',')]);
}
