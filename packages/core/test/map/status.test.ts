import { describe, it, expect } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  DEFAULT_STATUS_MAPPING,
  aggregateStatus,
  caseStatusName,
  outcomeOf,
  parseStatusMapping,
  resolveStatusIds,
  type RunStatus,
  type StatusMapping,
} from '../../src/map/status.js';
import { makeResult } from './make-result.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('outcomeOf', () => {
  it('is the final status for a single attempt', () => {
    expect(outcomeOf(makeResult('a', { status: 'passed' }))).toBe('passed');
    expect(outcomeOf(makeResult('a', { status: 'failed' }))).toBe('failed');
    expect(outcomeOf(makeResult('a', { status: 'error' }))).toBe('error');
    expect(outcomeOf(makeResult('a', { status: 'skipped' }))).toBe('skipped');
  });

  it('is flaky when a passing test failed or errored before', () => {
    expect(outcomeOf(makeResult('a', { attempts: [{ status: 'failed' }, { status: 'passed' }] }))).toBe('flaky');
    expect(outcomeOf(makeResult('a', { attempts: [{ status: 'error' }, { status: 'passed' }] }))).toBe('flaky');
  });

  it('is failed when every attempt failed, passed when an earlier attempt was only skipped', () => {
    expect(outcomeOf(makeResult('a', { status: 'failed', attempts: [{ status: 'failed' }, { status: 'failed' }] }))).toBe('failed');
    expect(outcomeOf(makeResult('a', { attempts: [{ status: 'skipped' }, { status: 'passed' }] }))).toBe('passed');
  });
});

describe('DEFAULT_STATUS_MAPPING', () => {
  it('records errors as Failed and flaky tests as Passed', () => {
    expect(DEFAULT_STATUS_MAPPING).toEqual({ passed: 'Passed', failed: 'Failed', error: 'Failed', skipped: 'Skipped', flaky: 'Passed' });
  });
});

describe('parseStatusMapping', () => {
  it('reads outcome=status pairs', () => {
    expect(parseStatusMapping('skipped=Blocked,error=Blocked')).toEqual({ skipped: 'Blocked', error: 'Blocked' });
  });

  it('accepts spaces, upper-case outcomes, new lines and a trailing comma; keeps names as written', () => {
    expect(parseStatusMapping(' Skipped = In Progress ,\n FLAKY=Retest,\n')).toEqual({ skipped: 'In Progress', flaky: 'Retest' });
  });

  it('reads empty text as an empty mapping', () => {
    expect(parseStatusMapping('')).toEqual({});
    expect(parseStatusMapping(' , ')).toEqual({});
  });

  it('keeps everything after the first = in the name', () => {
    expect(parseStatusMapping('failed=A=B')).toEqual({ failed: 'A=B' });
  });

  it('reports every problem at once, naming the expected keys', () => {
    const error = thrown(() => parseStatusMapping('skipped, timeout=Failed, error=, passed=Passed, PASSED=Ok'));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_STATUS_MAPPING');
    expect((error as ConfigError).message).toBe(
      'Invalid status mapping: "skipped" is not an outcome=status pair; "timeout" is not an outcome; ' +
        '"error" has no status name; "passed" is given more than once. ' +
        'Expected outcome=status pairs separated by commas or new lines, such as "skipped=Blocked,error=Blocked", ' +
        'with outcomes passed, failed, error, skipped, flaky.',
    );
  });
});

describe('resolveStatusIds', () => {
  const service: RunStatus[] = [
    { id: 's-passed', name: 'Passed' },
    { id: 's-failed', name: 'Failed' },
    { id: 's-blocked', name: 'Blocked' },
    { id: 's-skipped', name: 'Skipped' },
    { id: 's-untested', name: 'UnTested' },
    { id: 's-progress', name: 'In Progress' },
    { id: 's-retest', name: 'Retest' },
  ];

  it('resolves every name of the default mapping, keyed by the name as in the mapping', () => {
    const resolved = resolveStatusIds(service, DEFAULT_STATUS_MAPPING);
    expect([...resolved]).toEqual([
      ['Passed', { id: 's-passed', name: 'Passed' }],
      ['Failed', { id: 's-failed', name: 'Failed' }],
      ['Skipped', { id: 's-skipped', name: 'Skipped' }],
    ]);
  });

  it('matches names case- and space-insensitively', () => {
    const mapping: StatusMapping = { passed: 'passed', failed: 'FAILED', error: 'in progress', skipped: 'Untested', flaky: 'InProgress' };
    const resolved = resolveStatusIds(service, mapping);
    expect(resolved.get('passed')?.id).toBe('s-passed');
    expect(resolved.get('FAILED')?.id).toBe('s-failed');
    expect(resolved.get('in progress')?.id).toBe('s-progress');
    expect(resolved.get('Untested')?.id).toBe('s-untested');
    expect(resolved.get('InProgress')?.id).toBe('s-progress');
  });

  it('prefers an exact match over a loose one', () => {
    const statuses: RunStatus[] = [
      { id: 'a', name: 'Re-test' },
      { id: 'b', name: 'Retest' },
    ];
    const mapping = { ...DEFAULT_STATUS_MAPPING, passed: 'Retest', failed: 'Re-test', error: 'retest', skipped: 'Retest', flaky: 'Retest' };
    const resolved = resolveStatusIds(statuses, mapping);
    expect(resolved.get('Retest')?.id).toBe('b');
    expect(resolved.get('Re-test')?.id).toBe('a');
    expect(resolved.get('retest')?.id).toBe('a');
  });

  it('names every missing status, the outcomes that need it, and what the service offers', () => {
    const mapping: StatusMapping = { ...DEFAULT_STATUS_MAPPING, skipped: 'Not Run', error: 'Broken', flaky: 'Broken' };
    const error = thrown(() => resolveStatusIds(service, mapping));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_STATUS_MISSING');
    expect((error as ConfigError).message).toBe(
      'The service has no test run status named "Broken" (for error, flaky), "Not Run" (for skipped). ' +
        'Statuses it offers: Passed, Failed, Blocked, Skipped, UnTested, In Progress, Retest. ' +
        'Change the status mapping to use one of these names (e.g. "skipped=Skipped").',
    );
  });

  it('says when the service offers no status at all', () => {
    expect(() => resolveStatusIds([], DEFAULT_STATUS_MAPPING)).toThrow(
      'The service has no test run status named "Passed" (for passed, flaky), "Failed" (for failed, error), "Skipped" (for skipped). Statuses it offers: none.',
    );
  });
});

describe('aggregateStatus', () => {
  it.each([
    [['Passed', 'Failed'], 'Failed'],
    [['Blocked', 'Failed'], 'Failed'],
    [['Passed', 'Blocked'], 'Blocked'],
    [['Skipped', 'Passed'], 'Passed'],
    [['Skipped', 'Skipped'], 'Skipped'],
    [['Skipped', 'Passed', 'Blocked', 'Failed'], 'Failed'],
    [['Passed', 'Retest'], 'Retest'],
    [['Retest', 'Blocked'], 'Blocked'],
    [['Retest', 'Failed'], 'Failed'],
    [['Skipped', 'In Progress'], 'In Progress'],
    [['passed', 'FAILED '], 'FAILED '],
    [['block ed', 'passed'], 'block ed'],
    [['Retest', 'In Progress'], 'Retest'],
    [['Passed'], 'Passed'],
    [['constructor', 'Passed'], 'constructor'],
  ])('%j → %j', (names, expected) => {
    expect(aggregateStatus(names)).toBe(expected);
  });

  it('needs at least one name', () => {
    expect(() => aggregateStatus([])).toThrow(RangeError);
  });
});

describe('caseStatusName', () => {
  it('maps each result, then lets the worst win; a flaky test counts as passed', () => {
    const flaky = makeResult('a', { attempts: [{ status: 'failed' }, { status: 'passed' }] });
    const skipped = makeResult('b', { status: 'skipped' });
    const errored = makeResult('c', { status: 'error' });
    expect(caseStatusName([skipped, flaky], DEFAULT_STATUS_MAPPING)).toBe('Passed');
    expect(caseStatusName([skipped, flaky, errored], DEFAULT_STATUS_MAPPING)).toBe('Failed');
    expect(caseStatusName([flaky, skipped], { ...DEFAULT_STATUS_MAPPING, skipped: 'Blocked' })).toBe('Blocked');
  });
});
