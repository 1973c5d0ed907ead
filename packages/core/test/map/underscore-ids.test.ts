/**
 * `<PREFIX>_<n>` ids in names that cannot hold a hyphen, as real producers write them: pytest function and
 * class names (`--junitxml`), Go test functions and subtests (go-junit-report, gotestsum), Java methods.
 */
import { describe, expect, it } from 'vitest';
import { caseReferences } from '../../src/map/references.js';
import { mapResults } from '../../src/map/mapping.js';
import { parseJUnit } from '../../src/formats/junit/junit.js';
import { makeResult } from './make-result.js';

function refs(name: string, extra: Parameters<typeof makeResult>[1] = {}): string[] {
  return caseReferences(makeResult(name, extra), 'DEMO');
}

describe('underscore ids', () => {
  it.each([
    ['test_demo_12_update_quantity', ['DEMO-12']],
    ['TestCheckout_DEMO_16', ['DEMO-16']],
    ['TestCheckout/DEMO_16_pays_by_card', ['DEMO-16']],
    ['test_update[DEMO_7]', ['DEMO-7']],
    ['test_demo_012', ['DEMO-12']],
    ['DEMO_3 and DEMO-4', ['DEMO-4', 'DEMO-3']],
    ['test_demo_3_and_demo_4', ['DEMO-3', 'DEMO-4']],
    ['DEMO-5 DEMO_5', ['DEMO-5']],
  ])('%j → %j', (name, expected) => {
    expect(refs(name)).toEqual(expected);
  });

  it.each([
    ['TestCheckoutDEMO_16'],
    ['test_demo_16b'],
    ['test_xdemo_3'],
    ['test_ABC-DEMO_3'],
    ['test_demo_3_4_versions'],
    ['test_demo_3.4'],
    ['test_demo12'],
    ['test_demo_'],
  ])('%j → nothing', (name) => {
    expect(refs(name)).toEqual([]);
  });

  it('reads the JUnit classname (a Python class, a Java class)', () => {
    expect(refs('test_updates', { classname: 'tests.DEMO_16' })).toEqual(['DEMO-16']);
    expect(refs('works', { classname: 'com.shop.Checkout_DEMO_2Test' })).toEqual([]);
  });

  it('works for a prefix holding an underscore', () => {
    expect(caseReferences(makeResult('test_my_app_5_works'), 'MY_APP')).toEqual(['MY_APP-5']);
  });

  it('maps pytest and Go JUnit output and reports an id naming no case as unknown', () => {
    const xml = `<testsuites name="pytest tests"><testsuite name="pytest">
      <testcase classname="tests.test_cart" name="test_demo_1_update_quantity"/>
      <testcase classname="tests.DEMO_2" name="test_total"/>
      <testcase classname="tests.test_cart" name="test_demo_999_no_such_case"/>
      <testcase classname="tests.test_cart" name="test_no_id"/>
    </testsuite><testsuite name="example.com/shop">
      <testcase classname="example.com/shop" name="TestCheckout_DEMO_3"/>
      <testcase classname="example.com/shop" name="TestCheckout_DEMO_3/pays_by_card"/>
    </testsuite></testsuites>`;
    const results = parseJUnit(xml, 'report.xml');
    const cases = [1, 2, 3].map((n) => ({ id: `00000000-0000-4000-8000-00000000000${n}`, human_id: `DEMO-${n}`, title: `case ${n}` }));
    const report = mapResults(results, cases, 'DEMO');
    expect(report.mapped.map((m) => [m.testCase.human_id, m.results.map((r) => r.name)])).toEqual([
      ['DEMO-1', ['test_demo_1_update_quantity']],
      ['DEMO-2', ['test_total']],
      ['DEMO-3', ['TestCheckout_DEMO_3', 'TestCheckout_DEMO_3/pays_by_card']],
    ]);
    expect(report.unknown.map((u) => [u.reference, u.results.map((r) => r.name)])).toEqual([['DEMO-999', ['test_demo_999_no_such_case']]]);
    expect(report.unmapped.map((r) => r.name)).toEqual(['test_no_id']);
  });
});
