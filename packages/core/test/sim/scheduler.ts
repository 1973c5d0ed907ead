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
function mulberry32(seed: number): () => number {
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

/** Timers fired in one round of the event loop (see fireBatch); a schedule fires some 500. */
const STEPS_PER_ROUND = 64;

export class Scheduler {
  readonly random: () => number;
  readonly clock: Clock;
  private nowMs = SIM_EPOCH_MS;
  /** Pending timers in the order they were set. */
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
    this.clock = { now: () => this.nowMs, sleep: (ms) => new Promise((resolve) => this.setTimer(ms, resolve)), random: this.random };
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
    const timer: Timer = { at: this.nowMs + Math.max(0, Math.floor(Number.isFinite(ms) ? ms : 0)), seq: this.seq++, fire, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
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
    for (;;) {
      const end = await this.fireBatch();
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
  }

  /**
   * Fire timers one at a time, each once everything that is ready has run: up to STEPS_PER_ROUND of them, one
   * per immediate of a single round of the event loop. Node runs every ready promise chain before each immediate
   * (processImmediate drains the microtask queue between callbacks), and the code under test sets no immediates
   * and its timers are virtual; so each timer fires after everything the previous one set off, in the same order
   * as with one round of the loop per timer, at a fraction of the cost (a round of the loop, with its poll for
   * I/O, cost more than most timers' work). What remains is the file system (the upload looks up the workspace's
   * real path): a step that finds a file system request pending fires nothing, and virtual time stands still
   * until none is left, or its answer would come at a moment that depends on the machine's load.
   */
  private fireBatch(): Promise<'more' | 'quiet' | 'livelock' | { error: unknown }> {
    return new Promise((resolve) => {
      let done = false;
      const end = (why: 'more' | 'quiet' | 'livelock' | { error: unknown }): void => {
        done = true;
        resolve(why);
      };
      const step = (): void => {
        if (done) return;
        if (fileSystemBusy()) return end('more');
        let fired: boolean;
        try {
          fired = this.fireNext();
        } catch (error) {
          return end({ error });
        }
        if (!fired) return end('quiet');
        this.steps++;
        if (this.elapsed() > this.maxVirtualMs || this.steps > this.maxSteps) end('livelock');
      };
      for (let i = 0; i < STEPS_PER_ROUND; i++) setImmediate(step);
      // After the last step's promise chains have run: the next round.
      setImmediate(() => done || end('more'));
    });
  }

  /**
   * Fire the earliest timer; among timers due at the same moment, one drawn from the seed (in the order they were
   * set). False when no timer is left. One pass, no new arrays: this runs some 500 times a schedule.
   */
  private fireNext(): boolean {
    const timers = this.timers;
    let earliest = Infinity;
    let due = 0;
    let kept = 0;
    for (const timer of timers) {
      if (timer.cancelled) continue;
      timers[kept++] = timer;
      if (timer.at < earliest) {
        earliest = timer.at;
        due = 1;
      } else if (timer.at === earliest) {
        due++;
      }
    }
    timers.length = kept;
    if (kept === 0) return false;
    let pick = due === 1 ? 0 : Math.floor(this.random() * due);
    for (let i = 0; i < kept; i++) {
      if (timers[i]!.at !== earliest || pick-- > 0) continue;
      const [chosen] = timers.splice(i, 1);
      this.nowMs = Math.max(this.nowMs, chosen!.at);
      chosen!.fire();
      return true;
    }
    throw new Error('unreachable: a due timer was counted and not found');
  }
}

function fileSystemBusy(): boolean {
  // A file handle being closed shows as CloseReq (fs/promises readFile, writeFile): still file system work.
  return process.getActiveResourcesInfo().some((resource) => resource.startsWith('FSReq') || resource === 'CloseReq');
}
