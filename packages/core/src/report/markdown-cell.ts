/**
 * Text from test results placed in Markdown: one line, no table or HTML breakage, bounded. Test titles and
 * messages are arbitrary text (`a | b`, `<details>`, a 50 KB diff), and one of them must not break the table
 * or the `<details>` block around it.
 */
import { oneLine, safeSlice, stripAnsi } from '../text.js';

const CELL_MAX_CHARS = 300;

export function displayCell(text: string, max = CELL_MAX_CHARS): string {
  const line = oneLine(stripAnsi(text));
  const short = line.length > max ? `${safeSlice(line, max - 1)}…` : line;
  return short.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}
