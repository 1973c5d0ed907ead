/**
 * Playwright JSON reporter output. Read whole for now and handed to the converter; run-level errors (global
 * setup, worker crashes) belong to no test and become warnings.
 */
import type { TestResult } from '../../model.js';
import type { Format, ReadContext } from '../format.js';
import { collectText, parseJson } from '../json-input.js';
import { parsePlaywrightJson, playwrightGlobalErrors } from './playwright-json.js';

async function* readPlaywrightJson(chunks: AsyncIterable<string>, ctx: ReadContext): AsyncGenerator<TestResult, void, undefined> {
  const json = parseJson(await collectText(chunks), ctx.source, 'Playwright JSON reporter output');
  const results = parsePlaywrightJson(json, ctx.source);
  for (const message of playwrightGlobalErrors(json)) {
    ctx.warn(`${ctx.source}: Playwright reported an error outside any test: ${message.split('\n')[0] ?? message}`);
  }
  yield* results;
}

export const playwrightJson: Format = {
  id: 'playwright-json',
  label: 'Playwright JSON',
  sniff: (head) => /^\s*\{/.test(head) && /"suites"\s*:/.test(head),
  parse: readPlaywrightJson,
};
