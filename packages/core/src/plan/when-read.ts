/**
 * Work that waits until its result is read. The upload's entries are described so (10,000 results: 100–200 ms of
 * CPU, cold): each when its batch is taken (plan/batches.ts, BatchQueue), so the run's create and its first write
 * wait for none of it, and the rest is done while the writes wait for the rate limit. Describing them while the
 * create was in flight was tried: on a shared machine it slowed the service's answer to the create as much.
 */

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
