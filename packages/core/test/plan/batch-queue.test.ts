/**
 * The batches planned as they are taken (plan/batches.ts, BatchQueue): the same batches as planBatches, each
 * entry measured only when its batch is taken, and batches put back in front taken first.
 */
import { describe, expect, it } from 'vitest';
import type { ResultEntry } from '../../src/api/wire.js';
import { BatchQueue, planBatches } from '../../src/plan/batches.js';

/** Entries whose description counts its reads; sizes vary so that byte limits cut batches at odd places. */
function counted(n: number): { entries: ResultEntry[]; reads: number[] } {
  const reads = Array.from({ length: n }, () => 0);
  const entries = Array.from({ length: n }, (_, i) => {
    const entry = { test_case_id: `case-${i}`, test_run_status_id: 'status', user_id: 'user' } as ResultEntry;
    Object.defineProperty(entry, 'description', {
      enumerable: true,
      get: () => {
        reads[i] = (reads[i] ?? 0) + 1;
        return 'é'.repeat((i * 37) % 90);
      },
    });
    return entry;
  });
  return { entries, reads };
}

function drain(queue: BatchQueue): ResultEntry[][] {
  const out: ResultEntry[][] = [];
  for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) out.push(batch);
  return out;
}

describe('BatchQueue', () => {
  it('takes the batches planBatches plans, by count and by bytes, extra bytes included', () => {
    for (const limits of [
      {},
      { maxEntries: 7 },
      { maxBytes: 600 },
      { maxEntries: 4, maxBytes: 450, extraBytes: (e: ResultEntry) => e.test_case_id.length * 10 },
    ]) {
      const { entries } = counted(53);
      expect(drain(new BatchQueue(entries, limits))).toEqual(planBatches(entries, limits));
    }
  });

  it('measures an entry only when its batch is taken: the first batch waits for its own entries alone', () => {
    const { entries, reads } = counted(250);
    const queue = new BatchQueue(entries, { maxEntries: 100 });
    expect(reads.every((n) => n === 0)).toBe(true);
    expect(queue.shift()).toHaveLength(100);
    // The 100 taken and the one that ended the batch (the next batch's first) were measured; nothing beyond.
    expect(reads.slice(0, 101).every((n) => n === 1)).toBe(true);
    expect(reads.slice(101).every((n) => n === 0)).toBe(true);
    expect(queue.shift()?.[0]).toBe(entries[100]);
    expect(reads[100]).toBe(1);
  });

  it('takes batches put back in front first (a refused batch halved), then goes on where it was', () => {
    const { entries } = counted(9);
    const queue = new BatchQueue(entries, { maxEntries: 4 });
    const first = queue.shift() ?? [];
    queue.unshift(first.slice(0, 2), first.slice(2));
    expect(drain(queue)).toEqual([entries.slice(0, 2), entries.slice(2, 4), entries.slice(4, 8), entries.slice(8)]);
  });

  it('has nothing to take for no entries, and refuses limits that plan nothing', () => {
    expect(new BatchQueue([]).shift()).toBeUndefined();
    expect(() => new BatchQueue([], { maxEntries: 0 })).toThrow('maxEntries must be a whole number ≥ 1, received 0');
    expect(() => new BatchQueue([], { maxBytes: 0 })).toThrow('maxBytes must be > 0, received 0');
  });
});
