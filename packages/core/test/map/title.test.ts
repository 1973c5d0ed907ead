import { describe, expect, it } from 'vitest';
import { caseTitle, identityIn, identityLine, identityOf, normaliseTitle, parseTitlePart, titleKey, titleParts } from '../../src/map/title.js';
import { matchTitles, oldestCase } from '../../src/map/title-match.js';
import type { CaseInfo } from '../../src/map/mapping.js';
import { makeResult } from './make-result.js';

describe('title keys across producers', () => {
  // One test, `describe('Checkout') › describe('coupons') › test('rejects an expired code')`, as each writes it.
  const spellings = {
    'Playwright JSON': makeResult('rejects an expired code', { suitePath: ['Checkout', 'coupons'], file: 'checkout.spec.ts' }),
    'Playwright JUnit': makeResult('Checkout › coupons › rejects an expired code', { suitePath: ['checkout.spec.ts'], classname: 'checkout.spec.ts' }),
    'Vitest JUnit': makeResult('Checkout > coupons > rejects an expired code', { suitePath: ['tests/checkout.test.ts'], classname: 'tests/checkout.test.ts' }),
    'jest-junit (defaults)': makeResult('Checkout coupons rejects an expired code', {
      suitePath: ['Checkout'],
      classname: 'Checkout coupons rejects an expired code',
    }),
    'Jest JSON': makeResult('rejects an expired code', { suitePath: ['Checkout', 'coupons'], file: '/repo/checkout.test.js' }),
    'oddly spaced': makeResult('Rejects  an EXPIRED code', { suitePath: ['checkout ', 'Coupons'] }),
  };

  it.each(Object.entries(spellings))('%s → "checkout coupons rejects an expired code"', (_, result) => {
    expect(titleKey(result, 'full')).toBe('checkout coupons rejects an expired code');
  });

  it('leaves out suites naming a file, a package or the whole run', () => {
    expect(titleParts(makeResult('test_total', { suitePath: ['pytest'], classname: 'tests.test_cart' }))).toEqual(['test_total']);
    expect(titleParts(makeResult('TestTotal', { suitePath: ['example.com/shop/cart'] }))).toEqual(['TestTotal']);
    expect(titleParts(makeResult('adds', { suitePath: ['com.shop.CartTest'] }))).toEqual(['adds']);
    expect(titleParts(makeResult('adds', { suitePath: ['Cart', 'with items'] }))).toEqual(['Cart', 'with items', 'adds']);
  });

  it('counts the part the setting names', () => {
    const result = spellings['Playwright JUnit'];
    expect(titleKey(result, 'name')).toBe('rejects an expired code');
    expect(titleKey(result, 2)).toBe('coupons rejects an expired code');
    expect(titleKey(result, 9)).toBe('checkout coupons rejects an expired code');
    expect(caseTitle(result, 'full')).toBe('Checkout › coupons › rejects an expired code');
    expect(caseTitle(result, 'name')).toBe('rejects an expired code');
  });

  it('normalises case titles the same way', () => {
    expect(normaliseTitle(' Checkout  ›  coupons > Rejects\tan expired code ')).toBe('checkout coupons rejects an expired code');
    expect(normaliseTitle('a>b')).toBe('a>b');
  });

  it('parses the title-part setting and says what it expects', () => {
    expect(parseTitlePart(' Name ')).toEqual({ value: 'name' });
    expect(parseTitlePart('3')).toEqual({ value: 3 });
    expect(parseTitlePart(2)).toEqual({ value: 2 });
    expect(parseTitlePart('0')).toEqual({ problem: 'expected full, name, or a whole number from 1 to 20 (the last n parts of the title path)' });
    expect(parseTitlePart('last')).toHaveProperty('problem');
  });
});

describe('identity line', () => {
  it('is 16 hex digits of the key, found again in a description', () => {
    expect(identityOf('checkout pays')).toMatch(/^[0-9a-f]{16}$/);
    expect(identityOf('checkout pays')).not.toBe(identityOf('checkout pays '));
    const description = `Created by testsigma-tm.\n${identityLine('checkout pays')}\nEdited by a person.`;
    expect(identityIn(description)).toBe(identityOf('checkout pays'));
    expect(identityIn('testsigma-tm-test: nothex')).toBeUndefined();
    expect(identityIn(undefined)).toBeUndefined();
  });
});

describe('matchTitles', () => {
  const at = (n: number, title: string, extra: Partial<CaseInfo> = {}): CaseInfo => ({ id: `id-${n}`, human_id: `DEMO-${n}`, title, ...extra });

  it('takes the oldest case by creation time, then case number, then id', () => {
    expect(oldestCase([at(9, 'x', { created_at: 5 }), at(3, 'x', { created_at: 7 })]).human_id).toBe('DEMO-9');
    expect(oldestCase([at(9, 'x', { created_at: 5 }), at(3, 'x', { created_at: 5 })]).human_id).toBe('DEMO-3');
    expect(oldestCase([at(3, 'x', { created_at: 5, id: 'b' }), at(3, 'x', { created_at: 5, id: 'a' })]).id).toBe('a');
  });

  it('prefers the identity line over a title, and never guesses between equal titles', () => {
    const identity = identityLine('checkout pays');
    const cases = [at(1, 'Checkout › pays'), at(2, 'Renamed by a person', { description: identity, created_at: 1 }), at(3, 'Twice'), at(4, 'twice')];
    const pays = makeResult('pays', { suitePath: ['Checkout'] });
    const twice = makeResult('Twice');
    const fresh = makeResult('new one');
    const report = matchTitles([pays, twice, fresh], cases, { matchByTitle: true, createMissing: true, part: 'full' });
    expect(report.mapped.map((m) => m.testCase.human_id)).toEqual(['DEMO-2']);
    expect(report.renamed.map((r) => [r.testCase.human_id, r.now])).toEqual([['DEMO-2', 'Checkout › pays']]);
    expect(report.ambiguous.map((a) => [a.title, a.cases.map((c) => c.human_id)])).toEqual([['Twice', ['DEMO-3', 'DEMO-4']]]);
    expect(report.missing.map((m) => m.title)).toEqual(['new one']);
    expect(report.unmapped).toEqual([twice]);
  });

  it('takes a case listed twice (a page read again) as one case, not two with the title', () => {
    const login = at(3, 'Login');
    const result = makeResult('login');
    const report = matchTitles([result], [login, at(4, 'Logout'), { ...login }], { matchByTitle: true, createMissing: true, part: 'full' });
    expect(report.mapped).toEqual([{ testCase: login, results: [result] }]);
    expect(report.byTitle).toBe(1);
    expect(report.ambiguous).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.unmapped).toEqual([]);
  });

  it('creates one case for every result with one key (a test run in several browsers)', () => {
    const results = ['chromium', 'firefox'].map((project) => makeResult('loads', { project }));
    const report = matchTitles(results, [], { matchByTitle: false, createMissing: true, part: 'full' });
    expect(report.missing).toHaveLength(1);
    expect(report.missing[0]?.results).toEqual(results);
  });
});
