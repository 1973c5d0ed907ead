/**
 * Line and column of an offset in a document read in pieces: the lines of the pieces already dropped are
 * counted once, when they are dropped, so an error can name its position without keeping the text.
 */
export class XmlPosition {
  /** Line breaks before the current buffer. */
  private lines = 0;
  /** Characters between the last line break before the buffer and the buffer's start. */
  private column = 0;

  /** The first `length` characters of `buffer` are about to be dropped. */
  advance(buffer: string, length: number): void {
    const last = buffer.lastIndexOf('\n', length - 1);
    if (last === -1) {
      this.column += length;
      return;
    }
    for (let i = buffer.indexOf('\n'); i !== -1 && i < length; i = buffer.indexOf('\n', i + 1)) this.lines += 1;
    this.column = length - last - 1;
  }

  /** 1-based line and column of `offset` in the current buffer. */
  at(buffer: string, offset: number): { line: number; column: number } {
    let line = this.lines + 1;
    let lineStart = -1;
    for (let i = buffer.indexOf('\n'); i !== -1 && i < offset; i = buffer.indexOf('\n', i + 1)) {
      line += 1;
      lineStart = i;
    }
    return { line, column: lineStart === -1 ? this.column + offset + 1 : offset - lineStart };
  }
}
