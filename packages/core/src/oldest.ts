/**
 * "The oldest wins": the one rule uploads that cannot talk to each other apply when two of them made the same
 * thing at once (a run of one run key, a test case of one test, a folder of one path). Oldest by creation time,
 * then by the tie-breakers given (e.g. the number in a human id, which the service counts up), then by id: every
 * job sorts the same list the same way and so picks the same winner. A leaf: it imports nothing.
 */
export interface Aged {
  id: string;
  /** Milliseconds since the epoch; unknown sorts first. */
  created_at?: number;
}

/** A comparator putting the oldest first, by creation time, then each tie-breaker (smaller first), then id. */
export function byAge<T extends Aged>(...tieBreakers: ((item: T) => number)[]): (a: T, b: T) => number {
  return (a, b) => {
    const byTime = (a.created_at ?? 0) - (b.created_at ?? 0);
    if (byTime !== 0) return byTime;
    for (const key of tieBreakers) {
      const byKey = key(a) - key(b);
      if (byKey !== 0) return byKey;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/** The oldest of `items` (see byAge), or undefined when there are none. */
export function oldest<T extends Aged>(items: readonly T[], ...tieBreakers: ((item: T) => number)[]): T | undefined {
  return [...items].sort(byAge(...tieBreakers))[0];
}
