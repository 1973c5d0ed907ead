/** Vitest JSON as one `Format`: how it is told from Jest's and read. The conversion rules are in ./vitest.ts. */
import type { Format, ReadContext } from '../format.js';
import { collectText, parseJson } from '../json-input.js';
import { parseVitestJson } from './vitest.js';
import { warnRepeatedTitles } from '../repeated-titles.js';

const TOP_LEVEL_OBJECT = /^\s*\{/;

export const vitestJson: Format = {
  id: 'vitest-json',
  label: 'Vitest JSON',
  writtenBy: '`vitest run --reporter=json --outputFile=results.json`',
  /**
   * Vitest's JSON reporter copies Jest's `--json` shape, so this must be asked before the Jest format. The
   * difference relied on: Jest's result always has `numRuntimeErrorTestSuites` (its count of files that
   * failed to run, part of Jest's AggregatedResult since 2017 and in every real Jest file we hold, old ones
   * included), written among the counters BEFORE `testResults` whether the keys are in Jest's order or
   * sorted; Vitest's reporter has never written that key (a file that failed to run is only a failed file
   * there). Both write `numTotalTests` and the other counters before `testResults`, so the whole decision is
   * made on the few hundred bytes before the first `"testResults"`, always inside the 64 KiB head.
   */
  sniff(head: string): boolean {
    if (!TOP_LEVEL_OBJECT.test(head)) return false;
    const end = head.indexOf('"testResults"');
    if (end === -1) return false;
    const counters = head.slice(0, end);
    return /"numTotalTests"\s*:/.test(counters) && !/"numRuntimeErrorTestSuites"\s*:/.test(counters);
  },
  async *parse(chunks: AsyncIterable<string>, ctx: ReadContext) {
    const results = parseVitestJson(parseJson(await collectText(chunks), ctx.source, 'Vitest JSON (--reporter=json --outputFile=<file>)'), ctx.source);
    warnRepeatedTitles(results, ctx.source, ctx.warn);
    yield* results;
  },
};
