import type { RequestLogEntry } from './types.js';

/** Every API request, including refused and fault-injected ones, with counts per route template. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private counts: Record<string, number> = {};

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    const key = entry.route ?? `${entry.method} <unmatched>`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }

  clear(): void {
    this.entries = [];
    this.counts = {};
  }

  snapshot(): { requests: RequestLogEntry[]; counts: Record<string, number> } {
    return { requests: structuredClone(this.entries), counts: { ...this.counts } };
  }
}
