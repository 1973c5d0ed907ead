// `go test -json`: the real Go's output (test/fixtures/native/go-test, see its README) and dorny/test-reporter's
// file, read as a user's files are; then the cases those files do not hold, as event lines.
import { describe, expect, it } from 'vitest';
import { GO_TEST_UNFINISHED } from '../../src/formats/go-test/go-test.js';
import { parseResultText } from '../../src/formats/read-files.js';
import { readFixture, rows } from './read-fixture.js';

const event = (fields: Record<string, unknown>): string => JSON.stringify({ Time: '2026-01-01T00:00:00Z', ...fields });

describe('go test -json', () => {
  it('reads what Go 1.19 wrote with 2>&1: tests, subtests, a panic, a TestMain failure and a build failure', async () => {
    const read = await readFixture('native/go-test/go-test.json');
    expect(read.format).toBe('go-test-json');
    expect(read.warnings).toEqual([]);
    expect(rows(read.results)).toEqual([
      ['example.com/demo/setup', 'error', undefined, 'The package failed outside any test: database unreachable: connection refused', 'error'],
      ['example.com/demo/calc › TestAdd_DEMO51', 'passed', 0, undefined, 'passed'],
      ['example.com/demo/calc › TestAddNegative', 'failed', 0, 'calc_test.go:15: checking negatives', 'failed'],
      ['example.com/demo/calc › TestSkipped', 'skipped', 0, 'calc_test.go:22: needs a database [DEMO-52]', 'skipped'],
      ['example.com/demo/calc › TestTable › 1+2', 'passed', 0, undefined, 'passed'],
      ['example.com/demo/calc › TestTable › 2+2', 'failed', 0, 'calc_test.go:29: got 4, want 5', 'failed'],
      ['example.com/demo/calc › TestPanics', 'failed', 0, 'panic: assignment to entry in nil map [recovered]', 'failed'],
      ['example.com/demo/broken', 'error', undefined, 'The test binary did not build: broken/broken_test.go:6:16: undefined: undefinedName', 'error'],
    ]);
    const failing = read.results.find((r) => r.name === 'TestAddNegative');
    expect(failing?.stack).toBe('calc_test.go:15: checking negatives\ncalc_test.go:17: Add(-1, -1) = -2, want -3');
    expect(failing?.classname).toBe('example.com/demo/calc');
  });

  it("reads dorny/test-reporter's file: durations from Elapsed, subtest names that hold a /", async () => {
    const read = await readFixture('native/dorny__test-reporter/__tests__fixtures__golang-json.json');
    const pkg = '_/home/james_t/git/test-reporter/reports/go';
    expect(rows(read.results)).toEqual([
      [`${pkg} › TestPassing`, 'passed', 60, undefined, 'passed'],
      [`${pkg} › TestFailing`, 'failed', 890, 'calculator_test.go:19: expected 1+1 = 3, got 2', 'failed'],
      [`${pkg} › TestPanicInsideFunction`, 'failed', 0, 'calculator_test.go:76: caught panic: runtime error: integer divide by zero', 'failed'],
      [`${pkg} › TestPanicInsideTest`, 'failed', 0, 'calculator_test.go:76: caught panic: bad stuff', 'failed'],
      [`${pkg} › TestSkipped`, 'skipped', 940, 'calculator_test.go:45: skipping test', 'skipped'],
      [`${pkg} › TestCases › 1_+_2_=_3`, 'passed', 400, undefined, 'passed'],
      [`${pkg} › TestCases › 4_+_7_=_11`, 'passed', 460, undefined, 'passed'],
      [`${pkg} › TestCases › 2_+_3_=_4`, 'failed', 90, 'calculator_test.go:67: expected 2 + 3 = 4, got 5', 'failed'],
      [`${pkg} › TestCases › 1_/_2_=_1`, 'failed', 920, 'calculator_test.go:67: expected 1 / 2 = 1, got 0', 'failed'],
      [`${pkg} › TestCases › 9_/_3_=_3`, 'passed', 340, undefined, 'passed'],
      [`${pkg} › TestCases › 14_/_7_=_2`, 'passed', 40, undefined, 'passed'],
    ]);
  });

  it("reads gotestsum's files: three packages, and test2json's events without a Package", async () => {
    const read = await readFixture('native/gotestyourself__gotestsum/testjson__testdata__input__go-test-json.json');
    const counts = { passed: 0, failed: 0, error: 0, skipped: 0 };
    for (const r of read.results) counts[r.status] += 1;
    expect(counts).toEqual({ passed: 29, failed: 10, error: 1, skipped: 5 });
    expect(rows(read.results.filter((r) => r.status === 'error'))).toEqual([
      ['gotest.tools/gotestsum/testjson/internal/badmain', 'error', undefined, 'The package failed outside any test: sometimes main can exit 2', 'error'],
    ]);
    const bare = await readFixture('native/gotestyourself__gotestsum/testjson__testdata__input__go-test-json-misattributed.json');
    expect(bare.format).toBe('go-test-json');
    expect(rows(bare.results)).toEqual([
      ['TestOutputWithSubtest › sub_test › sub2', 'passed', undefined, undefined, 'passed'],
      ['TestOutputWithSubtest › sub_test2 › sub2', 'passed', undefined, undefined, 'passed'],
      ['TestOutputWithSubtest', 'failed', undefined, undefined, 'failed'],
    ]);
  });

  it('reads Go 1.24 build-output/build-fail events as the package failing to build', async () => {
    const text = [
      event({ ImportPath: 'example.com/x [example.com/x.test]', Action: 'build-output', Output: '# example.com/x [example.com/x.test]\n' }),
      event({ ImportPath: 'example.com/x [example.com/x.test]', Action: 'build-output', Output: './x_test.go:5:2: undefined: y\n' }),
      event({ ImportPath: 'example.com/x [example.com/x.test]', Action: 'build-fail' }),
      event({ Action: 'start', Package: 'example.com/x' }),
      event({ Action: 'output', Package: 'example.com/x', Output: 'FAIL\texample.com/x [build failed]\n' }),
      event({ Action: 'fail', Package: 'example.com/x', Elapsed: 0, FailedBuild: 'example.com/x [example.com/x.test]' }),
    ].join('\n');
    const { format, results } = await parseResultText(text, 'go.json');
    expect(format).toBe('go-test-json');
    expect(rows(results)).toEqual([['example.com/x', 'error', undefined, 'The test binary did not build: ./x_test.go:5:2: undefined: y', 'error']]);
  });

  it('keeps a test cut off by -timeout as an error, and a parent that failed after its subtests passed', async () => {
    const text = [
      event({ Action: 'run', Package: 'p', Test: 'TestSlow' }),
      event({ Action: 'output', Package: 'p', Test: 'TestSlow', Output: '=== RUN   TestSlow\n' }),
      event({ Action: 'run', Package: 'p', Test: 'TestParent' }),
      event({ Action: 'run', Package: 'p', Test: 'TestParent/child' }),
      event({ Action: 'pass', Package: 'p', Test: 'TestParent/child', Elapsed: 0.25 }),
      event({ Action: 'output', Package: 'p', Test: 'TestParent', Output: '    p_test.go:9: cleanup failed\n' }),
      event({ Action: 'fail', Package: 'p', Test: 'TestParent', Elapsed: 0.5 }),
      event({ Action: 'output', Package: 'p', Output: 'panic: test timed out after 10m0s\n' }),
      event({ Action: 'fail', Package: 'p', Elapsed: 600 }),
    ].join('\n');
    const { results } = await parseResultText(text, 'go.json');
    expect(rows(results)).toEqual([
      ['p › TestParent › child', 'passed', 250, undefined, 'passed'],
      ['p › TestParent', 'failed', 500, 'p_test.go:9: cleanup failed', 'failed'],
      ['p › TestSlow', 'error', undefined, GO_TEST_UNFINISHED, 'error'],
    ]);
  });
});
