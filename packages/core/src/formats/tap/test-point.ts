/**
 * One TAP line without its indentation, read for what it is: a test point (`not ok 3 - adds # TODO why`), a plan
 * (`1..4`, `1..0 # SKIP why`), a `Bail out!`, a `# Subtest: name` comment, another comment, or anything else
 * (the version line, a pragma, a producer's stray output), which TAP says a harness ignores.
 */

type Directive = { kind: 'skip' | 'todo'; reason: string } | undefined;

export interface TestPoint {
  kind: 'test';
  ok: boolean;
  /** The test number as written; undefined when the producer wrote none. */
  number: number | undefined;
  /** Without the ` - ` before it and with `\#` and `\\` unescaped; '' when there is none. */
  description: string;
  directive: Directive;
  /** node-tap's `# time=12.3ms` after the description, in milliseconds. */
  durationMs: number | undefined;
}

export type TapLine =
  | TestPoint
  | { kind: 'plan'; count: number; reason: string }
  | { kind: 'bail-out'; reason: string }
  | { kind: 'subtest'; name: string }
  | { kind: 'comment'; text: string }
  | { kind: 'other' };

const TEST_POINT = /^(not\s+)?ok(?:\s+(\d+))?(?=\s|$)\s*(.*)$/;
const PLAN = /^1\.\.(\d+)\s*(?:#\s*(.*))?$/;
const BAIL_OUT = /^bail out!\s*(.*)$/i;
const SUBTEST = /^#\s*Subtest(?::\s*(.*))?$/;
// TAP14: everything after `(SKIP|TODO)\S*\s+` is the reason; `# Skipped: why` is a skip.
const DIRECTIVE = /^#\s*(skip|todo)\S*(?:\s+(.*))?$/i;
const TIME = /^#\s*time=(\d+(?:\.\d+)?)(ms|s)?\s*$/i;

export function readTapLine(content: string): TapLine {
  const point = TEST_POINT.exec(content);
  if (point) return testPoint(point[1] !== undefined, point[2], point[3] ?? '');
  const plan = PLAN.exec(content.trimEnd());
  if (plan) return { kind: 'plan', count: Number(plan[1]), reason: unescape(plan[2] ?? '').trim() };
  const bail = BAIL_OUT.exec(content);
  if (bail) return { kind: 'bail-out', reason: unescape(bail[1] ?? '').trim() };
  if (content.startsWith('#')) {
    const subtest = SUBTEST.exec(content.trimEnd());
    if (subtest) return { kind: 'subtest', name: (subtest[1] ?? '').trim() };
    return { kind: 'comment', text: content.replace(/^#\s?/, '') };
  }
  return { kind: 'other' };
}

function testPoint(notOk: boolean, number: string | undefined, text: string): TestPoint {
  const rest = text.trimEnd();
  // The description runs to the first unescaped `#` that starts a directive (at the start or after a space).
  let description = rest;
  let directive: Directive;
  let durationMs: number | undefined;
  for (let at = rest.indexOf('#'); at !== -1; at = rest.indexOf('#', at + 1)) {
    if (escaped(rest, at) || (at > 0 && !/\s/.test(rest.charAt(at - 1)))) continue;
    const tail = rest.slice(at);
    const found = DIRECTIVE.exec(tail);
    const time = found ? undefined : TIME.exec(tail);
    if (!found && !time) continue;
    description = rest.slice(0, at);
    if (found) directive = { kind: (found[1] as string).toLowerCase() as 'skip' | 'todo', reason: unescape(found[2] ?? '').trim() };
    if (time) durationMs = Math.round(Number(time[1]) * (time[2]?.toLowerCase() === 's' ? 1000 : 1));
    break;
  }
  const parsed = number === undefined ? undefined : Number(number);
  return {
    kind: 'test',
    ok: !notOk,
    number: parsed !== undefined && Number.isSafeInteger(parsed) ? parsed : undefined,
    description: unescape(description.trim().replace(/^-(?:\s+|$)/, '')).trim(),
    directive,
    durationMs,
  };
}

/** Is the `#` at `at` escaped: preceded by an odd number of backslashes? */
function escaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let k = at - 1; k >= 0 && text.charAt(k) === '\\'; k -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}

/** TAP's escapes: `\\` is a backslash, `\#` a `#`; any other backslash is itself. */
function unescape(text: string): string {
  return text.includes('\\') ? text.replace(/\\([\\#])/g, '$1') : text;
}
