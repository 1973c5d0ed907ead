/**
 * The one clock: every wait, deadline, pause and random draw of the tool goes through a `Clock` handed down
 * from the entry point (uploadResults, the commands, the reporters). Production uses `systemClock`; tests and
 * the simulation hand a virtual one, so nothing that waits needs real time to be tested.
 */
export interface Clock {
  /** Milliseconds since the epoch (virtual in tests). */
  now(): number;
  /**
   * Resolve after `ms` of this clock's time — or at once when `stop` aborts first (the host was stopped: its waiter
   * has given up, and a timer left running would keep the process alive after the outcome was said).
   */
  sleep(ms: number, stop?: AbortSignal): Promise<void>;
  /** 0 ≤ random() < 1: jitter and pauses (seeded in tests). */
  random(): number;
  /**
   * Call `tick` every `ms` of this clock's time until the returned function is called: the progress lines of a
   * request that hangs. It never keeps the process alive, and a virtual clock runs it only as its time passes
   * (never moving time itself, so a request waiting on real I/O does not age). Optional: a clock without it
   * (the simulation's) gets no progress lines, which is all it would get from a real timer in its real milliseconds.
   */
  every?(ms: number, tick: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, stop) =>
    new Promise((resolve) => {
      if (stop?.aborted) return resolve();
      const end = (): void => {
        clearTimeout(timer);
        stop?.removeEventListener('abort', end);
        resolve();
      };
      const timer = setTimeout(end, Math.max(0, ms));
      stop?.addEventListener('abort', end, { once: true });
    }),
  random: () => Math.random(),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** `clock.every`, or nothing for a clock without it (see `Clock.every`). */
export function everyOn(clock: Clock, ms: number, tick: () => void): () => void {
  return clock.every ? clock.every(ms, tick) : () => {};
}
