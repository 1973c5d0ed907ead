import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_BASE_URL, parseBoolean, readSettings, reporterExplicit, resolveSettings, settingLabel } from '../../src/settings/index.js';

const resolveReporterSettings = (options: unknown, env: Record<string, string | undefined>) => resolveSettings(reporterExplicit(options), env, 'reporter');

describe('resolveSettings', () => {
  it('uses the defaults when nothing is given', () => {
    const s = resolveSettings({}, {});
    expect(s).toEqual({
      token: undefined,
      projectId: undefined,
      baseUrl: DEFAULT_BASE_URL,
      runId: undefined,
      runTitle: undefined,
      testPlan: undefined,
      environmentIds: [],
      closeRun: true,
      unmapped: 'warn',
      batchSize: 100,
      dryRun: false,
      userEmail: undefined,
      timeoutMs: 30_000,
      statusMap: {},
      runKey: undefined,
      shardTotal: undefined,
      shardIndex: undefined,
      labels: [],
      deadline: 600,
      spool: undefined,
      newRun: false,
      verify: true,
      repeatsAreRetries: false,
      prefix: undefined,
      failOnEmpty: true,
      failOnUploadError: true,
      verbose: false,
      annotations: true,
      comment: 'always',
      checkRun: false,
      maxAnnotations: 3000,
      artifact: undefined,
      githubToken: undefined,
      attachments: 'failed',
      attachmentMaxBytes: 8 * 1024 * 1024,
      attachmentsPerCase: 5,
      matchByTitle: false,
      titlePart: 'full',
      createMissingCases: false,
      caseFolder: undefined,
      caseStatus: 'Ready',
      casePriority: 'Medium',
      caseType: 'Functional',
      caseAutomationType: 'Automated',
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
      resolveSettings({ unmapped: 'explode', batchSize: '500', dryRun: 'perhaps' }, { TESTSIGMA_BASE_URL: 'ftp://x' }, 'cli');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    expect((error as ConfigError).message).toBe(
      [
        'Invalid settings:',
        '  - TESTSIGMA_BASE_URL: expected an http(s) URL such as https://test-management.testsigma.com/api/v1, received "ftp://x"',
        '  - --unmapped: expected one of ignore, warn, fail, received "explode"',
        '  - --batch-size: expected a whole number from 1 to 100, received "500"',
        '  - --dry-run: expected true or false, received "perhaps"',
      ].join('\n'),
    );
  });

  it('says a refused value that is the token as ***, whichever host and wherever the token came from', () => {
    const token = 'tms_live_0123456789abcdef';
    const refused = (explicit: Record<string, unknown>, env: Record<string, string>, host?: 'cli' | 'action') => {
      try {
        resolveSettings(explicit, env, host);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected the settings to be refused');
    };
    // The token given in the wrong place: a flag or input given the variable, the variable pasted into another.
    expect(refused({ closeRun: token }, { TESTSIGMA_API_TOKEN: token }, 'cli')).toBe('Invalid settings:\n  - --close: expected true or false, received "***"');
    expect(refused({ token, batchSize: token }, {}, 'action')).toBe('Invalid settings:\n  - batch-size: expected a whole number from 1 to 100, received "***"');
    expect(refused({}, { TESTSIGMA_API_TOKEN: token, TESTSIGMA_DRY_RUN: token })).toBe(
      'Invalid settings:\n  - TESTSIGMA_DRY_RUN: expected true or false, received "***"',
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
      'Unknown reporter option(s) "projectID" (did you mean "projectId"?): expected any of apiToken, projectId, prefix, baseUrl, runId, runTitle, testPlan, environmentIds, closeRun, unmapped, batchSize, dryRun, userEmail, timeoutMs, statusMap, runKey, shardTotal, shardIndex, labels, deadline, spool, verify, failOnUploadError, verbose, attachments, attachmentMaxBytes, attachmentsPerCase, matchByTitle, titlePart, createMissingCases, caseFolder, caseStatus, casePriority, caseType, caseAutomationType.',
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

describe('the settings table', () => {
  it('names a setting in the words of the host that reads it', () => {
    expect(settingLabel('projectId', 'cli')).toBe('--project (or TESTSIGMA_PROJECT_ID)');
    expect(settingLabel('projectId', 'action')).toBe('the project-id input (or TESTSIGMA_PROJECT_ID)');
    expect(settingLabel('projectId', 'reporter')).toBe('the projectId reporter option (or TESTSIGMA_PROJECT_ID)');
    expect(settingLabel('token', 'reporter')).toBe('TESTSIGMA_API_TOKEN (or the apiToken reporter option)');
    expect(settingLabel('token', 'action')).toBe('the api-token input (or TESTSIGMA_API_TOKEN)');
    expect(settingLabel('projectId')).toBe('--project / TESTSIGMA_PROJECT_ID (input project-id, option projectId)');
    expect(settingLabel('token', 'cli')).toBe('TESTSIGMA_API_TOKEN');
  });

  it('reads a config file below the environment, says where each value came from, and never takes the token from it', () => {
    const file = { path: 'testsigma-tm.config.json', values: { projectId: 'From file', batchSize: 10, closeRun: false, projectid: 'typo' } };
    const reading = readSettings({ explicit: { batchSize: '20' }, env: { TESTSIGMA_CLOSE_RUN: 'true' }, file }, 'cli');
    expect(reading.errors).toEqual([]);
    expect(reading.settings).toMatchObject({ projectId: 'From file', batchSize: 20, closeRun: true });
    expect(reading.sources.projectId).toEqual({ kind: 'config file', name: 'testsigma-tm.config.json: projectId' });
    expect(reading.sources.batchSize).toEqual({ kind: 'flag', name: '--batch-size' });
    expect(reading.sources.closeRun).toEqual({ kind: 'environment', name: 'TESTSIGMA_CLOSE_RUN' });
    expect(reading.sources.dryRun).toEqual({ kind: 'default', name: 'default' });
    expect(reading.warnings).toEqual([expect.stringContaining('unknown key "projectid" ignored (did you mean "projectId"?)')]);
    const withToken = readSettings({ env: {}, file: { path: 'testsigma-tm.config.json', values: { apiToken: 'tms_in_a_file_1234' } } }, 'cli');
    expect(withToken.errors).toEqual([expect.stringContaining('the token is never read from a file')]);
    expect(withToken.settings.token).toBeUndefined();
    expect(JSON.stringify(withToken)).not.toContain('tms_in_a_file_1234');
  });

  it('refuses a base URL with credentials without printing them', () => {
    const reading = readSettings({ env: { TESTSIGMA_BASE_URL: 'https://user:s3cret-pass@tms.example/api/v1' } }, 'cli');
    expect(reading.errors).toEqual([
      'TESTSIGMA_BASE_URL: expected a URL without user name or password in it (the token is the only credential), received "https://***@tms.example/api/v1"',
    ]);
  });
});
