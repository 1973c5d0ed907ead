/**
 * Keeps the client below the service's rate limit (about 10 requests per second per token, answered with a
 * 500 when exceeded) so large uploads do not burn retries. A sliding one-second window, like the service's.
 * The limit adapts to the `x-tms-api-limit` header the service announces.
 */
export class Pacer {
  private readonly sent: number[] = [];
  private perSecond: number;

  constructor(
    perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = defaultSleep,
  ) {
    this.perSecond = Math.max(1, perSecond);
  }

  /** The service told us its limit: stay one below it to leave room for clock skew. */
  announce(limit: number): void {
    if (Number.isFinite(limit) && limit > 0) this.perSecond = Math.max(1, Math.min(this.perSecond, limit - 1 || 1));
  }

  /** Wait until one more request fits in the window, then record it. */
  async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.sent.length > 0 && now - (this.sent[0] ?? 0) >= 1000) this.sent.shift();
      if (this.sent.length < this.perSecond) {
        this.sent.push(now);
        return;
      }
      await this.sleep(1000 - (now - (this.sent[0] ?? now)) + 1);
    }
  }
}

export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
