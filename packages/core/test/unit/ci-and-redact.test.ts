import { describe, expect, it } from 'vitest';
import { defaultRunTitle, detectCi } from '../../src/ci.js';
import { redact } from '../../src/log.js';

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
