/** Dart/Flutter `--reporter json` as one `Format`: recognised by its events, read line by line. Rules: ./dart.ts. */
import type { TestResult } from '../../model.js';
import type { Format, ReadContext } from '../format.js';
import { readLinesInBatches } from '../json-lines.js';
import { DartJsonReader } from './dart.js';

// The first event is `start` with the protocol version; a stream cut at the front still has typed events.
const EVENT = /^\s*\{[^\n]*"type"\s*:\s*"(?:start|suite|allSuites|testStart|group|testDone|print|error|done|debug)"/m;
const PROTOCOL = /"protocolVersion"\s*:|"testID"\s*:|"suiteID"\s*:/;

function readDartJsonInBatches(chunks: AsyncIterable<string>, ctx: ReadContext): AsyncGenerator<readonly TestResult[], void, undefined> {
  return readLinesInBatches(chunks, new DartJsonReader(ctx.source));
}

export const dartJson: Format = {
  id: 'dart-json',
  label: 'Dart/Flutter JSON',
  writtenBy: '`dart test --reporter json > results.json`, `flutter test --machine > results.json`',
  sniff: (head) => EVENT.test(head) && PROTOCOL.test(head),
  async *parse(chunks, ctx) {
    for await (const batch of readDartJsonInBatches(chunks, ctx)) yield* batch;
  },
  parseInBatches: readDartJsonInBatches,
};
