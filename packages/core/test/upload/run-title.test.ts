/**
 * The run title template (pure) and the settings of what a created run carries: a template's unknown
 * placeholder, an environment id that is not a UUID and a test plan that is neither UUID nor human id are
 * settings errors, found before anything is asked of the service.
 */
import { describe, expect, it } from 'vitest';
import { detectCi } from '../../src/ci.js';
import { ConfigError } from '../../src/errors.js';
import { resolveSettings } from '../../src/settings/index.js';
import { fillRunTitle, runTitle, runTitleValues } from '../../src/pipeline/run-title.js';
import { runTitleProblem } from '../../src/settings/run-title.js';

const NOW = new Date('2026-11-30T23:59:58.000Z');

const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '123',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_RUN_NUMBER: '45',
  GITHUB_WORKFLOW: 'E2E',
  GITHUB_REF_NAME: 'main',
  GITHUB_SHA: 'abcdef1234567',
  GITHUB_JOB: 'test',
};

describe('run title template', () => {
  it('fills every placeholder from the GitHub context', () => {
    const template = '{workflow} #{run_number}.{run_attempt} {branch}@{sha} {repository} {job} {provider} {date}';
    expect(runTitle(template, detectCi(GITHUB), NOW)).toBe('E2E #45.2 main@abcdef1 acme/shop test GitHub Actions 2026-11-30');
  });

  it('prefers the pull request branch, and reads GitLab, CircleCI, Buildkite, Azure and Jenkins variables', () => {
    const branchOf = (env: Record<string, string>) => runTitleValues(detectCi(env), NOW);
    expect(branchOf({ ...GITHUB, GITHUB_HEAD_REF: 'feature/x' }).branch).toBe('feature/x');
    expect(
      branchOf({
        GITLAB_CI: 'true',
        CI_PIPELINE_IID: '7',
        CI_COMMIT_REF_NAME: 'dev',
        CI_COMMIT_SHA: '1234567890',
        CI_PROJECT_PATH: 'g/p',
        CI_JOB_NAME: 'e2e 1/4',
      }),
    ).toEqual({
      workflow: '',
      run_number: '7',
      run_attempt: '',
      branch: 'dev',
      sha: '1234567',
      repository: 'g/p',
      job: 'e2e 1/4',
      provider: 'GitLab CI',
      date: '2026-11-30',
    });
    expect(branchOf({ CIRCLECI: 'true', CIRCLE_PROJECT_USERNAME: 'acme', CIRCLE_PROJECT_REPONAME: 'shop', CIRCLE_JOB: 'unit' })).toMatchObject({
      repository: 'acme/shop',
      job: 'unit',
    });
    // A clone URL's credentials never reach a title.
    expect(branchOf({ BUILDKITE: 'true', BUILDKITE_REPO: 'https://ci:s3cret@git.example.com/acme/shop.git', BUILDKITE_RETRY_COUNT: '1' })).toMatchObject({
      repository: 'acme/shop',
      run_attempt: '2',
      workflow: '',
    });
    expect(branchOf({ TF_BUILD: 'True', BUILD_DEFINITIONNAME: 'nightly', BUILD_REPOSITORY_NAME: 'shop', SYSTEM_JOBATTEMPT: '3' })).toMatchObject({
      workflow: 'nightly',
      repository: 'shop',
      run_attempt: '3',
    });
    expect(
      branchOf({ JENKINS_URL: 'https://j', JOB_NAME: 'shop-e2e', BUILD_NUMBER: '9', GIT_URL: 'git@github.com:acme/shop.git', BRANCH_NAME: 'main' }),
    ).toMatchObject({
      workflow: 'shop-e2e',
      run_number: '9',
      repository: 'acme/shop',
      branch: 'main',
    });
  });

  it('leaves out a placeholder without a value in this CI and collapses the whitespace around it', () => {
    const values = runTitleValues(detectCi({ ...GITHUB, GITHUB_JOB: '' }), NOW);
    expect(fillRunTitle('  {workflow}   {job}   on {branch} ', values)).toBe('E2E on main');
    // Outside CI only {date} has a value.
    expect(runTitle('Nightly {provider} {branch} {date}', undefined, NOW)).toBe('Nightly 2026-11-30');
  });

  it('keeps a title without placeholders as written, and falls back to the default when a template fills to nothing', () => {
    expect(runTitle('Release  check', detectCi(GITHUB), NOW)).toBe('Release  check');
    expect(runTitle('{job}', undefined, NOW)).toBe('testsigma-tm upload 2026-11-30 23:59:58 UTC');
    expect(runTitle(undefined, detectCi(GITHUB), NOW)).toBe('acme/shop E2E #45 (attempt 2) on main @ abcdef1 [gh-123]');
  });

  it('names an unknown placeholder, suggests the closest and lists the known ones', () => {
    expect(runTitleProblem('{workflow} {branch}')).toBeUndefined();
    expect(runTitleProblem('{workflow} #{run_numbr} {Branch}')).toBe(
      'unknown placeholder {run_numbr}, {Branch} (did you mean {run_number}?); known placeholders: {workflow}, {run_number}, {run_attempt}, {branch}, {sha}, {repository}, {job}, {provider}, {date}',
    );
  });
});

describe('settings of the run to create', () => {
  function errorOf(explicit: Record<string, unknown>, env: Record<string, string> = {}): string {
    try {
      resolveSettings(explicit, env, 'cli');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('CONFIG_INVALID');
      return (error as ConfigError).message;
    }
    throw new Error('expected a settings error');
  }

  it('refuses a run title with an unknown placeholder, naming the setting and the known placeholders', () => {
    expect(errorOf({ runTitle: '{workflow} {commit}' })).toBe(
      'Invalid settings:\n  - --run-title: unknown placeholder {commit}; known placeholders: {workflow}, {run_number}, {run_attempt}, {branch}, {sha}, {repository}, {job}, {provider}, {date}, received "{workflow} {commit}"',
    );
  });

  it('takes environment ids as UUIDs only (repeated or comma-separated, lower-cased, once each)', () => {
    const a = '0B7E6F8A-1C2D-4E5F-8A9B-0C1D2E3F4A5B';
    const b = '11111111-2222-4333-8444-555555555555';
    expect(resolveSettings({ environmentIds: [a, `${b},${a.toLowerCase()}`] }, {}).environmentIds).toEqual([a.toLowerCase(), b]);
    expect(resolveSettings({}, { TESTSIGMA_ENVIRONMENT_IDS: `${a}\n${b}` }).environmentIds).toEqual([a.toLowerCase(), b]);
    expect(errorOf({}, { TESTSIGMA_ENVIRONMENT_IDS: `${b},staging` })).toBe(
      `Invalid settings:\n  - TESTSIGMA_ENVIRONMENT_IDS: expected UUIDs such as 0b7e6f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b, and "staging" is not one, received "${b},staging"`,
    );
  });

  it('takes a test plan by UUID or human id, and refuses a title', () => {
    expect(resolveSettings({ testPlan: 'demo-p-03' }, {}).testPlan).toBe('DEMO-P-3');
    expect(resolveSettings({}, { TESTSIGMA_TEST_PLAN: '0B7E6F8A-1C2D-4E5F-8A9B-0C1D2E3F4A5B' }).testPlan).toBe('0b7e6f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(errorOf({ testPlan: 'Release 2.4' })).toBe(
      `Invalid settings:\n  - --test-plan: expected a test plan's UUID or human id such as DEMO-P-3 (plans are not looked up by title), received "Release 2.4"`,
    );
  });
});
