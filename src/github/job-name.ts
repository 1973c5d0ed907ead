/**
 * The job's own name as GitHub shows it: "test (ubuntu-latest, 20)" for a leg of a matrix. The runner tells an
 * action only the job's id (GITHUB_JOB), which every leg shares; the run's jobs (actions: read) name the leg: the
 * one in progress on this step's runner, which runs one job at a time. Without that permission the leg's matrix
 * values (the matrix input) name it the way GitHub names a leg of a job without a `name:`.
 */
import { githubFailure, type GitHub } from './client.js';
import type { GithubContext } from './context.js';
import type { MatrixLeg } from './matrix.js';

export interface JobName {
  name: string;
  /** Why the job's name could not be read (then `name` is the job's id, shared by the legs of a matrix). */
  unknown?: string;
}

export async function findJobName(gh: GitHub, ctx: GithubContext, matrix: MatrixLeg): Promise<JobName> {
  const listed = await fromRunJobs(gh, ctx);
  if (listed.unknown === undefined) return listed;
  if (matrix.kind === 'leg') return { name: matrix.name };
  return matrix.kind === 'unknown' ? { ...listed, unknown: `${listed.unknown}; the matrix input is empty` } : listed;
}

async function fromRunJobs(gh: GitHub, ctx: GithubContext): Promise<JobName> {
  if (!ctx.runId || !ctx.runnerName) return { name: ctx.job, unknown: 'GITHUB_RUN_ID or RUNNER_NAME is unset' };
  const run = { owner: ctx.owner, repo: ctx.repo, run_id: Number(ctx.runId), attempt_number: Number(ctx.runAttempt ?? 1) };
  try {
    const jobs = await gh.paginate(gh.rest.actions.listJobsForWorkflowRunAttempt, { ...run, per_page: 100 });
    const mine = jobs.filter((j) => j.runner_name === ctx.runnerName && j.status === 'in_progress');
    if (mine.length === 1) return { name: mine[0]!.name };
    return { name: ctx.job, unknown: `${mine.length} of this run's jobs are in progress on runner "${ctx.runnerName}"` };
  } catch (error) {
    return { name: ctx.job, unknown: `reading this run's jobs was refused: ${githubFailure(error).text}` };
  }
}
