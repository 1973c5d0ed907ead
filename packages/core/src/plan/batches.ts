/**
 * Result entries → request bodies bounded by count and by size (at most 100 entries and 4 MiB per call,
 * attachments included; a 413 answer splits a batch in half). Greedy and order-keeping, so a resumed upload
 * re-plans the same batches from the same entries.
 */

import type { ResultEntry } from '../api/wire.js';

export const DEFAULT_MAX_ENTRIES = 100;
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

// `{"test_run_cases":[` + `]}`: the body around the entries, which are joined by one comma each.
const ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify({ test_run_cases: [] }), 'utf8');

/** UTF-8 size of `JSON.stringify({test_run_cases: batch})`, the body the limits are measured on. */
export function batchBytes(batch: ResultEntry[]): number {
  return Buffer.byteLength(JSON.stringify({ test_run_cases: batch }), 'utf8');
}

/**
 * Greedy batches in input order. Each entry is serialised once, so 100k entries plan in linear time.
 * An entry that alone exceeds `maxBytes` is sent alone in its batch rather than dropped or refused here:
 * the limit is our estimate, not the server's, and the caller reports what the server answers (a 413 on a
 * batch of one cannot be split; see splitBatch). Descriptions are capped, so this needs a tiny `maxBytes` —
 * or large files: `extraBytes` counts what an entry adds to the request besides its JSON (its attachments), so
 * an entry with large files goes in a smaller batch, or alone.
 */
export function planBatches(entries: ResultEntry[], limits: BatchLimits = {}): ResultEntry[][] {
  const queue = new BatchQueue(entries, limits);
  const batches: ResultEntry[][] = [];
  for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) batches.push(batch);
  return batches;
}

export interface BatchLimits {
  maxEntries?: number;
  maxBytes?: number;
  extraBytes?: (entry: ResultEntry) => number;
}

/**
 * The batches of planBatches, each planned when it is taken: the first write goes out once its own entries are
 * measured (10,000 entries: 20–70 ms of serialising, and the upload's descriptions are written as they are read),
 * and the rest are planned while the writes wait for the rate limit. `unshift` puts batches back in front (a
 * refused batch's halves), as on an array.
 */
export class BatchQueue {
  private readonly front: ResultEntry[][] = [];
  private next = 0;
  /** An entry measured past the end of the last batch taken: the first of the next one. */
  private carried: { entry: ResultEntry; size: number } | undefined;
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(
    private readonly entries: readonly ResultEntry[],
    private readonly limits: BatchLimits = {},
  ) {
    this.maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError(`maxEntries must be a whole number ≥ 1, received ${this.maxEntries}`);
    if (!(this.maxBytes > 0)) throw new RangeError(`maxBytes must be > 0, received ${this.maxBytes}`);
  }

  /** The next batch, or undefined when every entry was taken. */
  shift(): ResultEntry[] | undefined {
    if (this.front.length > 0) return this.front.shift();
    const batch: ResultEntry[] = [];
    let bytes = ENVELOPE_BYTES;
    for (;;) {
      const measured = this.carried ?? this.measureNext();
      this.carried = undefined;
      if (measured === undefined) break;
      const added = batch.length > 0 ? measured.size + 1 : measured.size;
      if (batch.length > 0 && (batch.length >= this.maxEntries || bytes + added > this.maxBytes)) {
        this.carried = measured;
        break;
      }
      bytes += added;
      batch.push(measured.entry);
    }
    return batch.length > 0 ? batch : undefined;
  }

  unshift(...batches: ResultEntry[][]): void {
    this.front.unshift(...batches);
  }

  private measureNext(): { entry: ResultEntry; size: number } | undefined {
    if (this.next >= this.entries.length) return undefined;
    const entry = this.entries[this.next++] as ResultEntry;
    return { entry, size: Buffer.byteLength(JSON.stringify(entry), 'utf8') + (this.limits.extraBytes?.(entry) ?? 0) };
  }
}

/**
 * The two halves of a batch the server refused as too large (the first half gets the odd entry).
 * Throws for fewer than two entries: a single entry cannot be split, and returning it unchanged would let a
 * retry-on-413 loop run forever.
 */
export function splitBatch(batch: ResultEntry[]): [ResultEntry[], ResultEntry[]] {
  if (batch.length < 2) throw new RangeError(`cannot split a batch of fewer than 2 entries (received ${batch.length}); check batch.length > 1 first`);
  const middle = Math.ceil(batch.length / 2);
  return [batch.slice(0, middle), batch.slice(middle)];
}
