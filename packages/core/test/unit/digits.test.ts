import { describe, expect, it } from 'vitest';
import { withThousands } from '../../src/digits.js';

describe('withThousands', () => {
  it('writes whole numbers as en-US does', () => {
    for (const n of [0, 1, 12, 999, 1000, 12_345, 123_456, 1_234_567, -1234, -999, 10_000, Number.MAX_SAFE_INTEGER]) {
      expect(withThousands(n)).toBe(n.toLocaleString('en-US'));
    }
  });

  it('leaves fractions and huge numbers to toLocaleString', () => {
    expect(withThousands(1234.5)).toBe('1,234.5');
    expect(withThousands(1e21)).toBe((1e21).toLocaleString('en-US'));
  });
});
