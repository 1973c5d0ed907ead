// The Jest converter on plain data, as the Jest reporter hands it Jest's live result objects (the reporter's
// source is `jest`). The --json reader's own checks are in jest-json.test.ts.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseReferences } from '../../src/map/references.js';
import { isFlaky } from '../../src/model.js';
import {
  JEST_REASON_NOT_KEPT as REASON_NOT_KEPT,
  JEST_SUITE_FAILED as SUITE_FAILED,
  jestEarlierAttempts as earlierAttempts,
  jestFileResults,
  jestSuiteErrorResult,
  jestTestResult,
  withoutJestFrames,
  type JestAssertionResult,
  type JestConvertOptions,
  type JestTestFileResult,
} from '../../src/formats/jest/jest.js';
import { displayPath } from '../../src/formats/paths.js';

const ROOT = path.resolve('/work/project');
const FILE = path.join(ROOT, 'test', 'login.test.js');

function assertion(overrides: Partial<JestAssertionResult> = {}): JestAssertionResult {
  return { ancestorTitles: [], title: 'a test', status: 'passed', failureMessages: [], ...overrides };
}

function file(overrides: Partial<JestTestFileResult> = {}): JestTestFileResult {
  return { testFilePath: FILE, testResults: [], ...overrides };
}

const toTestResult = (testFilePath: string, a: JestAssertionResult, options: Omit<JestConvertOptions, 'source'> = {}) =>
  jestTestResult(testFilePath, a, { ...options, source: 'jest' });
const suiteErrorResult = (f: JestTestFileResult, options: Omit<JestConvertOptions, 'source'> = {}) => jestSuiteErrorResult(f, { ...options, source: 'jest' });
const fileResults = (f: JestTestFileResult, rootDir?: string) => jestFileResults(f, { source: 'jest', ...(rootDir !== undefined && { rootDir }) });

const FAILURE = [
  '\u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m\u001b[2m).\u001b[22mtoBe\u001b[2m(\u001b[22m\u001b[32mexpected\u001b[39m\u001b[2m)\u001b[22m',
  '',
  'Expected: \u001b[32m2\u001b[39m',
  'Received: \u001b[31m1\u001b[39m',
  `    at Object.<anonymous> (${FILE}:3:13)`,
  '    at Promise.finally.completed (/work/project/node_modules/jest-circus/build/jestAdapterInit.js:1834:28)',
  '    at new Promise (<anonymous>)',
  '    at callAsyncCircusFn (/work/project/node_modules/jest-circus/build/jestAdapterInit.js:1774:10)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
].join('\n');

describe('toTestResult', () => {
  it('keeps the describe path and the title, where core finds the case references', () => {
    const result = toTestResult(FILE, assertion({ ancestorTitles: ['DEMO-4 cart', 'checkout'], title: '[DEMO-3] pays' }), { rootDir: ROOT });
    expect(result).toMatchObject({
      source: 'jest',
      file: 'test/login.test.js',
      suitePath: ['DEMO-4 cart', 'checkout'],
      name: '[DEMO-3] pays',
      status: 'passed',
    });
    expect(caseReferences(result, 'DEMO')).toEqual(['DEMO-4', 'DEMO-3']);
  });

  it.each([
    ['passed', 'passed'],
    ['focused', 'passed'],
    ['failed', 'failed'],
    ['skipped', 'skipped'],
    ['pending', 'skipped'],
    ['todo', 'skipped'],
    ['disabled', 'skipped'],
  ] as const)('maps Jest status %s to %s', (jestStatus, status) => {
    const result = toTestResult(FILE, assertion({ status: jestStatus }));
    expect(result.status).toBe(status);
    expect(result.attempts).toEqual([expect.objectContaining({ status })]);
  });

  it('never passes a status it does not know', () => {
    const result = toTestResult(FILE, assertion({ status: 'exploded' }));
    expect(result.status).toBe('error');
    expect(result.message).toBe('Jest reported the unknown status "exploded".');
  });

  it('says a todo test is not written yet', () => {
    expect(toTestResult(FILE, assertion({ status: 'todo' })).message).toMatch(/test\.todo/);
  });

  it('splits the failure into message and stack, without colours or Jest internals', () => {
    const result = toTestResult(FILE, assertion({ status: 'failed', failureMessages: [FAILURE], duration: 12.4 }));
    expect(result.message).toBe('expect(received).toBe(expected)\n\nExpected: 2\nReceived: 1');
    expect(result.stack).toContain(`at Object.<anonymous> (${FILE}:3:13)`);
    expect(result.stack).not.toMatch(/jest-circus|new Promise|node:internal/);
    expect(result.stack).not.toContain('\u001b');
    expect(result.durationMs).toBe(12);
    expect(result.attempts).toEqual([{ status: 'failed', durationMs: 12, message: result.message, stack: result.stack }]);
  });

  it('keeps every failure of a test (body and hook) in the stack', () => {
    const result = toTestResult(
      FILE,
      assertion({ status: 'failed', failureMessages: ['Error: body broke\n    at a (x.js:1:1)', 'Error: afterEach broke\n    at b (x.js:2:2)'] }),
    );
    expect(result.message).toBe('Error: body broke');
    expect(result.stack).toContain('afterEach broke');
  });

  it('turns retries into attempts of ONE result; a pass after a failure is flaky', () => {
    const result = toTestResult(FILE, assertion({ status: 'passed', invocations: 3, retryReasons: ['Error: first\n    at a (x.js:1:1)', 'Error: second'] }));
    expect(result.attempts.map((a) => [a.status, a.message])).toEqual([
      ['failed', 'Error: first'],
      ['failed', 'Error: second'],
      ['passed', undefined],
    ]);
    expect(result.status).toBe('passed');
    expect(isFlaky(result)).toBe(true);
  });

  it('counts attempts from invocations when Jest did not keep the errors', () => {
    const result = toTestResult(FILE, assertion({ status: 'failed', invocations: 2, retryReasons: [], failureMessages: ['Error: again'] }));
    expect(result.attempts).toEqual([{ status: 'failed', message: REASON_NOT_KEPT }, expect.objectContaining({ status: 'failed', message: 'Error: again' })]);
    expect(isFlaky(result)).toBe(false);
  });

  it('gives several errors of one attempt to that attempt', () => {
    expect(earlierAttempts({ invocations: 2, retryReasons: ['Error: a', 'Error: b'] })).toEqual([
      { status: 'failed', message: 'Error: a', stack: 'Error: a\n\nError: b' },
    ]);
    expect(earlierAttempts({ invocations: 1, retryReasons: [] })).toEqual([]);
    expect(earlierAttempts({})).toEqual([]);
    // Older Jest: reasons without invocations.
    expect(earlierAttempts({ retryReasons: ['Error: a'] })).toHaveLength(1);
  });
});

describe('suiteErrorResult', () => {
  const formatted =
    "  \u001b[1m● \u001b[22mTest suite failed to run\n\n    Cannot find module './missing' from 'test/login.test.js'\n\n    > 1 | require('./missing');\n";

  it('turns a file that failed to run into one error result named after the file', () => {
    const result = suiteErrorResult(file({ failureMessage: formatted, testExecError: { message: '', stack: 'Error: x' } }), { rootDir: ROOT });
    expect(result).toMatchObject({
      file: 'test/login.test.js',
      suitePath: ['test/login.test.js'],
      name: SUITE_FAILED,
      status: 'error',
      message: "Test suite failed to run: Cannot find module './missing' from 'test/login.test.js'",
    });
    expect(result?.stack).toContain('> 1 | require');
    expect(result?.attempts).toHaveLength(1);
  });

  it('uses testExecError when Jest gave no formatted text', () => {
    expect(suiteErrorResult(file({ testExecError: { message: 'SyntaxError: Unexpected token', stack: null } }))?.message).toBe(
      'Test suite failed to run: SyntaxError: Unexpected token',
    );
    expect(suiteErrorResult(file({ testExecError: { message: '', stack: 'Error: afterAll threw\n    at x (y.js:1:1)' } }))?.message).toBe(
      'Test suite failed to run: Error: afterAll threw',
    );
  });

  it('adds nothing when the file passed or its failing tests already carry the failure', () => {
    expect(suiteErrorResult(file())).toBeUndefined();
    expect(suiteErrorResult(file({ failureMessage: null, testExecError: { message: '', stack: '' } }))).toBeUndefined();
    expect(suiteErrorResult(file({ failureMessage: '● a › b failed', testResults: [assertion({ status: 'failed' })] }))).toBeUndefined();
  });

  it('maps a failed file by a case id in its name', () => {
    const result = suiteErrorResult(file({ testFilePath: path.join(ROOT, 'DEMO-17.test.js'), failureMessage: formatted }), { rootDir: ROOT });
    expect(result && caseReferences(result, 'DEMO')).toEqual(['DEMO-17']);
  });
});

describe('fileResults', () => {
  it('converts every test case of a file, adds the file failure, and names the Jest project', () => {
    const results = fileResults(
      file({
        displayName: { name: 'unit' },
        testResults: [assertion({ title: 'DEMO-1 a' }), assertion({ title: 'DEMO-2 b', status: 'skipped' })],
        failureMessage: '● Test suite failed to run\n\n  afterAll threw',
      }),
      ROOT,
    );
    expect(results.map((r) => [r.name, r.status, r.project])).toEqual([
      ['DEMO-1 a', 'passed', 'unit'],
      ['DEMO-2 b', 'skipped', 'unit'],
      [SUITE_FAILED, 'error', 'unit'],
    ]);
  });
});

describe('displayPath', () => {
  it('shows paths relative to the root with forward slashes, and others as given', () => {
    expect(displayPath(FILE, ROOT)).toBe('test/login.test.js');
    expect(displayPath('/elsewhere/a.test.js', ROOT)).toBe('/elsewhere/a.test.js');
    expect(displayPath('relative.test.js', ROOT)).toBe('relative.test.js');
    expect(displayPath(FILE, undefined)).toBe(FILE);
  });
});

describe('withoutJestFrames', () => {
  it('keeps the text when every frame is Jest internal (there is nothing better to show)', () => {
    const text = 'Error: x\n    at run (/p/node_modules/jest-circus/build/index.js:1:1)';
    expect(withoutJestFrames(text)).toBe(text);
  });
});
