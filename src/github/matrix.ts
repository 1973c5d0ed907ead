/**
 * A leg of a matrix, named by its matrix values. The runner puts none of them in an action's environment, but it
 * fills an input's default from the step's contexts: action.yml declares the `matrix` input with the default
 * `${{ toJSON(matrix) }}` (as github/codeql-action does), so every leg hands over its own values without a word in
 * the workflow, and `null` outside a matrix. The name is the one GitHub gives a leg of a job without a `name:`,
 * `test (ubuntu-latest, 20)`: readable, different for every leg, and the same on every re-run of that leg, which
 * the runner's name (a new runner each time) is not.
 */

/** What the matrix input says: a leg's name, no matrix at all, or nothing (the input reached the step empty). */
export type MatrixLeg = { kind: 'leg'; name: string } | { kind: 'none' } | { kind: 'unknown' };

export function matrixLeg(job: string, input: string): MatrixLeg {
  const raw = input.trim();
  if (raw === '') return { kind: 'unknown' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Not JSON: a workflow that passes its own label (`matrix: ${{ matrix.os }}`) is taken at its word.
    return { kind: 'leg', name: `${job} (${oneLine(raw)})` };
  }
  if (parsed === null) return { kind: 'none' };
  const values = isObject(parsed) ? Object.values(parsed) : [parsed];
  if (values.length === 0) return { kind: 'none' };
  return { kind: 'leg', name: `${job} (${values.map(shown).join(', ')})` };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as the leg's name shows it: text and numbers as they are, a list or an object (an `include` entry) as JSON. */
function shown(value: unknown): string {
  return oneLine(typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
