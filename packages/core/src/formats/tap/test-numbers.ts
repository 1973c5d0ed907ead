/**
 * The test numbers one TAP document used, so that its plan can name the tests that never reported: one bit per
 * number (a million tests in 128 KiB), grown as numbers come, never past MAX_TRACKED. Repeated and out-of-order
 * numbers are counted for the warning that names them; neither changes what is read.
 */

/** Numbers above this are not tracked: a plan that large is checked by count alone. */
const MAX_TRACKED = 1 << 24;
/** How many ranges of missing numbers are named; the rest are counted. */
const LISTED = 10;

export type Seen = 'next' | 'repeated' | 'out-of-order';

export class TestNumbers {
  private bits = new Uint8Array(16);
  private last = 0;
  private count = 0;

  /** The number of the next test point that has none: one more than the last. */
  get next(): number {
    return this.last + 1;
  }

  add(n: number): Seen {
    this.count += 1;
    const expected = this.last + 1;
    this.last = n;
    if (n < 1 || n > MAX_TRACKED) return n === expected ? 'next' : 'out-of-order';
    const byte = (n - 1) >> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.min(Math.max(this.bits.length * 2, byte + 1), MAX_TRACKED >> 3));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << ((n - 1) & 7);
    const repeated = ((this.bits[byte] as number) & mask) !== 0;
    this.bits[byte] = (this.bits[byte] as number) | mask;
    return repeated ? 'repeated' : n === expected ? 'next' : 'out-of-order';
  }

  /** The numbers of 1..planned that never came: how many, and the first ranges of them (`3`, `5–9`). */
  missing(planned: number): { count: number; ranges: string[] } {
    if (planned > MAX_TRACKED) return { count: Math.max(0, planned - this.count), ranges: [] };
    let count = 0;
    const ranges: string[] = [];
    let from = 0;
    const close = (to: number): void => {
      if (from !== 0 && ranges.length < LISTED) ranges.push(from === to ? `${from}` : `${from}–${to}`);
      from = 0;
    };
    for (let n = 1; n <= planned; n += 1) {
      const byte = (n - 1) >> 3;
      // Past the bits grown so far, every number is missing: counted at once.
      if (byte >= this.bits.length) {
        if (from === 0) from = n;
        count += planned - n + 1;
        close(planned);
        break;
      }
      if (((this.bits[byte] as number) & (1 << ((n - 1) & 7))) === 0) {
        count += 1;
        if (from === 0) from = n;
      } else close(n - 1);
    }
    close(planned);
    return { count, ranges };
  }
}
