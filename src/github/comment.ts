/**
 * One pull-request comment per workflow and job, kept up to date: a hidden marker names the workflow and job, the
 * next run finds the comment by it and edits it instead of adding another.
 */
import type { GitHub } from './client.js';

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

export type CommentAction = 'created' | 'updated' | 'not needed';

/**
 * Edit the comment that carries `marker`, or create one when `create` allows it (`on-failure` with no failure
 * still updates an earlier comment, so it does not keep showing a failure that is gone).
 */
export async function upsertComment(
  gh: GitHub,
  target: CommentTarget,
  marker: string,
  body: string,
  create: boolean,
): Promise<{ action: CommentAction; url?: string }> {
  const { owner, repo, pullRequest } = target;
  const comments = await gh.paginate(gh.rest.issues.listComments, { owner, repo, issue_number: pullRequest, per_page: 100 });
  const ours = comments.find((c) => c.body?.startsWith(marker));
  if (ours) {
    const { data } = await gh.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
    return { action: 'updated', url: data.html_url };
  }
  if (!create) return { action: 'not needed' };
  const { data } = await gh.rest.issues.createComment({ owner, repo, issue_number: pullRequest, body });
  return { action: 'created', url: data.html_url };
}
