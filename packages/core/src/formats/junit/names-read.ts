/**
 * The testcase names a suite has read, each with what the reader keeps for a repeat of it: a Map's `get` and
 * `set`, made cheap for the common suite, where every name is new.
 *
 * A Map hashes every name (a fresh string, whose hash nobody computed yet) twice over: a `get` and a `set` per
 * testcase were 7.7 % of the reader's instructions on the bench file, to learn that the name was new. Here a
 * suite's first names are kept in lists beside a small number taken from a few of their characters (a
 * fingerprint), chained from a table of SLOTS heads by the fingerprint's low bits: a new name is told by a
 * look at its slot (a scan of the whole list of fingerprints was still 3 % of the reader), and only a name whose
 * fingerprint matches is compared as a string. A suite that reads more than LIST_LIMIT names moves them into a
 * Map, so a suite of 80,000 testcases costs what the Map costs.
 */

/** Names kept in lists before they move into a Map. */
const LIST_LIMIT = 128;
/** Heads of the chains of names by fingerprint (a power of two): two for each name the lists hold, at most. */
const SLOTS = 256;

export class NamesRead<T> {
  private fingerprints: number[] = [];
  private names: string[] = [];
  private values: T[] = [];
  /** Per slot (a fingerprint's low bits), 1 + the index of the last name added there; 0 for none. */
  private readonly heads = new Int32Array(SLOTS);
  /** Per name, the index of the name added before it in its slot; -1 for none. */
  private chained: number[] = [];
  private map: Map<string, T> | undefined;
  /** The name `get` looked for last, its fingerprint and where it was found (-1: not there), for its `set`. */
  private lastName: string | undefined;
  private lastFingerprint = 0;
  private lastIndex = -1;

  get(name: string): T | undefined {
    if (this.map !== undefined) return this.map.get(name);
    const index = this.find(name);
    return index === -1 ? undefined : this.values[index];
  }

  set(name: string, value: T): void {
    if (this.map !== undefined) {
      this.map.set(name, value);
      return;
    }
    const index = name === this.lastName ? this.lastIndex : this.find(name);
    if (index !== -1) {
      this.values[index] = value;
      return;
    }
    if (this.names.length < LIST_LIMIT) {
      const slot = this.lastFingerprint & (SLOTS - 1);
      this.chained.push((this.heads[slot] as number) - 1);
      this.heads[slot] = this.names.length + 1;
      this.fingerprints.push(this.lastFingerprint);
      this.names.push(name);
      this.values.push(value);
      // Found now, should the same name be set again before another is looked for.
      this.lastIndex = this.names.length - 1;
      return;
    }
    const map = new Map<string, T>();
    for (let k = 0; k < this.names.length; k += 1) map.set(this.names[k] as string, this.values[k] as T);
    map.set(name, value);
    this.map = map;
    this.clearLists();
  }

  clear(): void {
    this.map = undefined;
    this.clearLists();
  }

  private clearLists(): void {
    if (this.names.length > 0) this.heads.fill(0);
    this.chained = [];
    this.fingerprints = [];
    this.names = [];
    this.values = [];
    this.lastName = undefined;
    this.lastIndex = -1;
  }

  /** Where `name` is in the lists, -1 when it is not; remembered for a `set` of the same name. */
  private find(name: string): number {
    const fingerprint = fingerprintOf(name);
    this.lastName = name;
    this.lastFingerprint = fingerprint;
    let index = (this.heads[fingerprint & (SLOTS - 1)] as number) - 1;
    while (index !== -1 && !(this.fingerprints[index] === fingerprint && this.names[index] === name)) index = this.chained[index] as number;
    this.lastIndex = index;
    return index;
  }
}

/**
 * A small number from a name's length and a few of its characters: its last four (where the names of one suite
 * differ most: "… 12", "[param 3]"), its first and its middle one. Equal names have equal fingerprints; names
 * that only share one are then compared whole.
 */
export function fingerprintOf(name: string): number {
  const length = name.length;
  if (length === 0) return 0;
  let hash = length;
  hash = (hash * 31 + name.charCodeAt(0)) | 0;
  hash = (hash * 31 + name.charCodeAt(length >> 1)) | 0;
  for (let k = Math.max(1, length - 4); k < length; k += 1) hash = (hash * 31 + name.charCodeAt(k)) | 0;
  return hash;
}
