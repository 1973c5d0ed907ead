/**
 * The run title template: `--run-title "{workflow} #{run_number} {branch}"`, filled from the CI context. Pure:
 * filling is a function of its arguments only (the template's syntax and its check live in settings/run-title.ts).
 *
 * A placeholder this CI has no value for becomes empty and the whitespace around it is collapsed, so
 * `{workflow} {job} on {branch}` without a job reads `CI on main`; punctuation written next to it stays.
 */
import { defaultRunTitle, type CiContext, type CiFields } from '../ci.js';
import { PLACEHOLDER, isPlaceholder, type RunTitlePlaceholder } from '../settings/run-title.js';

const FIELD_OF: Record<Exclude<RunTitlePlaceholder, 'provider' | 'date'>, keyof CiFields> = {
  workflow: 'workflow',
  run_number: 'runNumber',
  run_attempt: 'runAttempt',
  branch: 'branch',
  sha: 'sha',
  repository: 'repository',
  job: 'job',
};

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
