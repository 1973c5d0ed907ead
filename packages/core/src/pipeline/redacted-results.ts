/**
 * Results as the upload may use them: every text a test produced (its name, message, stack, output, properties,
 * attachment names) passed through the one redaction as it is read. A test that prints its environment puts the
 * token into its output; from here on, no description, spool, summary or annotation can hold it. Attachment
 * paths and inline bodies are kept as they are: the files are opened and sent, never shown, and their names
 * are redacted when planned.
 */
import type { ResultSource, TestResult } from '../model.js';
import { redactDeep } from '../redact.js';

const KEPT = new Set(['path', 'body']);

export function redactedResults(results: TestResult[] | ResultSource, secrets: readonly (string | undefined)[]): TestResult[] | ResultSource {
  const clean = (result: TestResult): TestResult => redactDeep(result, secrets, KEPT);
  if (Array.isArray(results)) return results.map(clean);
  // The reading rules (repeats-are-retries) go through to the reader unchanged.
  return { read: (each, rules) => results.read((result) => each(clean(result)), rules) };
}
