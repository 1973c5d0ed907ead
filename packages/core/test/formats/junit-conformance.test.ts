// The cases where JUnit readers lose results silently, each in a fixture written the way its producer writes
// it (test/fixtures/conformance/README.md): every result is read, and every skipped thing is named.
import { describe, expect, it } from 'vitest';
import { mapResults } from '../../src/map/mapping.js';
import { caseReferences } from '../../src/map/references.js';
import { isFlaky, type TestResult } from '../../src/model.js';
import { SUITE_ERROR_PROPERTY, parseJUnit } from '../../src/formats/junit/junit.js';
import { fixtureText } from './fixture-files.js';

function read(file: string, rules: { repeatsAreRetries?: boolean } = {}): { results: TestResult[]; warnings: string[] } {
  const warnings: string[] = [];
  const results = parseJUnit(fixtureText('conformance', file), file, (message) => warnings.push(message), rules);
  return { results, warnings };
}

const summary = (r: TestResult) => `${[...r.suitePath, r.name].join(' / ')}: ${r.status} [${r.attempts.map((a) => a.status).join(',')}]`;

describe('JUnit conformance', () => {
  it('jest-junit: a test file that failed to run is an error result, beside the passing files', () => {
    const { results, warnings } = read('jest-junit-suite-failed.xml');
    expect(results.map(summary)).toEqual([
      'src/checkout.test.ts / src/checkout.test.ts: error [error]',
      'cart / cart adds an item DEMO-11: passed [passed]',
      'cart / cart removes an item DEMO-12: passed [passed]',
      'cart / cart totals DEMO-13: passed [passed]',
    ]);
    expect(results[0]?.classname).toBe('Test suite failed to run');
    expect(results[0]?.message).toBe('● Test suite failed to run');
    expect(results[0]?.stack).toContain("Cannot find module './payment-gateway' from 'src/checkout.test.ts'");
    expect(warnings).toEqual([]);
  });

  it('Ant: an <error> directly in <testsuite> is a result named after the suite, with its properties and output', () => {
    const { results, warnings } = read('ant-suite-level-error.xml');
    expect(results.map(summary)).toEqual([
      'com.example.billing.InvoiceTest / totalsLines: passed [passed]',
      'com.example.billing.InvoiceTest / roundsHalfUp: passed [passed]',
      'com.example.billing.InvoiceTest: error [error]',
    ]);
    const suiteError = results[2]!;
    expect(suiteError).toMatchObject({
      suitePath: [],
      name: 'com.example.billing.InvoiceTest',
      message: 'Connection refused: localhost/127.0.0.1:5432',
      output: 'opening database\nWARN pool exhausted',
    });
    expect(suiteError.properties).toEqual([
      { name: 'java.version', value: '17.0.9' },
      { name: 'testsigma', value: 'DEMO-21' },
      { name: SUITE_ERROR_PROPERTY, value: 'error' },
    ]);
    // The mapping stage reads the suite's case id from its properties, as for any result.
    expect(caseReferences(suiteError, 'DEMO')).toEqual(['DEMO-21']);
    expect(warnings).toEqual([]);
  });

  it('a suite-level error maps by the suite name, and without an id is a result with none (reported unmapped)', () => {
    const [mapped] = parseJUnit('<testsuite name="DEMO-5 checkout"><failure message="afterAll hook failed"/></testsuite>', 's.xml');
    expect(mapped).toMatchObject({ name: 'DEMO-5 checkout', status: 'error', message: 'afterAll hook failed' });
    expect(caseReferences(mapped!, 'DEMO')).toEqual(['DEMO-5']);
    const [unmapped] = parseJUnit(
      '<testsuites><testsuite name="outer"><testsuite name="inner"><error message="boom"/></testsuite></testsuite></testsuites>',
      's.xml',
    );
    expect(unmapped).toMatchObject({ suitePath: ['outer'], name: 'inner', status: 'error', message: 'boom' });
    expect(caseReferences(unmapped!, 'DEMO')).toEqual([]);
  });

  it('the mapping stage records a suite-level error against its case, or reports it unmapped', () => {
    const results = [...read('ant-suite-level-error.xml').results, ...read('jest-junit-suite-failed.xml').results];
    const cases = [21, 11, 12, 13].map((n) => ({ id: `00000000-0000-4000-8000-0000000000${n}`, human_id: `DEMO-${n}`, title: `case ${n}` }));
    const report = mapResults(results, cases, 'DEMO');
    const suiteCase = report.mapped.find((m) => m.testCase.human_id === 'DEMO-21');
    expect(suiteCase?.results.map((r) => `${r.name}: ${r.status}`)).toEqual([
      'totalsLines: passed',
      'roundsHalfUp: passed',
      'com.example.billing.InvoiceTest: error',
    ]);
    expect(report.unmapped.map((r) => `${r.name}: ${r.status}`)).toEqual(['src/checkout.test.ts: error']);
  });

  it('gotestsum --rerun-fails, without repeats-are-retries: every run is a result of its own, and a warning names the repeats', () => {
    const { results, warnings } = read('gotestsum-rerun-fails.xml');
    expect(results.filter((r) => r.name === 'TestCheckout_DEMO_31').map((r) => r.status)).toEqual(['failed', 'passed']);
    expect(warnings.find((w) => w.includes('repeat'))).toBe(
      'gotestsum-rerun-fails.xml: 2 testcase(s) repeat the classname and name of an earlier one in the same suite ("TestCheckout_DEMO_31 (example.com/shop/cart)", "TestRefund (example.com/shop/pay)"); each is read as a result of its own and the worst decides the case. If your test runner writes reruns this way (gotestsum --rerun-fails, jest-junit with retries), set repeats-are-retries (--repeats-are-retries).',
    );
  });

  it('a parameterised test with a duplicated title that fails, then passes, is two results: the case is Failed', () => {
    const xml =
      '<testsuite name="cart"><testcase classname="cart" name="DEMO-5 adds"><failure message="1 != 2"/></testcase><testcase classname="cart" name="DEMO-5 adds"/></testsuite>';
    const warnings: string[] = [];
    const results = parseJUnit(xml, 'each.xml', (w) => warnings.push(w));
    expect(results.map((r) => r.status)).toEqual(['failed', 'passed']);
    const report = mapResults(results, [{ id: 'c5', human_id: 'DEMO-5', title: 'adds' }], 'DEMO');
    expect(report.mapped.map((m) => m.results.map((r) => r.status))).toEqual([['failed', 'passed']]);
    expect(warnings).toHaveLength(1);
  });

  it('gotestsum --rerun-fails, with repeats-are-retries: reruns at the end of the suite become attempts of one result', () => {
    const { results } = read('gotestsum-rerun-fails.xml', { repeatsAreRetries: true });
    expect(results.map(summary)).toEqual([
      'example.com/shop/cart / TestAdd: passed [passed]',
      'example.com/shop/cart / TestCheckout_DEMO_31: passed [failed,passed]',
      'example.com/shop/cart / TestRemove: passed [passed]',
      'example.com/shop/cart / TestTotals: skipped [skipped]',
      'example.com/shop/pay / TestRefund: failed [failed,failed]',
    ]);
    const flaky = results[1]!;
    expect(isFlaky(flaky)).toBe(true);
    expect(flaky.attempts.map((a) => a.durationMs)).toEqual([510, 490]);
    expect(flaky.durationMs).toBe(490);
    expect(flaky.message).toBeUndefined();
    expect(flaky.attempts[0]?.message).toBe('Failed');
  });

  it('surefire reruns keep each run, and the output written inside a run, in order', () => {
    const { results, warnings } = read('surefire-rerun.xml');
    expect(results.map(summary)).toEqual([
      'com.example.SearchTest / findsByTitle: passed [failed,passed]',
      'com.example.SearchTest / ranksExactMatchFirst: failed [failed,failed,failed]',
      'com.example.SearchTest / emptyQuery: passed [passed]',
    ]);
    expect(results[0]?.attempts[0]?.message).toBe('expected: <3> but was: <2>');
    expect(results[0]?.output).toBe('index warm\n[flakyFailure output]\nindex not warm yet (run 1)');
    expect(results[1]?.output).toBe('[rerunFailure output]\nrerun 1: cache cold\n[rerunFailure output]\nrerun 2: cache warm');
    expect(warnings).toEqual([]);
  });

  it('merged shards: tests in <testsuites> nested at any level are read, failures included', () => {
    const { results, warnings } = read('merged-shards.xml');
    expect(results.map(summary)).toEqual([
      'login / DEMO-41 signs in: passed [passed]',
      'login / DEMO-42 signs out: passed [passed]',
      'search / filters / DEMO-43 filters by price: failed [failed]',
      'search / DEMO-44 finds by title: passed [passed]',
    ]);
    expect(warnings).toEqual([]);
  });

  it('reads durations in every notation, names the unreadable one, and normalises attribute line breaks', () => {
    const { results, warnings } = read('durations-and-attributes.xml');
    expect(results.map((r) => r.durationMs)).toEqual([1500, 150, 62_000, 1_234_500, 14, undefined, 100]);
    expect(warnings).toEqual([
      'durations-and-attributes.xml: 1 testcase time could not be read as a duration ("soon"); those results are recorded without a duration. ' +
        'Expected seconds ("1.5"), a unit ("150ms", "1.5s") or a clock ("00:01:02").',
    ]);
    expect(results[6]?.name).toBe('a name  written on two lines\nkept');
    expect(results[6]?.message).toBe('first second\nthird');
  });

  it('names what it skips: elements it does not read, with where they were', () => {
    const warnings: string[] = [];
    const results = parseJUnit(
      '<testsuite name="s"><testcase name="t"><custom-report/><custom-report/></testcase><metadata><x/></metadata></testsuite>',
      'k.xml',
      (message) => warnings.push(message),
    );
    expect(results).toHaveLength(1);
    expect(warnings).toEqual([
      'k.xml: skipped 2 <custom-report> elements inside <testcase>: not part of JUnit XML as this tool reads it, so their content is not recorded.',
      'k.xml: skipped 1 <metadata> element inside <testsuite>: not part of JUnit XML as this tool reads it, so its content is not recorded.',
    ]);
  });

  it('caps a huge text while reading it, keeping its start and end', () => {
    const big = 'x'.repeat(3_000_000);
    const [r] = parseJUnit(
      `<testsuite><testcase name="t"><system-out>START${big}END</system-out><failure>${'y'.repeat(1_000_000)}</failure></testcase></testsuite>`,
      'b.xml',
    );
    expect(r?.output?.startsWith('STARTxxx')).toBe(true);
    expect(r?.output?.endsWith('xxxEND')).toBe(true);
    expect(r?.output?.length).toBeLessThanOrEqual(64 * 1024);
    expect(r?.output).toMatch(/\n… \[29\d{5} characters omitted\] …\n/);
    expect(r?.stack?.length).toBeLessThanOrEqual(64 * 1024);
  });
});
