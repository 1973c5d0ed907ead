/**
 * Errors a runner reported outside any test (a global setup or teardown that failed, a worker that crashed, a
 * test file that did not load, the test runner itself), in words. They fail the runner's run but belong to no
 * test, so nothing recorded shows them: a run of passing tests whose teardown failed would read as a clean pass,
 * and one whose setup failed as "no test ran". One wording for the reporters (a warning after their summary: the
 * runner fails its own run) and for a result file read by the CLI or the Action (the error the upload ends with).
 */
import type { FileOutsideTests, OutsideTestError } from '../model.js';
import { stripAnsi } from '../text.js';

/** How many errors are named one by one; the runner printed them all in full. */
const LISTED = 10;

/** `Playwright reported 2 error(s) outside any test (…)`. */
function heading(runner: string, count: number): string {
  return `${runner} reported ${count} error(s) outside any test (global setup or teardown, a worker, loading a test file, the test runner itself)`;
}

/** One indented line per error, `where: the first line of its message`; the first ten, then how many more. */
function listed(errors: readonly OutsideTestError[]): string[] {
  const lines = errors.slice(0, LISTED).map((e) => {
    const where = e.file ? `${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ` : '';
    return `    ${where}${stripAnsi(e.message).trim().split('\n')[0] ?? ''}`;
  });
  const more = errors.length - lines.length;
  return more > 0 ? [...lines, `    … and ${more} more`] : lines;
}

/** What a reporter says after its summary: the runner's own verdict stands, and the reporter does not change it. */
export function outsideTestsWarning(runner: string, errors: readonly OutsideTestError[], runStatus: string): string | undefined {
  if (errors.length === 0) return undefined;
  return [
    `warning: ${heading(runner, errors.length)}; its verdict for this run is ${runStatus}, whatever the results recorded say:`,
    ...listed(errors),
    `An error outside any test belongs to no test case, so none is recorded against one, and tests it kept from running are not recorded at all. Fix it (${runner} printed it in full above) and run again.`,
  ].join('\n');
}

/** The summary's lines for a result file whose run failed outside any test: what happened, each error. */
export function outsideTestsLines(file: string, outside: FileOutsideTests): string[] {
  return [
    `${file}: ${heading(outside.runner, outside.errors.length)}; the run that wrote this file failed, whatever the results recorded say:`,
    ...listed(outside.errors),
  ];
}

/** The error's message for such a file: the summary's lines, and why the results recorded are not the whole run. */
export function outsideTestsMessage(file: string, outside: FileOutsideTests): string {
  return [
    ...outsideTestsLines(file, outside),
    'An error outside any test belongs to no test case, so none is recorded against one, and tests it kept from running are not in the file, ' +
      `so they are not recorded at all. Fix it (${outside.runner} printed it in full in the test step's output) and run the tests again.`,
  ].join('\n');
}
