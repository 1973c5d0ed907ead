/**
 * Playwright's errors outside any test (a global setup or teardown that failed, a worker's fixture, a test file that
 * did not load) → OutsideTestError: one rule for the JSON file's top-level `errors[]` and the live reporter's
 * `onError`, so both name them alike (report/outside-tests.ts says them).
 */
import type { OutsideTestError } from '../../model.js';
import { isObject, objects, str } from '../json-values.js';
import { displayPath } from '../paths.js';
import { stripAnsi } from '../../text.js';

/** How messages name the runner. */
export const PLAYWRIGHT_RUNNER = 'Playwright';

/** Playwright's `TestError` (onError), and an entry of the JSON file's `errors[]`: the parts read here. */
export interface PlaywrightOutsideError {
  message?: string;
  /** What was thrown when it was not an Error. */
  value?: string;
  location?: { file: string; line?: number };
}

/** One error; where it happened shown from `rootDir` when it lies inside (as given without one). */
export function playwrightOutsideTestError(error: PlaywrightOutsideError, rootDir: string | undefined): OutsideTestError {
  const message = stripAnsi(error.message ?? error.value ?? '').trim() || 'an error without a message';
  if (!error.location) return { message };
  const { file, line } = error.location;
  return { message, file: displayPath(file, rootDir), ...(line !== undefined && { line }) };
}

/** The JSON file's top-level `errors[]`; entries that are not objects, and values of the wrong type, read as absent. */
export function playwrightJsonOutsideErrors(errors: unknown): OutsideTestError[] {
  return objects(errors).map((raw) => {
    const location = isObject(raw.location) ? raw.location : undefined;
    const file = location && str(location.file);
    const message = str(raw.message);
    const value = str(raw.value);
    return playwrightOutsideTestError(
      {
        ...(message !== undefined && { message }),
        ...(value !== undefined && { value }),
        ...(file !== undefined && { location: { file, ...(typeof location?.line === 'number' && { line: location.line }) } }),
      },
      undefined,
    );
  });
}
