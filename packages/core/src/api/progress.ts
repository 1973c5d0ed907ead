/**
 * Lines that say why nothing seems to happen: a request that has waited or retried for more than 5 s says
 * so every 5 s, from a timer on the client's clock, so a host that accepts connections but never answers is
 * reported while the request hangs, not after its timeout. URLs are shown without credentials.
 */
import { everyOn, type Clock } from '../clock.js';
import type { Pacer } from './pacer.js';

type HttpEventKind = 'waiting' | 'retrying' | 'rate-limited';

export interface HttpEvent {
  kind: HttpEventKind;
  /** One line for a person, e.g. `waiting for GET https://…/projects/…: no answer for 10 s, attempt 2`. */
  message: string;
  method: string;
  /** The request's URL, credentials removed. */
  url: string;
  attempt: number;
  elapsedMs: number;
}

const PROGRESS_INTERVAL_MS = 5_000;

type Phase = { kind: 'queued' } | { kind: 'sent' } | { kind: 'backoff'; reason: string; delayMs: number };

export function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/**
 * The deadline as the host names it, for a message saying it passed: `the deadline (--deadline 600 s)` for a flag
 * or a variable, `the deadline input (600 s)` or `the deadline reporter option (600 s)` where the name says what it is.
 */
export function deadlineLabel(settingName: string, ms: number): string {
  return settingName.startsWith('the ') ? `${settingName} (${seconds(ms)})` : `the deadline (${settingName} ${seconds(ms)})`;
}

/** Follows one request from its first turn to its answer; `stop()` in a `finally`. */
export class RequestWatch {
  private phase: Phase = { kind: 'queued' };
  private phaseSince: number;
  private attempt = 1;
  private readonly stopTimer: () => void;
  private readonly now: () => number;

  constructor(
    private readonly emit: (event: HttpEvent) => void,
    private readonly method: string,
    /** The request's URL as shown (credentials removed), worked out when a line is printed. */
    private readonly url: () => string,
    private readonly pacer: Pacer,
    clock: Clock,
    private readonly deadline: number,
    /** Client-wide: many queued requests make one line, not one each. */
    private readonly mayReportQueued: () => boolean,
  ) {
    this.now = () => clock.now();
    this.phaseSince = this.now();
    this.stopTimer = everyOn(clock, PROGRESS_INTERVAL_MS, () => this.tick());
  }

  enter(phase: Phase, attempt: number): void {
    this.phase = phase;
    this.attempt = attempt;
    this.phaseSince = this.now();
  }

  stop(): void {
    this.stopTimer();
  }

  private tick(): void {
    const now = this.now();
    const waited = now - this.phaseSince;
    if (waited < PROGRESS_INTERVAL_MS - 100) return;
    const url = this.url();
    const target = `${this.method} ${url}`;
    const left = `; retrying until the deadline in ${seconds(Math.max(0, this.deadline - now))}`;
    let message: string;
    let kind: HttpEventKind = 'waiting';
    if (this.phase.kind === 'sent') {
      message = `waiting for ${target}: no answer for ${seconds(waited)}, attempt ${this.attempt}`;
    } else if (this.phase.kind === 'backoff') {
      kind = 'retrying';
      message = `retrying ${target} after ${this.phase.reason}: attempt ${this.attempt + 1} in ${seconds(Math.max(0, this.phaseSince + this.phase.delayMs - now))}${left}`;
    } else if (!this.mayReportQueued()) {
      return;
    } else if (this.pacer.waitingFor === 'shared-limit') {
      const reset = this.pacer.lastResetMs === undefined ? '' : ` (x-tms-api-reset ${seconds(this.pacer.lastResetMs)})`;
      message = `waiting for the shared rate limit${reset} before ${target}: other uploads with this token are using it; waited ${seconds(waited)}`;
    } else {
      message = `waiting for a turn under the rate limit (${this.pacer.requestsPerSecond} requests/s) before ${target}; waited ${seconds(waited)}`;
    }
    this.emit({ kind, message, method: this.method, url, attempt: this.attempt, elapsedMs: waited });
  }
}
