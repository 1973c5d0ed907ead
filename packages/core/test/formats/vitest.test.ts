// Vitest JSON: the report written by the real vitest 5.1.2 (test/fixtures/native/vitest) converted to exact
// results, and told apart from Jest's --json by its sniff.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseVitestJson, VITEST_NO_REASON } from '../../src/formats/vitest/vitest.js';
import { vitestJson } from '../../src/formats/vitest/index.js';
import { firstLine } from '../../src/text.js';
import { mapResults, type CaseInfo } from '../../src/map/mapping.js';
import { DEFAULT_STATUS_MAPPING, caseStatusName, outcomeOf } from '../../src/map/status.js';
import type { TestResult } from '../../src/model.js';
import { fixtureText, readManifest } from './fixture-files.js';

const reportText = fixtureText('native', 'vitest/vitest-report.json');
const report = (): TestResult[] => parseVitestJson(JSON.parse(reportText), 'vitest.json');
const ROOT = '/home/runner/work/demo/demo/test';
const HEAD = 64 * 1024;

/** What a reviewer checks per result: title path, outcome, tags, duration and the message's first line. */
const summary = (r: TestResult) => [[...r.suitePath, r.name].join(' › '), r.status, r.tags.join(' '), r.durationMs, firstLine(r.message)];

async function readWithFormat(text: string, source: string): Promise<TestResult[]> {
  async function* pieces(): AsyncIterable<string> {
    for (let i = 0; i < text.length; i += 1000) yield text.slice(i, i + 1000);
  }
  const results: TestResult[] = [];
  for await (const result of vitestJson.parse(pieces(), { source, warn: () => undefined, outsideTests: () => undefined })) results.push(result);
  return results;
}

const missingModule = `Cannot find module './does-not-exist.js' imported from ${ROOT}/broken.test.js`;

describe('Vitest JSON written by vitest', () => {
  it('gives one result per test and one error result for the file that failed to import', () => {
    expect(report().map(summary)).toEqual([
      [`${ROOT}/broken.test.js`, 'error', '', undefined, `The test file failed to run: ${missingModule}`],
      ['Login DEMO-14 › with a password › signs in a known user', 'passed', '', 2, undefined],
      [
        'Login DEMO-14 › with a password › refuses a wrong password DEMO-15',
        'failed',
        '',
        11,
        "AssertionError: expected { page: 'login' } to deeply equal { page: 'dashboard' }",
      ],
      ['Login DEMO-14 › with a password › remembers the user DEMO-16', 'skipped', '', undefined, undefined],
      ['Login DEMO-14 › with a password › locks the account after five tries DEMO-17', 'skipped', '', undefined, 'test.todo: not written yet.'],
      ['Login DEMO-14 › DEMO-18 alice lands on dashboard', 'passed', '', 1, undefined],
      ['Login DEMO-14 › DEMO-18 bob lands on dashboard', 'passed', '', 0, undefined],
      ['Login DEMO-14 › DEMO-18 mallory lands on login', 'failed', '', 2, "AssertionError: expected 'login' to be 'dashboard' // Object.is equality"],
      ['Login DEMO-14 › DEMO-19 survives a slow server', 'passed', '', 1, undefined],
      ['DEMO-20 top-level test', 'passed', '', 0, undefined],
      ['DEMO-22 keeps failing after retries', 'failed', '', 1, 'Error: still broken'],
      ['carries a tag', 'passed', '@DEMO-23', 0, undefined],
    ]);
    expect(report()[0]).toMatchObject({ file: `${ROOT}/broken.test.js`, suitePath: [], stack: missingModule });
  });

  it("removes Vitest's own stack frames and keeps the test's", () => {
    const failed = report()[2];
    expect(failed?.file).toBe(`${ROOT}/login.test.js`);
    expect(failed?.stack).toBe(`AssertionError: expected { page: 'login' } to deeply equal { page: 'dashboard' }\n    at ${ROOT}/login.test.js:12:33`);
  });

  it("reads a test that passed on its second attempt as flaky, with the first attempt's error", () => {
    const flaky = report()[8];
    expect(flaky?.attempts).toEqual([
      {
        status: 'failed',
        message: 'Error: server answered 503 (attempt 1)',
        stack: `Error: server answered 503 (attempt 1)\n    at ${ROOT}/login.test.js:30:29`,
      },
      { status: 'passed', durationMs: 1 },
    ]);
    expect(flaky && outcomeOf(flaky)).toBe('flaky');
  });

  it('keeps every error of a test that failed all its retries in one final attempt', () => {
    const failed = report()[10];
    expect(failed?.attempts).toHaveLength(1);
    expect(failed?.stack).toBe(`Error: still broken\n    at ${ROOT}/login.test.js:37:9\n\nError: still broken\n    at ${ROOT}/login.test.js:37:9`);
  });

  it('maps ids in describe titles, test titles and Vitest tags', () => {
    const cases: CaseInfo[] = [14, 15, 18, 21, 23].map((n) => ({ id: `00000000-0000-4000-8000-0000000000${n}`, human_id: `DEMO-${n}`, title: `case ${n}` }));
    const mapping = mapResults(report(), cases, 'DEMO');
    const byCase = new Map(mapping.mapped.map((m) => [m.testCase.human_id, m.results]));
    expect(byCase.get('DEMO-14')).toHaveLength(8);
    expect(byCase.get('DEMO-18')?.map((r) => r.status)).toEqual(['passed', 'passed', 'failed']);
    expect(caseStatusName(byCase.get('DEMO-18') ?? [], DEFAULT_STATUS_MAPPING)).toBe('Failed');
    expect(byCase.get('DEMO-23')?.map((r) => r.name)).toEqual(['carries a tag']);
    // The file that failed to import names DEMO-21 only inside its code: it stays unmapped, and is reported so.
    expect(mapping.unmapped.map((r) => r.name)).toEqual([`${ROOT}/broken.test.js`]);
    expect(mapping.unknown.map((u) => u.reference)).toEqual(['DEMO-16', 'DEMO-17', 'DEMO-19', 'DEMO-20', 'DEMO-22']);
  });
});

describe('the Vitest JSON format', () => {
  it('reads a file given in pieces to the same results', async () => {
    expect(await readWithFormat(reportText, 'vitest.json')).toEqual(report());
  });

  it("recognises Vitest's output and none of the real Jest --json files", () => {
    expect(vitestJson.sniff(reportText.slice(0, HEAD))).toBe(true);
    const jestFiles = readManifest('native')
      .filter((row) => row.producer.startsWith('Jest'))
      .map((row) => fixtureText('native', row.file));
    jestFiles.push(readFileSync(new URL('../../../../examples/native/jest-results.json', import.meta.url), 'utf8'));
    expect(jestFiles).toHaveLength(9);
    for (const text of jestFiles) expect(vitestJson.sniff(text.slice(0, HEAD))).toBe(false);
    expect(vitestJson.sniff(fixtureText('native', 'cucumber-js/cucumber-report.json'))).toBe(false);
    expect(vitestJson.sniff(fixtureText('native', 'Hypersequent__qas-cli/src__tests__fixtures__playwright-json__comprehensive-test.json'))).toBe(false);
    // Counters sorted by a tool that re-wrote Jest's file: still Jest.
    expect(vitestJson.sniff('{"numRuntimeErrorTestSuites":0,"numTotalTests":1,"testResults":[]}')).toBe(false);
    expect(vitestJson.sniff('{"numTotalTests":1,"testResults":[]}')).toBe(true);
  });

  it('names the file when the JSON is malformed', async () => {
    const error = await readWithFormat(reportText.slice(0, 300), 'reports/vitest.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'INPUT_MALFORMED', file: 'reports/vitest.json' });
    expect((error as Error).message).toMatch(/^reports\/vitest\.json is not valid JSON: .+\. Expected Vitest JSON \(--reporter=json --outputFile=<file>\)/);
  });

  it('refuses JSON without a testResults array', () => {
    expect(() => parseVitestJson({ numTotalTests: 0 }, 'v.json')).toThrow(
      'v.json is not Vitest JSON: expected an object with a "testResults" array. Run Vitest with --reporter=json --outputFile=<file> and pass that file.',
    );
  });
});

describe('Vitest JSON beyond the real report', () => {
  const file = (assertionResults: unknown[], extra: Record<string, unknown> = {}) => ({
    numTotalTests: 1,
    testResults: [{ name: '/repo/a.test.ts', status: 'passed', message: '', assertionResults, ...extra }],
  });

  it('reports an unknown status as an error naming it, never as a pass', () => {
    const [result] = parseVitestJson(file([{ title: 't', ancestorTitles: [], status: 'exploded', failureMessages: [] }]), 'v.json');
    expect(result).toMatchObject({ status: 'error', message: 'Vitest reported the unknown status "exploded".' });
  });

  it('reports a failed file without a failing test and without a message, never dropping it', () => {
    const results = parseVitestJson(file([{ title: 't', status: 'passed', failureMessages: [] }], { status: 'failed', message: '' }), 'v.json');
    expect(results.map((r) => [r.name, r.status, r.message])).toEqual([
      ['t', 'passed', undefined],
      ['/repo/a.test.ts', 'error', `The test file failed to run: ${VITEST_NO_REASON}.`],
    ]);
  });

  it('turns plain task.meta values into properties, so meta.testsigma names a case', () => {
    const [result] = parseVitestJson(
      file([{ title: 't', status: 'passed', failureMessages: [], meta: { testsigma: 'DEMO-7', retries: 2, nested: { a: 1 } } }]),
      'v.json',
    );
    expect(result?.properties).toEqual([
      { name: 'testsigma', value: 'DEMO-7' },
      { name: 'retries', value: '2' },
    ]);
  });
});
