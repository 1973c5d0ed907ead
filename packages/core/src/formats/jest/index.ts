/** Jest `--json` output and Jest's aggregated results (reporter API, testResultsProcessor, jest-stare), read in pieces (./jest-stream.ts). */
import { InputError } from '../../errors.js';
import type { Format, ReadContext } from '../format.js';
import { describeJson } from '../json-input.js';
import { JsonItemStream, holdsArray, readItems } from '../json-stream/item-stream.js';
import { JestStreamReader } from './jest-stream.js';
import { JEST_RUNNER } from './jest.js';

export const jestJson: Format = {
  id: 'jest-json',
  label: 'Jest --json',
  writtenBy: "`jest --json --outputFile=results.json`, or Jest's aggregated results from a `testResultsProcessor` or jest-stare",
  sniff: (head) => /^\s*\{/.test(head) && /"(numTotalTests|testResults|assertionResults)"\s*:/.test(head),
  async *parse(chunks: AsyncIterable<string>, ctx: ReadContext) {
    for await (const batch of jestJson.parseInBatches?.(chunks, ctx) ?? []) yield* batch;
  },
  parseInBatches(chunks: AsyncIterable<string>, ctx: ReadContext) {
    const reader = new JestStreamReader(ctx.source);
    const stream = new JsonItemStream(ctx.source, 'Jest --json output', reader);
    const finish = (): void => {
      if (holdsArray(stream.shape, 'testResults') && reader.jestLike) {
        const repeated = reader.repeated.warning(ctx.source);
        if (repeated !== undefined) ctx.warn(repeated);
        if (reader.runExecError) ctx.outsideTests({ runner: JEST_RUNNER, errors: [reader.runExecError] });
        return;
      }
      throw new InputError(
        'INPUT_NOT_RESULTS',
        ctx.source,
        `${ctx.source} is JSON but not Jest --json output: ${describeJson(stream.shape)}. Expected "testResults" and "numTotalTests". ` +
          'Run Jest with --json --outputFile=<file> and pass that file.',
      );
    };
    return readItems(chunks, stream, () => reader.take(), finish);
  },
};
