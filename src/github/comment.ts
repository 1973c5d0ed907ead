/**
 * One pull-request comment per workflow and job, kept up to date: a hidden marker names the workflow and job, the
 * next run finds the comment by it and edits it instead of adding another. Anybody can write the marker (a user, a
 * bot of another workflow), so only a comment the token's own account wrote is edited: github-actions[bot] for the
 * job's token, the user of a personal access token, `<app>[bot]` for an app's, as GraphQL's `viewer` names it.
 *
 * The legs of a matrix share the job's id, so the marker also carries the leg's name (as GitHub shows it, or from
 * its matrix values): each leg keeps a comment of its own, and no leg ever rewrites another's. A second hidden line
 * says which run and runner wrote the comment. When the legs cannot be told apart they share the marker, and
 * GitHub has no conditional edit: two legs that both edit the last run's comment overwrite each other, whatever
 * either reads back. So such a leg never edits a comment another leg could also pick: it writes one of its own (a
 * create overwrites nothing), then deletes the comments of earlier workflow runs, which no leg of this run writes.
 */
import { githubFailure, type GitHub } from './client.js';

/**
 * The hidden first line of our comment; the leg only when its name is not the job's id (a job outside a matrix
 * keeps the marker it always had).
 */
export function commentMarker(workflow: string, job: string, leg = job): string {
  const legPart = leg === job ? '' : ` leg=${quoted(leg)}`;
  return `<!-- testsigma-tm comment: workflow=${quoted(workflow)} job=${quoted(job)}${legPart} -->`;
}

/** Which step wrote the comment: the run and attempt, and the runner. */
export interface CommentWriter {
  run: string;
  runner: string;
}

/** The hidden second line of our comment. */
export function writerLine(writer: CommentWriter): string {
  return `<!-- testsigma-tm writer: run=${quoted(writer.run)} runner=${quoted(writer.runner)} -->`;
}

function readWriter(line: string | undefined): CommentWriter | undefined {
  const m = /^<!-- testsigma-tm writer: run=("(?:[^"\\]|\\.)*") runner=("(?:[^"\\]|\\.)*") -->$/.exec(line ?? '');
  if (!m) return undefined;
  try {
    return { run: JSON.parse(m[1]!) as string, runner: JSON.parse(m[2]!) as string };
  } catch {
    return undefined;
  }
}

/** `-->` in a name would end the hidden comment early, so it is taken out. */
function quoted(text: string): string {
  return JSON.stringify(text.replace(/--+>?/g, '-').replace(/[\r\n]/g, ' '));
}

export interface CommentTarget {
  owner: string;
  repo: string;
  pullRequest: number;
}

type CommentAction = 'created' | 'updated' | 'not needed' | 'kept for a later run';

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
  /** How many comments carry the marker and are not the token's. */
  foreign: number;
  /** The runners of other legs that wrote a comment with the same marker in this run: left alone. */
  siblings: string[];
  /** The later workflow run (and attempt) that wrote the comment this step left as it was. */
  laterRun?: string | undefined;
  /** Comments of earlier workflow runs this leg deleted once its own was written (legs that share the marker). */
  replaced: number;
}

/**
 * Edit the comment that carries `marker` and that the token's account wrote, or create one when `create` allows it
 * (`on-failure` with no failure still updates an earlier comment, so it does not keep showing a failure that is
 * gone). The account is looked up only when some comment carries the marker. A comment a later workflow run wrote
 * is left as it is; legs that share the marker write their own instead (replaceEarlierRuns).
 */
export async function upsertComment(
  gh: GitHub,
  target: CommentTarget,
  comment: {
    marker: string;
    writer?: CommentWriter | undefined;
    body: string;
    create: boolean;
    /** Other legs of this job may write the same marker at the same time (they cannot be told apart). */
    shared?: boolean;
  },
): Promise<CommentOutcome> {
  const { owner, repo, pullRequest } = target;
  const { marker, writer, body, create } = comment;
  const comments = await gh.paginate(gh.rest.issues.listComments, { owner, repo, issue_number: pullRequest, per_page: 100 });
  const lines = (c: (typeof comments)[number]): string[] => (c.body ?? '').split(/\r?\n/, 2);
  const marked = comments.filter((c) => lines(c)[0] === marker);
  const found: Omit<CommentOutcome, 'action' | 'url'> = { marked: marked.length, strangers: [], foreign: 0, siblings: [], replaced: 0 };
  if (marked.length > 0) {
    try {
      found.account = await tokenAccount(gh);
    } catch (error) {
      found.accountProblem = githubFailure(error).text;
    }
  }
  const author = (c: (typeof marked)[number]): string => c.user?.login ?? 'an unknown account';
  const mine = found.account === undefined ? [] : marked.filter((c) => author(c) === found.account);
  const foreign = found.account === undefined ? [] : marked.filter((c) => author(c) !== found.account);
  found.strangers = [...new Set(foreign.map(author))];
  found.foreign = foreign.length;
  // Another runner of this same run and attempt wrote it: another leg of this job, never to be overwritten.
  const sibling = (c: (typeof marked)[number]): string | undefined => {
    const by = readWriter(lines(c)[1]);
    return writer && by && by.run === writer.run && by.runner !== writer.runner ? by.runner : undefined;
  };
  found.siblings = mine.flatMap((c) => sibling(c) ?? []);
  if (comment.shared && writer) {
    const written = mine.map((c) => ({ id: c.id, by: readWriter(lines(c)[1]) }));
    return replaceEarlierRuns(gh, target, { body, create, writer }, found, written);
  }
  const ours = mine.find((c) => sibling(c) === undefined);
  // Two pushes in a row start two runs, and the first may finish last: its outcome is of an older commit.
  const oursBy = ours && readWriter(lines(ours)[1]);
  if (ours && writer && oursBy && runIdOf(oursBy) > runIdOf(writer))
    return { ...found, action: 'kept for a later run', url: ours.html_url, laterRun: oursBy.run };
  if (ours) {
    const { data } = await gh.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
    return { ...found, action: 'updated', url: data.html_url };
  }
  if (!create) return { ...found, action: 'not needed' };
  const { data } = await gh.rest.issues.createComment({ owner, repo, issue_number: pullRequest, body });
  return { ...found, action: 'created', url: data.html_url };
}

/**
 * A leg that shares its marker with the other legs of its job: it edits only the comment this very job wrote (the
 * same run, attempt and runner: an earlier step of the job), else writes a new one; then it deletes the comments
 * of earlier workflow runs. Comments of this run are kept, another leg's or an earlier attempt's (a leg that was
 * not re-run), so a pass never replaces a failure it cannot tell is its own.
 */
async function replaceEarlierRuns(
  gh: GitHub,
  { owner, repo, pullRequest }: CommentTarget,
  { body, create, writer }: { body: string; create: boolean; writer: CommentWriter },
  found: Omit<CommentOutcome, 'action' | 'url'>,
  mine: readonly { id: number; by: CommentWriter | undefined }[],
): Promise<CommentOutcome> {
  const earlier = mine.filter((c) => isEarlierRun(c.by, writer));
  const own = mine.find((c) => c.by?.run === writer.run && c.by.runner === writer.runner);
  let done: CommentOutcome;
  if (own) {
    const { data } = await gh.rest.issues.updateComment({ owner, repo, comment_id: own.id, body });
    done = { ...found, action: 'updated', url: data.html_url };
  } else if (create || earlier.length > 0) {
    // on-failure with nothing failed still replaces an earlier run's comment, as it would update it.
    const { data } = await gh.rest.issues.createComment({ owner, repo, issue_number: pullRequest, body });
    done = { ...found, action: 'created', url: data.html_url };
  } else return { ...found, action: 'not needed' };
  for (const c of earlier) {
    try {
      await gh.rest.issues.deleteComment({ owner, repo, comment_id: c.id });
      done.replaced++;
    } catch (error) {
      // Another leg of this run deleted it first.
      if (githubFailure(error).status !== 404) throw error;
    }
  }
  return done;
}

/**
 * Written by an earlier workflow run than `writer`'s: run ids only grow. A comment without the writer line is from
 * a version that did not write one, so from an earlier run too.
 */
function isEarlierRun(by: CommentWriter | undefined, writer: CommentWriter): boolean {
  return !by || runIdOf(by) < runIdOf(writer);
}

/** The workflow run's id, without the attempt. */
function runIdOf(writer: CommentWriter): number {
  return Number(writer.run.split('.')[0]);
}

/** The login the token acts as; GraphQL's viewer answers for every kind of token (REST's GET /user refuses an app's). */
async function tokenAccount(gh: GitHub): Promise<string> {
  const { viewer } = await gh.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
  return viewer.login;
}
