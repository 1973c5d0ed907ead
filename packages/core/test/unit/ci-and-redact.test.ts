import { describe, expect, it } from 'vitest';
import { defaultRunTitle, detectCi } from '../../src/ci.js';
import { redact } from '../../src/log.js';
import { redactDeep } from '../../src/redact.js';

describe('detectCi', () => {
  it('builds the job link, run key and title from GitHub Actions variables', () => {
    const ci = detectCi({
      GITHUB_ACTIONS: 'true',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '123',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_RUN_NUMBER: '45',
      GITHUB_WORKFLOW: 'CI',
      GITHUB_REF_NAME: 'main',
      GITHUB_SHA: 'abcdef1234567',
    });
    expect(ci).toEqual({
      provider: 'GitHub Actions',
      jobUrl: 'https://github.com/acme/shop/actions/runs/123/attempts/2',
      runKey: 'gh-123',
      attempt: 2,
      label: 'acme/shop CI #45 (attempt 2) on main @ abcdef1',
      fields: { workflow: 'CI', runNumber: '45', runAttempt: '2', branch: 'main', sha: 'abcdef1234567', repository: 'acme/shop' },
    });
    expect(defaultRunTitle(ci, new Date(0))).toBe('acme/shop CI #45 (attempt 2) on main @ abcdef1 [gh-123]');
  });

  it('recognises GitLab and falls back to a timestamped local title', () => {
    expect(detectCi({ GITLAB_CI: 'true', CI_PIPELINE_URL: 'https://gitlab.example/p/-/pipelines/9', CI_PIPELINE_ID: '9' })?.jobUrl).toBe(
      'https://gitlab.example/p/-/pipelines/9',
    );
    expect(detectCi({})).toBeUndefined();
    expect(defaultRunTitle(undefined, new Date('2026-11-28T10:11:12.345Z'))).toBe('testsigma-tm upload 2026-11-28 10:11:12 UTC');
  });
});

describe('redact', () => {
  it('removes the token and any bearer credential', () => {
    expect(redact('token s3cr3t-value in Authorization: Bearer abc.def', ['s3cr3t-value'])).toBe('token *** in Authorization: Bearer ***');
  });
});

describe('the one redaction', () => {
  const token = 'tms_s3cret/value+1';

  it('removes token-like query values and URL credentials, whatever the parameter is called', () => {
    expect(redact('https://tm.example/api/v1?token=abc&page=2&api_key=xyz#top')).toBe('https://tm.example/api/v1?token=***&page=2&api_key=***#top');
    expect(redact('GET http://u:p@h/x?access_token=a.b.c failed')).toBe('GET http://***@h/x?access_token=*** failed');
    expect(redact('"https://h/?sig=1","next":"x"')).toBe('"https://h/?sig=***","next":"x"');
  });

  it('removes the token as given, URL-encoded and JSON-escaped', () => {
    expect(redact(`env ${token} url ?t=${encodeURIComponent(token)} json ${JSON.stringify(token)}`, [token])).toBe('env *** url ?t=*** json "***"');
  });

  it('redacts every string of a value, keeps the keys kept, and returns what holds nothing as it is', () => {
    const clean = { name: 'a', list: ['b'], nested: { path: `/tmp/${token}` } };
    expect(redactDeep(clean, [token], new Set(['path']))).toBe(clean);
    const dirty = { name: `a ${token}`, list: ['b', token], nested: { path: `/tmp/${token}`, text: token } };
    expect(redactDeep(dirty, [token], new Set(['path']))).toEqual({ name: 'a ***', list: ['b', '***'], nested: { path: `/tmp/${token}`, text: '***' } });
  });
});
