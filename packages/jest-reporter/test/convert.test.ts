// The converter's rules are core's (packages/core/test/parse/jest.test.ts); here: Jest's real types fit its
// structural ones, and this package's helpers give results the reporter's source.
import type { AssertionResult, TestResult as JestFileResult } from '@jest/test-result';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { SOURCE, fileResults, suiteErrorResult, toTestResult } from '../src/convert.js';
import type { JestAssertionResult, JestTestFileResult } from '../src/jest-types.js';

describe('Jest compatibility', () => {
  it("accepts Jest's own result types", () => {
    expectTypeOf<AssertionResult>().toExtend<JestAssertionResult>();
    expectTypeOf<JestFileResult>().toExtend<JestTestFileResult>();
  });
});

describe("the package's helpers", () => {
  it('mark every result as coming from the Jest reporter, with paths relative to the root', () => {
    const assertion: JestAssertionResult = { ancestorTitles: ['cart'], title: 'DEMO-1 pays', status: 'passed', failureMessages: [] };
    expect(SOURCE).toBe('jest');
    expect(toTestResult('/p/test/a.test.js', assertion, { rootDir: '/p' })).toMatchObject({ source: 'jest', file: 'test/a.test.js', name: 'DEMO-1 pays' });
    const file: JestTestFileResult = { testFilePath: '/p/b.test.js', testResults: [], testExecError: { message: 'SyntaxError: x' } };
    expect(fileResults(file, '/p').map((r) => [r.source, r.file, r.name])).toEqual([['jest', 'b.test.js', 'Test suite failed to run']]);
    expect(suiteErrorResult(file)?.source).toBe('jest');
  });
});
