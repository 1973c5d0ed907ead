/**
 * A suite's testcase names → what a repeat of each needs (see the reader's `closeTestcase`): a look-up and a
 * store per testcase. A Map keyed by the name hashed every name in full, and each name is a new string, so
 * the hash was computed afresh every time: the hottest line of the reader (10 % of it on the bench file).
 * Here a name is placed by a few of its characters and its length (open addressing, linear probing), and
 * compared in full only with the names that land in the same place, which in a suite of distinct names are
 * almost none.
 *
 * Names that agree on those characters and lengths (a generated suite whose names differ in one middle
 * character) would make the probes long; once one probe passes MAX_PROBE slots, the index moves its names
 * into a Map and uses it from then on, so no file can make a suite cost more than a Map would.
 */
/** Room for a suite of 128 names before the first growth (most suites hold fewer); a power of two. */
const FIRST_SLOTS = 256;
const MAX_PROBE = 16;

export class NameIndex<V> {
  private keys: (string | undefined)[] = new Array<string | undefined>(FIRST_SLOTS).fill(undefined);
  private values: (V | undefined)[] = new Array<V | undefined>(FIRST_SLOTS).fill(undefined);
  private count = 0;
  /** Set once a probe ran too long: every name is in it from then on. */
  private map: Map<string, V> | undefined;

  get(name: string): V | undefined {
    if (this.map !== undefined) return this.map.get(name);
    const keys = this.keys;
    const mask = keys.length - 1;
    let at = placeOf(name) & mask;
    for (let probe = 0; probe <= mask; probe += 1) {
      const key = keys[at];
      if (key === undefined) return undefined;
      if (key === name) return this.values[at];
      at = (at + 1) & mask;
    }
    return undefined;
  }

  set(name: string, value: V): void {
    if (this.map !== undefined) {
      this.map.set(name, value);
      return;
    }
    const keys = this.keys;
    const mask = keys.length - 1;
    let at = placeOf(name) & mask;
    for (let probe = 0; ; probe += 1) {
      const key = keys[at];
      if (key === undefined) break;
      if (key === name) {
        this.values[at] = value;
        return;
      }
      if (probe === MAX_PROBE) {
        this.toMap().set(name, value);
        return;
      }
      at = (at + 1) & mask;
    }
    keys[at] = name;
    this.values[at] = value;
    this.count += 1;
    // At most half full, so that a probe of distinct names meets an empty slot soon.
    if (2 * this.count > keys.length) this.grow();
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Array<string | undefined>(2 * keys.length).fill(undefined);
    this.values = new Array<V | undefined>(2 * keys.length).fill(undefined);
    this.count = 0;
    for (let k = 0; k < keys.length; k += 1) {
      const key = keys[k];
      if (key === undefined) continue;
      // A probe that ran too long while moving the names: the rest go to the Map that took the others.
      if (this.map !== undefined) this.map.set(key, values[k] as V);
      else this.set(key, values[k] as V);
    }
  }

  /** Forget every name (the suite ended). */
  clear(): void {
    this.keys = new Array<string | undefined>(FIRST_SLOTS).fill(undefined);
    this.values = new Array<V | undefined>(FIRST_SLOTS).fill(undefined);
    this.count = 0;
    this.map = undefined;
  }

  private toMap(): Map<string, V> {
    const map = new Map<string, V>();
    for (let k = 0; k < this.keys.length; k += 1) {
      const key = this.keys[k];
      if (key !== undefined) map.set(key, this.values[k] as V);
    }
    this.map = map;
    this.keys = [];
    this.values = [];
    return map;
  }
}

/** A place for `name` from its length and four of its characters: the ends of names are where they differ. */
function placeOf(name: string): number {
  const length = name.length;
  if (length === 0) return 0;
  const a = name.charCodeAt(length - 1);
  const b = length > 1 ? name.charCodeAt(length - 2) : 0;
  const c = length > 2 ? name.charCodeAt(length - 3) : 0;
  const d = name.charCodeAt(length >> 1);
  return (Math.imul(length, 0x9e3779b1) ^ Math.imul(a, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35) ^ Math.imul(c, 0x27d4eb2f) ^ Math.imul(d, 0x165667b1)) >>> 7;
}
