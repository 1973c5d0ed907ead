// gotestsum --rerun-fails writes the reruns of failed tests into the same go test -json stream (a real file of
// gotestsum's, test/fixtures/native): with repeats-are-retries they are attempts of one test, the last run
// deciding; without, each run is a result of its own and a warning names the setting.
import { describe, expect, it } from 'vitest';
import { readResultFiles, resultFileSource } from '../../src/formats/read-files.js';
import type { TestResult } from '../../src/model.js';
import { FIXTURES_DIR } from './fixture-files.js';
import { rows } from './read-fixture.js';

const FILE = 'native/gotestyourself__gotestsum/cmd__testdata__go-test-json-flaky-rerun.json';
const PKG = 'gotest.tools/gotestsum/testdata/e2e/flaky';

describe('gotestsum --rerun-fails', () => {
  it('with repeats-are-retries: one result per test, a pass on a rerun makes it passed with its failed attempts', async () => {
    const source = await resultFileSource([FILE], { cwd: FIXTURES_DIR });
    const results: TestResult[] = [];
    const [outcome] = await source.read((r) => results.push(r), { repeatsAreRetries: true });
    expect(outcome?.warnings).toEqual([]);
    expect(rows(results).map(([title, status, , , attempts]) => [title, status, attempts])).toEqual([
      [`${PKG} › TestAlwaysPasses`, 'passed', 'passed'],
      [`${PKG} › TestFailsOftenDoesNotPrefixMatch`, 'passed', 'passed'],
      [`${PKG} › TestFailsSometimesDoesNotPrefixMatch`, 'passed', 'passed'],
      [`${PKG} › TestFailsRarely`, 'passed', 'failed,passed'],
      [`${PKG} › TestFailsSometimes`, 'passed', 'failed,failed,passed'],
      [`${PKG} › TestFailsOften`, 'passed', 'failed,failed,failed,passed'],
    ]);
  });

  it('without: every run is a result, and a warning points at the setting', async () => {
    const [outcome] = await readResultFiles([FILE], { cwd: FIXTURES_DIR });
    expect(outcome?.results).toHaveLength(12);
    expect(outcome?.warnings).toEqual([
      `${FILE}: 3 test(s) ran again after failing, 6 rerun(s) in all ("TestFailsRarely", "TestFailsSometimes", "TestFailsOften"); each run is read as a result of its own and the worst decides the case. ` +
        'If these are reruns (gotestsum --rerun-fails), set repeats-are-retries (--repeats-are-retries).',
    ]);
  });
});
