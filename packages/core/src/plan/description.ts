/**
 * plan/: what is sent for each case (its description) and in which batches; may import api, map.
 *
 * The text recorded with a test case's result. The service has no duration, step or attempt field
 * (a result takes only a status, a user and a description), so everything a person needs to act on a result goes here, in plain text:
 * every contributing test, its outcome, duration, retry history, message, a trimmed stack, attachments
 * and a link back to the CI job. Deterministic — no clock, no locale — so tests compare exact strings.
 */
import { fullTitle, isFlaky, type TestResult, type TestStatus } from '../model.js';
import { caseOutcomes, type MappedCase } from '../map/mapping.js';
import { aggregateStatus, outcomeOf, type StatusMapping } from '../map/status.js';
import { firstLine, oneLine, safeSlice, stripAnsi } from '../text.js';

/** Cap of a whole description, in UTF-16 code units (what `string.length` counts). */
export const MAX_DESCRIPTION_CHARS = 16_384;
const STACK_MAX_LINES = 15;
const STACK_MAX_CHARS = 2_000;
/** One giant assertion diff must not crowd out the other tests of the same case. */
const MESSAGE_MAX_CHARS = 4_000;
const TRUNCATED_MARKER = '… (truncated)';

export interface DescriptionContext {
  /** Link to the CI job that produced the results, when known. */
  jobUrl?: string;
  /** To name the status each outcome is recorded as. */
  mapping: StatusMapping;
  /** Overrides MAX_DESCRIPTION_CHARS. */
  maxChars?: number;
}

export function describeCase(mapped: MappedCase, context: DescriptionContext): string {
  const results = failuresFirst(mapped.results);
  const beyond = mapped.beyond;
  const total = results.length + (beyond?.count ?? 0);
  const parts: string[] = [];
  if (total > 1) {
    const status = aggregateStatus(caseOutcomes(mapped).map((o) => context.mapping[o]));
    const failed = results.filter(isFailure).length + (beyond?.failed ?? 0);
    const order = failed > 0 && failed < total ? ` The ${failed === 1 ? 'failed test is' : `${failed} failed tests are`} listed first.` : '';
    parts.push(`${total} automated tests map to this case; the worst outcome decides its status: ${status}.${order}`);
  }
  results.forEach((result, i) => {
    const label = total > 1 ? `Test ${i + 1} of ${total}` : 'Test';
    parts.push(describeResult(result, label, context.mapping));
  });
  if (beyond) {
    const failed = beyond.failed > 0 ? ` (${beyond.failed} of them failed)` : '';
    parts.push(`… and ${beyond.count} more test(s)${failed}, counted in the status but not listed here: see the CI job.`);
  }
  const jobUrl = context.jobUrl ? oneLine(stripAnsi(context.jobUrl)) : '';
  const tail = jobUrl ? `CI job: ${jobUrl}` : '';
  return fit(parts.join('\n\n'), tail, context.maxChars ?? MAX_DESCRIPTION_CHARS);
}

function isFailure(result: TestResult): boolean {
  return result.status === 'failed' || result.status === 'error';
}

/**
 * Failed and errored tests before the others, each group in input order: the one failure among 100 passes is
 * what a person opens the case for, and it must not sit at position 36 or fall to the truncation below.
 */
function failuresFirst(results: readonly TestResult[]): TestResult[] {
  return [...results.filter(isFailure), ...results.filter((r) => !isFailure(r))];
}

function describeResult(result: TestResult, label: string, mapping: StatusMapping): string {
  const outcome = outcomeOf(result);
  const duration = formatDuration(result.durationMs);
  const title = fullTitle(result);
  const lines = [`${label}: ${clean(title) || '(untitled)'}`];
  if (result.project) lines.push(`Project: ${clean(result.project)}`);
  if (result.file) lines.push(`File: ${clean(result.file)}`);
  // JUnit's classname often names what the title does not (pytest's module, a Java class).
  if (result.classname && !result.file && !title.includes(result.classname)) lines.push(`Class: ${clean(result.classname)}`);
  lines.push(`Outcome: ${outcome} (status ${mapping[outcome]})${duration ? ` in ${duration}` : ''}`);
  if (result.attempts.length > 1) lines.push(`Attempts: ${attemptHistory(result)}`);

  const message = stripAnsi(result.message ?? '').trimEnd();
  if (message.trim() !== '') lines.push('Message:', ...indent(capMessage(message)));
  const stack = stackWithoutMessage(stripAnsi(result.stack ?? '').trimEnd(), message);
  if (stack.trim() !== '') lines.push('Stack:', ...indent(trimStack(stack)));

  const names = result.attachments.map((a) => clean(a.name)).filter((n) => n !== '');
  if (names.length > 0) lines.push(`Attachments: ${names.join(', ')}`);
  return lines.join('\n');
}

const VERB: Record<TestStatus, string> = { passed: 'passed', failed: 'failed', error: 'errored', skipped: 'skipped' };

/** `flaky: passed on attempt 2 of 2; attempt 1 failed: <first line>` — the final attempt is described below it. */
function attemptHistory(result: TestResult): string {
  const n = result.attempts.length;
  const head = `${isFlaky(result) ? 'flaky: ' : ''}${VERB[result.status]} on attempt ${n} of ${n}`;
  const earlier = result.attempts.slice(0, -1).map((attempt, i) => {
    const why = firstLine(stripAnsi(attempt.message ?? ''), 200);
    return `attempt ${i + 1} ${VERB[attempt.status]}${why ? `: ${why}` : ''}`;
  });
  return [head, ...earlier].join('; ');
}

function capMessage(message: string): string {
  if (message.length <= MESSAGE_MAX_CHARS) return message;
  return `${safeSlice(message, MESSAGE_MAX_CHARS).trimEnd()}\n… (message trimmed)`;
}

/** JavaScript stacks repeat the message first (`Error: msg\n    at …`); show it once. */
function stackWithoutMessage(stack: string, message: string): string {
  if (message !== '' && stack.startsWith(message)) return stack.slice(message.length).replace(/^\n+/, '');
  return stack;
}

/** The first STACK_MAX_LINES lines within STACK_MAX_CHARS, saying so when anything was left out. */
function trimStack(stack: string): string {
  const all = stack.split('\n').map((l) => l.trimEnd());
  const kept: string[] = [];
  let size = 0;
  for (const line of all) {
    if (kept.length === STACK_MAX_LINES) break;
    const cost = line.length + (kept.length > 0 ? 1 : 0);
    if (size + cost > STACK_MAX_CHARS) {
      if (kept.length === 0) kept.push(safeSlice(line, STACK_MAX_CHARS));
      break;
    }
    kept.push(line);
    size += cost;
  }
  const text = kept.join('\n');
  if (text === all.join('\n')) return text;
  return `${text}\n… (stack trimmed; ${all.length} ${all.length === 1 ? 'line' : 'lines'} in full)`;
}

function indent(text: string): string[] {
  return text.split('\n').map((l) => (l === '' ? '' : `  ${l}`));
}

function clean(text: string): string {
  return oneLine(stripAnsi(text));
}

/** Body and tail joined by a blank line, at most `max` long; the CI link survives truncation of the body. */
function fit(body: string, tail: string, max: number): string {
  const full = [body, tail].filter((p) => p !== '').join('\n\n');
  if (full.length <= max) return full;
  const marker = `\n${TRUNCATED_MARKER}`;
  const end = tail ? `\n\n${tail}` : '';
  const room = max - marker.length - end.length;
  if (room <= 0) return `${safeSlice(full, Math.max(0, max - marker.length)).trimEnd()}${marker}`;
  return `${safeSlice(body, room).trimEnd()}${marker}${end}`;
}

/** `350 ms`, `1.2 s`, `2 min 5 s`, `1 h 3 min`; empty when unknown (undefined, negative, not finite). */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}
