/** Small text helpers for what ends up in a description: plain, bounded, and safe to cut. */

/* eslint-disable no-control-regex -- matching terminal control characters is the point of these patterns */
// OSC (hyperlinks, titles), CSI (colours, cursor moves, also the 8-bit form) and two-character escapes.
const ANSI = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;
// Every other control character except tab and new line; a stray one would garble the service's UI.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/* eslint-enable no-control-regex */

/** Terminal escapes and control characters removed, line ends made `\n`. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '').replace(/\r\n?/g, '\n').replace(CONTROL, '');
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
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The first line that is not blank, trimmed, at most `max` characters (then ending in `…`). */
export function firstLine(text: string, max = 200): string {
  const line =
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  return line.length > max ? `${safeSlice(line, max - 1)}…` : line;
}
