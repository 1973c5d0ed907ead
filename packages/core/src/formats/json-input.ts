/**
 * What the JSON formats share while they read whole documents: collecting the pieces, parsing with a message
 * that says what went wrong, and describing JSON that is no format's, so the refusal can say what it is.
 */
import { InputError } from '../errors.js';
import { isObject } from './json-values.js';
import { jsonLookalike } from './lookalike.js';
import { stripBom } from './text.js';

/** The pieces as one text. The caller bounds the size (read-files counts the bytes read against the limit). */
export async function collectText(chunks: AsyncIterable<string>): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return stripBom(parts.join(''));
}

export function parseJson(text: string, source: string, expected: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(
      'INPUT_MALFORMED',
      source,
      `${source} is not valid JSON: ${reason}. Expected ${expected}; the file may be truncated ` +
        '(the test run was killed while writing it) or have console output mixed in. Regenerate it.',
      { cause: error },
    );
  }
}

/** `a JSON array of 2 item(s)`, `an object with keys "children", "befores" (this looks like an Allure container file: …)`. */
export function describeJson(json: unknown): string {
  if (Array.isArray(json)) return `a JSON array of ${json.length} item(s)`;
  if (!isObject(json)) return `a JSON ${json === null ? 'null' : typeof json}`;
  const keys = Object.keys(json);
  const shown = keys
    .slice(0, 8)
    .map((k) => JSON.stringify(k))
    .join(', ');
  const lookalike = jsonLookalike(json);
  const hint = lookalike === undefined ? '' : ` (${lookalike})`;
  return keys.length === 0 ? 'an empty object' : `an object with keys ${shown}${keys.length > 8 ? ', …' : ''}${hint}`;
}
