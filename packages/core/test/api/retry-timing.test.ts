import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, backoffDelay, classifyAnswer, parseReset, parseRetryAfter, rateLimitDelay } from '../../src/api/retry-timing.js';

describe('retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-28T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Sat, 28 Nov 2026 10:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('reads x-tms-api-reset by its size (seconds, milliseconds or an epoch time), bounded to a minute', () => {
    expect(parseReset('250')).toBe(250);
    expect(parseReset('999999')).toBe(60_000);
    // Small values are seconds (the emulator's whole seconds), epoch times are counted from now.
    expect(parseReset('1')).toBe(1000);
    expect(parseReset('0.5')).toBe(500);
    expect(parseReset('1764500002', 1_764_500_000_000)).toBe(2000);
    expect(parseReset('1764500000750', 1_764_500_000_000)).toBe(750);
    expect(parseReset('1764499999', 1_764_500_000_000)).toBe(0);
    expect(parseReset('later')).toBeUndefined();
    expect(parseReset(undefined)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped at 30 s by default, never below what the server asked', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, policy, undefined, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, undefined, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, undefined, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, undefined, () => 1)).toBe(1000);
    expect(backoffDelay(1, policy, 5000, () => 0)).toBe(5000);
    expect(backoffDelay(200, DEFAULT_RETRY_POLICY, undefined, () => 1)).toBe(30_000);
  });

  it('waits out rate-limit answers for at least a jittered second, growing to 8 s, honouring the service', () => {
    expect(rateLimitDelay(1, undefined, undefined, () => 0)).toBe(500);
    expect(rateLimitDelay(1, undefined, undefined, () => 1)).toBe(1000);
    expect(rateLimitDelay(3, undefined, undefined, () => 1)).toBe(4000);
    expect(rateLimitDelay(50, undefined, undefined, () => 1)).toBe(8000);
    expect(rateLimitDelay(1, 3000, 200, () => 0)).toBe(3000);
    expect(rateLimitDelay(1, undefined, 900, () => 0)).toBe(900);
  });

  it('tells rate-limit answers (nothing applied) from transient failures (maybe applied) and final ones', () => {
    expect(classifyAnswer(204, undefined, undefined)).toBe('success');
    expect(classifyAnswer(429, undefined, undefined)).toBe('rate-limited');
    expect(classifyAnswer(500, 'rate limit exceeded', undefined)).toBe('rate-limited');
    expect(classifyAnswer(503, undefined, '1')).toBe('rate-limited');
    expect([500, 502, 503, 504].map((s) => classifyAnswer(s, 'Internal Server Error', undefined))).toEqual(Array(4).fill('transient'));
    expect([400, 401, 403, 404, 413, 422].map((s) => classifyAnswer(s, undefined, undefined))).toEqual(Array(6).fill('final'));
  });
});
