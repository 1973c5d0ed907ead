/**
 * A seeded scheduler on virtual time: the simulation's only source of time and randomness.
 *
 * Every wait of the code under test goes through `clock.sleep`, which registers a timer. The loop lets all ready
 * work run (every promise chain runs first; see fireBatch), then moves virtual time to the earliest timer and fires it, one timer at a time. Timers due at the same moment fire in
 * an order drawn from the seed, so different seeds give different interleavings and one seed always gives the
 * same one. Nothing waits on real time: a schedule of an hour of virtual time takes milliseconds.
 *
 * A schedule that stops making progress fails with a message that says why: no timer left while the work is
 * unfinished (a deadlock: something waits on real time or on a promise nobody resolves), or more virtual time or
 * steps than any honest run needs (a livelock).
 */
import type { Clock } from '../../src/clock.js';

/** mulberry32: a 32-bit seeded PRNG, small and good enough to draw schedules from. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Virtual time starts here (2027-01-15), so titles and timestamps are the same in every replay. */
const SIM_EPOCH_MS = 1_800_000_000_000;

export interface SchedulerLimits {
  /** Virtual time a schedule may take before it is called a livelock. Default: 2 hours. */
  maxVirtualMs?: number;
  /** Timers a schedule may fire. Default: 200,000. */
  maxSteps?: number;
}

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
  cancelled: boolean;
}

class ScheduleError extends Error {}

/** Timers fired in one turn of the event loop (see fireBatch); a schedule fires some 500. */
const STEPS_PER_ROUND = 256;

interface TickWatch {
  /** process.nextTick calls by anyone but the scheduler since the watch began. */
  readonly count: number;
  /** The real process.nextTick, for the scheduler's own steps. */
  ownTick(callback: () => void): void;
  restore(): void;
}

/** Counts the ticks the code under test queues (none, so far), so that a step never overtakes one. */
function watchTicks(): TickWatch {
  const real = process.nextTick;
  const watch = {
    count: 0,
    ownTick: (callback: () => void) => real(callback),
    restore: () => {
      process.nextTick = real;
    },
  };
  process.nextTick = (...args: Parameters<typeof process.nextTick>) => {
    watch.count++;
    real(...args);
  };
  return watch;
}

export class Scheduler {
  readonly random: () => number;
  readonly clock: Clock;
  private nowMs = SIM_EPOCH_MS;
  /** Pending timers: a binary heap, earliest first, then in the order they were set. */
  private readonly timers: Timer[] = [];
  private seq = 0;
  steps = 0;
  private readonly maxVirtualMs: number;
  private readonly maxSteps: number;

  constructor(
    readonly seed: number,
    limits: SchedulerLimits = {},
  ) {
    this.random = mulberry32(seed);
    this.maxVirtualMs = limits.maxVirtualMs ?? 2 * 3600_000;
    this.maxSteps = limits.maxSteps ?? 200_000;
    this.clock = { now: () => this.nowMs, sleep: (ms) => new Promise((resolve) => this.addTimer(ms, resolve)), random: this.random };
  }

  now(): number {
    return this.nowMs;
  }

  /** Virtual time passed since the schedule started. */
  elapsed(): number {
    return this.nowMs - SIM_EPOCH_MS;
  }

  /** Call `fire` after `ms` of virtual time; returns a cancel function. */
  setTimer(ms: number, fire: () => void): () => void {
    const timer = this.pushNew(ms, fire);
    return () => {
      timer.cancelled = true;
    };
  }

  /** A timer nobody cancels (a sleep, a simulated request's latency): no cancel function made for it. */
  addTimer(ms: number, fire: () => void): void {
    this.pushNew(ms, fire);
  }

  private pushNew(ms: number, fire: () => void): Timer {
    const timer: Timer = { at: this.nowMs + Math.max(0, Math.floor(Number.isFinite(ms) ? ms : 0)), seq: this.seq++, fire, cancelled: false };
    pushTimer(this.timers, timer);
    return timer;
  }

  /**
   * Run `main` to the end and then on to quiescence (every timer fired: late-applied writes land), and return
   * what `main` returned. Throws ScheduleError on a deadlock or a livelock.
   */
  async run<T>(main: () => Promise<T>): Promise<T> {
    let outcome: { value: T } | { error: unknown } | undefined;
    main().then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = { error }),
    );
    const foreign = watchTicks();
    try {
      for (;;) {
        const end = await this.fireBatch(foreign);
        if (end === 'more') continue;
        if (end === 'livelock') {
          throw new ScheduleError(
            `seed ${this.seed}: livelock: ${this.steps} timers over ${this.elapsed()} ms of virtual time (limits: ${this.maxSteps} timers, ${this.maxVirtualMs} ms) and still going.`,
          );
        }
        if (end !== 'quiet') throw end.error;
        if (outcome === undefined) {
          throw new ScheduleError(
            `seed ${this.seed}: deadlock at ${this.elapsed()} ms of virtual time: the work is unfinished and no timer is pending (something waits on real time, or on a promise nobody resolves).`,
          );
        }
        if ('error' in outcome) throw outcome.error;
        return outcome.value;
      }
    } finally {
      foreign.restore();
    }
  }

  /**
   * Fire timers one at a time, each once everything that is ready has run, up to STEPS_PER_ROUND of them in one
   * turn of the event loop. A step fires a timer and queues a microtask that queues the next step with
   * `process.nextTick`: Node runs the tick queue only once the microtask queue is empty (V8 runs microtasks until
   * none is left, those queued meanwhile included), so the next step comes after every promise chain the timer set
   * off has run, as if it had waited for a round of the event loop (what it did before, at several times the
   * cost of most timers' work). The code under test sets no ticks of its own; should it, a step that finds one
   * queued since the last lets it and its promise chains run first. What remains is the file system (the upload
   * looks up the workspace's real path): a step that finds a request pending fires nothing, and the next round
   * of the event loop comes first; virtual time stands still until none is left, or its answer would come at a
   * moment that depends on the machine's load. Timers are virtual, and the code sets no immediates.
   */
  private fireBatch(foreign: TickWatch): Promise<'more' | 'quiet' | 'livelock' | { error: unknown }> {
    return new Promise((resolve) => {
      let left = STEPS_PER_ROUND;
      let ticksSeen = foreign.count;
      const queueStep = (): void => foreign.ownTick(step);
      const step = (): void => {
        if (foreign.count !== ticksSeen) {
          // Someone else's tick ran or is queued: after it, and the promise chains it sets off.
          ticksSeen = foreign.count;
          queueMicrotask(queueStep);
          return;
        }
        if (fileSystemBusy()) return resolve('more');
        let fired: boolean;
        try {
          fired = this.fireNext();
        } catch (error) {
          return resolve({ error });
        }
        if (!fired) return resolve('quiet');
        this.steps++;
        if (this.elapsed() > this.maxVirtualMs || this.steps > this.maxSteps) return resolve('livelock');
        if (--left === 0) return resolve('more');
        queueMicrotask(queueStep);
      };
      // A round of the event loop between batches (and while the file system is busy): real I/O gets its turn.
      setImmediate(step);
    });
  }

  /**
   * Fire the earliest timer; among timers due at the same moment, one drawn from the seed (in the order they were
   * set). False when no timer is left. This runs some 500 times a schedule: the timers are a heap.
   */
  private fireNext(): boolean {
    const timers = this.timers;
    while (timers.length > 0 && timers[0]!.cancelled) popTimer(timers);
    if (timers.length === 0) return false;
    const earliest = timers[0]!.at;
    const first = popTimer(timers);
    let chosen = first;
    if (timers.length > 0 && timers[0]!.at === earliest) {
      // Several due now: every one of them, in the order they were set (the heap's tie-break), then one drawn.
      const due = [first];
      while (timers.length > 0 && timers[0]!.at === earliest) {
        const timer = popTimer(timers);
        if (!timer.cancelled) due.push(timer);
      }
      const pick = due.length === 1 ? 0 : Math.floor(this.random() * due.length);
      chosen = due[pick]!;
      for (const timer of due) if (timer !== chosen) pushTimer(timers, timer);
    }
    this.nowMs = Math.max(this.nowMs, chosen.at);
    chosen.fire();
    return true;
  }
}

/** Is `a` due before `b`: earlier, or as early and set first? */
function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function pushTimer(heap: Timer[], timer: Timer): void {
  let i = heap.push(timer) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(timer, heap[parent]!)) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = timer;
}

function popTimer(heap: Timer[]): Timer {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length === 0) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const child = left + 1 < heap.length && before(heap[left + 1]!, heap[left]!) ? left + 1 : left;
    if (!before(heap[child]!, last)) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = last;
  return top;
}

/** Requests in flight (file system, DNS, stream writes), without naming them: an empty list costs little to ask for. */
const activeRequests = (process as unknown as { _getActiveRequests?: () => unknown[] })._getActiveRequests;

function fileSystemBusy(): boolean {
  // Asked before every timer: most of the time no request at all is in flight, and that answer is cheap.
  if (activeRequests && activeRequests.call(process).length === 0) return false;
  // A file handle being closed shows as CloseReq (fs/promises readFile, writeFile): still file system work.
  return process.getActiveResourcesInfo().some((resource) => resource.startsWith('FSReq') || resource === 'CloseReq');
}
