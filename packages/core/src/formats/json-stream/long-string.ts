/**
 * How a long JSON string is kept while it is read in pieces, so that a 200 MB string costs what a 200 KB one
 * does: its head and tail are kept, the rest only counted.
 */
import { MAX_OUTPUT_CHARS, MAX_STACK_CHARS } from '../text.js';

/**
 * - `text`: longer than `max` characters, the value is cut the way `clip` of text.ts cuts (a quarter head, the
 *   rest tail, a marker saying exactly how many characters were left out), but to at most `max` characters with
 *   the marker, so that a later clip to the same size keeps it as it is and the count stays true.
 * - `base64`: the same cut, on 4-character boundaries, with the marker itself base64-encoded, so the value still
 *   decodes (to the head's bytes, the marker's text, the tail's bytes).
 * - `whole`: kept whole up to `max`, nothing beyond (a value that is useless cut, such as a file's content).
 * - `count`: nothing is kept, only the length (values nobody reads).
 */
export interface StringLimit {
  kind: 'text' | 'base64' | 'whole' | 'count';
  max: number;
}

/** What a failure shows (messages, stacks): kept up to a stack's size. */
export const FAILURE_TEXT: StringLimit = { kind: 'text', max: MAX_STACK_CHARS };
/** Any other text a result may show (output, titles): kept up to the output's size. */
export const OTHER_TEXT: StringLimit = { kind: 'text', max: MAX_OUTPUT_CHARS };
/** A value nobody reads: only its length is counted. */
export const UNREAD: StringLimit = { kind: 'count', max: 0 };

export class LongString {
  private full = '';
  private head = '';
  /**
   * The last pieces, at least `max + 4` characters once cut, each kept as it came: joining them at every piece
   * would make strings over 128 KiB, which V8 allocates one by one outside its young space (measured ten times
   * slower on a 200 MB string).
   */
  private readonly tail: string[] = [];
  private tailLength = 0;
  private cut = false;
  private total = 0;

  constructor(private readonly limit: StringLimit) {}

  append(piece: string): void {
    this.total += piece.length;
    const { kind, max } = this.limit;
    if (kind === 'count') return;
    if (kind === 'whole') {
      this.full = this.total <= max ? this.full + piece : '';
      return;
    }
    if (!this.cut) {
      this.full += piece;
      if (this.full.length <= 2 * max + 4) return;
      this.cut = true;
      this.head = detached(this.full.slice(0, max));
      piece = this.full.slice(-max - 4);
      this.full = '';
    }
    this.tail.push(piece);
    this.tailLength += piece.length;
    while (this.tailLength - (this.tail[0] as string).length >= max + 4) this.tailLength -= (this.tail.shift() as string).length;
  }

  /** `parts` one after the other; joined into one flat string first, unless nothing is kept. */
  appendAll(parts: readonly string[]): void {
    if (this.limit.kind === 'count') {
      for (const part of parts) this.total += part.length;
      return;
    }
    this.append(parts.length === 1 ? (parts[0] as string) : parts.join(''));
  }

  /** The decoded string's whole length, kept or not. */
  get length(): number {
    return this.total;
  }

  value(): string {
    const { kind, max } = this.limit;
    if (kind === 'count' || (kind === 'whole' && this.total > max)) return '';
    const whole = this.cut ? undefined : this.full;
    if (whole !== undefined && whole.length <= max) return detached(whole);
    const head = this.cut ? this.head : (whole as string).slice(0, max);
    const tail = this.cut ? this.tail.join('') : (whole as string).slice(-max - 4);
    return kind === 'text' ? clipped(head, tail, this.total, max) : clippedBase64(head, tail, this.total, max);
  }
}

/** A complete string under `limit`: itself when short enough, otherwise cut as LongString cuts it. */
export function limited(text: string, limit: StringLimit): string {
  if (limit.kind === 'count') return '';
  if (text.length <= limit.max) return text;
  if (limit.kind === 'whole') return '';
  const long = new LongString(limit);
  long.append(text);
  return long.value();
}

/** A quarter head, a marker, the tail: `max` characters at most, marker included. */
function clipped(head: string, tail: string, total: number, max: number): string {
  const headLength = Math.floor(max / 4);
  const tailLength = Math.max(0, max - headLength - marker(total).length);
  return `${head.slice(0, headLength)}${marker(total - headLength - tailLength)}${tail.slice(tail.length - tailLength)}`;
}

const marker = (omitted: number): string => `\n… [${omitted} characters omitted] …\n`;

function clippedBase64(head: string, tail: string, total: number, max: number): string {
  const headLength = Math.floor(max / 16) * 4;
  // The tail starts on a 4-character boundary of the whole string, so that it decodes on its own.
  const tailStart = Math.ceil((total - (max - headLength)) / 4) * 4;
  const tailPart = tail.slice(tail.length - (total - tailStart));
  const omittedBytes = Math.floor(((tailStart - headLength) * 3) / 4);
  let marker = `\n… [${omittedBytes} bytes omitted] …\n`;
  // Padded to whole 3-byte groups: an `=` in the middle would end the decoding there.
  while (Buffer.byteLength(marker) % 3 !== 0) marker = ` ${marker}`;
  return `${head.slice(0, headLength)}${Buffer.from(marker).toString('base64')}${tailPart}`;
}

/**
 * A copy of `text` that does not keep the piece it was cut from alive: V8 makes a substring of 13 or more
 * characters a view of its parent, so a title kept in a result would otherwise hold a whole piece of the file
 * in memory. (Concatenation then slicing forces a flat copy.)
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}
