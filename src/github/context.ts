/**
 * What the GitHub features need to know about the workflow run: the repository, the event and its payload (the
 * file at GITHUB_EVENT_PATH), the workflow and job, and the commit a check run belongs to. Read once from the
 * environment, then handed to plain functions.
 */
import { readFileSync } from 'node:fs';
import type { Env } from 'testsigma-tm-core';

/** The parts of an event payload the Action reads; every field optional, as payloads differ by event. */
interface GithubEvent {
  pull_request?: { number?: number; head?: { sha?: string; repo?: { full_name?: string } | null } };
  repository?: { full_name?: string };
  workflow_run?: {
    id?: number;
    event?: string;
    head_sha?: string;
    head_branch?: string;
    html_url?: string;
    pull_requests?: { number?: number }[];
    head_repository?: { full_name?: string; owner?: { login?: string } } | null;
  };
}

export interface GithubContext {
  owner: string;
  repo: string;
  eventName: string;
  event: GithubEvent;
  workflow: string;
  /** The job's id (GITHUB_JOB): every leg of a matrix shares it. */
  job: string;
  runId: string | undefined;
  runAttempt: string | undefined;
  /** The runner this job runs on: one job at a time, so it names the leg among the run's jobs in progress. */
  runnerName: string | undefined;
  /** The link to this workflow run. */
  runUrl: string | undefined;
  /** The commit the outcome is about: a pull request's head, the triggering run's head, else GITHUB_SHA. */
  sha: string | undefined;
  apiUrl: string;
}

export function readGithubContext(env: Env): GithubContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    owner,
    repo,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    event,
    workflow: env.GITHUB_WORKFLOW ?? '',
    job: env.GITHUB_JOB ?? '',
    runId: env.GITHUB_RUN_ID || undefined,
    runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
    runnerName: env.RUNNER_NAME || undefined,
    runUrl: env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    sha: event.pull_request?.head?.sha ?? event.workflow_run?.head_sha ?? env.GITHUB_SHA,
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
  };
}

export function isPullRequestEvent(ctx: Pick<GithubContext, 'eventName'>): boolean {
  return ctx.eventName === 'pull_request' || ctx.eventName === 'pull_request_target';
}

/** A pull request from another repository: its `pull_request` workflow gets no secrets and a read-only token. */
export function isForkPullRequest(ctx: Pick<GithubContext, 'event'>): boolean {
  const head = ctx.event.pull_request?.head?.repo?.full_name;
  const base = ctx.event.repository?.full_name;
  return head !== undefined && base !== undefined && head !== base;
}

/** The payload, or an empty one when the runner gave none (a local run): the features that need it skip. */
function readEvent(path: string | undefined): GithubEvent {
  if (!path) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as GithubEvent) : {};
  } catch {
    return {};
  }
}
