/**
 * CTRF's `results.summary` counts the tests a reporter wrote (`tests`, and each status: `passed`, `failed`, …). A
 * report whose `tests` hold fewer (one cut or filtered after the reporter wrote it: a merge, a script, a size
 * limit) would lose the others silently, so the tests read are counted by their CTRF status and compared with it
 * at the end of the document, wherever the summary stood in it (counts only: memory does not grow with the report).
 *
 * - The summary counts more failed tests than were read: a failure is missing, and the tests read alone could
 *   read as a passing run, so the file is refused (its tests read are kept, as those of a truncated file are).
 * - It counts more tests of another status (or more tests) than were read: a warning naming how many, by status.
 * - It counts fewer than were read (a merge that kept one report's summary) or nothing: nothing is said; no
 *   result is lost.
 */
/** CTRF's statuses, in the order the summary writes them. */
const COUNTED = ['passed', 'failed', 'pending', 'skipped', 'other'] as const;
type Counted = (typeof COUNTED)[number];
type Key = Counted | 'tests';

/** `1 test`, `2 tests`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const WHY = 'The report was cut or filtered after the CTRF reporter wrote it (by a merge, a script or a size limit).';

export class SummaryCheck {
  /** What the summary counts, by key (only whole, non-negative numbers). */
  private readonly summary = new Map<Key, number>();
  /** The tests read, by their CTRF status. */
  private readonly read = new Map<string, number>();
  private readTotal = 0;

  /** One `results.summary` entry. */
  summaryCount(key: string | number | undefined, value: unknown): void {
    if (key !== 'tests' && !COUNTED.includes(key as Counted)) return;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) this.summary.set(key as Key, value);
  }

  /** One entry of `results.tests`, by the status it was written with (none for an entry that is no test). */
  testRead(status: unknown): void {
    this.readTotal += 1;
    if (typeof status === 'string') this.read.set(status, (this.read.get(status) ?? 0) + 1);
  }

  /** At the end of the document: the warning to give, or the refusal (a failure the summary counts is missing). */
  verdict(source: string): { warning?: string; refusal?: string } {
    const failed = this.summary.get('failed') ?? 0;
    const failedRead = this.read.get('failed') ?? 0;
    // Without `tests`, the statuses' counts add up to it.
    const tests = this.summary.get('tests') ?? (this.summary.size === 0 ? undefined : [...this.summary.values()].reduce((sum, n) => sum + n, 0));
    const ofTests = tests === undefined ? '' : ` (and ${this.readTotal} of the ${plural(tests, 'test')} it counts)`;
    if (failed > failedRead) {
      const lost = failed - failedRead;
      return {
        refusal:
          `${source}: its summary counts ${plural(failed, 'failed test')}, but results.tests holds ${failedRead === 0 ? 'none' : failedRead}${ofTests}: ` +
          `${lost === 1 ? '1 failure is' : `${lost} failures are`} not in the report, so ${lost === 1 ? 'it' : 'they'} cannot be recorded, and the run must not read as passing. ` +
          `${WHY} Upload the report as the reporter wrote it; the test step's output shows the ${lost === 1 ? 'failure' : 'failures'}.`,
      };
    }
    const byStatus = COUNTED.flatMap((status) => {
      const missing = (this.summary.get(status) ?? 0) - (this.read.get(status) ?? 0);
      return missing > 0 ? [{ status, missing }] : [];
    });
    const missing = Math.max(
      tests === undefined ? 0 : tests - this.readTotal,
      byStatus.reduce((sum, s) => sum + s.missing, 0),
    );
    if (missing <= 0) return {};
    const which = byStatus.length === 0 ? '' : ` (${byStatus.map((s) => `${s.missing} ${s.status}`).join(', ')}, by the summary)`;
    const failures = this.summary.has('failed') ? '; none of them failed' : '';
    return {
      warning:
        `${source}: its summary counts ${plural(tests ?? 0, 'test')}, but results.tests holds ${this.readTotal}: ${plural(missing, 'test')}${which} ` +
        `${missing === 1 ? 'is' : 'are'} not in the report, so ${missing === 1 ? 'it is' : 'they are'} not recorded${failures}. ${WHY} ` +
        `Upload the report as the reporter wrote it to record ${missing === 1 ? 'it' : 'them'}.`,
    };
  }
}
