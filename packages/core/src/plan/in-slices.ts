/**
 * Planning work done a slice at a time, the event loop served between slices. The upload describes its entries
 * (10,000 results: 100–200 ms of CPU) while the run's create is in flight: in one piece, the work would hold up
 * sending the create and reading its answer, and the pause before the first write (where the rate limit's window
 * stays unused) would be as long as before.
 */

/** Items handled between two turns of the event loop: a few milliseconds of describing. */
export const SLICE_ITEMS = 250;

/** One turn of the event loop: I/O and timers due (a request going out, an answer coming in) are served. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * `each` for every item, `slice` at a time, a turn of the event loop before each slice (the first included: what
 * the caller started just before, such as a request, goes out first).
 */
export async function inSlices<T>(
  items: readonly T[],
  each: (item: T, index: number) => void,
  { slice = SLICE_ITEMS, turn = nextTurn }: { slice?: number; turn?: () => Promise<void> } = {},
): Promise<void> {
  const size = Math.max(1, Math.floor(slice));
  for (let start = 0; start < items.length; start += size) {
    await turn();
    const end = Math.min(items.length, start + size);
    for (let i = start; i < end; i++) each(items[i] as T, i);
  }
}
