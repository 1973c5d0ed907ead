/** Jest `--json` output and Jest's aggregated results (reporter API, testResultsProcessor, jest-stare). Read whole for now (Jest's files stay small: one entry per test, no logs). */
import { InputError } from '../../errors.js';
import type { TestResult } from '../../model.js';
import type { Format, ReadContext } from '../format.js';
import { collectText, describeJson, parseJson } from '../json-input.js';
import { isObject } from '../json-values.js';
import { parseJestJson } from './jest-json.js';

async function* readJestJson(chunks: AsyncIterable<string>, ctx: ReadContext): AsyncGenerator<TestResult, void, undefined> {
  const json = parseJson(await collectText(chunks), ctx.source, 'Jest --json output');
  const suites = isObject(json) ? json.testResults : undefined;
  const jestLike =
    isObject(json) &&
    Array.isArray(suites) &&
    (typeof json.numTotalTests === 'number' || suites.some((s) => isObject(s) && (Array.isArray(s.assertionResults) || Array.isArray(s.testResults))));
  if (!jestLike) {
    throw new InputError(
      'INPUT_NOT_RESULTS',
      ctx.source,
      `${ctx.source} is JSON but not Jest --json output: ${describeJson(json)}. Expected "testResults" and "numTotalTests". ` +
        'Run Jest with --json --outputFile=<file> and pass that file.',
    );
  }
  yield* parseJestJson(json, ctx.source);
}

export const jestJson: Format = {
  id: 'jest-json',
  label: 'Jest --json',
  writtenBy: "`jest --json --outputFile=results.json`, or Jest's aggregated results from a `testResultsProcessor` or jest-stare",
  sniff: (head) => /^\s*\{/.test(head) && /"(numTotalTests|testResults|assertionResults)"\s*:/.test(head),
  parse: readJestJson,
};
