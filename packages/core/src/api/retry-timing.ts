/**
 * What an answer means for retrying, and how long to wait, as pure functions, so the policy is tested without
 * a clock. One policy for every request: rate-limit answers are waited out, transient failures back off
 * exponentially with jitter, and only the overall deadline ends either.
 */

export interface RetryPolicy {
  /** First ceiling of the exponential backoff for transient failures. */
  baseDelayMs: number;
  /** The backoff never waits longer than this between two attempts. */
  maxDelayMs: number;
  /** Attempts after the first; unlimited unless set (the deadline bounds retrying). A test hook. */
  maxRetries?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 30_000 };

/** Waits between rate-limit answers grow to this, so many jobs on one token spread out. */
const RATE_LIMIT_MAX_WAIT_MS = 8_000;

/**
 * - `rate-limited`: the service refused before doing anything (429, 500 "rate limit exceeded", 503 with
 *   Retry-After): safe to repeat any request, no recovery needed.
 * - `transient`: a 5xx or no answer; the request may or may not have been applied.
 * - `final`: any other status; retrying would get the same answer.
 */
export type Verdict = 'success' | 'rate-limited' | 'transient' | 'final';

export function classifyAnswer(status: number, serverMessage: string | undefined, retryAfter: string | undefined): Verdict {
  if (status >= 200 && status < 300) return 'success';
  if (status === 429 || (status === 500 && /rate limit/i.test(serverMessage ?? '')) || (status === 503 && retryAfter !== undefined)) return 'rate-limited';
  if (status === 500 || status === 502 || status === 503 || status === 504) return 'transient';
  return 'final';
}

/** `Retry-After` as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * `x-tms-api-reset` as milliseconds until the window frees a slot. Its unit on the live service is unknown, so
 * the value's size decides: an epoch time (seconds or milliseconds) is counted from now; up to 60, seconds (a
 * one-second window resets in "1", which read as milliseconds would be no wait at all); above that,
 * milliseconds. Bounded to a minute so a strange value cannot stall an upload.
 */
export function parseReset(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  const n = Number(value);
  const ms = n >= 1e12 ? n - nowMs : n >= 1e9 ? n * 1000 - nowMs : n <= 60 ? n * 1000 : n;
  return Math.min(60_000, Math.max(0, Math.round(ms)));
}

function jitter(ceiling: number, random: () => number): number {
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Delay before retry number `retry` (1-based) of a transient failure: jitter over an exponential ceiling
 * capped at `maxDelayMs`, but never less than what the server asked for. `random` is injected for tests.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(30, retry - 1));
  return Math.max(jitter(ceiling, random), retryAfterMs ?? 0);
}

/**
 * Delay after the `consecutive`-th rate-limit answer in a row: what the service asked for (Retry-After,
 * x-tms-api-reset), and at least a jittered second that grows to 8 s, so jobs sharing a token do not
 * return in lockstep.
 */
export function rateLimitDelay(consecutive: number, retryAfterMs: number | undefined, resetMs: number | undefined, random: () => number = Math.random): number {
  const ceiling = Math.min(RATE_LIMIT_MAX_WAIT_MS, 1000 * 2 ** Math.min(30, consecutive - 1));
  return Math.max(jitter(ceiling, random), retryAfterMs ?? 0, resetMs ?? 0);
}
