/**
 * The run title template: `--run-title "{workflow} #{run_number} {branch}"`, filled from the CI context. Pure:
 * checking a template (the settings parser refuses an unknown placeholder, listing the known ones) and filling
 * it are functions of their arguments only.
 *
 * A placeholder this CI has no value for becomes empty and the whitespace around it is collapsed, so
 * `{workflow} {job} on {branch}` without a job reads `CI on main`; punctuation written next to it stays.
 */
import { defaultRunTitle, type CiContext, type CiFields } from '../ci.js';
import { closest } from '../settings/suggest.js';

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

const PLACEHOLDER = /\{([^{}]*)\}/g;

const FIELD_OF: Record<Exclude<RunTitlePlaceholder, 'provider' | 'date'>, keyof CiFields> = {
  workflow: 'workflow',
  run_number: 'runNumber',
  run_attempt: 'runAttempt',
  branch: 'branch',
  sha: 'sha',
  repository: 'repository',
  job: 'job',
};

function isPlaceholder(name: string): name is RunTitlePlaceholder {
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

/** The value of every placeholder in this CI; absent ones are empty. */
export function runTitleValues(ci: CiContext | undefined, now: Date): Record<RunTitlePlaceholder, string> {
  const fields = ci?.fields ?? {};
  const values = { provider: ci?.provider ?? '', date: now.toISOString().slice(0, 10) } as Record<RunTitlePlaceholder, string>;
  for (const [placeholder, field] of Object.entries(FIELD_OF) as [RunTitlePlaceholder, keyof CiFields][]) values[placeholder] = fields[field] ?? '';
  values.sha = values.sha.slice(0, 7);
  return values;
}

/** The template with its placeholders filled; a template without placeholders is kept as written. */
export function fillRunTitle(template: string, values: Readonly<Record<RunTitlePlaceholder, string>>): string {
  if (!template.match(PLACEHOLDER)) return template;
  return template
    .replace(PLACEHOLDER, (_, name: string) => (isPlaceholder(name) ? values[name] : `{${name}}`))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The title of a run to create: the template filled, or — without one, or when it fills to nothing — the default. */
export function runTitle(template: string | undefined, ci: CiContext | undefined, now: Date): string {
  const filled = template === undefined ? '' : fillRunTitle(template, runTitleValues(ci, now));
  return filled !== '' ? filled : defaultRunTitle(ci, now);
}
