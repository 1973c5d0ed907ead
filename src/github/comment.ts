/**
 * One pull-request comment per workflow and job, kept up to date: a hidden marker names the workflow and job, the
 * next run finds the comment by it and edits it instead of adding another. Anybody can write the marker (a user, a
 * bot of another workflow), so only a comment the token's own account wrote is edited: github-actions[bot] for the
 * job's token, the user of a personal access token, `<app>[bot]` for an app's, as GraphQL's `viewer` names it.
 */
import { githubFailure, type GitHub } from './client.js';

/** The hidden first line of our comment; `-->` in a name would end it early, so it is taken out. */
export function commentMarker(workflow: string, job: string): string {
  const clean = (text: string): string => text.replace(/--+>?/g, '-').replace(/[\r\n]/g, ' ');
  return `<!-- testsigma-tm comment: workflow=${JSON.stringify(clean(workflow))} job=${JSON.stringify(clean(job))} -->`;
}

export interface CommentTarget {
  owner: string;
  repo: string;
  pullRequest: number;
}

type CommentAction = 'created' | 'updated' | 'not needed';

export interface CommentOutcome {
  action: CommentAction;
  url?: string | undefined;
  /** How many comments carry the marker, whoever wrote them. */
  marked: number;
  /** The token's account, when the marker was found and the account looked up. */
  account?: string | undefined;
  /** Why the account could not be looked up: then no comment was edited. */
  accountProblem?: string | undefined;
  /** Who wrote the comments that carry the marker and are not the token's: left alone. */
  strangers: string[];
}

/**
 * Edit the comment that carries `marker` and that the token's account wrote, or create one when `create` allows it
 * (`on-failure` with no failure still updates an earlier comment, so it does not keep showing a failure that is
 * gone). The account is looked up only when some comment carries the marker.
 */
export async function upsertComment(gh: GitHub, target: CommentTarget, marker: string, body: string, create: boolean): Promise<CommentOutcome> {
  const { owner, repo, pullRequest } = target;
  const comments = await gh.paginate(gh.rest.issues.listComments, { owner, repo, issue_number: pullRequest, per_page: 100 });
  const marked = comments.filter((c) => (c.body ?? '').split(/\r?\n/, 1)[0] === marker);
  const found: Omit<CommentOutcome, 'action' | 'url'> = { marked: marked.length, strangers: [] };
  if (marked.length > 0) {
    try {
      found.account = await tokenAccount(gh);
    } catch (error) {
      found.accountProblem = githubFailure(error).text;
    }
  }
  const author = (c: (typeof marked)[number]): string => c.user?.login ?? 'an unknown account';
  if (found.account !== undefined) found.strangers = [...new Set(marked.filter((c) => author(c) !== found.account).map(author))];
  const ours = found.account === undefined ? undefined : marked.find((c) => author(c) === found.account);
  if (ours) {
    const { data } = await gh.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
    return { ...found, action: 'updated', url: data.html_url };
  }
  if (!create) return { ...found, action: 'not needed' };
  const { data } = await gh.rest.issues.createComment({ owner, repo, issue_number: pullRequest, body });
  return { ...found, action: 'created', url: data.html_url };
}

/** The login the token acts as; GraphQL's viewer answers for every kind of token (REST's GET /user refuses an app's). */
async function tokenAccount(gh: GitHub): Promise<string> {
  const { viewer } = await gh.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
  return viewer.login;
}
