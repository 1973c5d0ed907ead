// Per-token sliding one-second window, answered like the live service (HTTP 500, "rate limit exceeded").
// Refused requests are not counted, so a client that backs off gets through again within a second.
import type { RateLimitOptions } from './types.js';

const WINDOW_MS = 1000;

export interface RateDecision {
  allowed: boolean;
  /** x-tms-api-* headers; empty when the limit is switched off. */
  headers: Record<string, string>;
}

export class RateLimiter {
  private perSecond: number | null;
  private readonly windows = new Map<string, number[]>();

  constructor(options: RateLimitOptions | false | undefined) {
    this.perSecond = RateLimiter.limitOf(options);
  }

  static limitOf(options: RateLimitOptions | false | undefined): number | null {
    if (options === false) return null;
    const perSecond = options?.perSecond ?? 10;
    if (!Number.isInteger(perSecond) || perSecond < 1) throw new TypeError(`rateLimit.perSecond must be a positive integer; received ${String(perSecond)}`);
    return perSecond;
  }

  set(options: RateLimitOptions | false): void {
    this.perSecond = RateLimiter.limitOf(options);
  }

  clear(): void {
    this.windows.clear();
  }

  take(key: string, now = Date.now()): RateDecision {
    const limit = this.perSecond;
    if (limit === null) return { allowed: true, headers: {} };
    const window = (this.windows.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    const allowed = window.length < limit;
    if (allowed) window.push(now);
    this.windows.set(key, window);
    // The reset header's meaning on the live service is unknown; here it is the milliseconds until the
    // oldest counted request leaves the window (0 when the window is empty).
    const oldest = window[0];
    return {
      allowed,
      headers: {
        'x-tms-api-limit': String(limit),
        'x-tms-api-remaining': String(Math.max(0, limit - window.length)),
        'x-tms-api-reset': String(oldest === undefined ? 0 : Math.max(0, oldest + WINDOW_MS - now)),
      },
    };
  }
}
