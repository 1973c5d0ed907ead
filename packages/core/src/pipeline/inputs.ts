/**
 * Result files as the upload takes them, after the fail-on-empty policy: a pattern that matched nothing is an
 * error by default (the test step probably wrote nothing), or only a warning when the user said an empty glob
 * is fine — the files that did match are uploaded either way.
 */
import { InputError, exitCodeFor, type TestsigmaTmError } from '../errors.js';
import type { Logger } from '../log.js';
import { labelOf } from '../formats/registry.js';
import { outsideTestsLines, outsideTestsMessage } from '../report/outside-tests.js';
import { resultCount, type FileOutcome, type TestResult } from '../model.js';
import type { UploadInput } from './stages.js';

export function applyEmptyPolicy<F extends FileOutcome>(files: F[], failOnEmpty: boolean): F[] {
  if (failOnEmpty) return files;
  return files.map((file) =>
    file.error?.code === 'INPUT_NOT_FOUND'
      ? { ...file, error: undefined, warnings: [...(file.warnings ?? []), `${file.error.message} (ignored: fail-on-empty is off)`] }
      : file,
  );
}

/**
 * Hand every result of the upload's input to `each`, once: a list in memory, or files read now, piece by piece.
 * Resolves to the files' outcomes (the empty policy applied); their warnings are logged.
 */
export async function readAll(
  input: Pick<UploadInput, 'results' | 'files' | 'settings'>,
  each: (result: TestResult) => void,
  log?: Logger,
): Promise<FileOutcome[]> {
  let files: FileOutcome[];
  if (Array.isArray(input.results)) {
    for (const result of input.results) each(result);
    files = input.files ?? [];
  } else {
    files = applyEmptyPolicy(await input.results.read(each, { repeatsAreRetries: input.settings.repeatsAreRetries }), input.settings.failOnEmpty);
    if (input.settings.failOnEmpty) files = refuseAllEmpty(files);
  }
  for (const warning of files.flatMap((f) => f.warnings ?? [])) log?.warn(warning);
  return files;
}

/**
 * Files that were all read and hold no test at all: each becomes an error (exit 2), since a run with nothing in it
 * usually means the test step ran nothing. One file with results beside them is enough: then an empty file is
 * only the warning its reader gave. Only after a full read: a probe stops early and may have seen no test yet.
 */
function refuseAllEmpty(files: FileOutcome[]): FileOutcome[] {
  // A file whose run failed outside any test says why it holds none (filesError): a setup that failed, not a filter.
  if (files.length === 0 || files.some((f) => f.error !== undefined || f.outsideTests !== undefined || resultCount(f) > 0)) return files;
  return files.map((file) => ({
    ...file,
    error: new InputError(
      'INPUT_NO_TESTS',
      file.path,
      `${file.path} was read${file.format === undefined ? '' : ` as ${labelOf(file.format)}`} and holds no test results, and no other file had any: ` +
        'the test step probably ran no test (a filter that selected none, or a crash before the first test). ' +
        'Nothing was recorded; set fail-on-empty to false to accept an empty run.',
    ),
  }));
}

/**
 * The error the files make (exit code 2), if any: those that could not be used, else those whose run failed
 * outside any test. Those files' results are recorded all the same; the error says that the run did not pass.
 */
export function filesError(files: FileOutcome[] | undefined): InputError | undefined {
  const failed = (files ?? []).filter((f) => f.error);
  if (failed.length === 0) return outsideTestsError(files ?? []);
  if (failed.length === 1 && failed[0]?.error) return failed[0].error;
  return new InputError(
    'INPUT_FILES_FAILED',
    failed[0]?.path ?? '',
    `${failed.length} result files could not be used:\n  - ${failed.map((f) => f.error?.message).join('\n  - ')}`,
  );
}

/**
 * Files whose runner reported errors outside any test (a global setup or teardown that failed, its test runner
 * itself): the run that wrote them failed although no result says so, and the tests such an error kept from running
 * are in no file. An upload of them must not read as a clean pass (report/outside-tests.ts words it).
 */
function outsideTestsError(files: FileOutcome[]): InputError | undefined {
  const failed = files.flatMap((f) => (f.outsideTests ? [{ path: f.path, outside: f.outsideTests }] : []));
  const [first] = failed;
  if (first === undefined) return undefined;
  if (failed.length === 1) return new InputError('INPUT_RUN_FAILED', first.path, outsideTestsMessage(first.path, first.outside));
  const each = failed.map((f) => outsideTestsLines(f.path, f.outside).join('\n    '));
  return new InputError(
    'INPUT_RUN_FAILED',
    first.path,
    `${failed.length} result files say that the run that wrote them failed outside any test:\n  - ${each.join('\n  - ')}\n` +
      "Errors outside any test belong to no test case, so none is recorded against one, and tests they kept from running are not in the files. Fix them (the test step's output shows each in full) and run the tests again.",
  );
}

/**
 * A resume that sent everything, of a spool whose run failed outside any test (SpoolBase.runFailed): it ends as the
 * upload would have, with the files' INPUT_RUN_FAILED after what it did. Any other outcome is passed on as it is.
 */
export function withRunFailed<T extends { message: string; error?: TestsigmaTmError; exitCode: number }>(outcome: T, files: FileOutcome[]): T {
  const error = outcome.error ?? filesError(files);
  if (error?.code !== 'INPUT_RUN_FAILED') return outcome;
  if (!error.message.startsWith(outcome.message)) error.message = `${outcome.message}\n${error.message}`;
  return { ...outcome, message: error.message, error, exitCode: exitCodeFor(error) };
}
