import { describe, expect, it } from 'vitest';
import { emptySummary, isFlaky, renderText } from 'testsigma-tm-core';
import { displayPath, type LivePlaywrightTest } from 'testsigma-tm-core/reporter';

import { toTestResult } from '../src/convert.js';
import { splitOptions } from '../src/options.js';

type PwAttempt = LivePlaywrightTest['results'][number];
type Outcome = 'expected' | 'unexpected' | 'flaky' | 'skipped';
type PwTest = Omit<LivePlaywrightTest, 'results'> & { results: PwAttempt[] };

const INTERRUPTED_MESSAGE = 'Interrupted: the test run was stopped before this test finished (Ctrl-C, --max-failures or the global timeout).';
const DID_NOT_RUN_MESSAGE =
  'Did not run: Playwright never started this test (an earlier test of its serial group failed, or --max-failures / an interruption stopped the run).';
const UNEXPECTED_PASS_MESSAGE = 'Expected to fail (test.fail()), but passed.';

function attempt(status: string, extra: Partial<PwAttempt> = {}): PwAttempt {
  return { status, duration: 12.4, attachments: [], ...extra };
}

function pwTest(over: Partial<Omit<PwTest, 'outcome' | 'titlePath' | 'parent'>> & { outcome: Outcome; describes?: string[]; project?: string }): PwTest {
  const title = over.title ?? 'does a thing';
  const describes = over.describes ?? ['Suite'];
  return {
    title,
    titlePath: () => ['', over.project ?? '', 'tests/a.spec.ts', ...describes, title],
    outcome: () => over.outcome,
    expectedStatus: over.expectedStatus ?? 'passed',
    annotations: over.annotations ?? [],
    tags: over.tags ?? [],
    location: over.location ?? { file: '/repo/tests/a.spec.ts' },
    parent: { project: () => (over.project === undefined ? undefined : { name: over.project }) },
    results: over.results ?? [attempt('passed')],
  };
}

const failure = {
  message: '\u001b[31mError: expect(received).toBe(expected)\u001b[39m\n\nExpected: 2\nReceived: 1',
  stack: 'Error: expect(received).toBe(expected)\n    at /repo/tests/a.spec.ts:4:13',
};

describe('toTestResult', () => {
  it('converts a passing test with its titles, project, file, annotations and tags', () => {
    const result = toTestResult(
      pwTest({
        outcome: 'expected',
        title: 'logs in',
        describes: ['Auth', '', 'Login'],
        project: 'chromium',
        annotations: [{ type: 'testsigma', description: 'DEMO-7' }, { type: 'issue' }],
        tags: ['@DEMO-8', 'smoke', '@@smoke'],
      }),
      { rootDir: '/repo' },
    );
    expect(result).toEqual({
      source: 'playwright',
      file: 'tests/a.spec.ts',
      suitePath: ['Auth', 'Login'],
      name: 'logs in',
      project: 'chromium',
      status: 'passed',
      durationMs: 12,
      properties: [
        { name: 'testsigma', value: 'DEMO-7' },
        { name: 'issue', value: '' },
      ],
      tags: ['@DEMO-8', '@smoke'],
      attachments: [],
      attempts: [{ status: 'passed', durationMs: 12 }],
    });
  });

  it('leaves project out when the project has no name', () => {
    expect(toTestResult(pwTest({ outcome: 'expected', project: '' })).project).toBeUndefined();
  });

  it('makes one result of every attempt: flaky = failed first, passed last, the failure kept on the attempt', () => {
    const result = toTestResult(
      pwTest({
        outcome: 'flaky',
        results: [
          attempt('failed', { error: failure, errors: [failure], attachments: [{ name: 'trace', contentType: 'application/zip', path: '/out/trace-1.zip' }] }),
          attempt('passed', { attachments: [{ name: 'trace', contentType: 'application/zip', path: '/out/trace-2.zip' }] }),
        ],
      }),
    );
    expect(result.status).toBe('passed');
    expect(isFlaky(result)).toBe(true);
    expect(result.message).toBeUndefined();
    expect(result.attempts).toHaveLength(2);
    expect(result.attempts[0]).toMatchObject({ status: 'failed', message: 'Error: expect(received).toBe(expected)\n\nExpected: 2\nReceived: 1' });
    expect(result.attempts[0]?.stack).toContain('a.spec.ts:4:13');
    // The result shows the failing attempt's attachments; each attempt keeps its own.
    expect(result.attachments.map((a) => a.path)).toEqual(['/out/trace-1.zip']);
    expect(result.attempts.map((a) => a.attachments?.map((b) => b.path))).toEqual([['/out/trace-1.zip'], ['/out/trace-2.zip']]);
  });

  it("fails with the last attempt's error when every attempt failed", () => {
    const other = { message: 'Error: second', stack: 'Error: second\n    at x' };
    const result = toTestResult(
      pwTest({ outcome: 'unexpected', results: [attempt('failed', { errors: [failure] }), attempt('timedOut', { errors: [other] })] }),
    );
    expect(result.status).toBe('failed');
    expect(result.message).toBe('Error: second');
    expect(isFlaky(result)).toBe(false);
  });

  it('joins several errors of one attempt (soft assertions) and reads thrown non-errors', () => {
    const result = toTestResult(pwTest({ outcome: 'unexpected', results: [attempt('failed', { errors: [{ message: 'Error: one' }, { value: '42' }] })] }));
    expect(result.message).toBe('Error: one\n\n42');
  });

  it('falls back to `error` when `errors` is missing (older Playwright)', () => {
    const result = toTestResult(
      pwTest({ outcome: 'unexpected', results: [{ status: 'failed', duration: 1, attachments: [], error: { message: 'Error: old' } }] }),
    );
    expect(result.message).toBe('Error: old');
  });

  it('treats an expected failure (test.fail()) as passed, and an unexpected pass as failed', () => {
    const asExpected = toTestResult(pwTest({ outcome: 'expected', expectedStatus: 'failed', results: [attempt('failed', { errors: [failure] })] }));
    expect(asExpected.status).toBe('passed');
    expect(asExpected.message).toBeUndefined();
    const passedAnyway = toTestResult(pwTest({ outcome: 'unexpected', expectedStatus: 'failed', results: [attempt('passed')] }));
    expect(passedAnyway).toMatchObject({ status: 'failed', message: UNEXPECTED_PASS_MESSAGE });
  });

  it('records a skip with its reason', () => {
    const result = toTestResult(
      pwTest({
        outcome: 'skipped',
        expectedStatus: 'skipped',
        annotations: [{ type: 'skip', description: 'flag off' }],
        results: [attempt('skipped', { annotations: [{ type: 'skip', description: 'flag off' }] })],
      }),
    );
    expect(result).toMatchObject({ status: 'skipped', message: 'Skipped: flag off' });
    expect(result.properties).toEqual([{ name: 'skip', value: 'flag off' }]);
  });

  it('records an interrupted test as error (remappable through statusMap) with a message', () => {
    const result = toTestResult(pwTest({ outcome: 'skipped', results: [attempt('interrupted')] }));
    expect(result).toMatchObject({ status: 'error', message: INTERRUPTED_MESSAGE });
    const afterFailure = toTestResult(pwTest({ outcome: 'unexpected', results: [attempt('failed', { errors: [failure] }), attempt('interrupted')] }));
    expect(afterFailure.status).toBe('error');
    expect(afterFailure.attempts.map((a) => a.status)).toEqual(['failed', 'error']);
  });

  it('records a test that never started as skipped, saying it did not run', () => {
    const never = toTestResult(pwTest({ outcome: 'skipped', results: [] }));
    expect(never).toMatchObject({ status: 'skipped', message: DID_NOT_RUN_MESSAGE, attempts: [{ status: 'skipped', message: DID_NOT_RUN_MESSAGE }] });
    expect(never.durationMs).toBeUndefined();
    // Serial mode: skipped after a failure although it was expected to pass.
    const serial = toTestResult(pwTest({ outcome: 'skipped', results: [attempt('skipped')] }));
    expect(serial).toMatchObject({ status: 'skipped', message: DID_NOT_RUN_MESSAGE });
  });

  it("keeps the final attempt's output, colours stripped", () => {
    const result = toTestResult(
      pwTest({ outcome: 'expected', results: [attempt('passed', { stdout: ['\u001b[32mhello\u001b[39m\n', Buffer.from('bytes\n')], stderr: ['warn\n'] })] }),
    );
    expect(result.output).toBe('hello\nbytes\nwarn');
  });
});

describe('small parts', () => {
  it('the suite path skips root, project and file suites and anonymous describes', () => {
    expect(toTestResult({ ...pwTest({ outcome: 'expected' }), titlePath: () => ['', 'firefox', 'a.spec.ts', 'A', '', 'B', 't'] }).suitePath).toEqual([
      'A',
      'B',
    ]);
    expect(toTestResult({ ...pwTest({ outcome: 'expected' }), titlePath: () => ['', '', 'a.spec.ts', 't'] }).suitePath).toEqual([]);
  });

  it('properties merge test and run-time annotations once each', () => {
    const result = toTestResult(
      pwTest({
        outcome: 'flaky',
        annotations: [{ type: 'testsigma', description: 'DEMO-1' }],
        results: [
          attempt('failed', {
            annotations: [
              { type: 'testsigma', description: 'DEMO-1' },
              { type: 'testsigma', description: 'DEMO-2' },
            ],
          }),
          attempt('passed', { annotations: [{ type: ' ', description: 'x' }] }),
        ],
      }),
    );
    expect(result.properties).toEqual([
      { name: 'testsigma', value: 'DEMO-1' },
      { name: 'testsigma', value: 'DEMO-2' },
    ]);
  });

  it('attachments: files keep their path and content type, inline bodies become base64', () => {
    const result = toTestResult(
      pwTest({
        outcome: 'unexpected',
        results: [
          attempt('failed', {
            errors: [failure],
            attachments: [
              { name: 'screenshot', contentType: 'image/png', path: '/o/s.png' },
              { name: 'note', contentType: 'text/plain', body: Buffer.from('hello') },
              { name: 'nothing', contentType: 'text/plain' },
            ],
          }),
        ],
      }),
    );
    expect(result.attachments).toEqual([
      { name: 'screenshot', path: '/o/s.png', contentType: 'image/png' },
      { name: 'note', contentType: 'text/plain', body: 'aGVsbG8=' },
    ]);
    expect(result.attempts[0]?.attachments).toEqual(result.attachments);
  });

  it('the file (core displayPath) is relative to the root dir, or absolute when outside it', () => {
    expect(displayPath('/repo/tests/a.spec.ts', '/repo')).toBe('tests/a.spec.ts');
    expect(displayPath('/elsewhere/a.spec.ts', '/repo')).toBe('/elsewhere/a.spec.ts');
    expect(displayPath('/repo/a.spec.ts', undefined)).toBe('/repo/a.spec.ts');
  });

  it('splitOptions drops what Playwright adds and notices --list', () => {
    expect(splitOptions({ projectId: 'Demo', configDir: '/x', _mode: 'list', _commandHash: '', onlyFailures: false })).toEqual({
      own: { projectId: 'Demo' },
      listMode: true,
    });
    expect(splitOptions({ projectId: 'Demo', configDir: '/x', _mode: 'test' })).toEqual({ own: { projectId: 'Demo' }, listMode: false });
    expect(splitOptions(undefined)).toEqual({ own: undefined, listMode: false });
    expect(splitOptions('Demo')).toEqual({ own: 'Demo', listMode: false });
  });

  it('the summary (core renderText with the runner named) says "collected" instead of "read from 0 files"', () => {
    expect(renderText({ ...emptySummary(false), total: 3 }, { collectedBy: 'Playwright' })).toBe(
      'Collected 3 Playwright test result(s).\nNo test run was written to.',
    );
    const fromFiles = { ...emptySummary(false), total: 3, files: [{ path: 'a.xml', tests: 3, error: null }] };
    expect(renderText(fromFiles)).toBe('Read 3 test result(s) from 1 file(s).\nNo test run was written to.');
  });
});
