/**
 * Where a character of a JSON document read in pieces lies: its byte offset in the UTF-8 file, its line and
 * column. What was already dropped is counted as it is dropped, so an error names its place without the text
 * being kept.
 */
export class TextPosition {
  /** UTF-8 bytes, newlines, and characters since the last newline, of the text dropped so far. */
  private bytes = 0;
  private lines = 0;
  private column = 0;

  /** The first `length` characters of `buffer` are about to be dropped. */
  drop(buffer: string, length: number): void {
    if (length === 0) return;
    const dropped = length === buffer.length ? buffer : buffer.slice(0, length);
    this.bytes += Buffer.byteLength(dropped);
    const last = this.countLines(dropped);
    this.column = last === -1 ? this.column + length : length - last - 1;
  }

  /** 0-based byte offset, 1-based line and column of `offset` in `buffer` (whose start is where dropping stopped). */
  at(buffer: string, offset: number): { byte: number; line: number; column: number } {
    const before = buffer.slice(0, offset);
    let line = this.lines;
    let last = -1;
    for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) {
      line += 1;
      last = i;
    }
    return {
      byte: this.bytes + Buffer.byteLength(before),
      line: line + 1,
      column: (last === -1 ? this.column + offset : offset - last - 1) + 1,
    };
  }

  /** Adds the newlines of `text` to the count; the index of the last one, or -1. */
  private countLines(text: string): number {
    let last = -1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      this.lines += 1;
      last = i;
    }
    return last;
  }
}

/** `byte offset 1234 (line 5, column 3)`. */
export function describePosition(where: { byte: number; line: number; column: number }): string {
  return `byte offset ${where.byte} (line ${where.line}, column ${where.column})`;
}
