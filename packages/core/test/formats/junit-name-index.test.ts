// The suite's name index (repeats of a testcase name): the same answers as a Map, whatever the names.
import { describe, expect, it } from 'vitest';
import { parseJUnit } from '../../src/formats/junit/junit.js';
import { NameIndex } from '../../src/formats/junit/name-index.js';

/** Names that agree on length, ends and middle: every one lands in the same place of the index. */
const colliding = (count: number): string[] => Array.from({ length: count }, (_, i) => `t${String(i).padStart(5, '0')}-----x-----end`);
const varied = (count: number): string[] => Array.from({ length: count }, (_, i) => `BIG-${i % 50} does thing ${i}`);

describe('NameIndex', () => {
  for (const [what, names] of [
    ['distinct names', varied(5000)],
    ['names that collide', colliding(3000)],
    ['a few names', ['', 'a', 'ab', 'abc']],
  ] as const) {
    it(`answers as a Map does: ${what}, stored and read again, repeats replacing`, () => {
      const index = new NameIndex<number>();
      const reference = new Map<string, number>();
      names.forEach((name, i) => {
        expect(index.get(name)).toBe(reference.get(name));
        index.set(name, i);
        reference.set(name, i);
        // Every third name is stored again: a repeat replaces the value.
        if (i % 3 === 0) {
          index.set(name, -i);
          reference.set(name, -i);
        }
      });
      for (const name of [...names, 'missing', 'BIG-1 does thing 99999', colliding(1)[0]?.replace('t', 'u') ?? '']) {
        expect(index.get(name)).toBe(reference.get(name));
      }
      index.clear();
      expect(index.get(names[0] as string)).toBeUndefined();
    });
  }
});

describe('repeats among names that collide in the index', () => {
  it('finds each repeat of 600 testcases whose names agree on length and ends', () => {
    const names = colliding(600);
    const testcases = [...names, names[7], names[500]].map((name) => `<testcase classname="c" name="${name}"/>`).join('');
    const warnings: string[] = [];
    const results = parseJUnit(`<testsuite name="s">${testcases}</testsuite>`, 'r.xml', (message) => warnings.push(message));
    expect(results).toHaveLength(602);
    expect(warnings).toEqual([
      `r.xml: 2 testcase(s) repeat the classname and name of an earlier one in the same suite ("${names[7]} (c)", "${names[500]} (c)"); ` +
        'each is read as a result of its own and the worst decides the case. If your test runner writes reruns this way (gotestsum --rerun-fails, jest-junit with retries), set repeats-are-retries (--repeats-are-retries).',
    ]);
  });
});
