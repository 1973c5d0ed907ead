// The ids of a test's name are found by hand (scanHyphenIds in references.ts) where the patterns would find
// them: both must give the same references, in the same order, for any name. The expectation here applies the
// patterns the way references.ts documents them, to names built from the pieces that decide a match.
import { describe, expect, it } from 'vitest';
import { caseReferences, normaliseHumanId } from '../../src/map/references.js';
import { makeResult } from './make-result.js';

/** The documented patterns (references.ts, idPatterns) for a prefix, applied to a name alone. */
function expectedReferences(name: string, prefix: string): string[] {
  // A `-` in place, or one of the dashes read as it: then those dashes glue too.
  const dashes = '\\u2010-\\u2013\\u2212';
  const hyphen = new RegExp(
    `(?<![\\p{L}\\p{N}-])${prefix}-\\d+(?![\\p{L}\\p{N}-]|\\.\\p{N})|(?<![\\p{L}\\p{N}${dashes}-])${prefix}[${dashes}]\\d+(?![\\p{L}\\p{N}${dashes}-]|\\.\\p{N})`,
    'giu',
  );
  const underscore = new RegExp(`(?<![\\p{L}\\p{N}-])${prefix}_\\d+(?![\\p{L}\\p{N}]|_\\p{N}|\\.\\p{N})`, 'giu');
  const found: string[] = [];
  for (const match of name.matchAll(hyphen)) found.push(normaliseHumanId(match[0].replace(/[\u2010-\u2013\u2212](?=\d+$)/u, '-')));
  for (const match of name.matchAll(underscore)) found.push(normaliseHumanId(match[0].replace(/_(?=\d+$)/, '-')));
  return [...new Set(found)];
}

/** Pieces that sit on every side of a match: the prefix in several cases, digits, boundaries, other scripts. */
const PIECES = [
  'BIG',
  'big',
  'Big',
  'BIg',
  'BIG-',
  '-',
  '_',
  '0',
  '7',
  '12',
  '007',
  '.',
  '.5',
  ' ',
  'x',
  'é',
  'Ж',
  '٣',
  '\u212A',
  'K',
  '[',
  ']',
  '/',
  'A',
  'IG',
  '\u2011',
  '\u2013',
  '\u2014',
  '\u2212',
];

/** A small deterministic generator (a test must give the same names every run). */
function names(count: number, seed: number): string[] {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  return Array.from({ length: count }, () => {
    const parts = 1 + (next() % 9);
    let name = '';
    for (let k = 0; k < parts; k += 1) name += PIECES[next() % PIECES.length];
    return name;
  });
}

describe('case references: ids in a name found by hand', () => {
  it.each(['BIG', 'K9', 'A1B'])('gives what the patterns give for 20,000 names (prefix %s)', (prefix) => {
    const generated = names(20_000, prefix.length * 7919 + 17).map((name) => name.replaceAll('BIG', prefix).replaceAll('big', prefix.toLowerCase()));
    for (const name of generated) expect(caseReferences(makeResult(name), prefix), JSON.stringify(name)).toEqual(expectedReferences(name, prefix));
  });

  it('reads the cases that decide a match', () => {
    const cases: Array<[string, string[]]> = [
      ['BIG-12 works', ['BIG-12']],
      ['big-012 and Big-7', ['BIG-12', 'BIG-7']],
      ['XBIG-3 BIG-3a BIG-R-3 ABC-BIG-3 BIG-3.5', []],
      ['BIG-3. done', ['BIG-3']],
      ['(BIG-4)[BIG-5]/BIG-6_x', ['BIG-4', 'BIG-5', 'BIG-6']],
      ['éBIG-8 BIG-9é BIG-10', ['BIG-10']],
      ['\u212AIG-1', []],
      ['BIG-1 BIG-1 BIG-2', ['BIG-1', 'BIG-2']],
      ['test_big_3 BIG-4', ['BIG-4', 'BIG-3']],
      ['BIG\u201112 BIG\u2013013 BIG\u201414', ['BIG-12', 'BIG-13']],
      ['A\u2011BIG\u20113 BIG\u20113\u20114 BIG\u2011R\u20113 A\u2013BIG-5', ['BIG-5']],
    ];
    for (const [name, expected] of cases) {
      expect(caseReferences(makeResult(name), 'BIG'), name).toEqual(expected);
      expect(expectedReferences(name, 'BIG'), name).toEqual(expected);
    }
  });
});
