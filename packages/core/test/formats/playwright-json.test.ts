import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { isFlaky } from '../../src/model.js';
import { parsePlaywrightJson } from '../../src/formats/playwright/playwright-json.js';
import { playwrightJsonOutsideErrors } from '../../src/formats/playwright/outside-tests.js';
import { fixtureText } from './fixture-files.js';

const fixture = (name: string): unknown => JSON.parse(fixtureText('native', `Hypersequent__qas-cli/src__tests__fixtures__playwright-json__${name}`));

type Json = Record<string, unknown>;
const result = (status: string, extra: Json = {}): Json => ({ status, duration: 100, errors: [], stdout: [], stderr: [], attachments: [], ...extra });
const testEntry = (projectName: string, results: Json[], extra: Json = {}): Json => ({
  projectName,
  expectedStatus: 'passed',
  annotations: [],
  results,
  status: 'expected',
  ...extra,
});
/** One file suite → one describe → one spec with the given tests. */
const report = (tests: Json[], spec: Json = {}): unknown => ({
  suites: [
    {
      title: 'auth/login.spec.ts',
      file: 'auth/login.spec.ts',
      specs: [],
      suites: [{ title: 'login', file: 'auth/login.spec.ts', specs: [{ title: 'works', tags: [], tests, ...spec }], suites: [] }],
    },
  ],
});

describe('parsePlaywrightJson', () => {
  it('gives one result per test with retries as attempts, the last one deciding', () => {
    const failedRun = result('failed', { errors: [{ message: '\u001b[31mError: nope\u001b[39m', stack: 'Error: nope\n    at x.ts:1:1' }], duration: 300 });
    const [r, ...rest] = parsePlaywrightJson(report([testEntry('chromium', [failedRun, result('passed', { duration: 120 })], { status: 'flaky' })]), 'p.json');
    expect(rest).toHaveLength(0);
    expect(r?.attempts).toEqual([
      { status: 'failed', durationMs: 300, message: 'Error: nope', stack: 'Error: nope\n    at x.ts:1:1' },
      { status: 'passed', durationMs: 120 },
    ]);
    expect(r).toMatchObject({ status: 'passed', durationMs: 120, name: 'works', suitePath: ['login'], file: 'auth/login.spec.ts', project: 'chromium' });
    expect(r?.message).toBeUndefined();
    expect(isFlaky(r!)).toBe(true);
  });

  it('gives one result per project', () => {
    const results = parsePlaywrightJson(
      report([testEntry('chromium', [result('passed')]), testEntry('firefox', [result('failed')], { status: 'unexpected' })]),
      'p.json',
    );
    expect(results.map((r) => [r.project, r.status])).toEqual([
      ['chromium', 'passed'],
      ['firefox', 'failed'],
    ]);
  });

  it('normalises tags to one leading @ and maps annotations to properties', () => {
    const [r] = parsePlaywrightJson(
      report(
        [
          testEntry('chromium', [result('skipped')], {
            annotations: [{ type: 'issue', description: 'JIRA-1' }, { type: 'skip', description: 'not on Safari' }, { type: 'slow' }],
            expectedStatus: 'skipped',
            status: 'skipped',
          }),
        ],
        { tags: ['smoke', '@regression', 'smoke'] },
      ),
      'p.json',
    );
    expect(r?.tags).toEqual(['@smoke', '@regression']);
    expect(r?.properties).toEqual([
      { name: 'issue', value: 'JIRA-1' },
      { name: 'skip', value: 'not on Safari' },
      { name: 'slow', value: '' },
    ]);
    expect(r).toMatchObject({ status: 'skipped', message: 'Skipped: not on Safari' });
  });

  it('maps timedOut to failed and interrupted to error', () => {
    const results = parsePlaywrightJson(
      report([testEntry('a', [result('timedOut')], { status: 'unexpected' }), testEntry('b', [result('interrupted')], { status: 'unexpected' })]),
      'p.json',
    );
    expect(results.map((r) => r.status)).toEqual(['failed', 'error']);
  });

  it('treats an expected failure (test.fail()) as passed, and its unexpected pass as failed', () => {
    const results = parsePlaywrightJson(
      report([
        testEntry('a', [result('failed', { errors: [{ message: 'boom' }] })], { expectedStatus: 'failed', status: 'expected' }),
        testEntry('b', [result('passed')], { expectedStatus: 'failed', status: 'unexpected' }),
        testEntry('c', [result('timedOut')], { expectedStatus: 'failed', status: 'unexpected' }),
      ]),
      'p.json',
    );
    expect(results.map((r) => r.status)).toEqual(['passed', 'failed', 'failed']);
    expect(results[1]?.message).toContain('Expected to fail');
  });

  it("keeps each attempt's attachments (files and inline bodies); the result shows the failing attempt's; output of the final one", () => {
    const trace = { name: 'trace', path: 'test-results/a/trace.zip', contentType: 'application/zip' };
    const shot = { name: 'screenshot', path: 'test-results/a/shot.png', contentType: 'image/png' };
    const inline = { name: 'note', contentType: 'text/plain', body: 'aGk=' };
    const [r] = parsePlaywrightJson(
      report([
        testEntry(
          'chromium',
          [
            result('failed', { attachments: [trace, shot], stdout: [{ text: 'first run\n' }] }),
            result('passed', { attachments: [shot, inline], stdout: [{ text: 'second ' }, { buffer: Buffer.from('run').toString('base64') }] }),
          ],
          { status: 'flaky' },
        ),
      ]),
      'p.json',
    );
    expect(r?.attachments).toEqual([trace, shot]);
    expect(r?.attempts.map((a) => a.attachments)).toEqual([
      [trace, shot],
      [shot, inline],
    ]);
    expect(r?.output).toBe('second run');
  });

  it('leaves the file-level suite out of suitePath and uses it as the file', () => {
    const results = parsePlaywrightJson(fixture('describe-marker-collision.json'), 'd.json');
    expect(results.map((r) => [r.file, r.suitePath, r.name])).toEqual([
      ['describe-collision.spec.ts', ['Test Case Folders (TEST-002, TEST-003)'], 'should create a new root folder (TEST-004)'],
    ]);
  });

  it('keeps repeated annotations with different values (several linked cases)', () => {
    const [r] = parsePlaywrightJson(fixture('multi-annotation-with-attachments.json'), 'm.json');
    expect(r?.properties.map((p) => p.value)).toEqual([
      'https://qas.eu1.qasphere.com/project/TEST/tcase/10427',
      'https://qas.eu1.qasphere.com/project/TEST/tcase/10428',
    ]);
    expect(r?.attachments).toEqual([{ name: 'attachment', contentType: 'application/json', path: './multi-annotation-with-attachments.json' }]);
  });

  it("carries each attempt's attachments as written, a missing file included (reading it is a later stage's concern)", () => {
    const results = parsePlaywrightJson(fixture('missing-attachments.json'), 'm.json');
    const attachment = (path: string) => [{ name: 'attachment', contentType: 'application/json', path }];
    expect(results.map((r) => [r.name, r.status, r.attachments])).toEqual([
      ['Test cart TEST-002', 'passed', attachment('./matching-tcases.json')],
      ['Test checkout TEST-003', 'passed', attachment('./matching-tcases.json')],
      ['TEST-004 About page content', 'passed', attachment('./__missing-file.json')],
      ['TEST-006 Navigation bar items', 'failed', attachment('./matching-tcases.json')],
      ['Menu page content TEST-007', 'passed', attachment('./empty-tsuite.json')],
    ]);
    for (const r of results) expect(r.attempts.map((a) => a.attachments)).toEqual([r.attachments]);
  });

  it('reports global errors separately, not as tests', () => {
    const json = fixture('global-errors.json');
    expect(parsePlaywrightJson(json, 'g.json')).toHaveLength(2);
    expect(playwrightJsonOutsideErrors((json as { errors?: unknown }).errors)).toEqual([
      { message: 'Error: Global teardown failed: database connection timeout' },
    ]);
  });

  it('a test with no results (never started) is skipped', () => {
    const [r] = parsePlaywrightJson(report([testEntry('chromium', [], { status: 'skipped' })]), 'p.json');
    expect(r?.status).toBe('skipped');
    expect(r?.attempts).toEqual([
      {
        status: 'skipped',
        message:
          'Did not run: Playwright never started this test (an earlier test of its serial group failed, or --max-failures / an interruption stopped the run).',
      },
    ]);
  });

  it('refuses JSON without suites, naming the file', () => {
    expect(() => parsePlaywrightJson({ config: {} }, 'x.json')).toThrow(InputError);
    expect(() => parsePlaywrightJson([], 'x.json')).toThrow(/^x\.json is not Playwright JSON/);
  });
});
