/**
 * Tests of one file that carry the same title: `it.each` without `%s`, a copied test left unrenamed. Jest never
 * writes a retry as a second entry (its retries are one result's attempts), so such entries are separate results
 * of one test: each maps to the case on its own and the worst decides it, which is right, but a user who meant
 * two tests should hear that they cannot be told apart. JUnit's reader says the same of repeated testcases, with
 * the rerun setting beside it (a repeat there may be a rerun).
 */
import { displayTitle, type TestResult } from '../model.js';

/** How many repeated titles a warning names; the rest are counted. */
const SHOWN = 5;

/** Counts titles repeated within one file's results and says so once, at the end. */
export class RepeatedTitles {
  private readonly shown: string[] = [];
  private count = 0;

  /**
   * Note the repeats among these results: a title counts as repeated when an earlier result of the same test file
   * (and project) carries it. Memory holds the titles of one call: pass a file's results at a time when they stream.
   */
  add(results: readonly TestResult[]): void {
    if (results.length < 2) return;
    const seen = new Set<string>();
    for (const result of results) {
      const title = displayTitle(result);
      const key = `${result.file ?? ''}\u0000${title}`;
      if (!seen.has(key)) {
        seen.add(key);
        continue;
      }
      this.count++;
      const named = result.file ? `${title} (${result.file})` : title;
      if (this.shown.length < SHOWN && !this.shown.includes(named)) this.shown.push(named);
    }
  }

  /** The warning, or undefined when no title was repeated. `subject` starts it: the result file, or the runner. */
  warning(subject: string): string | undefined {
    if (this.count === 0) return undefined;
    const shown = this.shown.map((t) => `"${t}"`).join(', ');
    const more = this.count - this.shown.length;
    return (
      `${subject}: ${this.count} test(s) repeat the title of an earlier test in the same file (${shown}${more > 0 ? ` and ${more} more` : ''}); ` +
      'each is recorded as a result of its own and the worst decides the case. To record them apart, give each a title of its own (test.each with %s or $name in the title).'
    );
  }
}

/** For results held whole (a reporter's, Vitest's file): warn about their repeated titles, if any. */
export function warnRepeatedTitles(results: readonly TestResult[], subject: string, warn: (message: string) => void): void {
  const repeated = new RepeatedTitles();
  repeated.add(results);
  const warning = repeated.warning(subject);
  if (warning !== undefined) warn(warning);
}
