/**
 * What the event-stream formats share (`go test -json`, Dart/Flutter `--reporter json`): the text cut into
 * lines as it comes, each line parsed on its own, so memory holds one line, never the file. A line that is
 * not a JSON object is handed over as stray text rather than refused: these streams are often captured with
 * `2>&1`, so compiler output and logs sit between the events, and the reader decides what they mean.
 */
import type { TestResult } from '../model.js';
import { textLines } from './lines.js';

export type JsonLine = { kind: 'event'; event: Record<string, unknown>; line: number } | { kind: 'stray'; text: string; line: number };

async function* jsonLines(chunks: AsyncIterable<string>): AsyncGenerator<JsonLine, void, undefined> {
  for await (const { text, line } of textLines(chunks)) {
    const read = readLine(text, line);
    if (read !== undefined) yield read;
  }
}

function readLine(raw: string, line: number): JsonLine | undefined {
  const text = raw.replace(/^\uFEFF/, '');
  if (text.trim() === '') return undefined;
  if (text.trimStart().startsWith('{')) {
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { kind: 'event', event: value as Record<string, unknown>, line };
    } catch {
      // A cut or garbled event: handed over as stray text, so the reader can say where it was.
    }
  }
  return { kind: 'stray', text, line };
}

/** What a one-event-per-line format's reader does with the lines (go test -json, Dart/Flutter JSON). */
export interface LineReader {
  line(line: JsonLine): void;
  end(): void;
  take(): readonly TestResult[];
}

/** Feed every line to `reader`, handing over what it completed every 1,000 lines and at the end. */
export async function* readLinesInBatches(chunks: AsyncIterable<string>, reader: LineReader): AsyncGenerator<readonly TestResult[], void, undefined> {
  let count = 0;
  for await (const line of jsonLines(chunks)) {
    reader.line(line);
    if (++count % 1000 === 0) yield reader.take();
  }
  reader.end();
  yield reader.take();
}
