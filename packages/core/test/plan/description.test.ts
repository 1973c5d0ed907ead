import { describe, it, expect } from 'vitest';
import type { CaseInfo, MappedCase } from '../../src/map/mapping.js';
import { DEFAULT_STATUS_MAPPING } from '../../src/map/status.js';
import type { TestResult } from '../../src/model.js';
import { MAX_DESCRIPTION_CHARS, describeCase, formatDuration } from '../../src/plan/description.js';
import { makeResult } from '../map/make-result.js';

const testCase: CaseInfo = { id: '00000000-0000-4000-8000-000000000001', human_id: 'DEMO-1', title: 'Login' };
const context = { mapping: DEFAULT_STATUS_MAPPING };
const JOB = 'https://github.com/acme/shop/actions/runs/42/job/7';

function describeResults(results: TestResult[], extra: { jobUrl?: string; maxChars?: number } = {}): string {
  const mapped: MappedCase = { testCase, results };
  return describeCase(mapped, { ...context, ...extra });
}

describe('describeCase', () => {
  it('describes a passing test', () => {
    const result = makeResult('[DEMO-1] accepts a valid password', {
      suitePath: ['login.spec.ts', 'Login'],
      project: 'chromium',
      file: 'tests/login.spec.ts',
      durationMs: 1234,
    });
    expect(describeResults([result])).toBe(
      [
        'Test: login.spec.ts › Login › [DEMO-1] accepts a valid password',
        'Project: chromium',
        'File: tests/login.spec.ts',
        'Outcome: passed (status Passed) in 1.2 s',
      ].join('\n'),
    );
  });

  it('names the JUnit class when neither a file nor the title says where the test lives', () => {
    const pytest = makeResult('test_logout[DEMO-1]', { suitePath: ['pytest'], classname: 'tests.test_session', durationMs: 514 });
    expect(describeResults([pytest])).toBe(
      ['Test: pytest › test_logout[DEMO-1]', 'Class: tests.test_session', 'Outcome: passed (status Passed) in 514 ms'].join('\n'),
    );
    const jestJunit = makeResult('Login [DEMO-1] works', { suitePath: ['Login'], classname: 'Login [DEMO-1] works' });
    expect(describeResults([jestJunit])).not.toContain('Class:');
  });

  it('describes a failure: message, stack without the repeated message, attachments, CI job; no ANSI codes', () => {
    const result = makeResult('DEMO-1 rejects a wrong password', {
      status: 'failed',
      durationMs: 350,
      message: 'Error: \u001b[31mexpected\u001b[39m 401\r\nreceived 200',
      stack: 'Error: \u001b[31mexpected\u001b[39m 401\r\nreceived 200\n    at login (tests/login.spec.ts:12:5)\n    at run (node:internal)\n',
      attachments: [{ name: 'screenshot', path: 'a.png' }, { name: 'trace.zip' }],
      attempts: [{ status: 'failed' }],
    });
    expect(describeResults([result], { jobUrl: JOB })).toBe(
      [
        'Test: DEMO-1 rejects a wrong password',
        'Outcome: failed (status Failed) in 350 ms',
        'Message:',
        '  Error: expected 401',
        '  received 200',
        'Stack:',
        '      at login (tests/login.spec.ts:12:5)',
        '      at run (node:internal)',
        'Attachments: screenshot, trace.zip',
        '',
        `CI job: ${JOB}`,
      ].join('\n'),
    );
  });

  it('keeps a stack that does not repeat the message, and keeps blank lines blank', () => {
    const result = makeResult('t', { status: 'error', message: 'boom\n\nmore', stack: 'java.lang.IllegalStateException: boom\n\tat A.b(A.java:1)' });
    expect(describeResults([result])).toBe(
      [
        'Test: t',
        'Outcome: error (status Failed)',
        'Message:',
        '  boom',
        '',
        '  more',
        'Stack:',
        '  java.lang.IllegalStateException: boom',
        '  \tat A.b(A.java:1)',
      ].join('\n'),
    );
  });

  it('notes the attempts of a flaky test and records it as Passed', () => {
    const result = makeResult('DEMO-1 flaky login', {
      durationMs: 2300,
      attempts: [
        { status: 'failed', message: '\u001b[2mTimeout\u001b[22m of 5000ms exceeded\n  at waitFor', durationMs: 5000 },
        { status: 'passed', durationMs: 2300 },
      ],
    });
    expect(describeResults([result])).toBe(
      [
        'Test: DEMO-1 flaky login',
        'Outcome: flaky (status Passed) in 2.3 s',
        'Attempts: flaky: passed on attempt 2 of 2; attempt 1 failed: Timeout of 5000ms exceeded',
      ].join('\n'),
    );
  });

  it('lists every attempt of a test that failed on each retry', () => {
    const result = makeResult('t', {
      status: 'failed',
      message: 'third',
      attempts: [{ status: 'error', message: '\n  first\nsecond line' }, { status: 'failed' }, { status: 'failed', message: 'third' }],
    });
    expect(describeResults([result])).toBe(
      [
        'Test: t',
        'Outcome: failed (status Failed)',
        'Attempts: failed on attempt 3 of 3; attempt 1 errored: first; attempt 2 failed',
        'Message:',
        '  third',
      ].join('\n'),
    );
  });

  it('lists every test of a case, with the aggregated status first and the failed test before the others', () => {
    const chromium = makeResult('DEMO-1 logs in', { project: 'chromium', durationMs: 900 });
    const firefox = makeResult('DEMO-1 logs in', { project: 'firefox', status: 'failed', message: 'timeout', durationMs: 30_000 });
    const webkit = makeResult('DEMO-1 logs in', { project: 'webkit', status: 'skipped', message: 'not on webkit' });
    expect(describeResults([chromium, firefox, webkit], { jobUrl: JOB })).toBe(
      [
        '3 automated tests map to this case; the worst outcome decides its status: Failed. The failed test is listed first.',
        '',
        'Test 1 of 3: DEMO-1 logs in',
        'Project: firefox',
        'Outcome: failed (status Failed) in 30.0 s',
        'Message:',
        '  timeout',
        '',
        'Test 2 of 3: DEMO-1 logs in',
        'Project: chromium',
        'Outcome: passed (status Passed) in 900 ms',
        '',
        'Test 3 of 3: DEMO-1 logs in',
        'Project: webkit',
        'Outcome: skipped (status Skipped)',
        'Message:',
        '  not on webkit',
        '',
        `CI job: ${JOB}`,
      ].join('\n'),
    );
  });

  it('puts the one failure among 100 passes first, so truncation never hides it', () => {
    const results = Array.from({ length: 100 }, (_, i) =>
      makeResult(`t${i + 1}`, i === 35 ? { status: 'failed', message: 'boom' } : { stack: 'x'.repeat(1000) }),
    );
    const text = describeResults(results, { maxChars: 2_000 });
    expect(
      text.startsWith(
        '100 automated tests map to this case; the worst outcome decides its status: Failed. The failed test is listed first.\n\nTest 1 of 100: t36\nOutcome: failed (status Failed)\nMessage:\n  boom\n\nTest 2 of 100: t1\n',
      ),
    ).toBe(true);
  });

  it('keeps failed and errored tests in input order, ahead of the rest', () => {
    const results = [
      makeResult('p1'),
      makeResult('e1', { status: 'error' }),
      makeResult('s1', { status: 'skipped' }),
      makeResult('f1', { status: 'failed' }),
      makeResult('p2'),
    ];
    const titles = [...describeResults(results).matchAll(/^Test \d of 5: (\w+)$/gm)].map((m) => m[1]);
    expect(titles).toEqual(['e1', 'f1', 'p1', 's1', 'p2']);
    expect(describeResults(results)).toContain('The 2 failed tests are listed first.');
    // All failed: nothing was moved, nothing to say.
    expect(describeResults([makeResult('a', { status: 'failed' }), makeResult('b', { status: 'failed' })])).toMatch(
      /^2 automated tests map to this case; the worst outcome decides its status: Failed\.\n/,
    );
  });

  it('names the mapped status of each outcome', () => {
    const skipped = makeResult('a', { status: 'skipped' });
    const passed = makeResult('b');
    const mapping = { ...DEFAULT_STATUS_MAPPING, skipped: 'Blocked' };
    expect(describeCase({ testCase, results: [passed, skipped] }, { mapping })).toBe(
      [
        '2 automated tests map to this case; the worst outcome decides its status: Blocked.',
        '',
        'Test 1 of 2: b',
        'Outcome: passed (status Passed)',
        '',
        'Test 2 of 2: a',
        'Outcome: skipped (status Blocked)',
      ].join('\n'),
    );
  });

  it('keeps titles, projects, files and attachment names on one line', () => {
    const result = makeResult('two\nlines', {
      suitePath: ['', 'suite\r\n'],
      file: 'a\nb.ts',
      project: 'chro\nmium',
      attachments: [{ name: '' }, { name: 'x\ny' }],
    });
    expect(describeResults([result], { jobUrl: `${JOB}\n` })).toBe(
      ['Test: suite › two lines', 'Project: chro mium', 'File: a b.ts', 'Outcome: passed (status Passed)', 'Attachments: x y', '', `CI job: ${JOB}`].join('\n'),
    );
  });

  it('says (untitled) for a test without a title', () => {
    expect(describeResults([makeResult('')])).toBe('Test: (untitled)\nOutcome: passed (status Passed)');
  });

  it('trims a long stack to 15 lines and says so', () => {
    const stack = Array.from({ length: 40 }, (_, i) => `at f${i + 1} (file.ts:${i + 1})`).join('\n');
    const text = describeResults([makeResult('t', { status: 'failed', stack })]);
    const expectedLines = Array.from({ length: 15 }, (_, i) => `  at f${i + 1} (file.ts:${i + 1})`);
    expect(text).toBe(['Test: t', 'Outcome: failed (status Failed)', 'Stack:', ...expectedLines, '  … (stack trimmed; 40 lines in full)'].join('\n'));
  });

  it('trims a stack of long lines to 2,000 characters', () => {
    const line = 'x'.repeat(599);
    const stack = [line, line, line, line, line].join('\n');
    const text = describeResults([makeResult('t', { status: 'failed', stack })]);
    // three lines and their two line breaks fit (1,799 characters); a fourth would pass 2,000.
    expect(text).toBe(
      ['Test: t', 'Outcome: failed (status Failed)', 'Stack:', `  ${line}`, `  ${line}`, `  ${line}`, '  … (stack trimmed; 5 lines in full)'].join('\n'),
    );
  });

  it('cuts a single enormous stack line', () => {
    const text = describeResults([makeResult('t', { status: 'failed', stack: 'y'.repeat(5000) })]);
    expect(text).toBe(['Test: t', 'Outcome: failed (status Failed)', 'Stack:', `  ${'y'.repeat(2000)}`, '  … (stack trimmed; 1 line in full)'].join('\n'));
  });

  it('caps a giant message so that the other tests still show', () => {
    const text = describeResults([makeResult('t', { status: 'failed', message: 'm'.repeat(5000) })]);
    expect(text).toBe(['Test: t', 'Outcome: failed (status Failed)', 'Message:', `  ${'m'.repeat(4000)}`, '  … (message trimmed)'].join('\n'));
  });

  it('truncates the whole description, keeping the CI job link', () => {
    const result = makeResult('t', { status: 'failed', message: 'abcdefghij'.repeat(10) });
    const text = describeResults([result], { jobUrl: 'https://ci/1', maxChars: 80 });
    // 80 = 44 of the body + "\n… (truncated)" (14) + "\n\nCI job: https://ci/1" (22).
    expect(text).toBe('Test: t\nOutcome: failed (status Failed)\nMess\n… (truncated)\n\nCI job: https://ci/1');
    expect(text).toHaveLength(80);
  });

  it('truncates without a CI link', () => {
    const text = describeResults([makeResult('a long title that will not fit')], { maxChars: 30 });
    expect(text).toBe('Test: a long tit\n… (truncated)');
    expect(text).toHaveLength(30);
  });

  it('never cuts inside a surrogate pair', () => {
    const title = '😀'.repeat(20);
    // 31 - 14 (the marker) leaves 17 code units: "Test: " (6) and 5 emoji (10); the 17th would split the 6th emoji.
    expect(describeResults([makeResult(title)], { maxChars: 31 })).toBe(`Test: ${'😀'.repeat(5)}\n… (truncated)`);
    expect(describeResults([makeResult(title)], { maxChars: 32 })).toBe(`Test: ${'😀'.repeat(6)}\n… (truncated)`);
  });

  it('caps at 16 KiB by default however many tests a case has', () => {
    const results = Array.from({ length: 50 }, (_, i) => makeResult(`t${i}`, { status: 'failed', message: 'z'.repeat(3000) }));
    const text = describeResults(results, { jobUrl: JOB });
    expect(MAX_DESCRIPTION_CHARS).toBe(16_384);
    expect(text.length).toBeLessThanOrEqual(MAX_DESCRIPTION_CHARS);
    expect(text.endsWith(`\n… (truncated)\n\nCI job: ${JOB}`)).toBe(true);
    expect(text.startsWith('50 automated tests map to this case; the worst outcome decides its status: Failed.\n\nTest 1 of 50: t0\n')).toBe(true);
  });

  it('is not truncated when it fits exactly', () => {
    const text = describeResults([makeResult('t')]);
    expect(describeResults([makeResult('t')], { maxChars: text.length })).toBe(text);
  });
});

describe('formatDuration', () => {
  it.each([
    [undefined, ''],
    [Number.NaN, ''],
    [-1, ''],
    [Number.POSITIVE_INFINITY, ''],
    [0, '0 ms'],
    [0.4, '0 ms'],
    [350, '350 ms'],
    [999.4, '999 ms'],
    [999.6, '1.0 s'],
    [1000, '1.0 s'],
    [1234, '1.2 s'],
    [1250, '1.3 s'],
    [59_940, '59.9 s'],
    [59_960, '1 min 0 s'],
    [65_000, '1 min 5 s'],
    [3_599_400, '59 min 59 s'],
    [3_600_000, '1 h 0 min'],
    [3_725_000, '1 h 2 min'],
    [90_000_000, '25 h 0 min'],
  ])('%s ms → %j', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});
