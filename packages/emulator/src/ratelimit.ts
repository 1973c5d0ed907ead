// Per-token sliding one-second window, answered like the live service (HTTP 500, "rate limit exceeded").
// Refused requests are not counted, so a client that backs off gets through again within a second.
//
// Every API answer carries the three headers, also when the limit is switched off: then the configured (or
// default) limit is announced and `remaining` never drops below 1, so a client that paces itself from the
// headers behaves the same whether or not the emulator enforces the limit — it is just never refused.
import type { RateLimitOptions } from './types.js';

const WINDOW_MS = 1000;
const DEFAULT_PER_SECOND = 10;

interface RateDecision {
  allowed: boolean;
  /** `x-tms-api-limit`, `x-tms-api-remaining`, `x-tms-api-reset`. */
  headers: Record<string, string>;
}

function checkedLimit(options: RateLimitOptions | undefined): number {
  const perSecond = options?.perSecond ?? DEFAULT_PER_SECOND;
  if (!Number.isInteger(perSecond) || perSecond < 1) throw new TypeError(`rateLimit.perSecond must be a positive integer; received ${String(perSecond)}`);
  return perSecond;
}

export class RateLimiter {
  /** The announced limit; kept when enforcement is switched off. */
  private perSecond = DEFAULT_PER_SECOND;
  private enforced = true;
  private readonly windows = new Map<string, number[]>();

  constructor(options: RateLimitOptions | false | undefined) {
    this.set(options);
  }

  set(options: RateLimitOptions | false | undefined): void {
    if (options === false) {
      this.enforced = false;
      return;
    }
    this.perSecond = checkedLimit(options);
    // Requests made while the limit was off do not count against it once it is switched on.
    if (!this.enforced) this.windows.clear();
    this.enforced = true;
  }

  clear(): void {
    this.windows.clear();
  }

  take(key: string, now = Date.now()): RateDecision {
    const limit = this.perSecond;
    const window = (this.windows.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    const allowed = !this.enforced || window.length < limit;
    // Unenforced, the window is still counted (capped, so memory stays flat) to announce honest figures.
    if (allowed && window.length < limit) window.push(now);
    this.windows.set(key, window);
    const remaining = Math.max(this.enforced ? 0 : 1, limit - window.length);
    // `reset`: whole seconds (rounded up) until the oldest counted request leaves the window and frees a
    // slot; 0 when the window is empty. The live service's meaning of this header is unknown.
    const oldest = window[0];
    const resetMs = oldest === undefined ? 0 : Math.max(0, oldest + WINDOW_MS - now);
    return {
      allowed,
      headers: {
        'x-tms-api-limit': String(limit),
        'x-tms-api-remaining': String(remaining),
        'x-tms-api-reset': String(Math.ceil(resetMs / 1000)),
      },
    };
  }
}
