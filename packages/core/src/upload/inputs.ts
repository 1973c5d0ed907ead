/**
 * Result files as the upload takes them, after the fail-on-empty policy: a pattern that matched nothing is an
 * error by default (the test step probably wrote nothing), or only a warning when the user said an empty glob
 * is fine — the files that did match are uploaded either way.
 */
import type { FileOutcome } from '../model.js';

export function applyEmptyPolicy<F extends FileOutcome>(files: F[], failOnEmpty: boolean): F[] {
  if (failOnEmpty) return files;
  return files.map((file) =>
    file.error?.code === 'INPUT_NOT_FOUND'
      ? { ...file, error: undefined, warnings: [...(file.warnings ?? []), `${file.error.message} (ignored: fail-on-empty is off)`] }
      : file,
  );
}
