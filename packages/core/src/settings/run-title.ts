/**
 * The run title template's syntax: its placeholders and the check the settings parser runs on a template (an
 * unknown placeholder is refused with the known ones). Filling a template from the CI is pipeline/run-title.ts.
 */
import { closest } from './suggest.js';

/** Every placeholder, with what it stands for (shown in the docs and in the message for an unknown one). */
export const RUN_TITLE_PLACEHOLDERS = {
  workflow: 'the workflow or pipeline name',
  run_number: 'the run or pipeline number',
  run_attempt: 'the attempt (a re-run of failed jobs is 2)',
  branch: 'the branch (or the pull request branch)',
  sha: 'the commit, shortened to 7 characters',
  repository: 'the repository as owner/name',
  job: 'the job (or stage) name',
  provider: 'the CI, e.g. GitHub Actions',
  date: 'the date of the upload, YYYY-MM-DD (UTC)',
} as const;

export type RunTitlePlaceholder = keyof typeof RUN_TITLE_PLACEHOLDERS;

export const PLACEHOLDER = /\{([^{}]*)\}/g;

export function isPlaceholder(name: string): name is RunTitlePlaceholder {
  return Object.hasOwn(RUN_TITLE_PLACEHOLDERS, name);
}

/** What is wrong with a template (an unknown placeholder, with a suggestion and the known ones), or undefined. */
export function runTitleProblem(template: string): string | undefined {
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '').filter((name) => !isPlaceholder(name));
  if (unknown.length === 0) return undefined;
  const known = Object.keys(RUN_TITLE_PLACEHOLDERS);
  const hint = closest(unknown[0] ?? '', known);
  return `unknown placeholder ${unknown.map((name) => `{${name}}`).join(', ')}${hint ? ` (did you mean {${hint}}?)` : ''}; known placeholders: ${known.map((name) => `{${name}}`).join(', ')}`;
}
