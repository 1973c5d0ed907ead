import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_BASE_URL, parseBoolean, resolveReporterSettings, resolveSettings } from '../../src/settings.js';

describe('resolveSettings', () => {
  it('uses the defaults when nothing is given', () => {
    const s = resolveSettings({}, {});
    expect(s).toEqual({
      token: undefined,
      projectId: undefined,
      baseUrl: DEFAULT_BASE_URL,
      runId: undefined,
      runTitle: undefined,
      closeRun: true,
      unmapped: 'warn',
      batchSize: 100,
      dryRun: false,
      userEmail: undefined,
      timeoutMs: 30_000,
      statusMap: {},
      failOnUploadError: true,
    });
  });

  it('takes the environment, and an explicit value beats it', () => {
    const env = { TESTSIGMA_PROJECT_ID: 'from-env', TESTSIGMA_BASE_URL: 'http://127.0.0.1:1/api/v1/', TESTSIGMA_DRY_RUN: 'true', TESTSIGMA_CLOSE_RUN: 'false' };
    const fromEnv = resolveSettings({}, env);
    expect(fromEnv.projectId).toBe('from-env');
    expect(fromEnv.baseUrl).toBe('http://127.0.0.1:1/api/v1');
    expect(fromEnv.dryRun).toBe(true);
    expect(fromEnv.closeRun).toBe(false);
    const explicit = resolveSettings({ projectId: 'flag', dryRun: false, closeRun: 'true' }, env);
    expect(explicit.projectId).toBe('flag');
    expect(explicit.dryRun).toBe(false);
    expect(explicit.closeRun).toBe(true);
  });

  it('treats an empty explicit value as not given (an empty Action input falls back to the environment)', () => {
    expect(resolveSettings({ projectId: '' }, { TESTSIGMA_PROJECT_ID: 'env' }).projectId).toBe('env');
  });

  it('never reads "false" as true', () => {
    expect(parseBoolean('false')).toBe(false);
    expect(parseBoolean('FALSE ')).toBe(false);
    expect(parseBoolean('0')).toBe(false);
    expect(parseBoolean('yes')).toBe(true);
    expect(parseBoolean('maybe')).toBeUndefined();
  });

  it('lists every invalid value in one error that says what was expected and received', () => {
    let error: unknown;
    try {
      resolveSettings({ unmapped: 'explode', batchSize: '500', dryRun: 'perhaps' }, { TESTSIGMA_BASE_URL: 'ftp://x' }, { unmapped: '--unmapped', batchSize: '--batch-size' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    expect((error as ConfigError).message).toBe(
      [
        'Invalid settings:',
        '  - --unmapped: expected one of ignore, warn, fail, received "explode"',
        '  - TESTSIGMA_BASE_URL: expected an http(s) URL such as https://test-management.testsigma.com/api/v1, received "ftp://x"',
        '  - --batch-size: expected a whole number from 1 to 100, received "500"',
        '  - dryRun: expected true or false, received "perhaps"',
      ].join('\n'),
    );
  });

  it('parses a status map from text or from an object', () => {
    expect(resolveSettings({}, { TESTSIGMA_STATUS_MAP: 'skipped=Blocked' }).statusMap).toEqual({ skipped: 'Blocked' });
    expect(resolveSettings({ statusMap: { error: 'Blocked' } }, {}).statusMap).toEqual({ error: 'Blocked' });
    expect(() => resolveSettings({ statusMap: 'nonsense=Passed' }, {})).toThrow(ConfigError);
  });
});

describe('resolveReporterSettings', () => {
  it('maps apiToken to the token and refuses unknown options with the known ones', () => {
    expect(resolveReporterSettings({ apiToken: 't0ken', projectId: 'Demo' }, {}).token).toBe('t0ken');
    expect(() => resolveReporterSettings({ projectID: 'Demo' }, {})).toThrow(
      'Unknown reporter option(s) "projectID": expected any of apiToken, projectId, baseUrl, runId, runTitle, closeRun, unmapped, batchSize, dryRun, userEmail, timeoutMs, statusMap, failOnUploadError.',
    );
    expect(() => resolveReporterSettings('Demo', {})).toThrow('Reporter options: expected an object');
  });

  it('lets the environment fill what the options leave out', () => {
    const s = resolveReporterSettings({ failOnUploadError: false }, { TESTSIGMA_API_TOKEN: 'env-token', TESTSIGMA_PROJECT_ID: 'Demo' });
    expect(s.token).toBe('env-token');
    expect(s.projectId).toBe('Demo');
    expect(s.failOnUploadError).toBe(false);
  });
});
