/** mochawesome's JSON as one `Format`: how it is recognised and read. The conversion rules are in ./mochawesome.ts. */
import { InputError } from '../../errors.js';
import type { Format, ReadContext } from '../format.js';
import { collectText, describeJson, parseJson } from '../json-input.js';
import { isObject } from '../json-values.js';
import { parseMochawesomeJson } from './mochawesome.js';

export const mochawesomeJson: Format = {
  id: 'mochawesome-json',
  label: 'mochawesome JSON',
  writtenBy: '`mocha --reporter mochawesome` (`mochawesome-report/mochawesome.json`)',
  /** `stats` first with mochawesome's own `passPercent`, or (merged reports) `results` with `rootEmpty` suites. */
  sniff: (head) =>
    /^\s*\{/.test(head) && (/^\s*\{\s*"stats"\s*:\s*\{[^{}]*"passPercent"\s*:/.test(head) || (/"results"\s*:\s*\[/.test(head) && /"rootEmpty"\s*:/.test(head))),
  async *parse(chunks: AsyncIterable<string>, ctx: ReadContext) {
    const json = parseJson(await collectText(chunks), ctx.source, 'mochawesome JSON (mocha --reporter mochawesome)');
    if (!isObject(json) || !Array.isArray(json.results)) {
      throw new InputError(
        'INPUT_NOT_RESULTS',
        ctx.source,
        `${ctx.source} is JSON but not mochawesome JSON: ${describeJson(json)}. Expected a "results" array. Run Mocha with --reporter mochawesome.`,
      );
    }
    yield* parseMochawesomeJson(json, ctx.source);
  },
};
