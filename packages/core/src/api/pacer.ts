/**
 * Keeps the client under the service's rate limit (per token, a sliding one-second window, over-limit
 * answered with HTTP 500) so an upload provokes no rate-limit answers and still runs at the limit's pace:
 * - the limit follows what the service announces (`x-tms-api-limit`), one request under it for clock skew;
 *   before any announcement a safe default;
 * - starts are spread a little inside the window rather than sent in one burst, so differences in latency
 *   cannot squeeze two windows' worth into the service's one;
 * - when the service says the window is used up (`x-tms-api-remaining: 0`, or a rate-limit answer: another
 *   job with the same token took it), nothing starts until it frees up;
 * - a few requests may be in flight at once, so latency does not slow the pace.
 * Turns are handed out first come, first served.
 */
const DEFAULT_PER_SECOND = 8;
const DEFAULT_MAX_IN_FLIGHT = 4;

const WINDOW_MS = 1000;
/** Added to every window boundary: the service's clock and ours disagree by a few milliseconds. */
const WINDOW_MARGIN_MS = 10;

export interface PacerOptions {
  perSecond?: number;
  maxInFlight?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What the service said about the window in an answer's headers. */
export interface RateHeaders {
  limit?: number;
  remaining?: number;
  resetMs?: number;
}

export type WaitReason = 'shared-limit' | 'own-pace' | 'in-flight';

export class Pacer {
  private readonly starts: number[] = [];
  private perWindow: number;
  private readonly maxInFlight: number;
  private inFlight = 0;
  private pausedUntil = 0;
  private released: (() => void)[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Why the request at the head of the queue is waiting, for progress lines. */
  waitingFor: WaitReason | undefined;
  /** The last x-tms-api-reset seen with an exhausted window, for progress lines. */
  lastResetMs: number | undefined;

  constructor(options: PacerOptions = {}) {
    this.perWindow = Math.max(1, Math.floor(options.perSecond ?? DEFAULT_PER_SECOND));
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT));
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  get requestsPerSecond(): number {
    return this.perWindow;
  }

  /** Wait for a turn; resolve with the function that gives it back once the answer (or failure) is in. */
  acquire(): Promise<() => void> {
    const turn = this.queue.then(() => this.waitForTurn());
    this.queue = turn.catch(() => undefined);
    return turn.then(() => {
      let done = false;
      return () => {
        if (done) return;
        done = true;
        this.inFlight--;
        for (const wake of this.released.splice(0)) wake();
      };
    });
  }

  /** Learn from an answer's headers. */
  observe(headers: RateHeaders): void {
    if (headers.limit !== undefined && Number.isFinite(headers.limit) && headers.limit > 0) {
      this.perWindow = Math.max(1, Math.floor(headers.limit) - 1);
    }
    if (headers.remaining !== undefined && headers.remaining <= 0) {
      this.pause(headers.resetMs ?? WINDOW_MS);
      this.lastResetMs = headers.resetMs;
    }
  }

  /** Start nothing for `ms` (a rate-limit answer: the window is full, whoever filled it). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms + WINDOW_MARGIN_MS);
  }

  private async waitForTurn(): Promise<void> {
    for (;;) {
      if (this.inFlight >= this.maxInFlight) {
        this.waitingFor = 'in-flight';
        await new Promise<void>((resolve) => this.released.push(resolve));
        continue;
      }
      const now = this.now();
      while (this.starts.length > 0 && now - (this.starts[0] ?? 0) >= WINDOW_MS + WINDOW_MARGIN_MS) this.starts.shift();
      const paused = this.pausedUntil - now;
      const windowFull =
        this.starts.length >= this.perWindow ? (this.starts[this.starts.length - this.perWindow] ?? now) + WINDOW_MS + WINDOW_MARGIN_MS - now : 0;
      const spacing = this.starts.length > 0 ? (this.starts[this.starts.length - 1] ?? now) + this.gapMs() - now : 0;
      const wait = Math.max(paused, windowFull, spacing);
      if (wait <= 0) {
        this.starts.push(now);
        this.inFlight++;
        this.waitingFor = undefined;
        return;
      }
      this.waitingFor = paused > 0 && paused >= windowFull ? 'shared-limit' : 'own-pace';
      await this.sleep(wait);
    }
  }

  /** Half the even spacing: fast enough to finish a window's quota early, slow enough not to burst. */
  private gapMs(): number {
    return Math.floor(WINDOW_MS / (2 * this.perWindow));
  }
}

export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
