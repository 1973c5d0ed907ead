import { describe, expect, it } from 'vitest';
import { clip, normaliseTags, secondsToMs, splitMessageAndStack } from '../../src/formats/text.js';
import { stripAnsi } from '../../src/text.js';

describe('text helpers', () => {
  it('strips colour codes and OSC 8 hyperlinks', () => {
    expect(stripAnsi('\u001b[1m\u001b[31mred\u001b[39m\u001b[22m')).toBe('red');
    expect(stripAnsi('\u001b]8;;https://x.test\u0007link\u001b]8;;\u0007')).toBe('link');
  });

  it('clips to about the limit, keeping head and tail', () => {
    const clipped = clip(`HEAD${'x'.repeat(1000)}TAIL`, 100);
    expect(clipped.startsWith('HEAD')).toBe(true);
    expect(clipped.endsWith('TAIL')).toBe(true);
    expect(clipped).toContain('[908 characters omitted]');
    expect(clip('short', 100)).toBe('short');
  });

  it.each([
    ['1,234', 1_234_000],
    ['0,123', 123],
    ['12,5', 12_500],
    [' 2 ', 2000],
    ['1e400', undefined],
    ['0x10', undefined],
    [undefined, undefined],
  ])('reads seconds %j as %j ms', (value, ms) => {
    expect(secondsToMs(value)).toBe(ms);
  });

  it('normalises tags', () => {
    expect(normaliseTags(['smoke', '@@fast', ' @slow ', '', 3, 'smoke'])).toEqual(['@smoke', '@fast', '@slow']);
  });

  it('splits a failure into message and stack at the first frame', () => {
    expect(splitMessageAndStack('Error: x\n    at a (b:1:2)')).toEqual({ message: 'Error: x', stack: 'Error: x\n    at a (b:1:2)' });
    expect(splitMessageAndStack('  ')).toEqual({});
  });
});
