/** A description worked out once, when first read (plan/when-read.ts). */
import { describe, expect, it } from 'vitest';
import { describedWhenRead } from '../../src/plan/when-read.js';

describe('describedWhenRead', () => {
  it('works the description out once, when first read; JSON and spreads see a plain string; a set value wins', () => {
    let calls = 0;
    const entry = describedWhenRead({ test_case_id: 'c', description: '' }, () => `described ${++calls}`);
    expect(calls).toBe(0);
    expect(JSON.stringify(entry)).toBe('{"test_case_id":"c","description":"described 1"}');
    expect({ ...entry }).toEqual({ test_case_id: 'c', description: 'described 1' });
    expect(entry.description).toBe('described 1');
    expect(calls).toBe(1);
    entry.description = 'with a note';
    expect(entry.description).toBe('with a note');
    expect(calls).toBe(1);
  });
});
