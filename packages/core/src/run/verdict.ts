/**
 * The verdict of a case across the jobs of one run, and the job lines the run's description carries so that
 * every job — and the close step — knows what the others reported. Pure: text in, values out.
 *
 * A job line reads `testsigma-tm job 2/4 (done): Failed DEMO-3 DEMO-5..7; Blocked DEMO-9; Passed DEMO-1..2`:
 * the job's marker (its shard, or an id of its own), whether it is still `reporting` or `done`, and its cases by
 * status (human ids, consecutive numbers folded into ranges). A job that finds a line of its marker already there
 * (a re-run of the shard, a resume, a line carried over from the run before) writes the next attempt
 * (`(reporting, attempt 2)`): its line is then newer than the one it replaces, whatever their states. A line that would pass LEDGER_LINE_MAX gives its
 * best statuses as counts (`Passed 1200 unlisted`), worst kept longest: what cannot be listed cannot be restored
 * at close, and the summary says so.
 */
import { statusSeverity } from '../map/status.js';
import { LEDGER_LINE_MAX } from './timing.js';

const LINE = /^testsigma-tm job (\S+) \((reporting|done)(?:, attempt (\d+))?\):(.*)$/;
const ID = /^(.+)-(\d+)(?:\.\.(\d+))?$/;

type JobState = 'reporting' | 'done';

export interface JobLine {
  job: string;
  state: JobState;
  /** Which attempt of the job wrote the line: 1 (not written) for the first. */
  attempt?: number;
  /** Status name → the human ids this job recorded with it. */
  cases: Map<string, string[]>;
  /** Status name → how many cases were left out of `cases` for length. */
  unlisted: Map<string, number>;
}

/** The worse of two status names (the first when equal); undefined stands for "no result". */
export function worse(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return statusSeverity(b) > statusSeverity(a) ? b : a;
}

/** Each case's worst status over the given job lines. */
export function worstByCase(lines: Iterable<JobLine>): Map<string, string> {
  const worst = new Map<string, string>();
  for (const line of lines) {
    for (const [status, ids] of line.cases) for (const id of ids) worst.set(id, worse(worst.get(id), status) ?? status);
  }
  return worst;
}

/** The job lines of a description, in order. */
export function readJobLines(description: string | undefined): JobLine[] {
  const lines: JobLine[] = [];
  for (const text of (description ?? '').split('\n')) {
    const m = LINE.exec(text.trim());
    if (m?.[1] && m[2]) lines.push(parseBody(m[1], m[2] as JobState, m[3] === undefined ? 1 : Number(m[3]), m[4] ?? ''));
  }
  return lines;
}

function parseBody(job: string, state: JobState, attempt: number, body: string): JobLine {
  const line: JobLine = { job, state, cases: new Map(), unlisted: new Map() };
  if (attempt > 1) line.attempt = attempt;
  for (const segment of body.split(';')) {
    const trimmed = segment.trim();
    if (trimmed === '') continue;
    const words = trimmed.split(WHITESPACE);
    // Each word matched once: the first id (or count) ends the status name, and every id after it is expanded.
    let firstId = -1;
    for (let i = 1; i < words.length; i++) {
      if (ID.test(words[i] as string) || DIGITS.test(words[i] as string)) {
        firstId = i;
        break;
      }
    }
    if (firstId < 1) continue;
    const status = firstId === 1 ? (words[0] as string) : words.slice(0, firstId).join(' ');
    if (words.length - firstId === 2 && words[firstId + 1] === 'unlisted') {
      line.unlisted.set(status, Number(words[firstId]));
      continue;
    }
    const ids: string[] = [];
    for (let i = firstId; i < words.length; i++) expandInto(words[i] as string, ids);
    line.cases.set(status, ids);
  }
  return line;
}

const WHITESPACE = /\s+/;
const DIGITS = /^\d+$/;

/** `DEMO-3..5` → DEMO-3, DEMO-4, DEMO-5 added to `ids`; anything else added as it is. */
function expandInto(token: string, ids: string[]): void {
  const m = ID.exec(token);
  if (!m?.[1] || m[3] === undefined) {
    ids.push(token);
    return;
  }
  const [from, to] = [Number(m[2]), Number(m[3])];
  const limit = ids.length + 100_000;
  for (let n = from; n <= to && ids.length < limit; n++) ids.push(`${m[1]}-${n}`);
}

/** `DEMO-1 DEMO-2 DEMO-3 DEMO-7` → `DEMO-1..3 DEMO-7`; ids without a number stay as they are. */
function fold(ids: readonly string[]): string {
  const byPrefix = new Map<string, number[]>();
  const plain: string[] = [];
  for (const id of new Set(ids)) {
    const m = ID.exec(id);
    if (m?.[1] && m[3] === undefined) (byPrefix.get(m[1]) ?? byPrefix.set(m[1], []).get(m[1]))?.push(Number(m[2]));
    else plain.push(id);
  }
  const parts: string[] = [];
  for (const [prefix, numbers] of byPrefix) {
    numbers.sort((a, b) => a - b);
    for (let i = 0; i < numbers.length;) {
      let j = i;
      while (j + 1 < numbers.length && numbers[j + 1] === (numbers[j] ?? 0) + 1) j++;
      parts.push(j > i ? `${prefix}-${numbers[i]}..${numbers[j]}` : `${prefix}-${numbers[i]}`);
      i = j + 1;
    }
  }
  return [...parts, ...plain.sort()].join(' ');
}

/** The line's text: worst statuses first; when too long, the best statuses become counts until it fits. */
export function formatJobLine(line: JobLine): string {
  const severity = new Map([...line.cases.keys(), ...line.unlisted.keys()].map((s) => [s, statusSeverity(s)]));
  const statuses = [...severity.keys()].sort((a, b) => (severity.get(b) ?? 0) - (severity.get(a) ?? 0));
  const listed = new Set(line.cases.keys());
  const render = (): string => {
    const segments = statuses.map((s) =>
      listed.has(s) ? `${s} ${fold(line.cases.get(s) ?? [])}` : `${s} ${(line.unlisted.get(s) ?? 0) + (line.cases.get(s)?.length ?? 0)} unlisted`,
    );
    const attempt = (line.attempt ?? 1) > 1 ? `, attempt ${line.attempt}` : '';
    return `testsigma-tm job ${line.job} (${line.state}${attempt}): ${segments.join('; ')}`;
  };
  let text = render();
  for (let i = statuses.length - 1; text.length > LEDGER_LINE_MAX && i >= 0; i--) {
    listed.delete(statuses[i] as string);
    text = render();
  }
  return text;
}

/** Did this line lose cases to its length (so the close step cannot restore all of them)? */
export function isPartial(line: JobLine): boolean {
  return readJobLines(formatJobLine(line))[0]?.unlisted.size !== 0 || line.unlisted.size > 0;
}

/** The description with its job lines replaced by `lines` (one per job, in job order), other text kept; `format` may cache. */
export function withJobLines(description: string | undefined, lines: Iterable<JobLine>, format: (line: JobLine) => string = formatJobLine): string {
  const others = (description ?? '').split('\n').filter((text) => !LINE.test(text.trim()));
  while (others.length > 0 && others[others.length - 1]?.trim() === '') others.pop();
  const sorted = [...lines].sort((a, b) => (a.job < b.job ? -1 : a.job > b.job ? 1 : 0)).map(format);
  return [...others, ...sorted].join('\n').trim();
}

/**
 * The more advanced of two lines of one job: the later attempt's; within one attempt `done` over `reporting`
 * (a write built on an older read carries the job's line as it was), else the second (newer) one.
 */
export function newerLine(a: JobLine | undefined, b: JobLine): JobLine {
  if (!a) return b;
  const [attemptA, attemptB] = [a.attempt ?? 1, b.attempt ?? 1];
  if (attemptA !== attemptB) return attemptA > attemptB ? a : b;
  if (a.state === 'done' && b.state === 'reporting') return a;
  return b;
}

/** This job's attempt: the one after the latest line of its marker already in the run, else the first. */
export function nextAttempt(lines: Iterable<JobLine>, job: string): number {
  let latest = 0;
  for (const line of lines) if (line.job === job) latest = Math.max(latest, line.attempt ?? 1);
  return latest + 1;
}
