/** RSpec JSON as one `Format`: how it is recognised and read. The conversion rules are in ./rspec.ts, the reading in pieces in ./rspec-stream.ts. */
import { InputError } from '../../errors.js';
import type { Format, ReadContext } from '../format.js';
import { describeJson } from '../json-input.js';
import { JsonItemStream, holdsArray, readItems } from '../json-stream/item-stream.js';
import { RspecStreamReader } from './rspec-stream.js';

const EXPECTED = 'RSpec JSON (rspec --format json --out <file>)';

export const rspecJson: Format = {
  id: 'rspec-json',
  label: 'RSpec JSON',
  writtenBy: '`rspec --format json --out results.json`',
  /** An object with `examples`, and RSpec's own keys beside them (`summary_line` ends the file, so the examples' keys are asked too). */
  sniff: (head) => /^\s*\{/.test(head) && /"examples"\s*:\s*\[/.test(head) && /"(full_description|summary_line)"\s*:|^\s*\{\s*"version"\s*:\s*"\d/.test(head),
  async *parse(chunks: AsyncIterable<string>, ctx: ReadContext) {
    for await (const batch of rspecJson.parseInBatches?.(chunks, ctx) ?? []) yield* batch;
  },
  parseInBatches(chunks: AsyncIterable<string>, ctx: ReadContext) {
    const reader = new RspecStreamReader(ctx.source);
    const stream = new JsonItemStream(ctx.source, EXPECTED, reader);
    const finish = (): void => {
      if (!holdsArray(stream.shape, 'examples')) {
        throw new InputError(
          'INPUT_NOT_RESULTS',
          ctx.source,
          `${ctx.source} is JSON but not RSpec JSON: ${describeJson(stream.shape)}. Expected an "examples" array. Run RSpec with --format json --out <file>.`,
        );
      }
      reader.finish();
    };
    return readItems(chunks, stream, () => reader.take(), finish);
  },
};
