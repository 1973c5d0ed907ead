// Mocha's json reporter and mochawesome: files written here by the real producers (test/fixtures/native/mocha,
// see its README) and dorny/test-reporter's Mocha file, read as a user's files are.
import { describe, expect, it } from 'vitest';
import { MOCHA_RETRY_NOT_KEPT } from '../../src/formats/mocha/mocha.js';
import { readFixture, rows } from './read-fixture.js';

describe('Mocha JSON', () => {
  it('reads what mocha 12 wrote: suites joined in fullTitle, pending, a retry, and a failed before-all hook', async () => {
    const read = await readFixture('native/mocha/mocha.json');
    expect(read.format).toBe('mocha-json');
    expect(rows(read.results)).toEqual([
      ['Cart › applies a coupon [DEMO-42]', 'skipped', undefined, undefined, 'skipped'],
      ['Cart › is pending without a body', 'skipped', undefined, undefined, 'skipped'],
      ['Cart › recovers after a retry', 'passed', 0, undefined, 'failed,passed'],
      ['Cart DEMO-41 adding items › adds one item', 'passed', 0, undefined, 'passed'],
      ['Cart DEMO-41 adding items › rejects a negative quantity', 'failed', 3, 'quantity must be positive', 'failed'],
      ['Checkout › "before all" hook for "charges the card"', 'error', 0, 'payment service unavailable', 'error'],
    ]);
    expect(read.results[2]?.attempts[0]?.message).toBe(MOCHA_RETRY_NOT_KEPT);
    expect(read.results[4]).toMatchObject({ file: '/home/runner/work/demo/demo/test/cart.test.js' });
    expect(read.results[4]?.stack?.split('\n')[0]).toBe('AssertionError [ERR_ASSERTION]: quantity must be positive');
  });

  it("reads dorny/test-reporter's file (a timeout, Windows paths)", async () => {
    const read = await readFixture('native/dorny__test-reporter/__tests__fixtures__mocha-json.json');
    expect(rows(read.results).map((r) => [r[0], r[1], r[2]])).toEqual([
      ['Timeout test', 'failed', 8],
      ['Skipped test', 'skipped', undefined],
      ['Test 1 › Passing test', 'passed', 0],
      ['Test 1 Test 1.1 › Failing test', 'failed', 1],
      ['Test 1 Test 1.1 › Exception in target unit', 'failed', 0],
      ['Test 2 › Exception in test', 'failed', 0],
    ]);
    expect(read.results[0]?.message).toMatch(/^Timeout of 1ms exceeded\./);
  });

  it('says an empty run holds no test results', async () => {
    const read = await readFixture('native/dorny__test-reporter/__tests__fixtures__empty_mocha-json.json');
    expect([read.format, read.results.length, read.warnings]).toEqual([
      'mocha-json',
      0,
      ['native/dorny__test-reporter/__tests__fixtures__empty_mocha-json.json contains no test results.'],
    ]);
  });
});

describe('mochawesome JSON', () => {
  it('reads what mochawesome 8 wrote: nested suites, hooks, tests a failed hook kept from running', async () => {
    const read = await readFixture('native/mocha/mochawesome.json');
    expect(read.format).toBe('mochawesome-json');
    expect(rows(read.results)).toEqual([
      ['Cart › applies a coupon [DEMO-42]', 'skipped', undefined, undefined, 'skipped'],
      ['Cart › is pending without a body', 'skipped', undefined, undefined, 'skipped'],
      ['Cart › recovers after a retry', 'passed', 0, undefined, 'passed'],
      ['Cart › DEMO-41 adding items › adds one item', 'passed', 0, undefined, 'passed'],
      ['Cart › DEMO-41 adding items › rejects a negative quantity', 'failed', 18, 'AssertionError: quantity must be positive', 'failed'],
      ['Checkout › "before all" hook for "charges the card"', 'error', 0, 'Error: payment service unavailable', 'error'],
      ['Checkout › charges the card', 'skipped', undefined, 'Not run: a hook of its suite failed.', 'skipped'],
    ]);
    expect(read.results[4]).toMatchObject({ file: 'test/cart.test.js' });
  });
});
