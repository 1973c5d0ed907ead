/**
 * Small, pure text helpers shared by the parsers. Result files carry terminal colours, huge logs and
 * durations in every notation; these helpers make such values safe to put into the result model. (Terminal
 * escapes and first lines are core's one text module, ../text.ts.)
 */
import { firstLine, stripAnsi } from '../text.js';

/** Longest `output` kept per result: enough for the end of a log, small enough for thousands of tests. */
export const MAX_OUTPUT_CHARS = 64 * 1024;
/** Longest `stack` kept per attempt. */
export const MAX_STACK_CHARS = 64 * 1024;
/** Longest `message` kept per attempt (Jest diffs can be very long; the stack still has the rest). */
export const MAX_MESSAGE_CHARS = 16 * 1024;

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Cut `text` to at most about `max` characters, keeping the head and (mostly) the tail: the end of a log
 * or a stack usually says what went wrong. The marker says how much was left out.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max / 4);
  const tail = max - head;
  const omitted = text.length - head - tail;
  return `${text.slice(0, head)}\n… [${omitted} characters omitted] …\n${text.slice(text.length - tail)}`;
}

/** Trimmed text, or undefined when nothing but whitespace is left. */
export function nonEmpty(text: string | undefined | null): string | undefined {
  if (text === undefined || text === null) return undefined;
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A short, printable excerpt of what a file starts with, for "received …" in error messages. */
export function describeStart(text: string, max = 40): string {
  const start = text.trimStart().slice(0, max).replace(/\s+/g, ' ');
  const excerpt = JSON.stringify(start);
  return text.trimStart().length > max ? `${excerpt.slice(0, -1)}…"` : excerpt;
}

/**
 * A JUnit `time` attribute (seconds) as whole milliseconds. Producers write "1.5", "1.5e-3", "1,234.5"
 * (thousands separators), "0,5" (decimal comma), "" or placeholders; anything unreadable or negative
 * gives undefined rather than NaN.
 */
export function secondsToMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  let text = value.trim();
  if (text === '') return undefined;
  if (text.includes(',')) {
    // Both separators: the comma groups thousands. A lone comma followed by exactly three digits after a
    // non-zero integer part is read as thousands too ("1,234"); any other lone comma is a decimal comma.
    const thousands = text.includes('.') || /^[1-9]\d{0,2}(,\d{3})+$/.test(text);
    text = thousands ? text.replace(/,/g, '') : text.replace(',', '.');
  }
  if (!/^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
  const seconds = Number(text);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
}

/** A duration already in milliseconds (Jest, Playwright), or undefined when it is not a usable number. */
export function msOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

/** Tags with exactly one leading `@`, without duplicates, in first-seen order. */
export function normaliseTags(tags: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    if (typeof tag !== 'string') continue;
    const bare = tag.trim().replace(/^@+/, '');
    if (bare === '') continue;
    const normalised = `@${bare}`;
    if (!out.includes(normalised)) out.push(normalised);
  }
  return out;
}

/**
 * Split a runner's failure text ("Error: expected 1\n\nExpected: …\n    at fn (file:1:2)") into the
 * message (everything before the first stack frame) and the stack (the whole text).
 */
export function splitMessageAndStack(text: string): { message?: string; stack?: string } {
  const clean = stripAnsi(text);
  const frame = clean.search(/\n\s+at /);
  const message = nonEmpty(frame === -1 ? clean : clean.slice(0, frame));
  const stack = nonEmpty(clean);
  return {
    ...(message !== undefined && { message: clip(message, MAX_MESSAGE_CHARS) }),
    ...(stack !== undefined && { stack: clip(stack, MAX_STACK_CHARS) }),
  };
}

/**
 * Failure texts of one attempt (already cleaned of the runner's own frames) → message and stack: the message is
 * the first failure up to its first stack frame, the stack every failure (test body and hooks).
 */
export function messageAndStack(texts: readonly string[]): { message?: string; stack?: string } {
  const kept = texts.filter((t) => t !== '');
  const first = kept[0];
  if (first === undefined) return {};
  const frame = first.search(/\n\s+at /);
  const message = (frame === -1 ? first : first.slice(0, frame)).trim();
  return {
    ...(message !== '' && { message: clip(message, MAX_MESSAGE_CHARS) }),
    stack: clip(kept.join('\n\n'), MAX_STACK_CHARS),
  };
}

/** The first non-blank line, or undefined when there is none (a reader's "no message"). */
export function firstLineOf(text: string | undefined): string | undefined {
  return nonEmpty(firstLine(text));
}
