/** Mocha's `json` reporter as one `Format`: how it is recognised and read. The conversion rules are in ./mocha.ts. */
import { InputError } from '../../errors.js';
import type { Format, ReadContext } from '../format.js';
import { collectText, describeJson, parseJson } from '../json-input.js';
import { isObject } from '../json-values.js';
import { parseMochaJson } from './mocha.js';

export const mochaJson: Format = {
  id: 'mocha-json',
  label: 'Mocha JSON',
  writtenBy: '`mocha --reporter json --reporter-option output=results.json`',
  /**
   * Mocha writes `stats` first, holding `passes`, `pending` and `failures` counts; mochawesome's stats also
   * have `passPercent` (that format is asked first), Playwright's have `expected`/`unexpected` instead.
   */
  sniff: (head) => /^\s*\{\s*"stats"\s*:\s*\{[^{}]*"passes"\s*:[^{}]*\}/.test(head) && !/^\s*\{\s*"stats"\s*:\s*\{[^{}]*"passPercent"/.test(head),
  async *parse(chunks: AsyncIterable<string>, ctx: ReadContext) {
    const json = parseJson(await collectText(chunks), ctx.source, 'Mocha JSON (mocha --reporter json)');
    if (!isObject(json) || !Array.isArray(json.tests)) {
      throw new InputError(
        'INPUT_NOT_RESULTS',
        ctx.source,
        `${ctx.source} is JSON but not Mocha JSON: ${describeJson(json)}. Expected a "tests" array. Run Mocha with --reporter json --reporter-option output=<file>.`,
      );
    }
    yield* parseMochaJson(json, ctx.source);
  },
};
