/**
 * Which kind of result file is this? Decided by content, never by file name: CI setups name files freely
 * (`results.txt`, `report`, `TEST-x.trx.xml`), and a wrong guess from the extension gives worse messages.
 */
import { InputError } from '../errors.js';
import { isObject } from './json-values.js';
import { describeStart, stripBom } from './text.js';

export type ResultFormat = 'junit' | 'jest-json' | 'playwright-json';

export type Detected = { format: 'junit'; xml: string } | { format: 'jest-json' | 'playwright-json'; json: unknown };

export function detectFormat(content: string, source: string): Detected {
  const text = stripBom(content);
  const first = text.trimStart()[0];
  if (first === undefined) {
    throw new InputError(
      'INPUT_EMPTY',
      source,
      `${source} is ${text === '' ? 'empty (0 bytes)' : 'only whitespace'}. Expected JUnit XML, Jest --json or Playwright JSON results. ` +
        'The test run probably crashed before writing results; check the step that produced it.',
    );
  }
  if (first === '<') return { format: 'junit', xml: text };
  if (first === '{' || first === '[') return detectJson(parseJson(text, source), source);
  throw new InputError(
    'INPUT_NOT_RESULTS',
    source,
    `${source} is not a result file: it starts with ${describeStart(text)}. Expected JUnit XML (starting with "<"), ` +
      'Jest --json or Playwright JSON output (starting with "{"). Check that the path points at the results, not a log.',
  );
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(
      'INPUT_MALFORMED',
      source,
      `${source} is not valid JSON: ${reason}. Expected Jest --json or Playwright JSON output; the file may be truncated ` +
        '(the test run was killed while writing it) or have console output mixed in. Regenerate it.',
      { cause: error },
    );
  }
}

function detectJson(json: unknown, source: string): Detected {
  if (isObject(json)) {
    const suites = json.testResults;
    const jestLike =
      Array.isArray(suites) && (typeof json.numTotalTests === 'number' || suites.some((s) => isObject(s) && Array.isArray(s.assertionResults)));
    if (jestLike) return { format: 'jest-json', json };
    if (Array.isArray(json.suites)) return { format: 'playwright-json', json };
  }
  throw new InputError(
    'INPUT_NOT_RESULTS',
    source,
    `${source} is JSON but not results this tool reads: ${describeJson(json)}. Expected Jest --json output ` +
      '("testResults" and "numTotalTests") or Playwright JSON reporter output ("suites"). ' +
      'Write results with one of those reporters, or as JUnit XML.',
  );
}

function describeJson(json: unknown): string {
  if (Array.isArray(json)) return `a JSON array of ${json.length} item(s)`;
  if (!isObject(json)) return `a JSON ${json === null ? 'null' : typeof json}`;
  const keys = Object.keys(json);
  const shown = keys.slice(0, 8).map((k) => JSON.stringify(k)).join(', ');
  const hint = keys.includes('passes') && keys.includes('stats') ? ' (this looks like Mocha JSON)' : isObject(json.results) && 'tool' in json.results ? ' (this looks like CTRF)' : '';
  return keys.length === 0 ? 'an empty object' : `an object with keys ${shown}${keys.length > 8 ? ', …' : ''}${hint}`;
}
