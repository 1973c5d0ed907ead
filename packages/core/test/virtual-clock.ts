/**
 * Virtual time for tests: one clock handed to the client (`HttpClientOptions.clock`) and to the emulator
 * (`EmulatorOptions.clock`), so pacing, rate-limit windows, injected latency and backoff take no real time and
 * count the same on a busy machine as on an idle one. A sleep does not wait: the time jumps to the earliest
 * wake-up among the sleepers, one sleeper per turn of the event loop, so concurrent waits end in the order they
 * would in real time. Time only moves forward, so whatever the client and the emulator read from it keeps the
 * order in which things really happened (what pacing needs to hold). Repeating timers (`every`: the client's
 * progress lines) run as time passes them, at their own moments, but never move time themselves: a request waiting
 * on real I/O does not age while nothing else sleeps.
 */
import type { Clock } from '../src/clock.js';

interface Sleeper {
  at: number;
  order: number;
  wake: () => void;
}

interface Repeating {
  next: number;
  ms: number;
  tick: () => void;
}

export class VirtualClock implements Clock {
  private time: number;
  private readonly sleepers: Sleeper[] = [];
  private readonly repeating = new Set<Repeating>();
  private order = 0;
  private turnPending = false;

  constructor(
    start = Date.UTC(2026, 0, 5, 9, 0, 0),
    private readonly draw: () => number = () => 0.5,
  ) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  random(): number {
    return this.draw();
  }

  every(ms: number, tick: () => void): () => void {
    const timer = { next: this.time + ms, ms, tick };
    this.repeating.add(timer);
    return () => this.repeating.delete(timer);
  }

  /** Sleeps under way: a wait given up at a stop must not be one of them (it would move time, or hold a real process). */
  sleeping(): number {
    return this.sleepers.length;
  }

  /** Ended by `stop` (see Clock.sleep), a sleep is taken off: time never moves for a wait that was given up. */
  sleep(ms: number, stop?: AbortSignal): Promise<void> {
    return new Promise((wake) => {
      if (stop?.aborted) return wake();
      const sleeper = { at: this.time + Math.max(0, ms), order: this.order++, wake };
      this.sleepers.push(sleeper);
      stop?.addEventListener(
        'abort',
        () => {
          const i = this.sleepers.indexOf(sleeper);
          if (i < 0) return;
          this.sleepers.splice(i, 1);
          wake();
        },
        { once: true },
      );
      this.nextTurn();
    });
  }

  private nextTurn(): void {
    if (this.turnPending) return;
    this.turnPending = true;
    // setImmediate: after the I/O callbacks that are ready, so answers already in hand are seen first.
    setImmediate(() => {
      this.turnPending = false;
      this.sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.sleepers.shift();
      if (!next) return;
      this.advanceTo(next.at);
      next.wake();
      if (this.sleepers.length > 0) this.nextTurn();
    });
  }

  /** Moves time to `at`, running on the way every repeating timer due by then, each at its own moment. */
  private advanceTo(at: number): void {
    for (;;) {
      let due: Repeating | undefined;
      for (const timer of this.repeating) if (timer.next <= at && (!due || timer.next < due.next)) due = timer;
      if (!due) break;
      this.time = Math.max(this.time, due.next);
      due.next += due.ms;
      due.tick();
    }
    this.time = Math.max(this.time, at);
  }
}
