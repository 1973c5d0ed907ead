/**
 * The summary's per-test parts, from uploadResults in-process against the emulator: failed tests with their case
 * and link, test cases by outcome, the dry run's mapping report (with and without a token), the figures.
 */
import { describe, expect, it } from 'vitest';
import { type EmulatorHandle } from 'testsigma-tm-emulator';
import { InputError } from '../../src/errors.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { makeResult } from '../map/make-result.js';
import { useDemoEmulator } from '../demo-emulator.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

function settings(extra: Record<string, unknown> = {}) {
  return resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', ...extra }, {});
}

const results = [
  makeResult('DEMO-1 passes'),
  makeResult('DEMO-1 fails in firefox', { status: 'failed', message: 'timeout\nafter 30 s', file: 'tests/login.test.ts', line: 12 }),
  makeResult('DEMO-2 skipped', { status: 'skipped' }),
  makeResult('DEMO-3 errors', { status: 'error', message: 'ECONNREFUSED' }),
  makeResult('no id at all', { status: 'failed', message: 'lost' }),
  makeResult('DEMO-999 gone'),
  makeResult('DEMO-4 and DEMO-5 together'),
];

describe('the summary of an upload', () => {
  it('lists every failed test with its case, first message line, place and link, and counts test cases by outcome', async () => {
    const outcome = await uploadResults({ settings: settings(), results, env: { GITHUB_WORKSPACE: '/ws' } });
    expect(outcome.exitCode).toBe(0);
    const s = outcome.summary;
    expect(s.failures).toEqual([
      { test: 'DEMO-1 fails in firefox', case: 'DEMO-1', message: 'timeout', file: 'tests/login.test.ts', line: 12, url: `${s.runUrl}#DEMO-1` },
      { test: 'DEMO-3 errors', case: 'DEMO-3', message: 'ECONNREFUSED', file: null, line: null, url: `${s.runUrl}#DEMO-3` },
      { test: 'no id at all', case: null, message: 'lost', file: null, line: null, url: null },
    ]);
    // Tests: 3 passed (DEMO-1, DEMO-999, DEMO-4/5), 3 failed, 1 skipped. Cases: DEMO-1 failed (one of its two tests), 2 skipped, 3 failed, 4 and 5 passed.
    expect(s.tests).toEqual({ passed: 3, failed: 3, skipped: 1 });
    expect(s.cases).toEqual({ recorded: 5, passed: 2, failed: 2, skipped: 1 });
    expect(s.mapping).toBeNull();
    expect(s.figures.httpRequests).toBe(emulator.state().requests.length);
    expect(s.figures.retries).toBe(0);
  });

  it('counts the retries', async () => {
    emulator.setFaults([{ kind: 'status', route: 'GET /users', status: 503, times: 2 }]);
    const outcome = await uploadResults({
      settings: settings(),
      results: [makeResult('DEMO-1 a')],
      http: { retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 }, clock: { now: Date.now, sleep: () => Promise.resolve(), random: Math.random } },
    });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.summary.figures.retries).toBe(2);
    expect(outcome.summary.figures.httpRequests).toBe(emulator.state().requests.length);
  });
});

describe("the dry run's mapping report", () => {
  it('gives every test its case, or the reason it has none, and writes nothing', async () => {
    const outcome = await uploadResults({ settings: settings({ dryRun: true }), results });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.summary.checkedAgainstProject).toBe(true);
    expect(outcome.summary.mapping).toEqual([
      { test: 'DEMO-1 passes', file: null, ids: ['DEMO-1'], case: 'DEMO-1', reason: null },
      { test: 'DEMO-1 fails in firefox', file: 'tests/login.test.ts', ids: ['DEMO-1'], case: 'DEMO-1', reason: null },
      { test: 'DEMO-2 skipped', file: null, ids: ['DEMO-2'], case: 'DEMO-2', reason: null },
      { test: 'DEMO-3 errors', file: null, ids: ['DEMO-3'], case: 'DEMO-3', reason: null },
      { test: 'no id at all', file: null, ids: [], case: null, reason: 'no id' },
      { test: 'DEMO-999 gone', file: null, ids: ['DEMO-999'], case: null, reason: 'unknown id' },
      { test: 'DEMO-4 and DEMO-5 together', file: null, ids: ['DEMO-4', 'DEMO-5'], case: 'DEMO-4, DEMO-5', reason: null },
    ]);
    expect(outcome.summary.cases).toEqual({ recorded: 5, passed: 2, failed: 2, skipped: 1 });
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('without a token: lists the ids found, checks none, asks nothing of the service and exits 0', async () => {
    const outcome = await uploadResults({
      settings: resolveSettings({ dryRun: true }, {}),
      results: [makeResult('[ACME-7] a'), makeResult('b', { properties: [{ name: 'testsigma', value: 'DEMO-3' }] }), makeResult('run DEMO-R-3 is not an id')],
    });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.summary.checkedAgainstProject).toBe(false);
    expect(outcome.summary.mapping).toEqual([
      { test: '[ACME-7] a', file: null, ids: ['ACME-7'], case: null, reason: 'not checked' },
      { test: 'b', file: null, ids: ['DEMO-3'], case: null, reason: 'not checked' },
      { test: 'run DEMO-R-3 is not an id', file: null, ids: [], case: null, reason: 'no id' },
    ]);
    expect(emulator.state().requests).toHaveLength(0);
  });

  it('without a token still exits 2 for a file that could not be read', async () => {
    const error = new InputError('INPUT_MALFORMED', 'bad.xml', 'bad.xml is malformed.');
    const outcome = await uploadResults({ settings: resolveSettings({ dryRun: true }, {}), results: [], files: [{ path: 'bad.xml', results: [], error }] });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.error).toBe(error);
    expect(outcome.summary.files).toEqual([{ path: 'bad.xml', tests: 0, error: 'bad.xml is malformed.' }]);
  });
});
