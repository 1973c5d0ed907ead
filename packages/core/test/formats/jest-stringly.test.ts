// Jest's aggregated results as jest-stare's own test data holds them (test/fixtures/native, MIT): every value a
// string, `"failureMessage": "null"` on files that passed. Read as a failure text, that made each passed file a
// file that "failed to run: null" — two failures that never happened.
import { describe, expect, it } from 'vitest';
import { readFixture, rows } from './read-fixture.js';

describe('Jest aggregated results with every value a string', () => {
  it('reads the five passed tests and no file failure', async () => {
    const read = await readFixture('native/dkelosky__jest-stare/__tests____resources____simplePassingTests.json');
    expect([read.format, read.error, read.warnings]).toEqual(['jest-json', undefined, []]);
    expect(rows(read.results).map(([title, status]) => [title, status])).toEqual([
      ['IO tests \u203a should pretend to write to a file', 'passed'],
      ['IO tests \u203a should match snapshot with one field', 'passed'],
      ['IO tests \u203a should match snapshot with two fields', 'passed'],
      ['IO tests \u203a should match snapshot with three fields', 'passed'],
      ['Reporter tests \u203a should instantiate Reporter class', 'passed'],
    ]);
  });
});
