/** Mocha's `json` reporter as one `Format`: how it is recognised and read. The conversion rules are in ./mocha.ts, the reading in pieces in ./mocha-stream.ts. */
import { InputError } from '../../errors.js';
import type { Format, ReadContext } from '../format.js';
import { describeJson } from '../json-input.js';
import { JsonItemStream, holdsArray, readItems } from '../json-stream/item-stream.js';
import { MochaStreamReader } from './mocha-stream.js';

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
    for await (const batch of mochaJson.parseInBatches?.(chunks, ctx) ?? []) yield* batch;
  },
  parseInBatches(chunks: AsyncIterable<string>, ctx: ReadContext) {
    const reader = new MochaStreamReader(ctx.source);
    const stream = new JsonItemStream(ctx.source, 'Mocha JSON (mocha --reporter json)', reader);
    return readItems(
      chunks,
      stream,
      () => reader.take(),
      () => {
        if (!holdsArray(stream.shape, 'tests')) {
          throw new InputError(
            'INPUT_NOT_RESULTS',
            ctx.source,
            `${ctx.source} is JSON but not Mocha JSON: ${describeJson(stream.shape)}. Expected a "tests" array. Run Mocha with --reporter json --reporter-option output=<file>.`,
          );
        }
        reader.finish();
      },
    );
  },
};
