import { describe, it, expect } from 'vitest';
import { firstLine, listed, oneLine, safeSlice, stripAnsi } from '../../src/text.js';

describe('stripAnsi', () => {
  it('removes colours, cursor moves, hyperlinks and the 8-bit CSI form', () => {
    expect(stripAnsi('\u001b[31mred\u001b[39m \u001b[1;4mbold\u001b[0m')).toBe('red bold');
    expect(stripAnsi('a\u001b[2Kb\u001b[1Ac')).toBe('abc');
    expect(stripAnsi('\u001b]8;;https://x\u0007link\u001b]8;;\u0007')).toBe('link');
    expect(stripAnsi('\u001b]0;title\u001b\\text')).toBe('text');
    expect(stripAnsi('\u009b32mgreen')).toBe('green');
    expect(stripAnsi('\u001bMup')).toBe('up');
  });

  it('makes line ends \\n and drops other control characters, keeping tabs', () => {
    expect(stripAnsi('a\r\nb\rc\n\td\u0000e\u0007f\u007f')).toBe('a\nb\nc\n\tdef');
  });

  it('leaves plain text alone', () => {
    expect(stripAnsi('Expected: "ü 😀" [x] > y')).toBe('Expected: "ü 😀" [x] > y');
  });
});

describe('safeSlice', () => {
  it('never splits a surrogate pair', () => {
    expect(safeSlice('a😀b', 2)).toBe('a');
    expect(safeSlice('a😀b', 3)).toBe('a😀');
    expect(safeSlice('a😀b', 10)).toBe('a😀b');
    expect(safeSlice('abc', 0)).toBe('');
    expect(safeSlice('abc', -1)).toBe('');
  });
});

describe('oneLine and firstLine', () => {
  it('joins lines with one space', () => {
    expect(oneLine('  a \n  b\n\nc ')).toBe('a b c');
  });

  it('takes the first non-blank line, trimmed and capped', () => {
    expect(firstLine('\n   \n  first  \nsecond')).toBe('first');
    expect(firstLine('')).toBe('');
    expect(firstLine('abcdef', 4)).toBe('abc…');
    expect(firstLine('ab😀', 3)).toBe('ab…');
  });

  it('reads a line as split would: none but blank ones, a break at either end, a carriage return kept for trim', () => {
    for (const text of ['\n', '\n\n', ' \n\t\n ', 'one', 'one\n', '\none', '\n\n two \n', 'a\r\nb', ' \r\nb', '\u00a0\nx\u2028y\n', 'x'.repeat(300)]) {
      const expected =
        text
          .split('\n')
          .find((l) => l.trim() !== '')
          ?.trim() ?? '';
      expect(firstLine(text), JSON.stringify(text)).toBe(expected);
      expect(firstLine(text, 200)).toBe(expected.length > 200 ? `${expected.slice(0, 199)}…` : expected);
    }
  });
});

describe('listed', () => {
  const cases = (n: number): string[] => Array.from({ length: n }, (_, i) => `DEMO-${i + 1}`);

  it('lists up to 20 items whole', () => {
    expect(listed([])).toBe('');
    expect(listed(cases(1))).toBe('DEMO-1');
    expect(listed(cases(20))).toBe(cases(20).join(', '));
  });

  it('past 20, lists the first 20 and says how many more there are', () => {
    expect(listed(cases(21))).toBe(`${cases(20).join(', ')}, … and 1 more`);
    expect(listed(cases(38))).toBe(`${cases(20).join(', ')}, … and 18 more`);
  });

  it('joins with the separator given, the count too', () => {
    expect(listed(cases(22), '\n  - ')).toBe(`${cases(20).join('\n  - ')}\n  - … and 2 more`);
  });
});
