import { describe, expect, it } from 'vitest';
import { Pacer } from '../../src/api/pacer.js';
import { DEFAULT_RETRY_POLICY, backoffDelay, isRetryableStatus, parseRetryAfter } from '../../src/api/retry-timing.js';

describe('retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-28T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Sat, 28 Nov 2026 10:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped, never below what the server asked', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, policy, undefined, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, undefined, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, undefined, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, undefined, () => 1)).toBe(1000);
    expect(backoffDelay(1, policy, 5000, () => 0)).toBe(5000);
  });

  it('retries only the transient statuses of the contract', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false);
  });
});

describe('Pacer', () => {
  it('lets N requests through per sliding second and waits for the window otherwise', async () => {
    let now = 0;
    const waits: number[] = [];
    const pacer = new Pacer(3, () => now, async (ms) => {
      waits.push(ms);
      now += ms;
    });
    for (let i = 0; i < 3; i++) await pacer.take();
    expect(waits).toEqual([]);
    await pacer.take();
    expect(waits).toEqual([1001]);
  });

  it('adapts down to the limit the service announces', async () => {
    let now = 0;
    const waits: number[] = [];
    const pacer = new Pacer(8, () => now, async (ms) => {
      waits.push(ms);
      now += ms;
    });
    pacer.announce(3);
    for (let i = 0; i < 3; i++) await pacer.take();
    expect(waits).toHaveLength(1);
  });
});
