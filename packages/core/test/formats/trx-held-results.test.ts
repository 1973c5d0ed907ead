// The TRX reader's held results past their memory budget: spilled to a temporary file and found again through
// the typed-array index, in the order they were held, across the index's growth and removals.
import { describe, expect, it } from 'vitest';
import { HeldResults, type Held } from '../../src/formats/trx/held-results.js';

const held = (name: string): Held => ({
  name,
  status: 'passed',
  durationMs: name.length,
  message: undefined,
  stack: name.endsWith('1') ? `stack of ${name} ✓` : undefined,
  output: undefined,
  files: name.endsWith('2') ? [{ name: 'shot.png', path: 'In/e1/shot.png' }] : undefined,
  previous: undefined,
});

describe('TRX held results', () => {
  it('gives back each test’s results in reading order, taken or left, whatever the budget', () => {
    for (const budget of [0, 4096, Number.MAX_SAFE_INTEGER]) {
      const results = new HeldResults(budget);
      for (let round = 0; round < 2; round += 1) for (let i = 0; i < 5000; i += 1) results.hold(`test-${i}`, held(`T${i} row ${round}`));
      for (let i = 0; i < 5000; i += 2) expect(results.take(`test-${i}`).map((h) => h.name)).toEqual([`T${i} row 0`, `T${i} row 1`]);
      expect(results.take('test-0')).toEqual([]);
      expect(results.take('never held')).toEqual([]);
      const rest = [...results.takeAll()];
      expect(rest.map((chain) => chain.map((h) => h.name))).toEqual(Array.from({ length: 2500 }, (_, k) => [`T${2 * k + 1} row 0`, `T${2 * k + 1} row 1`]));
      expect(rest[0]?.[0]).toEqual({ ...held('T1 row 0'), previous: undefined });
      expect([...results.takeAll()]).toEqual([]);
    }
  });
});
