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
export function planBatches(
  entries: ResultEntry[],
  limits: { maxEntries?: number; maxBytes?: number; extraBytes?: (entry: ResultEntry) => number } = {},
): ResultEntry[][] {
  const maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a whole number ≥ 1, received ${maxEntries}`);
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be > 0, received ${maxBytes}`);

  const batches: ResultEntry[][] = [];
  let batch: ResultEntry[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const entry of entries) {
    const size = Buffer.byteLength(JSON.stringify(entry), 'utf8') + (limits.extraBytes?.(entry) ?? 0);
    const added = batch.length > 0 ? size + 1 : size;
    if (batch.length > 0 && (batch.length >= maxEntries || bytes + added > maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = ENVELOPE_BYTES;
    }
    bytes += batch.length > 0 ? size + 1 : size;
    batch.push(entry);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
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
