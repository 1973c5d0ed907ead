/**
 * Playwright JSON reporter output, read in pieces (stream-reader.ts): each spec's results are produced as soon
 * as its object closes, so memory does not grow with the file. Run-level errors (global setup, worker crashes)
 * belong to no test: they are handed over as the file's errors outside any test, which fail the upload.
 */
import type { TestResult } from '../../model.js';
import type { Format, ReadContext } from '../format.js';
import { PlaywrightStreamReader } from './stream-reader.js';

async function* readPlaywrightJson(chunks: AsyncIterable<string>, ctx: ReadContext): AsyncGenerator<TestResult, void, undefined> {
  for await (const batch of readPlaywrightJsonInBatches(chunks, ctx)) yield* batch;
}

async function* readPlaywrightJsonInBatches(chunks: AsyncIterable<string>, ctx: ReadContext): AsyncGenerator<readonly TestResult[], void, undefined> {
  const reader = new PlaywrightStreamReader(
    ctx.source,
    (message) => ctx.warn(message),
    (outside) => ctx.outsideTests(outside),
  );
  for await (const chunk of chunks) {
    reader.write(chunk);
    yield reader.take();
  }
  reader.end();
  yield reader.take();
}

export const playwrightJson: Format = {
  id: 'playwright-json',
  label: 'Playwright JSON',
  writtenBy: '`PLAYWRIGHT_JSON_OUTPUT_NAME=results.json playwright test --reporter=json`',
  sniff: (head) => /^\s*\{/.test(head) && /"suites"\s*:/.test(head),
  parse: readPlaywrightJson,
  parseInBatches: readPlaywrightJsonInBatches,
};
