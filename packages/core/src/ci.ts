/**
 * What the CI says about the current job: a link back to it for every result's description, a title for the
 * run, and the run key: the same for every job and every attempt of one pipeline run, so that shards and
 * re-runs report into one run (see run/key.ts).
 */
import type { Env } from './settings/index.js';

export interface CiContext {
  provider: string;
  /** Link to the job or pipeline, for descriptions. */
  jobUrl?: string;
  /** Stable for one pipeline run, across its jobs and attempts (GitHub run id, GitLab pipeline id, ...). */
  runKey?: string;
  /** Which attempt of the pipeline (or job) this is, when the CI counts them: a re-run of failed jobs is 2. */
  attempt?: number;
  /** This job's place among parallel jobs, 1-based, when the CI runs it split (GitLab parallel, CircleCI, Buildkite). */
  shard?: { index: number; total: number };
  /** Human words for the default run title, e.g. `CI #42 on main`. */
  label: string;
  /** What a run title template can name ({workflow}, {branch}, ...); a field this CI does not tell is absent. */
  fields: CiFields;
}

export interface CiFields {
  workflow?: string;
  runNumber?: string;
  runAttempt?: string;
  branch?: string;
  /** The full commit hash (titles shorten it). */
  sha?: string;
  /** `owner/name`, never a URL (a clone URL may carry credentials). */
  repository?: string;
  job?: string;
}

export function detectCi(env: Env): CiContext | undefined {
  if (env.GITHUB_ACTIONS === 'true') {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    const repo = env.GITHUB_REPOSITORY;
    const runId = env.GITHUB_RUN_ID;
    const attempt = env.GITHUB_RUN_ATTEMPT ?? '1';
    const jobUrl = repo && runId ? `${server}/${repo}/actions/runs/${runId}${attempt !== '1' ? `/attempts/${attempt}` : ''}` : undefined;
    const workflow = env.GITHUB_WORKFLOW ?? 'workflow';
    return {
      provider: 'GitHub Actions',
      jobUrl,
      runKey: runId ? `gh-${runId}` : undefined,
      attempt: Number(attempt) || 1,
      label: `${repo ? `${repo} ` : ''}${workflow} #${env.GITHUB_RUN_NUMBER ?? runId ?? '?'}${attempt !== '1' ? ` (attempt ${attempt})` : ''}${ref(env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME, env.GITHUB_SHA)}`,
      fields: fields({
        workflow: env.GITHUB_WORKFLOW,
        runNumber: env.GITHUB_RUN_NUMBER,
        runAttempt: env.GITHUB_RUN_ATTEMPT,
        branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME,
        sha: env.GITHUB_SHA,
        repository: repo,
        job: env.GITHUB_JOB,
      }),
    };
  }
  if (env.GITLAB_CI === 'true') {
    return {
      provider: 'GitLab CI',
      jobUrl: env.CI_PIPELINE_URL ?? env.CI_JOB_URL,
      runKey: env.CI_PIPELINE_ID ? `gl-${env.CI_PIPELINE_ID}` : undefined,
      ...shard(env.CI_NODE_INDEX, env.CI_NODE_TOTAL, 1),
      label: `${env.CI_PROJECT_PATH ?? 'GitLab'} pipeline #${env.CI_PIPELINE_IID ?? env.CI_PIPELINE_ID ?? '?'}${ref(env.CI_COMMIT_REF_NAME, env.CI_COMMIT_SHA)}`,
      fields: fields({
        workflow: env.CI_PIPELINE_NAME,
        runNumber: env.CI_PIPELINE_IID ?? env.CI_PIPELINE_ID,
        branch: env.CI_COMMIT_REF_NAME,
        sha: env.CI_COMMIT_SHA,
        repository: env.CI_PROJECT_PATH,
        job: env.CI_JOB_NAME,
      }),
    };
  }
  if (env.CIRCLECI === 'true') {
    return {
      provider: 'CircleCI',
      jobUrl: env.CIRCLE_BUILD_URL,
      runKey: env.CIRCLE_WORKFLOW_ID ? `cc-${env.CIRCLE_WORKFLOW_ID}` : undefined,
      ...shard(env.CIRCLE_NODE_INDEX, env.CIRCLE_NODE_TOTAL, 0),
      label: `${env.CIRCLE_PROJECT_REPONAME ?? 'CircleCI'} build #${env.CIRCLE_BUILD_NUM ?? '?'}${ref(env.CIRCLE_BRANCH, env.CIRCLE_SHA1)}`,
      fields: fields({
        runNumber: env.CIRCLE_BUILD_NUM,
        branch: env.CIRCLE_BRANCH,
        sha: env.CIRCLE_SHA1,
        repository: env.CIRCLE_PROJECT_USERNAME && env.CIRCLE_PROJECT_REPONAME ? `${env.CIRCLE_PROJECT_USERNAME}/${env.CIRCLE_PROJECT_REPONAME}` : undefined,
        job: env.CIRCLE_JOB,
      }),
    };
  }
  if (env.BUILDKITE === 'true') {
    return {
      provider: 'Buildkite',
      jobUrl: env.BUILDKITE_BUILD_URL,
      runKey: env.BUILDKITE_BUILD_ID ? `bk-${env.BUILDKITE_BUILD_ID}` : undefined,
      attempt: (Number(env.BUILDKITE_RETRY_COUNT) || 0) + 1,
      ...shard(env.BUILDKITE_PARALLEL_JOB, env.BUILDKITE_PARALLEL_JOB_COUNT, 0),
      label: `${env.BUILDKITE_PIPELINE_SLUG ?? 'Buildkite'} build #${env.BUILDKITE_BUILD_NUMBER ?? '?'}${ref(env.BUILDKITE_BRANCH, env.BUILDKITE_COMMIT)}`,
      fields: fields({
        workflow: env.BUILDKITE_PIPELINE_NAME ?? env.BUILDKITE_PIPELINE_SLUG,
        runNumber: env.BUILDKITE_BUILD_NUMBER,
        runAttempt: String((Number(env.BUILDKITE_RETRY_COUNT) || 0) + 1),
        branch: env.BUILDKITE_BRANCH,
        sha: env.BUILDKITE_COMMIT,
        repository: repositoryPath(env.BUILDKITE_REPO),
        job: env.BUILDKITE_LABEL,
      }),
    };
  }
  if (env.TF_BUILD === 'True' || env.TF_BUILD === 'true') {
    const url =
      env.SYSTEM_COLLECTIONURI && env.SYSTEM_TEAMPROJECT && env.BUILD_BUILDID
        ? `${env.SYSTEM_COLLECTIONURI}${env.SYSTEM_TEAMPROJECT}/_build/results?buildId=${env.BUILD_BUILDID}`
        : undefined;
    return {
      provider: 'Azure Pipelines',
      jobUrl: url,
      runKey: env.BUILD_BUILDID ? `az-${env.BUILD_BUILDID}` : undefined,
      attempt: Number(env.SYSTEM_JOBATTEMPT) || 1,
      label: `${env.BUILD_DEFINITIONNAME ?? 'Azure'} #${env.BUILD_BUILDNUMBER ?? '?'}${ref(env.BUILD_SOURCEBRANCHNAME, env.BUILD_SOURCEVERSION)}`,
      fields: fields({
        workflow: env.BUILD_DEFINITIONNAME,
        runNumber: env.BUILD_BUILDNUMBER,
        runAttempt: env.SYSTEM_JOBATTEMPT,
        branch: env.BUILD_SOURCEBRANCHNAME,
        sha: env.BUILD_SOURCEVERSION,
        repository: env.BUILD_REPOSITORY_NAME,
        job: env.SYSTEM_JOBDISPLAYNAME,
      }),
    };
  }
  if (env.JENKINS_URL || env.BUILD_URL) {
    return {
      provider: 'Jenkins',
      jobUrl: env.BUILD_URL,
      runKey: env.BUILD_TAG ? `jk-${env.BUILD_TAG}` : undefined,
      label: `${env.JOB_NAME ?? 'Jenkins'} #${env.BUILD_NUMBER ?? '?'}${ref(env.GIT_BRANCH, env.GIT_COMMIT)}`,
      fields: fields({
        workflow: env.JOB_NAME,
        runNumber: env.BUILD_NUMBER,
        branch: env.BRANCH_NAME ?? env.GIT_BRANCH,
        sha: env.GIT_COMMIT,
        repository: repositoryPath(env.GIT_URL),
        job: env.STAGE_NAME,
      }),
    };
  }
  if (env.CI === 'true' || env.CI === '1') return { provider: 'CI', label: 'CI', fields: {} };
  return undefined;
}

/** A parallel job's index (counted from `base`) and total, when both are there and the job is really split. */
function shard(index: string | undefined, total: string | undefined, base: 0 | 1): { shard?: { index: number; total: number } } {
  const i = Number(index);
  const n = Number(total);
  if (!Number.isInteger(i) || !Number.isInteger(n) || n < 2 || index === undefined || index === '') return {};
  return { shard: { index: i - base + 1, total: n } };
}

/** Only the fields with a value: an empty variable tells nothing. */
function fields(all: Record<keyof CiFields, string | undefined> | CiFields): CiFields {
  return Object.fromEntries(Object.entries(all).filter(([, value]) => typeof value === 'string' && value.trim() !== '')) as CiFields;
}

/** `owner/name` from a clone URL (`https://host/owner/name.git`, `git@host:owner/name.git`); whatever precedes the host, credentials included, is dropped. */
function repositoryPath(url: string | undefined): string | undefined {
  return url ? /[/:]([^/:@]+\/[^/:@]+?)(?:\.git)?\/?$/.exec(url)?.[1] : undefined;
}

function ref(branch: string | undefined, sha: string | undefined): string {
  const parts = [branch, sha ? sha.slice(0, 7) : undefined].filter(Boolean);
  return parts.length > 0 ? ` on ${parts.join(' @ ')}` : '';
}

/** The default run title: the CI's words and its run key, or a timestamp for a local upload. */
export function defaultRunTitle(ci: CiContext | undefined, now: Date): string {
  const stamp = now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  if (!ci) return `testsigma-tm upload ${stamp}`;
  return ci.runKey ? `${ci.label} [${ci.runKey}]` : `${ci.label} ${stamp}`;
}
