/**
 * Keeps the client under the service's rate limit (per token, a sliding one-second window, over-limit
 * answered with HTTP 500) so an upload provokes no rate-limit answers and still runs at the limit's pace.
 *
 * The window is counted from what the client knows for sure, never from a guess at the service's clock: the
 * service counts a request when it arrives, which is after we started it and before its answer reached us.
 * So a request holds one of our slots from its start until one window after its answer (or failure) came
 * back; by then it has certainly left the service's window, whatever the latency, the clock skew or a stall
 * of our event loop. Counted this way the starts need neither spreading nor a safety margin: when a slot is
 * free the request goes at once, bursts included (a full window at the start is the fastest the limit
 * allows). The price is one round trip per window (about 3 % at 20 ms latency); spreading the starts over
 * half the window and a 10 ms margin cost more and still let a slow first request (connection set-up)
 * put one more of ours in the service's window than we counted.
 * - The slots follow the limit the service announces (`x-tms-api-limit`): what the window has left is spent
 *   whole. Before any announcement (or from a service that sends none), one under the limit the contract
 *   records (about 10 a second): 9.
 * - `x-tms-api-remaining` says how many requests the service had counted when ours arrived. More than ours
 *   that could have been in its window means another job uses the token: those requests hold slots too,
 *   until one window after that answer (they arrived before it), and from then on one slot stays spare for
 *   the next request of theirs that lands between two of our answers.
 *   No spare before that: with the window counted as above, skew cannot push us over the limit, and one
 *   slot in ten kept empty would cost a tenth of the pace (10,000 results at 10/s: 305 requests, at most 9
 *   a second take at least 33 s against an ideal of 30.5 s, 1.08x before a single millisecond of latency).
 * - When the service says the window is used up (`remaining: 0`, or a rate-limit answer: another job took
 *   it), nothing starts until it frees up.
 * - A few requests may be in flight at once, so latency does not slow the pace.
 * Turns are handed out first come, first served.
 */
import { systemClock } from '../clock.js';
import { Interrupted } from './interrupt.js';

/** One under the limit seen on the live service (CONTRACT §4: about 10 requests per second per key). */
export const DEFAULT_PER_SECOND = 9;
const DEFAULT_MAX_IN_FLIGHT = 4;
/** Slots kept free below the announced limit once another job shows up on the token. */
const SHARED_SPARE = 1;

const WINDOW_MS = 1000;
/** Added to a pause the service asked for: its clock and ours disagree by a few milliseconds. */
const WINDOW_MARGIN_MS = 10;

export interface PacerOptions {
  perSecond?: number;
  maxInFlight?: number;
  now?: () => number;
  /** Resolves after `ms`, or at once when `stop` aborts (Clock.sleep). */
  sleep?: (ms: number, stop?: AbortSignal) => Promise<void>;
  /**
   * The host's stop (HttpClientOptions.interrupt): every wait for a turn ends when it aborts, rejecting with
   * Interrupted, and no timer of it is left running (one would keep the process alive after the outcome was said:
   * a rate-limit pause lasts up to minutes).
   */
  stop?: AbortSignal;
}

/** What the service said about the window in an answer's headers. */
export interface RateHeaders {
  limit?: number;
  remaining?: number;
  resetMs?: number;
}

export type WaitReason = 'shared-limit' | 'own-pace' | 'in-flight';

/** One request of ours: started at `start`; `freeAt` is one window after its answer, Infinity until then. */
interface Slot {
  start: number;
  freeAt: number;
  /** How long this turn waited for another job's requests to leave the window. */
  waitedForOthersMs: number;
}

/**
 * A turn: give it back once the answer (with its rate-limit headers) or the failure is in; `answeredAt`, when
 * the answer's status and headers came in before the turn is given back (its body read after them).
 */
export interface Turn {
  (headers?: RateHeaders, answeredAt?: number): void;
  /** How long the turn waited for another job using the same token, for the waiting line. */
  readonly waitedForOthersMs: number;
}

export class Pacer {
  /** Our requests still (possibly) in the service's window, or needed to read an answer's `remaining`. */
  private slots: Slot[] = [];
  /** When the requests of other jobs that the service told us about leave its window. */
  private foreign: number[] = [];
  /** Slots before the service announced its limit. */
  private readonly defaultPerWindow: number;
  private limit: number | undefined;
  /** Another job uses the token (the service counted requests that are not ours). */
  private shared = false;
  private readonly maxInFlight: number;
  private inFlight = 0;
  private pausedUntil = 0;
  private released: (() => void)[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number, stop?: AbortSignal) => Promise<void>;
  private readonly stop: AbortSignal | undefined;
  /** Why the request at the head of the queue is waiting, for progress lines. */
  waitingFor: WaitReason | undefined;
  /** The last x-tms-api-reset seen with an exhausted window, for progress lines. */
  lastResetMs: number | undefined;
  /** Who waits for the next time a request waits for the window (nextWindowWait). */
  private windowWaiters: (() => void)[] = [];

  constructor(options: PacerOptions = {}) {
    this.defaultPerWindow = Math.max(1, Math.floor(options.perSecond ?? DEFAULT_PER_SECOND));
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT));
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? systemClock.sleep;
    this.stop = options.stop;
  }

  /**
   * Resolves the next time a request waits for the window to move on (its turns all taken, or the service's
   * pause): until then the client has nothing to send, so work that would hold up reading an answer (the
   * upload's read of its input during the case listing, pipeline/read-early.ts) costs the pace nothing there.
   */
  nextWindowWait(): Promise<void> {
    return new Promise((resolve) => this.windowWaiters.push(resolve));
  }

  get requestsPerSecond(): number {
    return this.perWindow;
  }

  private get perWindow(): number {
    if (this.limit === undefined) return this.defaultPerWindow;
    return Math.max(1, this.limit - (this.shared ? SHARED_SPARE : 0));
  }

  /**
   * Wait for a turn; resolve with the function that gives it back once the answer (or failure) is in,
   * with the answer's rate-limit headers when there are any.
   */
  acquire(): Promise<Turn> {
    const turn = this.queue.then(() => this.waitForTurn());
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn.then((slot) => {
      let done = false;
      const release = (headers?: RateHeaders, answeredAt?: number): void => {
        if (done) return;
        done = true;
        // When the answer's head came in, if the caller saw it before now (reading and parsing the body took the
        // rest): the service counted the request before it answered, so its slot is free one window after that.
        const now = this.now();
        const answered = answeredAt !== undefined && answeredAt >= slot.start && answeredAt <= now ? answeredAt : now;
        slot.freeAt = answered + WINDOW_MS;
        this.inFlight--;
        if (headers) this.observe(headers, slot.start, answered);
        for (const wake of this.released.splice(0)) wake();
      };
      return Object.assign(release, { waitedForOthersMs: slot.waitedForOthersMs });
    });
  }

  /**
   * Learn from an answer's headers. `start` and `answered` bound when the service counted the request;
   * without them only the limit and an exhausted window are taken in.
   */
  observe(headers: RateHeaders, start?: number, answered?: number): void {
    if (headers.limit !== undefined && Number.isFinite(headers.limit) && headers.limit > 0) this.limit = Math.floor(headers.limit);
    const exhausted = headers.remaining !== undefined && headers.remaining <= 0;
    if (exhausted) this.lastResetMs = headers.resetMs;
    if (this.limit !== undefined && headers.remaining !== undefined && start !== undefined && answered !== undefined) {
      // Our own last request of a full window is answered `remaining: 0` too: only theirs make us wait.
      this.countForeign(this.limit - headers.remaining, start, answered);
    } else if (exhausted) {
      this.pause(headers.resetMs ?? WINDOW_MS);
    }
  }

  /** Start nothing for `ms` (a rate-limit answer: the window is full, whoever filled it). */
  pause(ms: number): void {
    this.shared = true;
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms + WINDOW_MARGIN_MS);
  }

  /**
   * The service counted `counted` requests in its window when ours arrived (between `start` and `answered`).
   * Ours that may have been among them: every one not yet certainly gone by `start`. Any beyond that are
   * another job's; they arrived before `answered`, so they are gone one window after it.
   */
  private countForeign(counted: number, start: number, answered: number): void {
    const ours = this.slots.filter((s) => s.start <= answered && s.freeAt > start).length;
    const theirs = Math.min(counted - ours, this.limit ?? 0);
    if (theirs > 0) this.shared = true;
    const now = this.now();
    this.foreign = this.foreign.filter((t) => t > now);
    while (this.foreign.length < theirs) this.foreign.push(answered + WINDOW_MS);
  }

  /** Forget what has left the window, but keep what an answer still in flight may need to count as ours. */
  private prune(now: number): void {
    const horizon = Math.min(now, ...this.slots.filter((s) => s.freeAt === Infinity).map((s) => s.start));
    this.slots = this.slots.filter((s) => s.freeAt > horizon);
    this.foreign = this.foreign.filter((t) => t > now);
  }

  private windowWaitHeard(): void {
    for (const resolve of this.windowWaiters.splice(0)) resolve();
  }

  private async waitForTurn(): Promise<Slot> {
    let waitedForOthersMs = 0;
    for (;;) {
      // Stopped while it waited (a sleep the stop ended, an answer abandoned): no turn is handed out any more.
      if (this.stop?.aborted) throw new Interrupted();
      const now = this.now();
      this.prune(now);
      const paused = this.pausedUntil - now;
      if (paused > 0) {
        this.waitingFor = 'shared-limit';
        this.windowWaitHeard();
        await this.sleep(paused, this.stop);
        waitedForOthersMs += paused;
        continue;
      }
      if (this.inFlight >= this.maxInFlight) {
        this.waitingFor = 'in-flight';
        await new Promise<void>((resolve) => this.released.push(resolve));
        continue;
      }
      const held = this.slots.filter((s) => s.freeAt > now);
      const excess = held.length + this.foreign.length - this.perWindow + 1;
      if (excess <= 0) {
        const slot = { start: now, freeAt: Infinity, waitedForOthersMs };
        this.slots.push(slot);
        this.inFlight++;
        this.waitingFor = undefined;
        return slot;
      }
      // The `excess`-th slot to free up, if that many are answered already; else wait for an answer.
      const frees = [...held.map((s) => s.freeAt), ...this.foreign].sort((a, b) => a - b);
      const at = frees[excess - 1] ?? Infinity;
      this.waitingFor = this.foreign.length > 0 && this.foreign.some((t) => t >= at) ? 'shared-limit' : 'own-pace';
      if (at === Infinity) await new Promise<void>((resolve) => this.released.push(resolve));
      else {
        this.windowWaitHeard();
        await this.sleep(at - now, this.stop);
      }
      if (this.waitingFor === 'shared-limit') waitedForOthersMs += this.now() - now;
    }
  }
}
