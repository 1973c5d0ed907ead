import { describe, it, expect } from 'vitest';
import type { ResultEntry } from '../../src/api/wire.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, batchBytes, planBatches, splitBatch } from '../../src/plan/batches.js';

function entry(i: number, description = ''): ResultEntry {
  return { test_case_id: `case-${i}`, test_run_status_id: 'status', user_id: 'user', description };
}

function entries(n: number, description = ''): ResultEntry[] {
  return Array.from({ length: n }, (_, i) => entry(i, description));
}

/** Every batch within the limits, nothing lost or reordered, and each batch as full as it can be. */
function expectGreedy(batches: ResultEntry[][], input: ResultEntry[], maxEntries: number, maxBytes: number): void {
  expect(batches.flat()).toEqual(input);
  batches.forEach((batch, i) => {
    expect(batch.length).toBeGreaterThan(0);
    expect(batch.length).toBeLessThanOrEqual(maxEntries);
    if (batch.length > 1) expect(batchBytes(batch)).toBeLessThanOrEqual(maxBytes);
    const next = batches[i + 1]?.[0];
    if (next && batch.length < maxEntries) expect(batchBytes([...batch, next])).toBeGreaterThan(maxBytes);
  });
}

describe('planBatches', () => {
  it('uses 100 entries and 4 MiB by default', () => {
    expect(DEFAULT_MAX_ENTRIES).toBe(100);
    expect(DEFAULT_MAX_BYTES).toBe(4 * 1024 * 1024);
    expect(planBatches(entries(250)).map((b) => b.length)).toEqual([100, 100, 50]);
    expect(planBatches(entries(100)).map((b) => b.length)).toEqual([100]);
  });

  it('plans nothing for no entries', () => {
    expect(planBatches([])).toEqual([]);
  });

  it('bounds batches by count', () => {
    const input = entries(7);
    const batches = planBatches(input, { maxEntries: 3 });
    expect(batches).toEqual([input.slice(0, 3), input.slice(3, 6), input.slice(6)]);
    expect(planBatches(input, { maxEntries: 1 })).toHaveLength(7);
  });

  it('measures bytes as the UTF-8 size of the request body', () => {
    const batch = [entry(1, 'é😀"\n'), entry(2)];
    expect(batchBytes(batch)).toBe(Buffer.byteLength(JSON.stringify({ test_run_cases: batch }), 'utf8'));
    expect(batchBytes([])).toBe('{"test_run_cases":[]}'.length);
  });

  it('bounds batches by bytes, exactly at the limit', () => {
    const input = entries(6, 'x'.repeat(100));
    const two = batchBytes(input.slice(0, 2));
    expect(planBatches(input, { maxBytes: two }).map((b) => b.length)).toEqual([2, 2, 2]);
    expect(planBatches(input, { maxBytes: two - 1 }).map((b) => b.length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(planBatches(input, { maxBytes: batchBytes(input) }).map((b) => b.length)).toEqual([6]);
  });

  it('counts multi-byte characters by their UTF-8 size', () => {
    const ascii = entries(4, 'a'.repeat(40));
    const wide = entries(4, '😀'.repeat(10)); // the same 40 bytes in UTF-8, only 20 UTF-16 code units
    const maxBytes = batchBytes(ascii.slice(0, 2));
    expect(planBatches(ascii, { maxBytes }).map((b) => b.length)).toEqual([2, 2]);
    expect(planBatches(wide, { maxBytes }).map((b) => b.length)).toEqual([2, 2]);
    const accented = entries(4, 'é'.repeat(21)); // 42 bytes: two no longer fit
    expect(planBatches(accented, { maxBytes }).map((b) => b.length)).toEqual([1, 1, 1, 1]);
  });

  it('applies both limits, whichever comes first', () => {
    const input = [...entries(5), entry(5, 'y'.repeat(1000)), ...entries(5)];
    const batches = planBatches(input, { maxEntries: 4, maxBytes: 1000 });
    expectGreedy(batches, input, 4, 1000);
    expect(batches.map((b) => b.length)).toEqual([4, 1, 1, 4, 1]);
  });

  it('sends an entry larger than the byte limit alone, keeping the order', () => {
    const huge = entry(99, 'h'.repeat(10_000));
    const input = [entry(0), entry(1), huge, entry(2)];
    const batches = planBatches(input, { maxBytes: 1000 });
    expect(batches).toEqual([[entry(0), entry(1)], [huge], [entry(2)]]);
  });

  it('rejects limits that cannot work', () => {
    expect(() => planBatches([], { maxEntries: 0 })).toThrow(RangeError);
    expect(() => planBatches([], { maxEntries: 1.5 })).toThrow(RangeError);
    expect(() => planBatches([], { maxBytes: 0 })).toThrow(RangeError);
    expect(() => planBatches([], { maxBytes: Number.NaN })).toThrow(RangeError);
  });

  it('keeps random mixes within both limits and greedy', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const input = Array.from({ length: 2000 }, (_, i) => entry(i, 'ü'.repeat(Math.floor(random() * 3000))));
    for (const [maxEntries, maxBytes] of [
      [100, 50_000],
      [10, 1_000_000],
      [50, 8_000],
    ] as const) {
      expectGreedy(planBatches(input, { maxEntries, maxBytes }), input, maxEntries, maxBytes);
    }
  });

  // Speed is measured by `npm run bench`; this checks the large case is planned correctly.
  it('plans 100k entries', () => {
    const input = Array.from({ length: 100_000 }, (_, i) => entry(i, `Test ${i}\nOutcome: passed (status Passed) in 1.2 s\n${'s'.repeat(i % 500)}`));
    const batches = planBatches(input);
    expect(batches.flat()).toHaveLength(100_000);
    expect(batches).toHaveLength(1000);
    for (const batch of [batches[0], batches[500], batches.at(-1)]) {
      expect(batch!.length).toBeLessThanOrEqual(100);
      expect(batchBytes(batch!)).toBeLessThanOrEqual(DEFAULT_MAX_BYTES);
    }
  });
});

describe('splitBatch', () => {
  it('halves a batch, the first half taking the odd entry', () => {
    const input = entries(5);
    expect(splitBatch(input)).toEqual([input.slice(0, 3), input.slice(3)]);
    expect(splitBatch(entries(2))).toEqual([[entry(0)], [entry(1)]]);
    expect(splitBatch(entries(100)).map((b) => b.length)).toEqual([50, 50]);
  });

  it('refuses a batch that cannot be split, so a retry-on-413 loop ends', () => {
    expect(() => splitBatch([entry(0)])).toThrow('cannot split a batch of fewer than 2 entries (received 1); check batch.length > 1 first');
    expect(() => splitBatch([])).toThrow(RangeError);
  });
});
