/**
 * The pull request a run's outcome belongs to: the event's own on `pull_request(_target)`; on `workflow_run`, the
 * triggering run's (GitHub leaves `pull_requests` empty for a fork's, so its head branch is looked up); on
 * `push`, the open pull request the commit belongs to (commits → pulls). Undefined when there is none.
 */
import type { GitHub } from './client.js';
import { isPullRequestEvent, type GithubContext } from './context.js';

export async function findPullRequest(gh: GitHub, ctx: GithubContext): Promise<number | undefined> {
  const { owner, repo } = ctx;
  if (isPullRequestEvent(ctx)) return ctx.event.pull_request?.number;
  if (ctx.eventName === 'workflow_run') {
    const run = ctx.event.workflow_run;
    const listed = run?.pull_requests?.[0]?.number;
    if (listed !== undefined) return listed;
    const headOwner = run?.head_repository?.owner?.login;
    if (!run?.head_branch || !headOwner) return undefined;
    const { data } = await gh.rest.pulls.list({ owner, repo, state: 'open', head: `${headOwner}:${run.head_branch}`, per_page: 100 });
    return (data.find((pr) => pr.head.sha === run.head_sha) ?? data[0])?.number;
  }
  if (ctx.eventName === 'push' && ctx.sha) {
    const { data } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: ctx.sha, per_page: 100 });
    return data.find((pr) => pr.state === 'open')?.number;
  }
  return undefined;
}
