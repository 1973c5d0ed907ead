import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { fullTitle } from '../../src/model.js';
import { JEST_NO_REASON, JEST_REASON_NOT_KEPT, JEST_RUN_EXEC_NO_MESSAGE, JEST_SUITE_FAILED } from '../../src/formats/jest/jest.js';
import { parseResultText } from '../../src/formats/read-files.js';
import { parseJestJson } from '../../src/formats/jest/jest-json.js';
import { fixtureText } from './fixture-files.js';

const FIXTURE_DIR = 'jest-community__jest-editor-support/fixtures__failing-jsons__';
const fixture = (name: string): unknown => JSON.parse(fixtureText('native', `${FIXTURE_DIR}${name}`));

const run = (suites: unknown[]): unknown => ({ numTotalTests: 0, testResults: suites });
const suite = (assertionResults: unknown[], extra: Record<string, unknown> = {}) => ({
  testFilePath: '/repo/src/a.test.ts',
  status: 'passed',
  message: '',
  assertionResults,
  ...extra,
});

describe('parseJestJson', () => {
  it('uses ancestorTitles as suitePath and keeps test.each titles as Jest interpolated them', () => {
    const results = parseJestJson(fixture('with-ancestors-and-each.json'), 'j.json');
    expect(results.map((r) => [r.suitePath, r.name])).toEqual([
      [['block-1', 'block-1-1'], 'testing'],
      [['block-1'], 'test should fail'],
      [[], 'test without describe'],
      [['block-2'], 'testing'],
      [['block-2'], 'each test "a"'],
      [['block-2'], 'each test "b"'],
      [['block-2'], 'each test "c"'],
    ]);
    expect(results[1]).toMatchObject({ status: 'failed', message: 'Error: whatever', file: '/test/tricky-test.ts' });
  });

  it('turns a test file that failed to run into one error result titled `<file> › Test suite failed to run`', () => {
    const results = parseJestJson(fixture('monorepo_root_1.json'), 'm.json');
    const errors = results.filter((r) => r.status === 'error');
    expect(errors.map((r) => fullTitle(r))).toEqual([
      `/X/packages/Y-app-vault/native/__tests__/index.ios.js › ${JEST_SUITE_FAILED}`,
      `/X/packages/Y-app-vault/native/__tests__/index.android.js › ${JEST_SUITE_FAILED}`,
    ]);
    expect(errors[0]).toMatchObject({
      source: 'm.json',
      file: '/X/packages/Y-app-vault/native/__tests__/index.ios.js',
      suitePath: ['/X/packages/Y-app-vault/native/__tests__/index.ios.js'],
      name: JEST_SUITE_FAILED,
      message: "Test suite failed to run: Cannot find module 'StyleSheet' from 'react-native-implementation.js'",
    });
    expect(errors[0]?.stack).toContain('● Test suite failed to run');
    expect(errors[0]?.attempts).toHaveLength(1);
  });

  it('reports a file that failed although every test passed (a hook threw)', () => {
    const results = parseJestJson(
      run([suite([{ title: 't', status: 'passed', failureMessages: [] }], { status: 'failed', message: 'afterAll hook: boom' })]),
      'h.json',
    );
    expect(results.map((r) => [r.name, r.status, r.message])).toEqual([
      ['t', 'passed', undefined],
      [JEST_SUITE_FAILED, 'error', 'Test suite failed to run: afterAll hook: boom'],
    ]);
  });

  it('reports a file Jest marked failed without a failing test or a word of why, rather than nothing', async () => {
    // Jest's testExecError is sometimes `{}` and its message empty, depending on where the file failed: the file's
    // status is then all that says it failed.
    const text = JSON.stringify({
      numTotalTests: 1,
      numRuntimeErrorTestSuites: 1,
      testResults: [
        { name: '/repo/src/crashed.test.ts', status: 'failed', message: '', assertionResults: [] },
        {
          name: '/repo/src/hook.test.ts',
          status: 'failed',
          message: '',
          testExecError: {},
          assertionResults: [{ title: 't', status: 'passed', failureMessages: [] }],
        },
      ],
    });
    const { results, warnings } = await parseResultText(text, 'jest.json');
    expect(warnings).toEqual([]);
    expect(results.map((r) => [fullTitle(r), r.status, r.message])).toEqual([
      [`/repo/src/crashed.test.ts › ${JEST_SUITE_FAILED}`, 'error', `${JEST_SUITE_FAILED}: ${JEST_NO_REASON}`],
      ['t', 'passed', undefined],
      [`/repo/src/hook.test.ts › ${JEST_SUITE_FAILED}`, 'error', `${JEST_SUITE_FAILED}: ${JEST_NO_REASON}`],
    ]);
  });

  // Jest sets runExecError when its test runner failed outside every test file; it hands reporters the Error itself,
  // which JSON.stringify writes as {}. Wherever it stands in the file, the run failed: never a clean read.
  it.each([
    [
      'an Error written whole',
      { message: '\u001b[31mthe runner lost its workers\u001b[39m', stack: 'Error: the runner lost its workers\n    at x' },
      'the runner lost its workers',
    ],
    ['an Error written with JSON.stringify', {}, JEST_RUN_EXEC_NO_MESSAGE],
    ['its message as text', 'the runner lost its workers', 'the runner lost its workers'],
  ])("runExecError as %s: the file's error outside any test, the tests read all the same", async (_kind, runExecError, message) => {
    // numRuntimeErrorTestSuites: what tells Jest's aggregated results from Vitest's look-alike JSON.
    const counted = { numRuntimeErrorTestSuites: 0, ...(run([suite([{ title: 't', status: 'passed', failureMessages: [] }])]) as object) };
    for (const doc of [
      { runExecError, ...counted },
      { ...counted, runExecError },
    ]) {
      const parsed = await parseResultText(JSON.stringify(doc), 'jest.json');
      expect(parsed.results.map((r) => [r.name, r.status])).toEqual([['t', 'passed']]);
      expect(parsed.outsideTests).toEqual({ runner: 'Jest', errors: [{ message }] });
    }
  });

  it('runExecError null or absent: nothing outside the tests', async () => {
    const counted = { numRuntimeErrorTestSuites: 0, ...(run([]) as object) };
    for (const doc of [counted, { ...counted, runExecError: null }]) {
      expect((await parseResultText(JSON.stringify(doc), 'jest.json')).outsideTests).toBeUndefined();
    }
  });

  it.each([
    ['passed', 'passed'],
    ['failed', 'failed'],
    ['pending', 'skipped'],
    ['skipped', 'skipped'],
    ['todo', 'skipped'],
    ['disabled', 'skipped'],
    ['focused', 'passed'],
    ['weird', 'error'],
    ['constructor', 'error'],
  ])('maps status %s to %s', (raw, status) => {
    const [result] = parseJestJson(run([suite([{ title: 't', status: raw, failureMessages: [] }])]), 's.json');
    expect(result?.status).toBe(status);
    if (status === 'error') expect(result?.message).toContain(`"${raw}"`);
  });

  it('strips ANSI colours and splits the message from the stack', () => {
    const failure = '\u001b[31mError: expect(received).toBe(expected)\u001b[39m\n\nExpected: \u001b[32m2\u001b[39m\n    at Object.<anonymous> (a.test.ts:3:5)';
    const [result] = parseJestJson(run([suite([{ title: 't', status: 'failed', failureMessages: [failure], duration: 12.6 }])]), 'a.json');
    expect(result?.message).toBe('Error: expect(received).toBe(expected)\n\nExpected: 2');
    expect(result?.stack).toBe('Error: expect(received).toBe(expected)\n\nExpected: 2\n    at Object.<anonymous> (a.test.ts:3:5)');
    expect(result?.durationMs).toBe(13);
    expect(result?.file).toBe('/repo/src/a.test.ts');
  });

  it('turns retryReasons into failed attempts before the final one', () => {
    const [result] = parseJestJson(
      run([suite([{ title: 't', status: 'passed', failureMessages: [], retryReasons: ['Error: first', 'Error: second'], duration: 5 }])]),
      'r.json',
    );
    expect(result?.attempts).toEqual([
      { status: 'failed', message: 'Error: first', stack: 'Error: first' },
      { status: 'failed', message: 'Error: second', stack: 'Error: second' },
      { status: 'passed', durationMs: 5 },
    ]);
    expect(result?.status).toBe('passed');
  });

  it('counts attempts from invocations when Jest did not keep the errors, as the reporter does', () => {
    const [result] = parseJestJson(
      run([suite([{ title: 't', status: 'failed', failureMessages: ['Error: again'], invocations: 2, retryReasons: [] }])]),
      'i.json',
    );
    expect(result?.attempts.map((a) => [a.status, a.message])).toEqual([
      ['failed', JEST_REASON_NOT_KEPT],
      ['failed', 'Error: again'],
    ]);
  });

  it("leaves Jest's own stack frames out and names the Jest project, as the reporter does", () => {
    const failure =
      'Error: x\n    at Object.<anonymous> (/repo/src/a.test.ts:3:5)\n    at callAsyncCircusFn (/repo/node_modules/jest-circus/build/utils.js:1:1)';
    const [result] = parseJestJson(run([suite([{ title: 't', status: 'failed', failureMessages: [failure] }], { displayName: { name: 'unit' } })]), 'p.json');
    expect(result?.stack).toBe('Error: x\n    at Object.<anonymous> (/repo/src/a.test.ts:3:5)');
    expect(result?.project).toBe('unit');
  });

  it('adds no file error for a file Jest did not mark failed', () => {
    const results = parseJestJson(run([suite([{ title: 't', status: 'passed', failureMessages: [] }], { status: 'passed', message: 'stray text' })]), 'n.json');
    expect(results.map((r) => r.name)).toEqual(['t']);
  });

  it('never reports a null or NaN duration', () => {
    const [result] = parseJestJson(run([suite([{ title: 't', status: 'passed', duration: null }])]), 'd.json');
    expect(result?.durationMs).toBeUndefined();
  });

  it('refuses JSON of another shape, naming the file', () => {
    expect(() => parseJestJson({ suites: [] }, 'x.json')).toThrow(InputError);
    expect(() => parseJestJson({ testResults: [42] }, 'x.json')).toThrow(/x\.json: testResults\[0\] is not an object/);
  });
});

describe('Jest aggregated results (reporter API, testResultsProcessor, jest-stare)', () => {
  it('reads testResults[].testResults[] written by the real Jest, with the file that failed to run', () => {
    const results = parseJestJson(JSON.parse(fixtureText('native', 'jest-aggregated/jest-aggregated.json')), 'agg.json');
    expect(results.map((r) => [fullTitle(r), r.status, r.durationMs, r.message?.split('\n')[0], r.attempts.length])).toEqual([
      ['Login › DEMO-31 valid credentials › signs in', 'passed', 9, undefined, 1],
      ['Login › DEMO-31 valid credentials › shows the dashboard', 'failed', 17, 'Error: expect(received).toEqual(expected) // deep equality', 1],
      ['Login › remembers the user [DEMO-32]', 'skipped', undefined, undefined, 1],
      ['Login › locks after five tries', 'skipped', undefined, 'test.todo: not written yet.', 1],
      ['Login › accepts code 1', 'passed', 2, undefined, 1],
      ['Login › accepts code 2', 'failed', 3, 'Error: expect(received).toBeLessThan(expected)', 1],
      [
        `/home/runner/work/demo/demo/test/broken.test.js › ${JEST_SUITE_FAILED}`,
        'error',
        undefined,
        "Test suite failed to run: Cannot find module './does-not-exist' from 'test/broken.test.js'",
        1,
      ],
    ]);
    expect(results[0]?.file).toBe('/home/runner/work/demo/demo/test/login.test.js');
  });

  it('does not take a passed file for a failed one: its failureMessage is null', () => {
    const results = parseJestJson(
      run([{ testFilePath: '/r/a.test.js', failureMessage: null, testResults: [{ ancestorTitles: [], title: 't', status: 'passed', failureMessages: [] }] }]),
      'a.json',
    );
    expect(results.map((r) => [r.name, r.status])).toEqual([['t', 'passed']]);
  });
});
