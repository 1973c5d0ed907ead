import { describe, expect, it } from 'vitest';
import { formatJobLine, isPartial, readJobLines, withJobLines, worse, worstByCase, type JobLine } from '../../src/run/verdict.js';

function line(job: string, cases: Record<string, string[]>, state: JobLine['state'] = 'done'): JobLine {
  return { job, state, cases: new Map(Object.entries(cases)), unlisted: new Map() };
}

describe('job lines', () => {
  it('fold consecutive case numbers into ranges, worst status first, and read back to the same cases', () => {
    const written = line('2/4', { Passed: ['DEMO-1', 'DEMO-2', 'DEMO-4'], Failed: ['DEMO-7', 'DEMO-5', 'DEMO-6', 'DEMO-9'], Blocked: ['DEMO-3'] });
    const text = formatJobLine(written);
    expect(text).toBe('testsigma-tm job 2/4 (done): Failed DEMO-5..7 DEMO-9; Blocked DEMO-3; Passed DEMO-1..2 DEMO-4');
    const [read] = readJobLines(`Recorded by testsigma-tm.\n${text}`);
    expect(read?.cases.get('Failed')).toEqual(['DEMO-5', 'DEMO-6', 'DEMO-7', 'DEMO-9']);
    expect(read?.cases.get('Passed')).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-4']);
    expect(read?.state).toBe('done');
  });

  it('a line too long for the description gives its best statuses as counts, never its failures first', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `DEMO-${2 * i + 1}`);
    const written = line('a1b2c3d4', { Passed: many, Failed: ['DEMO-2'] });
    const text = formatJobLine(written);
    expect(text).toBe('testsigma-tm job a1b2c3d4 (done): Failed DEMO-2; Passed 3000 unlisted');
    expect(isPartial(written)).toBe(true);
    expect(isPartial(line('x', { Failed: ['DEMO-2'] }))).toBe(false);
  });

  it('replacing the lines of a description keeps its other text, one line per job in job order', () => {
    const before = 'Recorded by testsigma-tm.\ntestsigma-tm job 2/2 (reporting): Passed DEMO-1';
    const after = withJobLines(before, [line('2/2', { Passed: ['DEMO-1'] }), line('1/2', { Failed: ['DEMO-1'] }, 'reporting')]);
    expect(after).toBe('Recorded by testsigma-tm.\ntestsigma-tm job 1/2 (reporting): Failed DEMO-1\ntestsigma-tm job 2/2 (done): Passed DEMO-1');
  });
});

describe('the verdict of a case', () => {
  it('is the worst any job reported: Failed > Blocked > Passed > Skipped, and a result beats none', () => {
    expect(worse('Passed', 'Failed')).toBe('Failed');
    expect(worse('Blocked', 'Passed')).toBe('Blocked');
    expect(worse('Skipped', 'Passed')).toBe('Passed');
    expect(worse(undefined, 'Skipped')).toBe('Skipped');
    const worst = worstByCase([line('1/2', { Passed: ['DEMO-1', 'DEMO-2'] }), line('2/2', { Failed: ['DEMO-1'], Skipped: ['DEMO-2'] })]);
    expect(Object.fromEntries(worst)).toEqual({ 'DEMO-1': 'Failed', 'DEMO-2': 'Passed' });
  });
});
