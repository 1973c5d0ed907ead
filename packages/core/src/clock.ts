/**
 * The one clock: every wait, deadline, pause and random draw of the tool goes through a `Clock` handed down
 * from the entry point (uploadResults, the commands, the reporters). Production uses `systemClock`; tests and
 * the simulation hand a virtual one, so nothing that waits needs real time to be tested.
 */
export interface Clock {
  /** Milliseconds since the epoch (virtual in tests). */
  now(): number;
  /** Resolve after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>;
  /** 0 ≤ random() < 1: jitter and pauses (seeded in tests). */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  random: () => Math.random(),
};
