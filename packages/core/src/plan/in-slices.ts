/**
 * Planning work done a slice at a time, the event loop served between slices, while a request is in flight. The
 * upload describes its entries (10,000 results: 100–200 ms of CPU, cold) while the run's create is in flight: in
 * one piece, the work would hold up sending the create and reading its answer; once the create is answered, what
 * is left is described as the batches are taken (plan/batches.ts, describedWhenRead), so the first write waits
 * only for its own entries.
 */

/** Items handled between two turns of the event loop: a few milliseconds of describing. */
export const SLICE_ITEMS = 250;

/** One turn of the event loop: I/O and timers due (a request going out, an answer coming in) are served. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * `each` for every item in order, `slice` at a time, a turn of the event loop before each slice (the first
 * included: what the caller started just before, such as a request, goes out first). Stops before a slice once
 * `until()` says so; resolves with how many items were handled.
 */
export async function inSlices<T>(
  items: readonly T[],
  each: (item: T, index: number) => void,
  { slice = SLICE_ITEMS, turn = nextTurn, until = () => false }: { slice?: number; turn?: () => Promise<void>; until?: () => boolean } = {},
): Promise<number> {
  const size = Math.max(1, Math.floor(slice));
  let start = 0;
  for (; start < items.length; start += size) {
    await turn();
    if (until()) return start;
    const end = Math.min(items.length, start + size);
    for (let i = start; i < end; i++) each(items[i] as T, i);
  }
  return items.length;
}

/**
 * `work` while `opening` (begun by the caller) is in flight: `work` hears whether it has settled. Waits for both
 * whatever happens to either, so nothing is left running, then answers as `opening` did (its error first).
 */
export async function alongside<T>(opening: Promise<T>, work: (settled: () => boolean) => Promise<unknown>): Promise<T> {
  let settled = false;
  const tracked = opening.finally(() => (settled = true));
  const [opened, done] = await Promise.allSettled([tracked, work(() => settled)]);
  if (opened.status === 'rejected') throw opened.reason;
  if (done.status === 'rejected') throw done.reason;
  return opened.value;
}

/**
 * Gives `entry` a `description` worked out by `describe` when first read, then kept (or as set): JSON, spreads and
 * reads see a plain string property. The upload's entries are described so, as their batches are taken.
 */
export function describedWhenRead<E extends { description: string }>(entry: E, describe: () => string): E {
  let text: string | undefined;
  Object.defineProperty(entry, 'description', {
    enumerable: true,
    configurable: true,
    get: () => (text ??= describe()),
    set: (value: string) => (text = value),
  });
  return entry;
}
