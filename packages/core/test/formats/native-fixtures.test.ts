// Every real-world Jest --json and Playwright JSON fixture (test/fixtures/native, sources in MANIFEST.tsv):
// each parses, and its counts agree with the runner's own verdicts written in the file. (The other formats'
// real files are checked result by result in their own tests and in the golden files.)
import { describe, expect, it } from 'vitest';
import { parseResultText } from '../../src/formats/read-files.js';
import { countStatuses, fixtureText, readManifest, type Counts } from './fixture-files.js';

type Json = Record<string, unknown>;
const rows = readManifest('native');
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/**
 * Jest's own totals: numPassedTests, numFailedTests, numRuntimeErrorTestSuites (files that failed to run,
 * one error result each). Skipped = assertions whose status is pending/skipped/todo/disabled (older Jest
 * versions leave todo out of numPendingTests).
 */
function jestExpectation(json: Json): Counts {
  const skippedStatuses = new Set(['pending', 'skipped', 'todo', 'disabled']);
  const skipped = list(json.testResults)
    .flatMap((suite) => list(suite.assertionResults))
    .filter((a) => skippedStatuses.has(a.status as string)).length;
  const passed = json.numPassedTests as number;
  const failed = json.numFailedTests as number;
  const error = json.numRuntimeErrorTestSuites as number;
  return { total: passed + failed + error + skipped, passed, failed, error, skipped };
}

/** Playwright's own verdict per test (spec × project): expected/flaky → passed, unexpected → failed. */
function playwrightExpectation(json: Json): Counts {
  const counts: Counts = { total: 0, passed: 0, failed: 0, error: 0, skipped: 0 };
  const walk = (suite: Json): void => {
    for (const spec of list(suite.specs)) {
      for (const test of list(spec.tests)) {
        const verdict = test.status === 'unexpected' ? 'failed' : test.status === 'skipped' ? 'skipped' : 'passed';
        counts.total += 1;
        counts[verdict] += 1;
      }
    }
    list(suite.suites).forEach(walk);
  };
  list(json.suites).forEach(walk);
  return counts;
}

describe('native fixtures', () => {
  it('has the 43 files the README promises', () => {
    expect(rows).toHaveLength(43);
  });

  describe.each(rows.filter((row) => row.producer.startsWith('Jest') || row.producer.startsWith('Playwright')))('$file', (row) => {
    it('parses with the counts the runner reported', async () => {
      const text = fixtureText('native', row.file);
      const json = JSON.parse(text) as Json;
      const { format, results } = await parseResultText(text, row.file);
      const isJest = row.producer.startsWith('Jest');
      expect(format).toBe(isJest ? 'jest-json' : 'playwright-json');
      expect(countStatuses(results)).toEqual(isJest ? jestExpectation(json) : playwrightExpectation(json));
      for (const result of results) {
        expect(result.source).toBe(row.file);
        expect(result.attempts.at(-1)?.status).toBe(result.status);
        expect(result.message ?? '').not.toContain('\u001b[');
      }
    });
  });
});
