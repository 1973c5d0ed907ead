/** `go test -json` as one `Format`: recognised by its events, read line by line. The rules are in ./go-test.ts. */
import type { TestResult } from '../../model.js';
import type { Format, ReadContext } from '../format.js';
import { readLinesInBatches } from '../json-lines.js';
import { GoTestReader } from './go-test.js';
import { RerunsAsAttempts } from './reruns.js';

// An event line: test2json writes `Time` (when known), then `Action`, then `Package` or `ImportPath` (none when
// `go tool test2json` runs a test binary), then `Test`.
const EVENT =
  /^\s*\{[^\n]*"Action"\s*:\s*"(?:start|run|output|pass|fail|skip|pause|cont|bench|build-output|build-fail)"[^\n]*"(?:Package|ImportPath|Test)"\s*:/m;

function readGoTestJsonInBatches(chunks: AsyncIterable<string>, ctx: ReadContext): AsyncGenerator<readonly TestResult[], void, undefined> {
  return readLinesInBatches(chunks, new RerunsAsAttempts(new GoTestReader(ctx.source), ctx));
}

export const goTestJson: Format = {
  id: 'go-test-json',
  label: 'go test -json',
  writtenBy: '`go test -json ./... > results.json`',
  sniff: (head) => EVENT.test(head),
  async *parse(chunks, ctx) {
    for await (const batch of readGoTestJsonInBatches(chunks, ctx)) yield* batch;
  },
  parseInBatches: readGoTestJsonInBatches,
};
