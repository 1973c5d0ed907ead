import { describe, it, expect } from 'vitest';
import { caseReferences, normaliseHumanId, normaliseReference } from '../../src/map/references.js';
import { makeResult } from './make-result.js';

const UUID = '3f2b8c1e-9a4d-4e5f-8b6a-0c1d2e3f4a5b';

function refsOfTitle(name: string, prefix = 'DEMO'): string[] {
  return caseReferences(makeResult(name), prefix);
}

describe('caseReferences: tokens in the title', () => {
  it.each([
    ['[DEMO-3] logs in', ['DEMO-3']],
    ['DEMO-4: logs in', ['DEMO-4']],
    ['logs in @DEMO-5', ['DEMO-5']],
    ['logs in (DEMO-6)', ['DEMO-6']],
    ['DEMO-7 logs in', ['DEMO-7']],
    ['logs in DEMO-8', ['DEMO-8']],
    ['ends a sentence with DEMO-9.', ['DEMO-9']],
    ['DEMO-10,DEMO-11/DEMO-12', ['DEMO-10', 'DEMO-11', 'DEMO-12']],
    ['TestLogin/DEMO-13_works', ['DEMO-13']],
    ['TestLogin/works_DEMO-14', ['DEMO-14']],
    ['"DEMO-15"', ['DEMO-15']],
    ['lower case demo-16 counts', ['DEMO-16']],
  ])('%j → %j', (title, expected) => {
    expect(refsOfTitle(title)).toEqual(expected);
  });

  it.each([
    ['run DEMO-R-3 is a run id'],
    ['plan DEMO-P-1 is a plan id'],
    ['XDEMO-3 has a longer prefix'],
    ['DEMO-3a has a suffix'],
    ['ABC-DEMO-3 is glued to another token'],
    ['DEMO-3-4 is glued to another number'],
    ['DEMO-3.5 is a version number'],
    ['DEMO3 has no hyphen'],
    ['DEMO- has no number'],
    ['ÄDEMO-3 is glued to a letter'],
    ['DEMO-3é is glued to a letter'],
  ])('%j → nothing', (title) => {
    expect(refsOfTitle(title)).toEqual([]);
  });

  it('does not confuse DEMO-34 with DEMO-3', () => {
    expect(refsOfTitle('DEMO-34 and DEMO-3')).toEqual(['DEMO-34', 'DEMO-3']);
  });

  it('normalises leading zeros to the form the service prints', () => {
    expect(refsOfTitle('DEMO-012 and DEMO-12 and DEMO-000')).toEqual(['DEMO-12', 'DEMO-0']);
  });

  it('scans every suite of the full title and the tags', () => {
    const result = makeResult('works', { suitePath: ['Login DEMO-1', 'form [DEMO-2]'], tags: ['@smoke', '@DEMO-3', 'demo-4'] });
    expect(caseReferences(result, 'DEMO')).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-3', 'DEMO-4']);
  });

  it('matches the prefix case-insensitively and trims it', () => {
    expect(refsOfTitle('DEMO-1', ' demo ')).toEqual(['DEMO-1']);
  });

  it('escapes regular-expression characters in the prefix', () => {
    expect(refsOfTitle('Q.A-3 QXA-4', 'Q.A')).toEqual(['Q.A-3']);
    expect(refsOfTitle('[C++-5] and CCC-6', 'C++')).toEqual(['C++-5']);
    expect(refsOfTitle('(X)-7 and X-8', '(X)')).toEqual(['(X)-7']);
    expect(refsOfTitle('A|B-9 A-1 B-2', 'A|B')).toEqual(['A|B-9']);
    expect(refsOfTitle('P$^-3', 'P$^')).toEqual(['P$^-3']);
  });

  it('works with several prefixes one after the other', () => {
    expect(refsOfTitle('DEMO-1 ABC-2', 'DEMO')).toEqual(['DEMO-1']);
    expect(refsOfTitle('DEMO-1 ABC-2', 'ABC')).toEqual(['ABC-2']);
    expect(refsOfTitle('DEMO-1 ABC-2', 'DEMO')).toEqual(['DEMO-1']);
  });

  it('ignores titles and tags when the prefix is empty', () => {
    const result = makeResult('DEMO-1', { tags: ['@DEMO-2'], properties: [{ name: 'testsigma', value: 'DEMO-3' }] });
    expect(caseReferences(result, '')).toEqual(['DEMO-3']);
    expect(caseReferences(result, '  ')).toEqual(['DEMO-3']);
  });

  it('does not read the classname, file or other fields', () => {
    const result = makeResult('works', { classname: 'DEMO-1', file: 'DEMO-2.spec.ts', message: 'DEMO-3', project: 'DEMO-4' });
    expect(caseReferences(result, 'DEMO')).toEqual([]);
  });
});

describe('caseReferences: testsigma properties', () => {
  it('reads every property named testsigma, case-insensitively, with several values each', () => {
    const result = makeResult('works', {
      properties: [
        { name: 'TestSigma', value: 'DEMO-1, demo-2  DEMO-3;DEMO-4' },
        { name: 'owner', value: 'DEMO-50' },
        { name: ' TESTSIGMA ', value: `${UUID.toUpperCase()}\nDEMO-5` },
        { name: 'testsigma_id', value: 'DEMO-51' },
      ],
    });
    expect(caseReferences(result, 'DEMO')).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-3', 'DEMO-4', UUID, 'DEMO-5']);
  });

  it('reads a testsigma property with any white space around its name, and no longer name', () => {
    const named = (name: string) => caseReferences(makeResult('works', { properties: [{ name, value: 'DEMO-7' }] }), 'DEMO');
    for (const name of ['testsigma', '\ttestsigma', 'testsigma\n', '\u00a0TestSigma', 'testsigma\ufeff', '\u2003testsigma\u2003'])
      expect(named(name)).toEqual(['DEMO-7']);
    for (const name of ['testsigma.', 'xtestsigma', 'test sigma', 'testsigma_id', '\u200btestsigma']) expect(named(name)).toEqual([]);
  });

  it('strips the punctuation people wrap ids in', () => {
    const result = makeResult('works', { properties: [{ name: 'testsigma', value: '[DEMO-1] @DEMO-2 (DEMO-3): "DEMO-4"' }] });
    expect(caseReferences(result, 'DEMO')).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-3', 'DEMO-4']);
  });

  it('keeps a value that is no id, so that it is reported as unknown rather than dropped', () => {
    const result = makeResult('works', { properties: [{ name: 'testsigma', value: 'demo-r-3, OTHER-007, login-case, , ' }] });
    expect(caseReferences(result, 'DEMO')).toEqual(['DEMO-R-3', 'OTHER-7', 'login-case']);
  });

  it('puts properties first, then the title, then the tags, each reference once', () => {
    const result = makeResult('DEMO-1 DEMO-2', { properties: [{ name: 'testsigma', value: 'DEMO-2' }], tags: ['@DEMO-1', '@DEMO-3'] });
    expect(caseReferences(result, 'DEMO')).toEqual(['DEMO-2', 'DEMO-1', 'DEMO-3']);
  });

  it('finds nothing in a plain result', () => {
    expect(caseReferences(makeResult('logs in'), 'DEMO')).toEqual([]);
  });
});

describe('normalisation', () => {
  it.each([
    ['demo-12', 'DEMO-12'],
    ['DEMO-012', 'DEMO-12'],
    ['DEMO-0', 'DEMO-0'],
    ['DEMO-00', 'DEMO-0'],
    ['DEMO-100', 'DEMO-100'],
    [' demo-r-03 ', 'DEMO-R-3'],
    ['abc', 'ABC'],
    // Already normal (given back as it is) beside near misses that must still be normalised.
    ['DEMO-R-3', 'DEMO-R-3'],
    ['DEMO_X.Y-7', 'DEMO_X.Y-7'],
    ['DEMO-', 'DEMO-'],
    ['-12', '-12'],
    ['DEMO-12 ', 'DEMO-12'],
    ['Demo-12', 'DEMO-12'],
    ['DÉMO-012', 'DÉMO-12'],
    ['DEMO-1a', 'DEMO-1A'],
  ])('normaliseHumanId(%j) → %j', (input, expected) => {
    expect(normaliseHumanId(input)).toBe(expected);
  });

  it.each([
    [UUID.toUpperCase(), UUID],
    ['demo-07', 'DEMO-7'],
    ['free text', 'free text'],
  ])('normaliseReference(%j) → %j', (input, expected) => {
    expect(normaliseReference(input)).toBe(expected);
  });
});
