/**
 * The text helpers every folder shares (formats, plan, report): text made plain, bounded and safe to cut. One
 * module, so that a result's message is cleaned the same way when it is read and when it is described. A leaf:
 * it imports nothing.
 */

/* eslint-disable no-control-regex -- matching terminal control characters is the point of these patterns */
// OSC (hyperlinks, titles), CSI (colours, cursor moves, also the 8-bit form) and two-character escapes.
const ANSI = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;
// Every other control character except tab and new line; a stray one would garble the service's UI.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Anything that CONTROL or a line end would change: most text has none, and then one scan is all it costs.
const NOT_PLAIN = /[\r\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */

/**
 * Terminal escapes and control characters removed, line ends made `\n`. Every change begins at a character
 * NOT_PLAIN finds (an escape, a control character, a carriage return): the text before the first such character
 * is kept as it is (see isPlainBetween).
 */
export function stripAnsi(text: string): string {
  // Most text is plain: one scan says so. (NOT_PLAIN finds both escape starts too, `\u001b` and `\u009b`; two
  // scans for them came first before, for each failure's message and stack read and tallied.)
  if (!NOT_PLAIN.test(text)) return text;
  const unescaped = text.includes('\u001b') || text.includes('\u009b') ? text.replace(ANSI, '') : text;
  return NOT_PLAIN.test(unescaped) ? unescaped.replace(/\r\n?/g, '\n').replace(CONTROL, '') : unescaped;
}

/**
 * Whether `text` from `from` to `to` holds nothing stripAnsi would change: then, when everything before `from` is
 * plain too, stripAnsi(text) begins with text up to `to`.
 */
export function isPlainBetween(text: string, from: number, to: number): boolean {
  if (from >= to) return true;
  return !NOT_PLAIN.test(from === 0 && to === text.length ? text : text.slice(from, to));
}

/** The first `end` UTF-16 code units, one fewer when that would split a surrogate pair. */
export function safeSlice(text: string, end: number): string {
  if (end >= text.length) return text;
  if (end <= 0) return '';
  const last = text.charCodeAt(end - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, end - 1) : text.slice(0, end);
}

/** Text on one line: titles and names must not break the description's layout. */
export function oneLine(text: string): string {
  // Most texts (a test's title, a file) are one line already: the pattern is searched only when there is a break.
  return (text.includes('\n') ? text.replace(/\s*\n\s*/g, ' ') : text).trim();
}

/**
 * The first line that is not blank, trimmed ('' when there is none; undefined for undefined), at most `max`
 * characters (then ending in `…`).
 */
export function firstLine(text: string, max?: number): string;
export function firstLine(text: string | undefined, max?: number): string | undefined;
export function firstLine(text: string | undefined, max = Infinity): string | undefined {
  if (text === undefined) return undefined;
  // Line by line up to the first that is not blank, not split whole: the tally takes the first line of each of
  // 10,000 failures' messages (split, a call into the runtime and a list each, was 6 % of the tally's time).
  let line = '';
  for (let start = 0; start <= text.length;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const trimmed = text.slice(start, end).trim();
    if (trimmed !== '') {
      line = trimmed;
      break;
    }
    start = end + 1;
  }
  return line.length > max ? `${safeSlice(line, max - 1)}…` : line;
}

/** How many items a message lists before it only counts the rest: enough to act on, few enough to read. */
const LISTED = 20;

/**
 * The first 20 items, then how many more there are: `DEMO-1, DEMO-2, … and 18 more`. `separator` joins them (one
 * per line: `\n  - `); a message that lists cases, runs or plans lists them this way and no other.
 */
export function listed(items: readonly string[], separator = ', '): string {
  const shown = items.length > LISTED ? [...items.slice(0, LISTED), `… and ${items.length - LISTED} more`] : items;
  return shown.join(separator);
}
