import { detached } from './xml-entities.js';

/**
 * Text gathered in pieces with bounded memory: the whole text while it is short, otherwise its head and its
 * tail (the end of a log or a stack usually says what went wrong) and how much lies between. A 200 MB
 * `<system-out>` costs what a 200 KB one does.
 */
export class CappedText {
  private full = '';
  private head = '';
  private tail = '';
  private total = 0;

  constructor(private readonly max: number) {}

  append(piece: string): void {
    this.total += piece.length;
    if (this.head === '') {
      this.full += piece;
      if (this.full.length <= 2 * this.max) return;
      this.head = this.full.slice(0, this.max);
      this.tail = this.full.slice(-this.max);
      this.full = '';
      return;
    }
    this.tail += piece;
    if (this.tail.length > 2 * this.max) this.tail = this.tail.slice(-this.max);
  }

  get length(): number {
    return this.total;
  }

  /**
   * The text; once it outgrew the buffer, cut the way `clip` cuts (a quarter head, the rest tail, a marker
   * saying how much was left out) to at most `max` characters, so a later clip keeps it as it is.
   */
  value(): string {
    if (this.head === '') return detached(this.full);
    const headLength = Math.floor(this.max / 4);
    const sample = `\n… [${this.total} characters omitted] …\n`;
    const tailLength = Math.max(0, this.max - headLength - sample.length);
    const marker = `\n… [${this.total - headLength - tailLength} characters omitted] …\n`;
    return `${this.head.slice(0, headLength)}${marker}${this.tail.slice(this.tail.length - tailLength)}`;
  }
}
