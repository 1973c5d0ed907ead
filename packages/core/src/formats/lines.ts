/**
 * A result file's text cut into lines as it comes, for the formats read line by line (`go test -json` and Dart's
 * events, TAP): memory holds one line, never the file, and a line longer than the limit (a test printing
 * megabytes on one line) keeps its first part, the rest skipped as it comes rather than gathered and cut.
 */

/** Longest line kept whole by default. */
const MAX_LINE_CHARS = 16 * 1024 * 1024;

export interface TextLine {
  /** The line without its line break (`\n` or `\r\n`). */
  text: string;
  /** 1-based. */
  line: number;
}

export async function* textLines(chunks: AsyncIterable<string>, maxLineChars = MAX_LINE_CHARS): AsyncGenerator<TextLine, void, undefined> {
  let lineNumber = 0;
  const line = (raw: string): TextLine => {
    const cut = raw.length > maxLineChars ? raw.slice(0, maxLineChars) : raw;
    return { text: cut.endsWith('\r') ? cut.slice(0, -1) : cut, line: ++lineNumber };
  };
  // The start of the line not yet ended: at most maxLineChars, the rest of a longer line skipped up to its end.
  let pending = '';
  let skipping = false;
  for await (const chunk of chunks) {
    const first = chunk.indexOf('\n');
    if (first === -1) {
      // Only the new piece is searched for the line's end, never the part already held.
      if (!skipping) pending += chunk;
      if (pending.length > maxLineChars) {
        pending = pending.slice(0, maxLineChars);
        skipping = true;
      }
      continue;
    }
    yield line(skipping ? pending : pending + chunk.slice(0, first));
    skipping = false;
    let start = first + 1;
    for (let end = chunk.indexOf('\n', start); end !== -1; end = chunk.indexOf('\n', start)) {
      yield line(chunk.slice(start, end));
      start = end + 1;
    }
    pending = chunk.slice(start);
    if (pending.length > maxLineChars) {
      pending = pending.slice(0, maxLineChars);
      skipping = true;
    }
  }
  if (pending !== '') yield line(pending);
}
