import { describe, it, expect } from 'vitest';
import { DETAILED_PER_CASE, LISTED_RESULTS_MAX, ResultMapper, mapResults, type CaseInfo } from '../../src/map/mapping.js';
import { DEFAULT_STATUS_MAPPING } from '../../src/map/status.js';
import { describeCase } from '../../src/plan/description.js';
import { makeResult } from './make-result.js';

const case1: CaseInfo = { id: '00000000-0000-4000-8000-000000000001', human_id: 'DEMO-1', title: 'Login' };
const case2: CaseInfo = { id: '00000000-0000-4000-8000-000000000002', human_id: 'DEMO-2', title: 'Logout' };
const case3: CaseInfo = { id: '00000000-0000-4000-8000-00000000000a', human_id: 'demo-003', title: 'Profile' };
const cases = [case1, case2, case3];

describe('mapResults', () => {
  it('sorts results into mapped, unmapped and unknown', () => {
    const a = makeResult('[DEMO-1] logs in');
    const b = makeResult('no id at all');
    const c = makeResult('[DEMO-99] names no case');
    const report = mapResults([a, b, c], cases, 'DEMO');
    expect(report).toEqual({
      mapped: [{ testCase: case1, results: [a] }],
      unmapped: [b],
      unmappedTotal: 1,
      unknown: [{ reference: 'DEMO-99', results: [c], total: 1 }],
    });
  });

  it('counts a result with several ids for each known case and reports its unknown ids', () => {
    const a = makeResult('DEMO-2 DEMO-1 DEMO-77');
    const report = mapResults([a], cases, 'DEMO');
    expect(report.mapped).toEqual([
      { testCase: case2, results: [a] },
      { testCase: case1, results: [a] },
    ]);
    expect(report.unknown).toEqual([{ reference: 'DEMO-77', results: [a], total: 1 }]);
    expect(report.unmapped).toEqual([]);
  });

  it('gathers several results of one case in input order, cases in first-seen order', () => {
    const a = makeResult('DEMO-2 chromium', { project: 'chromium' });
    const b = makeResult('DEMO-1');
    const c = makeResult('DEMO-2 firefox', { project: 'firefox', status: 'failed' });
    const report = mapResults([a, b, c], cases, 'DEMO');
    expect(report.mapped.map((m) => [m.testCase.human_id, m.results])).toEqual([
      ['DEMO-2', [a, c]],
      ['DEMO-1', [b]],
    ]);
  });

  it('finds a case by UUID in any case, and counts a result naming it twice once', () => {
    const a = makeResult('DEMO-2 logs out', { properties: [{ name: 'testsigma', value: case2.id.toUpperCase() }] });
    const report = mapResults([a], cases, 'DEMO');
    expect(report.mapped).toEqual([{ testCase: case2, results: [a] }]);
  });

  it('finds a case by human id case-insensitively and without leading zeros on either side', () => {
    const a = makeResult('demo-3 opens the profile');
    const b = makeResult('DEMO-0003 again');
    const report = mapResults([a, b], cases, 'DEMO');
    expect(report.mapped).toEqual([{ testCase: case3, results: [a, b] }]);
  });

  it('lists a result whose references are all unknown only under unknown, once per reference', () => {
    const a = makeResult('x', { properties: [{ name: 'testsigma', value: 'DEMO-R-3, 11111111-2222-4333-8444-555555555555' }] });
    const b = makeResult('DEMO-404');
    const c = makeResult('DEMO-404 again');
    const report = mapResults([a, b, c], cases, 'DEMO');
    expect(report.mapped).toEqual([]);
    expect(report.unmapped).toEqual([]);
    expect(report.unknown).toEqual([
      { reference: 'DEMO-R-3', results: [a], total: 1 },
      { reference: '11111111-2222-4333-8444-555555555555', results: [a], total: 1 },
      { reference: 'DEMO-404', results: [b, c], total: 2 },
    ]);
  });

  it('uses the first of duplicate cases (a page read twice)', () => {
    const duplicate: CaseInfo = { ...case1, title: 'Login (again)' };
    const a = makeResult('DEMO-1');
    expect(mapResults([a], [case1, duplicate], 'DEMO').mapped).toEqual([{ testCase: case1, results: [a] }]);
  });

  it('handles no results and no cases', () => {
    expect(mapResults([], cases, 'DEMO')).toEqual({ mapped: [], unmapped: [], unmappedTotal: 0, unknown: [] });
    const a = makeResult('DEMO-1');
    expect(mapResults([a], [], 'DEMO')).toEqual({ mapped: [], unmapped: [], unmappedTotal: 0, unknown: [{ reference: 'DEMO-1', results: [a], total: 1 }] });
  });

  // Speed is measured by `npm run bench`; this checks the large case is handled correctly.
  it('maps 100k results against 5k cases', () => {
    const many: CaseInfo[] = Array.from({ length: 5000 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      human_id: `DEMO-${i}`,
      title: `t${i}`,
    }));
    const results = Array.from({ length: 100_000 }, (_, i) => makeResult(`suite › test ${i} [DEMO-${i % 6000}]`));
    const report = mapResults(results, many, 'DEMO');
    expect(report.mapped).toHaveLength(5000);
    expect(report.unknown).toHaveLength(1000);
  });
});

describe('ResultMapper', () => {
  it('keeps every result that names a case, and counts but stops keeping those that name none after LISTED_RESULTS_MAX', () => {
    const mapper = new ResultMapper(cases, 'DEMO');
    const named = makeResult('DEMO-1 logs in');
    for (let i = 0; i < LISTED_RESULTS_MAX + 5; i++) mapper.add(makeResult(`plain ${i}`));
    for (let i = 0; i < LISTED_RESULTS_MAX + 5; i++) mapper.add(makeResult(`DEMO-404 ${i}`));
    expect(mapper.add(named)).toEqual({ cases: [case1], unknown: [] });
    const report = mapper.report();
    expect(report.unmappedTotal).toBe(LISTED_RESULTS_MAX + 5);
    expect(report.unmapped).toHaveLength(LISTED_RESULTS_MAX);
    expect(report.unknown[0]?.total).toBe(LISTED_RESULTS_MAX + 5);
    expect(report.unknown[0]?.results).toHaveLength(LISTED_RESULTS_MAX);
    expect(report.mapped).toEqual([{ testCase: case1, results: [named] }]);
  });

  it('keeps every unmapped result when title matching needs them', () => {
    const mapper = new ResultMapper(cases, 'DEMO', { keepResults: true });
    for (let i = 0; i < LISTED_RESULTS_MAX + 1; i++) mapper.add(makeResult(`plain ${i}`));
    expect(mapper.report().unmapped).toHaveLength(LISTED_RESULTS_MAX + 1);
  });
});

describe('results of one case, read as a stream', () => {
  it(`keeps ${DETAILED_PER_CASE} failed and ${DETAILED_PER_CASE} other results, counts the rest with their outcomes, and describes every one in the status`, () => {
    const mapper = new ResultMapper(cases, 'DEMO');
    for (let i = 0; i < 25; i++) mapper.add(makeResult(`DEMO-1 pass ${i}`));
    for (let i = 0; i < 25; i++) mapper.add(makeResult(`DEMO-1 fail ${i}`, { status: 'failed', message: `boom ${i}` }));
    const [mapped] = mapper.report().mapped;
    expect(mapped!.results.map((r) => r.name)).toEqual([
      ...Array.from({ length: DETAILED_PER_CASE }, (_, i) => `DEMO-1 pass ${i}`),
      ...Array.from({ length: DETAILED_PER_CASE }, (_, i) => `DEMO-1 fail ${i}`),
    ]);
    expect(mapped!.beyond).toEqual({ count: 30, failed: 15, outcomes: ['passed', 'failed'] });
    const text = describeCase(mapped!, { mapping: DEFAULT_STATUS_MAPPING });
    expect(text).toMatch(/^50 automated tests map to this case; the worst outcome decides its status: Failed\. The 25 failed tests are listed first\.\n/);
    expect(text).toContain('\n\nTest 1 of 50: DEMO-1 fail 0\n');
    expect(text).toContain('\n\nTest 20 of 50: DEMO-1 pass 9\n');
    expect(text).toContain('\n\n… and 30 more test(s) (15 of them failed), counted in the status but not listed here: see the CI job.');
  });

  it('counts beyond the kept results each outcome once, in the order first seen, flaky told from passed', () => {
    const mapper = new ResultMapper(cases, 'DEMO');
    for (let i = 0; i < DETAILED_PER_CASE; i++) mapper.add(makeResult(`DEMO-1 pass ${i}`));
    for (let i = 0; i < DETAILED_PER_CASE; i++) mapper.add(makeResult(`DEMO-1 fail ${i}`, { status: 'error' }));
    const flaky = { status: 'passed' as const, attempts: [{ status: 'failed' as const }, { status: 'passed' as const }] };
    mapper.add(makeResult('DEMO-1 skipped', { status: 'skipped' }));
    mapper.add(makeResult('DEMO-1 flaky', flaky));
    mapper.add(makeResult('DEMO-1 errored', { status: 'error' }));
    mapper.add(makeResult('DEMO-1 skipped again', { status: 'skipped' }));
    mapper.add(makeResult('DEMO-1 passed', { status: 'passed' }));
    mapper.add(makeResult('DEMO-1 failed', { status: 'failed' }));
    mapper.add(makeResult('DEMO-1 flaky again', flaky));
    const [mapped] = mapper.report().mapped;
    expect(mapped!.results).toHaveLength(2 * DETAILED_PER_CASE);
    expect(mapped!.beyond).toEqual({ count: 7, failed: 2, outcomes: ['skipped', 'flaky', 'error', 'passed', 'failed'] });
  });

  it('counts nothing beyond a case whose results were all kept', () => {
    const mapper = new ResultMapper(cases, 'DEMO');
    mapper.add(makeResult('DEMO-1 pass'));
    expect(mapper.report().mapped[0]!.beyond).toBeUndefined();
  });
});
