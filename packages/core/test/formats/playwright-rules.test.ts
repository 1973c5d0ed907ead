import { describe, expect, it } from 'vitest';
import { attemptStatus, outcomeOf, playwrightCaseToResult } from '../../src/formats/playwright/rules.js';
import type { PlaywrightAttempt, PlaywrightCase } from '../../src/formats/playwright/shape.js';

const run = (status: string, extra: Partial<PlaywrightAttempt> = {}): PlaywrightAttempt => ({
  status,
  duration: 10,
  errors: [],
  annotations: [],
  attachments: [],
  stdout: [],
  stderr: [],
  ...extra,
});
const testCase = (expectedStatus: string, statuses: string[], extra: Partial<PlaywrightCase> = {}): PlaywrightCase => ({
  suitePath: [],
  title: 't',
  annotations: [],
  tags: [],
  expectedStatus,
  attempts: statuses.map((s) => run(s)),
  ...extra,
});

describe('attemptStatus', () => {
  it.each([
    ['passed', 'passed', 'passed'],
    ['failed', 'passed', 'failed'],
    ['timedOut', 'passed', 'failed'],
    ['interrupted', 'passed', 'error'],
    ['skipped', 'passed', 'skipped'],
    ['skipped', 'skipped', 'skipped'],
    // test.fail(): the failure is what was expected; a timeout is not the expected failure.
    ['failed', 'failed', 'passed'],
    ['passed', 'failed', 'failed'],
    ['timedOut', 'failed', 'failed'],
    ['exploded', 'passed', 'error'],
  ] as const)('%s when %s was expected → %s', (status, expected, want) => {
    expect(attemptStatus(status, expected)).toBe(want);
  });
});

describe('outcomeOf, as Playwright computes TestCase.outcome()', () => {
  it.each([
    ['passed', ['passed'], 'expected'],
    ['passed', ['failed', 'passed'], 'flaky'],
    ['passed', ['failed', 'timedOut'], 'unexpected'],
    ['passed', [], 'skipped'],
    ['passed', ['skipped'], 'skipped'],
    ['passed', ['interrupted'], 'skipped'],
    ['passed', ['failed', 'interrupted'], 'unexpected'],
    ['passed', ['failed', 'skipped'], 'unexpected'],
    ['skipped', ['skipped'], 'skipped'],
    ['failed', ['failed'], 'expected'],
    ['failed', ['passed'], 'unexpected'],
    ['failed', ['timedOut'], 'unexpected'],
  ] as const)('expected %s, attempts %j → %s', (expected, statuses, want) => {
    expect(outcomeOf(testCase(expected, [...statuses]))).toBe(want);
  });

  it('is used when the producer states no outcome, and the stated one wins when present', () => {
    expect(playwrightCaseToResult(testCase('passed', ['failed', 'passed']), 's').status).toBe('passed');
    expect(playwrightCaseToResult(testCase('passed', ['failed', 'skipped']), 's').status).toBe('failed');
    expect(playwrightCaseToResult(testCase('passed', ['passed'], { outcome: 'unexpected' }), 's').status).toBe('failed');
  });

  it('an unknown attempt status is an error that names it', () => {
    expect(playwrightCaseToResult(testCase('passed', ['exploded']), 's')).toMatchObject({
      status: 'error',
      message: 'Playwright reported the unknown status "exploded".',
    });
  });

  it('a duration that is not a usable number is left out; an attachment with neither path nor body is dropped', () => {
    const r = playwrightCaseToResult(
      testCase('passed', [], {
        attempts: [
          run('passed', {
            duration: -1,
            attachments: [
              { name: 'x', contentType: 'text/plain' },
              { name: '', path: '/o/a.txt' },
            ],
          }),
        ],
      }),
      's',
    );
    expect(r.durationMs).toBeUndefined();
    expect(r.attachments).toEqual([{ name: '/o/a.txt', path: '/o/a.txt' }]);
  });
});
