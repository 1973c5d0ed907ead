/**
 * What the Action tells GitHub once the results are recorded: the pull-request comment and the check run. Each
 * is tried on its own, and a refusal (a missing permission, a fork's read-only token) becomes one warning line:
 * the results are recorded either way, and the step's outcome is the upload's, never the comment's.
 */
import type { UploadSummary } from 'testsigma-tm-core';
import { featureProblem, type GitHub } from './client.js';
import type { GithubContext } from './context.js';
import { commentMarker, upsertComment, writerLine, type CommentOutcome } from './comment.js';
import { findJobName, type JobName } from './job-name.js';
import type { MatrixLeg } from './matrix.js';
import { checkAnnotations, createCheckRun } from './check-run.js';
import { findPullRequest } from './pull-request.js';
import { CHECK_SUMMARY_MAX_CHARS, COMMENT_MAX_CHARS, hasFailure, renderReport, type ReportInput } from './report-markdown.js';

export interface GithubReport {
  gh: GitHub;
  ctx: GithubContext;
  summary: UploadSummary;
  error?: { code: string; message: string } | undefined;
  comment: 'off' | 'on-failure' | 'always';
  checkRun: boolean;
  maxAnnotations: number;
  /**
   * Look the leg of a matrix up by its name as GitHub shows it (actions: read); off when the job's name already
   * tells the legs apart (`ctx.job` carries the shard-index).
   */
  findLeg: boolean;
  /** What the matrix input says of this leg: it names the leg when the run's jobs cannot be read. */
  matrix: MatrixLeg;
  /** The run that ran the tests, when it is not this one (a workflow_run workflow reporting a fork's results). */
  testsRunUrl?: string | undefined;
  /** Strings that must never reach GitHub or the log (both tokens): replaced by `***`. */
  secrets: readonly (string | undefined)[];
}

export interface Note {
  level: 'info' | 'warning';
  text: string;
}

export async function reportToGithub(input: GithubReport): Promise<Note[]> {
  const notes: Note[] = [];
  const { ctx } = input;
  const links = [
    ...(input.testsRunUrl ? [{ text: 'tests run', url: input.testsRunUrl }] : []),
    ...(ctx.runUrl ? [{ text: input.testsRunUrl ? 'report run' : 'workflow run', url: ctx.runUrl }] : []),
  ];
  // Read once, and only when a feature needs it (a push without a pull request and no check run does not).
  let jobName: Promise<JobName> | undefined;
  const leg: Leg = async () => {
    jobName ??= input.findLeg ? findJobName(input.gh, ctx, input.matrix) : Promise.resolve({ name: ctx.job });
    const name = await jobName;
    // Nothing names this leg (no jobs read, no matrix values): the other legs of a matrix would carry the same name.
    const shared = name.unknown !== undefined && input.matrix.kind === 'unknown';
    return { ...name, shared, report: { summary: input.summary, error: input.error, links, job: name.name } };
  };
  if (input.comment !== 'off') notes.push(...(await comment(input, leg)));
  if (input.checkRun) notes.push(...(await checkRun(input, leg)));
  return notes.map((n) => ({ ...n, text: scrub(n.text, input.secrets) }));
}

/**
 * This job's name as GitHub shows it (a matrix leg's), whether the other legs of a matrix may share it, and the
 * report under that name.
 */
type Leg = () => Promise<JobName & { shared: boolean; report: ReportInput }>;

async function comment(input: GithubReport, leg: Leg): Promise<Note[]> {
  const { gh, ctx } = input;
  let pullRequest: number | undefined;
  try {
    pullRequest = await findPullRequest(gh, ctx);
  } catch (error) {
    // Listing a commit's pull requests needs pull-requests: read (GitHub's permission tables, for the job token
    // and fine-grained tokens alike); the comment then needs write, which covers it: name the one that fixes both.
    return [{ level: 'warning', text: featureProblem('name the pull request of this commit', 'pull-requests: write', error) }];
  }
  if (pullRequest === undefined) return [{ level: 'info', text: `testsigma-tm: no pull request for this ${ctx.eventName || 'run'}, so no comment.` }];
  const { name, unknown, shared, report } = await leg();
  const marker = commentMarker(ctx.workflow, ctx.job, name);
  const writer = ctx.runId && ctx.runnerName ? { run: `${ctx.runId}.${ctx.runAttempt ?? 1}`, runner: ctx.runnerName } : undefined;
  const hidden = writer ? `${marker}\n${writerLine(writer)}` : marker;
  const body = scrub(renderReport(report, { marker: hidden, maxChars: COMMENT_MAX_CHARS }), input.secrets);
  try {
    const create = input.comment === 'always' || hasFailure(report);
    const done = await upsertComment(gh, { owner: ctx.owner, repo: ctx.repo, pullRequest }, { marker, writer, body, create, shared });
    return [...commentAuthorNotes(pullRequest, done), ...siblingNotes(pullRequest, ctx.job, unknown, done), commentNote(pullRequest, done)];
  } catch (error) {
    return [{ level: 'warning', text: featureProblem(`write the comment on pull request #${pullRequest}`, 'pull-requests: write', error) }];
  }
}

function commentNote(pullRequest: number, done: CommentOutcome): Note {
  if (done.action === 'not needed')
    return { level: 'info', text: `testsigma-tm: nothing failed, so no comment on pull request #${pullRequest} (comment: on-failure).` };
  if (done.action === 'kept for a later run')
    return {
      level: 'info',
      text: `testsigma-tm: pull request #${pullRequest}: the comment${done.url ? ` (${done.url})` : ''} was left as it is: a later workflow run (${done.laterRun ?? 'unknown'}) already wrote it, and this run's outcome is older.`,
    };
  const replaced =
    done.replaced > 0
      ? `; ${done.replaced} comment(s) of an earlier workflow run deleted (the legs of this job cannot be told apart, so none is edited in place)`
      : '';
  return { level: 'info', text: `testsigma-tm: pull request #${pullRequest}: comment ${done.action}${done.url ? ` (${done.url})` : ''}${replaced}.` };
}

/** Comments that carry our marker and were not edited: someone else's, or nobody could tell whose. */
function commentAuthorNotes(pullRequest: number, done: CommentOutcome): Note[] {
  if (done.accountProblem !== undefined) {
    const which = done.marked === 1 ? 'the one that carries' : `one of the ${done.marked} that carry`;
    const what = done.action === 'created' ? 'a new comment was written instead of editing' : 'no comment was edited, not even';
    return [
      {
        level: 'warning',
        text: `testsigma-tm: pull request #${pullRequest}: the github-token's account could not be looked up (${done.accountProblem}), so ${what} ${which} this job's marker (any account can write the marker). Let the token query GraphQL's viewer { login }, and the next run edits its own comment.`,
      },
    ];
  }
  const n = done.foreign;
  if (n === 0) return [];
  const carry = n === 1 ? '1 comment carries' : `${n} comments carry`;
  return [
    {
      level: 'info',
      text: `testsigma-tm: pull request #${pullRequest}: ${carry} this job's marker but ${n === 1 ? 'was' : 'were'} not written by ${done.account}, the github-token's account (by ${done.strangers.map((a) => `@${a}`).join(', ')}): left alone.`,
    },
  ];
}

/**
 * Another leg of this matrix job wrote its comment in this run, and the legs could not be told apart: its comment was
 * left alone (a pass never hides a failure), and the user is told the permission that names each leg.
 */
function siblingNotes(pullRequest: number, job: string, unknown: string | undefined, done: CommentOutcome): Note[] {
  if (done.siblings.length === 0) return [];
  const runners = done.siblings.map((r) => `"${r}"`).join(', ');
  return [
    {
      level: 'warning',
      text: `testsigma-tm: pull request #${pullRequest}: another leg of job \`${job}\` already wrote its comment in this workflow run (on runner ${runners}), and the legs of a matrix cannot be told apart (${unknown ?? 'their names are the same'}), so this leg left that comment alone and wrote its own. Leave the matrix input out (its default, \${{ toJSON(matrix) }}, names each leg by its matrix values, such as "${job} (ubuntu-latest, 20)"), or give the job \`permissions: actions: read\` for its name as GitHub shows it; a matrix of shards can set shard-index instead.`,
    },
  ];
}

async function checkRun(input: GithubReport, leg: Leg): Promise<Note[]> {
  const { gh, ctx, summary: s } = input;
  if (!ctx.sha) return [{ level: 'warning', text: 'testsigma-tm: no commit to attach the check run to (GITHUB_SHA is unset), so none was created.' }];
  const { name, unknown, shared, report } = await leg();
  const { annotations, left } = checkAnnotations(s.failures, s.tests.failed, input.maxAnnotations);
  const conclusion = hasFailure(report) ? 'failure' : s.total === 0 ? 'neutral' : 'success';
  const title = input.error
    ? `The reporting failed (${input.error.code})`
    : `${s.tests.failed} failed, ${s.tests.passed} passed, ${s.tests.skipped} skipped${left > 0 ? ` (${annotations.length} annotated, ${left} not)` : ''}`;
  const checkName = `Testsigma: ${name || ctx.workflow || 'results'}`;
  try {
    const done = await createCheckRun(gh, {
      owner: ctx.owner,
      repo: ctx.repo,
      sha: ctx.sha,
      name: checkName,
      conclusion,
      title: scrub(title, input.secrets),
      summary: scrub(renderReport(report, { maxChars: CHECK_SUMMARY_MAX_CHARS }), input.secrets),
      annotations: annotations.map((a) => ({ ...a, title: scrub(a.title, input.secrets), message: scrub(a.message, input.secrets) })),
      detailsUrl: ctx.runUrl,
    });
    return [
      {
        level: 'info',
        text: `testsigma-tm: check run created with ${annotations.length} annotation(s) in ${done.requests} request(s)${done.url ? ` (${done.url})` : ''}.`,
      },
      ...(shared ? [sharedCheckRunNote(checkName, unknown)] : []),
    ];
  } catch (error) {
    return [{ level: 'warning', text: featureProblem('create the check run', 'checks: write', error) }];
  }
}

/** Nothing tells this leg from the others of a matrix, if it is one: their check runs share a name, and GitHub shows the latest. */
function sharedCheckRunNote(checkName: string, unknown: string | undefined): Note {
  return {
    level: 'warning',
    text: `testsigma-tm: the check run is named "${checkName}" after the job's id, which every leg of a matrix shares (${unknown ?? 'no leg name was found'}): on the pull request the leg that finishes last would replace the others'. Leave the matrix input out (its default, \${{ toJSON(matrix) }}, names each leg by its matrix values), or give the job \`permissions: actions: read\`.`,
  };
}

/** Every occurrence of a secret replaced by `***` (a test name or message could quote one). */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('***');
  return out;
}
