/**
 * Line and column of an offset in a document read in pieces. Counting moves forward from a mark (the last
 * position asked for), so asking for every tag's position costs one pass over the text in all, and the
 * lines of pieces already dropped were counted when they were dropped: an error names its position without
 * the text being kept.
 */
export class XmlPosition {
  /** Offset in the current buffer of the mark, and the 0-based line and column there. */
  private markOffset = 0;
  private line = 0;
  private column = 0;

  /** The first `length` characters of `buffer` are about to be dropped. */
  advance(buffer: string, length: number): void {
    this.moveTo(buffer, length);
    this.markOffset -= length;
  }

  /** 1-based line and column of `offset` in the current buffer. */
  at(buffer: string, offset: number): { line: number; column: number } {
    if (offset < this.markOffset) {
      // Behind the mark (only when an error names an earlier tag): count back to the mark.
      let line = this.line;
      let column = this.column - (this.markOffset - offset);
      for (let i = buffer.lastIndexOf('\n', this.markOffset - 1); i >= offset; i = buffer.lastIndexOf('\n', i - 1)) {
        line -= 1;
        column = offset - (buffer.lastIndexOf('\n', offset - 1) + 1);
        if (i === 0) break;
      }
      return { line: line + 1, column: column + 1 };
    }
    this.moveTo(buffer, offset);
    return { line: this.line + 1, column: this.column + 1 };
  }

  private moveTo(buffer: string, offset: number): void {
    let lastBreak = -1;
    for (let i = buffer.indexOf('\n', this.markOffset); i !== -1 && i < offset; i = buffer.indexOf('\n', i + 1)) {
      this.line += 1;
      lastBreak = i;
    }
    this.column = lastBreak === -1 ? this.column + (offset - this.markOffset) : offset - lastBreak - 1;
    this.markOffset = offset;
  }
}
