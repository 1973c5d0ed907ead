/**
 * Inputs action.yml does not declare. The runner hands every `with:` key to the step as INPUT_<NAME> (upper case,
 * spaces as `_`) and only warns about unknown ones, so `dry_run: true` (for `dry-run`) used to make a real upload:
 * the step now stops on them before any request.
 */
import { closest, type Env } from 'testsigma-tm-core';

/** One message naming every undeclared input with a suggestion, or undefined when all are declared. */
export function undeclaredInputsProblem(env: Env, declared: readonly string[]): string | undefined {
  const known = new Set(declared.map(variableName));
  const unknown = Object.keys(env)
    .filter((name) => name.startsWith('INPUT_') && !known.has(name))
    .map((name) => name.slice('INPUT_'.length).toLowerCase())
    .sort();
  if (unknown.length === 0) return undefined;
  const named = unknown.map((name) => {
    const hint = closest(name, declared);
    return `"${name}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
  });
  return `testsigma-tm: unknown input(s) ${named.join(', ')}: action.yml declares no such input, and the step stops rather than ignore it. Rename it in the step's with: block; the inputs are ${declared.join(', ')}.`;
}

function variableName(input: string): string {
  return `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;
}
