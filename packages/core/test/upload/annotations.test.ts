import { describe, expect, it } from 'vitest';
import { failureAnnotations, inWorkspace, locate } from '../../src/report/annotations.js';
import { stripAnsi } from '../../src/text.js';
import { makeResult } from '../map/make-result.js';

const WS = '/home/runner/work/shop/shop';

describe('locate', () => {
  it("takes the producer's file and line, made relative to the workspace", () => {
    expect(locate(makeResult('a', { file: 'tests/a.test.ts', line: 7 }), WS)).toEqual({ file: 'tests/a.test.ts', line: 7 });
    expect(locate(makeResult('a', { file: `${WS}/tests/a.test.ts`, line: 7 }), WS)).toEqual({ file: 'tests/a.test.ts', line: 7 });
    expect(locate(makeResult('a', { file: './tests/a.test.ts' }), WS)).toEqual({ file: 'tests/a.test.ts' });
  });

  it("finds the line in a stack frame of the test's own file, else the first frame in the workspace outside node_modules", () => {
    const stack = [
      'Error: expected 3 to be 4',
      `    at Object.<anonymous> (${WS}/node_modules/expect/build/index.js:10:1)`,
      `    at helper (${WS}/tests/helpers.ts:5:3)`,
      `    at Object.<anonymous> (${WS}/tests/cart.test.ts:33:5)`,
      '    at node:internal/process/task_queues:95:5',
    ].join('\n');
    expect(locate(makeResult('a', { status: 'failed', file: 'tests/cart.test.ts', stack }), WS)).toEqual({ file: 'tests/cart.test.ts', line: 33 });
    expect(locate(makeResult('a', { status: 'failed', stack }), WS)).toEqual({ file: 'tests/helpers.ts', line: 5 });
  });

  it('reads pytest and Playwright places in the message when there is no stack', () => {
    expect(locate(makeResult('a', { status: 'error', message: 'tests/conftest.py:12: ConnectionRefusedError' }), WS)).toEqual({
      file: 'tests/conftest.py',
      line: 12,
    });
    expect(locate(makeResult('a', { status: 'failed', message: '  [chromium] › auth.spec.ts:18:7 › sign up' }), WS)).toEqual({
      file: 'auth.spec.ts',
      line: 18,
    });
  });

  it('places nothing outside the workspace, and nothing the host says is not a file of the checkout', () => {
    expect(locate(makeResult('a', { file: '/tmp/elsewhere/a.test.ts', line: 3 }), WS)).toBeUndefined();
    expect(locate(makeResult('a', { status: 'failed', stack: '    at x (/opt/lib/y.js:1:1)' }), WS)).toBeUndefined();
    expect(locate(makeResult('a', { file: 'a.spec.ts', line: 3 }), WS, (f) => f === 'tests/a.spec.ts')).toBeUndefined();
    expect(locate(makeResult('a'), WS)).toBeUndefined();
  });

  it('finds in a stack with terminal escapes, control characters or CR line ends what it finds in that stack stripped', () => {
    const frames = [`    at helper (${WS}/node_modules/x/y.js:1:1)`, `    at helper (${WS}/tests/helpers.ts:5:3)`, `    at t (${WS}/tests/cart.test.ts:33:5)`];
    const odd = ['\u001b[31m', '\u001b[0m', '\u009b1m', '\u001b]8;;http://x\u0007', '\r', '\u0000', '\u007f', ':', '(', ' '];
    const base = ['Error: expected 3 to be 4', ...frames].join('\n');
    // Each odd character or escape put at every place of the stack: before, inside and after each frame.
    for (const insert of odd) {
      for (let at = 0; at <= base.length; at += 1) {
        const stack = base.slice(0, at) + insert + base.slice(at);
        const stripped = stripAnsi(stack);
        for (const file of [undefined, 'tests/cart.test.ts']) {
          const expected = locate(makeResult('a', { status: 'failed', file, stack: stripped }), WS);
          expect(locate(makeResult('a', { status: 'failed', file, stack }), WS), JSON.stringify(stack)).toEqual(expected);
        }
      }
    }
    expect(locate(makeResult('a', { status: 'failed', stack: `Error\u001b[2m\n    at t (${WS}/tests/a\u001b[0m.ts:3:1)` }), WS)).toEqual({
      file: 'tests/a.ts',
      line: 3,
    });
    expect(locate(makeResult('a', { status: 'failed', stack: `Error\r\n    at t (${WS}/tests/a.ts:3:1)\r\n` }), WS)).toEqual({ file: 'tests/a.ts', line: 3 });
  });
});

describe('inWorkspace', () => {
  it('normalises Windows separators and refuses ../ escapes', () => {
    expect(inWorkspace('D:\\a\\shop\\shop\\tests\\a.cs', 'D:\\a\\shop\\shop')).toBe('tests/a.cs');
    expect(inWorkspace('tests\\a.cs', 'D:\\a\\shop\\shop')).toBe('tests/a.cs');
    expect(inWorkspace('../other/a.ts', WS)).toBeUndefined();
    expect(inWorkspace(`${WS}-fork/a.ts`, WS)).toBeUndefined();
  });
});

describe('failureAnnotations', () => {
  it('annotates failed and errored tests only, with the title and message, up to the limit, and counts the rest', () => {
    const results = [
      makeResult('passes', { file: 'a.ts', line: 1 }),
      makeResult('fails', { status: 'failed', file: 'a.ts', line: 2, message: 'boom\nat line two' }),
      makeResult('errors', { status: 'error', file: 'a.ts', line: 3 }),
      makeResult('nowhere', { status: 'failed', message: 'no place' }),
      makeResult('late', { status: 'failed', file: 'a.ts', line: 9 }),
    ];
    expect(failureAnnotations(results, WS, { limit: 2 })).toEqual({
      errors: [
        { file: 'a.ts', line: 2, title: 'Failed: fails', message: 'boom\nat line two' },
        { file: 'a.ts', line: 3, title: 'Errored: errors', message: 'The test errored without a message.' },
      ],
      notice: '2 more failed test(s) are not annotated (2 beyond the 2 annotations a step can show); the job summary lists every failed test.',
    });
    expect(failureAnnotations(results, WS).notice).toBe(
      '1 more failed test(s) are not annotated (1 without a file in the workspace); the job summary lists every failed test.',
    );
    expect(failureAnnotations([results[0]!], WS)).toEqual({ errors: [] });
  });
});
