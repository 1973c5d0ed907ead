/**
 * The text of a JSON string, read from a piece of the document: escapes decoded, control characters refused
 * (JSON.parse refuses them too), and a string that goes on past the piece's end resumable where it stopped.
 */
import type { LongString } from './long-string.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

/** Throws the error for what is wrong at `at`: `reason` completes "… inside a string". */
export type StringFault = (reason: string, at: number) => never;

/** Does `s` hold plain text (no escape, no control character) from `from` to `to`? The short strings' fast path. */
export function isPlain(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH || c < 0x20) return false;
  }
  return true;
}

/**
 * Adds the string's text from `from` to its closing quote, or to the end of `s`. Returns the index after the
 * closing quote, or `-1 - stop` when `s` ended first: the text before `stop` was added, and reading resumes at
 * `stop` with the next piece (an escape, or a surrogate pair, cut by the piece's end is read whole then).
 */
export function scanString(s: string, from: number, into: LongString, final: boolean, fault: StringFault): number {
  // The piece's text is gathered here and joined once: a log escapes a line break on every line, and adding each
  // line on its own (or concatenating them) measured several times slower.
  const parts: string[] = [];
  let run = from;
  // A loop over the characters: a regular expression search (one match object per escape) measured slower.
  for (let at = from; at < s.length; at++) {
    const c = s.charCodeAt(at);
    if (c !== QUOTE && c !== BACKSLASH && c >= 0x20) continue;
    if (c === QUOTE) {
      parts.push(s.slice(run, at));
      into.appendAll(parts);
      return at + 1;
    }
    if (c !== BACKSLASH) fault(`a control character (U+${c.toString(16).toUpperCase().padStart(4, '0')}) inside a string`, at);
    const escaped = decodeEscape(s, at, fault);
    if (escaped === undefined) {
      parts.push(s.slice(run, at));
      into.appendAll(parts);
      return -1 - at;
    }
    parts.push(s.slice(run, at), escaped);
    run = at + (s.charCodeAt(at + 1) === 0x75 ? 6 : 2);
    at = run - 1;
  }
  const last = s.charCodeAt(s.length - 1);
  const stop = Math.max(run, !final && last >= 0xd800 && last <= 0xdbff ? s.length - 1 : s.length);
  parts.push(s.slice(run, stop));
  into.appendAll(parts);
  return -1 - stop;
}

/** The escape at `at` (a backslash) decoded; undefined when the piece ends inside it. */
function decodeEscape(s: string, at: number, fault: StringFault): string | undefined {
  if (at + 1 >= s.length) return undefined;
  const kind = s[at + 1] as string;
  if (kind !== 'u') return ESCAPES.get(kind) ?? fault(`an invalid escape ${JSON.stringify(`\\${kind}`)} inside a string`, at);
  const hex = s.slice(at + 2, at + 6);
  const digits = /^[0-9a-fA-F]*/.exec(hex)?.[0].length ?? 0;
  if (digits === 4) return String.fromCharCode(Number.parseInt(hex, 16));
  // The piece (or the file: then the caller says so) ends inside the escape.
  if (digits === hex.length) return undefined;
  return fault(`an invalid escape ${JSON.stringify(`\\u${hex.slice(0, digits + 1)}`)} inside a string`, at);
}
