/**
 * Result files as the upload takes them, after the fail-on-empty policy: a pattern that matched nothing is an
 * error by default (the test step probably wrote nothing), or only a warning when the user said an empty glob
 * is fine — the files that did match are uploaded either way.
 */
import { InputError } from '../errors.js';
import type { Logger } from '../log.js';
import type { FileOutcome, TestResult } from '../model.js';
import type { UploadInput } from './upload.js';

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
  }
  for (const warning of files.flatMap((f) => f.warnings ?? [])) log?.warn(warning);
  return files;
}

/** The error files that could not be used make (exit code 2), if any. */
export function filesError(files: FileOutcome[] | undefined): InputError | undefined {
  const failed = (files ?? []).filter((f) => f.error);
  if (failed.length === 0) return undefined;
  if (failed.length === 1 && failed[0]?.error) return failed[0].error;
  return new InputError(
    'INPUT_FILES_FAILED',
    failed[0]?.path ?? '',
    `${failed.length} result files could not be used:\n  - ${failed.map((f) => f.error?.message).join('\n  - ')}`,
  );
}
