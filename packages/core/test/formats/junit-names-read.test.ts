import { describe, expect, it } from 'vitest';
import { NamesRead, fingerprintOf } from '../../src/formats/junit/names-read.js';
import { mulberry32 as random } from '../sim/scheduler.js';

describe('NamesRead (a suite’s names, for repeats)', () => {
  it('answers as a Map does, through lists, shared fingerprints and the move into a Map', () => {
    // Names that share a fingerprint while differing: same length, first, middle and last four characters.
    const twinA = 'test xAx middle 0001';
    const twinB = 'test xBx middle 0001';
    expect(twinA).not.toBe(twinB);
    expect(fingerprintOf(twinA)).toBe(fingerprintOf(twinB));
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const names = [twinA, twinB, '', 'a', ...Array.from({ length: 300 }, (_, i) => `case ${i} of ${Math.floor(i / 7)}`)];
      const suiteSizes = [3, 60, 128, 129, 400];
      for (const size of suiteSizes) {
        const read = new NamesRead<number>();
        const expected = new Map<string, number>();
        for (let step = 0; step < size; step += 1) {
          // Fresh strings, as the reader hands them over: equal names are equal, not the same object.
          const name = [...(names[Math.floor(next() * names.length)] as string)].join('');
          expect(read.get(name), `seed ${seed}, suite of ${size}, step ${step}`).toBe(expected.get(name));
          if (next() < 0.9) {
            read.set(name, step);
            expected.set(name, step);
          }
        }
        for (const name of names) expect(read.get(name)).toBe(expected.get(name));
        read.clear();
        for (const name of names) expect(read.get(name)).toBeUndefined();
      }
    }
  });

  it('answers as a Map does for a large suite, and for many names that share one fingerprint', () => {
    // Differing only where the fingerprint does not look: one slot, whose names are compared in turn.
    const shared = (k: number): string => `a${String(k).padStart(3, '0')}-${'b'.repeat(6)}m${'b'.repeat(4)}0001`;
    expect(fingerprintOf(shared(1))).toBe(fingerprintOf(shared(2)));
    const cases: Array<[string, string[]]> = [
      ['a large suite (moved into a Map)', Array.from({ length: 5_000 }, (_, i) => `large suite, test ${i}`)],
      ['names sharing one fingerprint', Array.from({ length: 60 }, (_, i) => shared(i))],
      ['both, in turn', Array.from({ length: 2_000 }, (_, i) => (i % 3 === 0 ? shared(i % 90) : `t${i}`))],
    ];
    for (const [what, names] of cases) {
      const next = random(names.length);
      const read = new NamesRead<number>();
      const expected = new Map<string, number>();
      for (let step = 0; step < names.length * 2; step += 1) {
        const name = [...(names[Math.floor(next() * names.length)] as string)].join('');
        expect(read.get(name), `${what}, step ${step}`).toBe(expected.get(name));
        read.set(name, step);
        expected.set(name, step);
      }
      for (const name of names) expect(read.get(name), what).toBe(expected.get(name));
    }
  });

  it('sets a name it was not asked for first', () => {
    const read = new NamesRead<string>();
    read.set('alpha', 'first');
    read.get('beta');
    read.set('alpha', 'second');
    expect(read.get('alpha')).toBe('second');
    expect(read.get('beta')).toBeUndefined();
  });
});
