/**
 * One Playwright test (one test × one project, every attempt inside) as plain data: the fields that both the
 * JSON reporter's file and the live reporter API (`TestCase` and its `TestResult`s) carry. Two small adapters
 * fill it (from-json.ts, from-live.ts); one set of rules (rules.ts) turns it into the result model, so a test
 * is recorded the same way whichever path it took.
 *
 * Statuses are kept as Playwright wrote them (strings): the rules decide what an unknown one means.
 */

/** What an attempt ended as: `passed`, `failed`, `timedOut`, `skipped`, `interrupted` (or something newer). */
export type PlaywrightStatus = string;

/** Playwright's verdict on the whole test (`TestCase.outcome()`, the JSON's `tests[].status`). */
export type PlaywrightOutcome = 'expected' | 'unexpected' | 'flaky' | 'skipped';

export interface PlaywrightError {
  message?: string;
  /** The JavaScript stack, which repeats the message first. */
  stack?: string;
  /** What was thrown when it was not an Error (`throw 42`). */
  value?: string;
}

export interface PlaywrightAnnotation {
  type: string;
  description?: string;
}

export interface PlaywrightAttachment {
  name: string;
  contentType?: string;
  /** Absolute in the live reporter; as written in the JSON file (also absolute when Playwright wrote it). */
  path?: string;
  /** Inline content (`testInfo.attach(name, { body })`), base64. */
  body?: string;
}

export interface PlaywrightAttempt {
  /** 0 for the first run, 1 for the first retry, ... */
  retry?: number;
  status: PlaywrightStatus;
  /** Milliseconds, as Playwright measured it (unchecked: the rules check it). */
  duration?: unknown;
  /** Every error of the attempt (soft assertions give several), the first being `TestResult.error`. */
  errors: PlaywrightError[];
  /** Annotations added while this attempt ran (`test.skip(cond, 'why')` inside the body, `testInfo.annotations`). */
  annotations: PlaywrightAnnotation[];
  attachments: PlaywrightAttachment[];
  stdout: string[];
  stderr: string[];
}

export interface PlaywrightCase {
  /** The enclosing `describe` titles, outermost first; no root, project or file suite, no anonymous describe. */
  suitePath: string[];
  title: string;
  project?: string;
  /** The test file as results show it (relative to the config's rootDir, `/` separators, when known). */
  file?: string;
  line?: number;
  column?: number;
  annotations: PlaywrightAnnotation[];
  /** With or without the leading `@`. */
  tags: string[];
  /** `passed`, `failed` (test.fail()) or `skipped` (test.skip() / test.fixme()). */
  expectedStatus: PlaywrightStatus;
  /** Playwright's own verdict when the producer states it; the rules compute it Playwright's way otherwise. */
  outcome?: PlaywrightOutcome;
  /** Every run of the test in order, retries included; empty when the test never started. */
  attempts: PlaywrightAttempt[];
}

const OUTCOMES: ReadonlySet<string> = new Set(['expected', 'unexpected', 'flaky', 'skipped']);

export function asOutcome(value: unknown): PlaywrightOutcome | undefined {
  return typeof value === 'string' && OUTCOMES.has(value) ? (value as PlaywrightOutcome) : undefined;
}
