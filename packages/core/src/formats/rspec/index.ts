/** RSpec JSON as one `Format`: how it is recognised and read. The conversion rules are in ./rspec.ts. */
import { InputError } from '../../errors.js';
import type { Format, ReadContext } from '../format.js';
import { collectText, describeJson, parseJson } from '../json-input.js';
import { isObject } from '../json-values.js';
import { parseRspecJson } from './rspec.js';

const EXPECTED = 'RSpec JSON (rspec --format json --out <file>)';

export const rspecJson: Format = {
  id: 'rspec-json',
  label: 'RSpec JSON',
  writtenBy: '`rspec --format json --out results.json`',
  /** An object with `examples`, and RSpec's own keys beside them (`summary_line` ends the file, so the examples' keys are asked too). */
  sniff: (head) => /^\s*\{/.test(head) && /"examples"\s*:\s*\[/.test(head) && /"(full_description|summary_line)"\s*:|^\s*\{\s*"version"\s*:\s*"\d/.test(head),
  async *parse(chunks: AsyncIterable<string>, ctx: ReadContext) {
    const json = parseJson(await collectText(chunks), ctx.source, EXPECTED);
    if (!isObject(json) || !Array.isArray(json.examples)) {
      throw new InputError(
        'INPUT_NOT_RESULTS',
        ctx.source,
        `${ctx.source} is JSON but not RSpec JSON: ${describeJson(json)}. Expected an "examples" array. Run RSpec with --format json --out <file>.`,
      );
    }
    yield* parseRspecJson(json, ctx.source);
  },
};
