/**
 * JUnit XML (every dialect seen in the wild) → TestResults, read in pieces: each result is produced as soon
 * as its `<testcase>` (and, for a failing one, its suite) is complete, so memory does not grow with the file.
 *
 * Rules, decided once here:
 * - Root `<testsuites>` or a bare `<testsuite>`; anything else is INPUT_NOT_RESULTS. A `<testsuites>` nested
 *   in a `<testsuite>` or `<testsuites>` (merged shard reports) is read like the root, at every level.
 * - suitePath = the `name`s of the enclosing `<testsuite>` elements, outermost first. The `<testsuites>`
 *   names ("jest tests", "Mocha Tests") are run labels, not suites, and are left out.
 * - One TestResult per `<testcase>` element. A testcase repeated with the same classname and name in the same
 *   suite is another test of the same title (`it.each` without `%s`, parameterised tests): a result of its
 *   own, so the worst of them decides its case, and a warning names it — a duplicated title looks exactly like
 *   a rerun, and reading it as one would let a later pass hide a failure. Only when the producer says it writes
 *   reruns that way (`repeatsAreRetries`: gotestsum --rerun-fails, jest-junit with retries) is a repeat after a
 *   failed or errored run another attempt of the first — attempts in run order, the last one's outcome final,
 *   so fail-then-pass is a flaky pass. A repeat after a pass or a skip, or of a testcase without a name, is
 *   always separate.
 * - Status: the worst result child wins — `<error>` → error, `<failure>` → failed, `<skipped>` or
 *   `<disabled>` → skipped; without one, a `status`/`result` attribute saying skipped/disabled/notrun
 *   (tst, GoogleTest, jasmine) → skipped, failed → failed, errored → error; otherwise passed.
 * - Surefire reruns: `flakyFailure`/`flakyError` are failed runs before the final one, `rerunFailure`/
 *   `rerunError` are failed runs after the first `<failure>`/`<error>`. Attempts are in run order and the
 *   final outcome is the last attempt's (model rule), so a test whose last rerun was a failure is `failed`.
 *   The `<system-out>`/`<system-err>` written inside such a run is kept, labelled with the run, in the output.
 * - A suite-level `<error>`/`<failure>` (directly in `<testsuite>`: a failed beforeAll/afterAll, a class
 *   that could not start) becomes a result of its own with status error, named after the suite, its
 *   suitePath the enclosing suites, carrying the suite's properties and the property `junit.suite-error`:
 *   never dropped, mapped like any result by the suite's name or properties, unmapped otherwise.
 * - Properties: those of every enclosing suite (including the `<testsuites>` root) apply to the testcase;
 *   a name defined at an inner level (testcase innermost) replaces the outer values of that name. A suite's
 *   properties are written before its testcases by every producer; they are merged once per suite and the
 *   one list is shared by its testcases (never copied per test).
 * - Durations (`time`): seconds ("1.5", "1,234.5", "0,014"), with a unit ("150ms", "1.5s") or a clock
 *   ("00:01:02"); a value that is none of these is named in a warning and the result has no duration.
 * - Output: the testcase's own system-out/system-err; the suite's own system-out/system-err is added to the
 *   output of its failed/errored testcases only (that is where a person needs the log). Clipped; terminal
 *   colour codes (Playwright and Vitest leave them in) are stripped from output, messages and stacks.
 *   Every text is capped while it is read (CappedText), so one huge text node costs no more than a small one.
 * - Attachments: the testcase's own `<property name="attachment" value="path"/>` entries, then
 *   `[[ATTACHMENT|path]]` markers (Jenkins attachments plugin convention) in its own system-out/system-err and
 *   failure texts; name = the path's last segment; paths stay as written (the upload resolves them safely).
 * - Anything else is skipped and named in a warning (element and where it was), never dropped silently.
 * - Results are handed over when their suite ends (repeats merged, the suite's output known), in document
 *   order: memory holds the results of the open suites and capped texts, never the file.
 * - XML: see xml-scanner.ts (entities, DTDs refused, well-formedness).
 */
import type { TestResult } from '../../model.js';
import { JUnitReader } from './reader.js';
import type { ReadingRules } from '../format.js';

export { SUITE_ERROR_PROPERTY } from './frames.js';
export { JUnitReader } from './reader.js';

/** Parse a whole JUnit XML document held as a string. Throws InputError (naming `source`) when it is not one. */
export function parseJUnit(xml: string, source: string, warn?: (message: string) => void, rules: ReadingRules = {}): TestResult[] {
  const reader = new JUnitReader(source, warn, rules);
  reader.write(xml);
  reader.end();
  return reader.take();
}

/** Read JUnit XML given in pieces, yielding each result as soon as it is complete. */
export async function* readJUnit(
  chunks: AsyncIterable<string>,
  source: string,
  warn?: (message: string) => void,
  rules: ReadingRules = {},
): AsyncGenerator<TestResult, void, undefined> {
  const reader = new JUnitReader(source, warn, rules);
  for await (const chunk of chunks) {
    reader.write(chunk);
    yield* reader.take();
  }
  reader.end();
  yield* reader.take();
}

/** Read JUnit XML given in pieces, yielding the results each piece completed (often none). */
export async function* readJUnitInBatches(
  chunks: AsyncIterable<string>,
  source: string,
  warn?: (message: string) => void,
  rules: ReadingRules = {},
): AsyncGenerator<readonly TestResult[], void, undefined> {
  const reader = new JUnitReader(source, warn, rules);
  for await (const chunk of chunks) {
    reader.write(chunk);
    yield reader.take();
  }
  reader.end();
  yield reader.take();
}
