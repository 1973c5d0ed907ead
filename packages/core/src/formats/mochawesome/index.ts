/** mochawesome's JSON as one `Format`: how it is recognised and read. The conversion rules are in ./mochawesome.ts, the reading in pieces in ./mochawesome-stream.ts. */
import { InputError } from '../../errors.js';
import type { Format, ReadContext } from '../format.js';
import { describeJson } from '../json-input.js';
import { JsonItemStream, holdsArray, readItems } from '../json-stream/item-stream.js';
import { MochawesomeStreamReader } from './mochawesome-stream.js';

export const mochawesomeJson: Format = {
  id: 'mochawesome-json',
  label: 'mochawesome JSON',
  writtenBy: '`mocha --reporter mochawesome` (`mochawesome-report/mochawesome.json`)',
  /** `stats` first with mochawesome's own `passPercent`, or (merged reports) `results` with `rootEmpty` suites. */
  sniff: (head) =>
    /^\s*\{/.test(head) && (/^\s*\{\s*"stats"\s*:\s*\{[^{}]*"passPercent"\s*:/.test(head) || (/"results"\s*:\s*\[/.test(head) && /"rootEmpty"\s*:/.test(head))),
  async *parse(chunks: AsyncIterable<string>, ctx: ReadContext) {
    for await (const batch of mochawesomeJson.parseInBatches?.(chunks, ctx) ?? []) yield* batch;
  },
  parseInBatches(chunks: AsyncIterable<string>, ctx: ReadContext) {
    const reader = new MochawesomeStreamReader(ctx.source);
    const stream = new JsonItemStream(ctx.source, 'mochawesome JSON (mocha --reporter mochawesome)', reader);
    const refuse = (): void => {
      if (holdsArray(stream.shape, 'results')) return;
      throw new InputError(
        'INPUT_NOT_RESULTS',
        ctx.source,
        `${ctx.source} is JSON but not mochawesome JSON: ${describeJson(stream.shape)}. Expected a "results" array. Run Mocha with --reporter mochawesome.`,
      );
    };
    return readItems(chunks, stream, () => reader.take(), refuse);
  },
};
