/**
 * A check run named after the job (a matrix leg: the job and its matrix values), carrying the outcome and an
 * annotation per failed test at its file and line. A step's workflow commands show at most 10 error annotations; a
 * check run takes any number, but at most 50 per request: the first 50 come with the creation, the rest with
 * updates of 50.
 */
import type { FailedTest } from 'testsigma-tm-core';
import type { GitHub } from './client.js';

const ANNOTATIONS_PER_REQUEST = 50;
const MESSAGE_MAX_CHARS = 2_000;

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'failure';
  title: string;
  message: string;
}

/**
 * The failed tests that have a file in the repository (a path relative to the checkout; a line, else the first),
 * at most `max`; `left` counts the failed tests not annotated (over `max`, or without a place).
 */
export function checkAnnotations(failures: readonly FailedTest[], failedTotal: number, max: number): { annotations: CheckAnnotation[]; left: number } {
  const annotations: CheckAnnotation[] = [];
  for (const f of failures) {
    if (annotations.length >= max) break;
    if (!f.file || f.file.startsWith('/') || f.file.startsWith('../') || /^[A-Za-z]:/.test(f.file)) continue;
    const line = f.line ?? 1;
    annotations.push({
      path: f.file,
      start_line: line,
      end_line: line,
      annotation_level: 'failure',
      title: `Failed: ${f.test}${f.case ? ` (${f.case})` : ''}`.slice(0, 255),
      message: (f.message || 'failed').slice(0, MESSAGE_MAX_CHARS),
    });
  }
  return { annotations, left: Math.max(failedTotal, failures.length) - annotations.length };
}

export interface CheckRunInput {
  owner: string;
  repo: string;
  sha: string;
  name: string;
  conclusion: 'success' | 'failure' | 'neutral';
  title: string;
  summary: string;
  annotations: readonly CheckAnnotation[];
  detailsUrl?: string | undefined;
}

/** Creates the completed check run, then adds the annotations past the first 50; returns its link and the requests made. */
export async function createCheckRun(gh: GitHub, input: CheckRunInput): Promise<{ url: string; requests: number }> {
  const { owner, repo } = input;
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < input.annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(input.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const output = (annotations: CheckAnnotation[] = []) => ({ title: input.title, summary: input.summary, annotations });
  const { data } = await gh.rest.checks.create({
    owner,
    repo,
    name: input.name,
    head_sha: input.sha,
    status: 'completed',
    conclusion: input.conclusion,
    ...(input.detailsUrl && { details_url: input.detailsUrl }),
    output: output(batches[0]),
  });
  // Each update appends its annotations to the ones the check run already holds.
  for (const batch of batches.slice(1)) await gh.rest.checks.update({ owner, repo, check_run_id: data.id, output: output(batch) });
  return { url: data.html_url ?? '', requests: Math.max(1, batches.length) };
}
