/**
 * The GitHub REST client (@actions/github's octokit, so the runner's proxy settings apply) and the one line a
 * refused request becomes. The base URL is GITHUB_API_URL (GitHub Enterprise Server, or a local stand-in).
 */
import { getOctokit } from '@actions/github';

export type GitHub = ReturnType<typeof getOctokit>;

export function githubClient(token: string, apiUrl: string): GitHub {
  return getOctokit(token, { baseUrl: apiUrl });
}

/** What a request that failed said, on one line: `HTTP 403: Resource not accessible by integration`. */
export function githubFailure(error: unknown): { status: number | undefined; text: string } {
  const e = error as { status?: unknown; message?: unknown; response?: { data?: { message?: unknown } } };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const said = typeof e.response?.data?.message === 'string' ? e.response.data.message : typeof e.message === 'string' ? e.message : String(error);
  const first = said.split('\n')[0]!.trim().slice(0, 300);
  return { status, text: status ? `HTTP ${status}: ${first}` : first };
}

/**
 * A GitHub feature that failed, as one warning line: what was refused, why, and the permission to grant (a 403
 * is a missing permission, or a fork pull request's read-only token).
 */
export function featureProblem(what: string, permission: string, error: unknown): string {
  const { status, text } = githubFailure(error);
  const fix =
    status === 403
      ? `give the job \`permissions: ${permission}\` (a fork pull request's token is read-only: report it from a workflow_run workflow, see the README)`
      : status === 401
        ? 'check the github-token input (it defaults to the job token, ${{ github.token }})'
        : 'it is tried again on the next run';
  return `testsigma-tm: GitHub refused to ${what} (${text}): ${fix}.`;
}
