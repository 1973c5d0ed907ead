/**
 * A host stopped while it waits: a virtual clock that aborts the host's interrupt (as a CI system cancelling the job,
 * or a user pressing Ctrl-C) at the first sleep `at` picks, and the check that every wait ended there — no virtual
 * time passed after the stop, and no sleep was left under way (on the system clock, a timer that would keep the
 * process alive until it ran out).
 */
import { expect } from 'vitest';
import { StopRequested, type StopSignal } from '../src/api/interrupt.js';
import type { Clock } from '../src/clock.js';
import { VirtualClock } from './virtual-clock.js';

export interface StoppingClock {
  clock: Clock;
  stop: AbortController;
  /** When the stop came (virtual time); undefined until it has. */
  stoppedAt: () => number | undefined;
  /** Sleeps under way on the clock. */
  sleeping: () => number;
}

export function stoppingAt(at: (ms: number) => boolean, signal: StopSignal = 'SIGINT'): StoppingClock {
  const virtual = new VirtualClock();
  const stop = new AbortController();
  let stoppedAt: number | undefined;
  const clock: Clock = {
    now: () => virtual.now(),
    random: () => virtual.random(),
    sleep: (ms, ended) => {
      // The sleep is begun first: the stop comes while it is under way.
      const sleeping = virtual.sleep(ms, ended);
      if (stoppedAt === undefined && at(ms)) {
        stoppedAt = virtual.now();
        stop.abort(new StopRequested(signal));
      }
      return sleeping;
    },
  };
  return { clock, stop, stoppedAt: () => stoppedAt, sleeping: () => virtual.sleeping() };
}

/** Every wait ended as the stop came: no virtual time passed after it, and none is left to pass. */
export function expectEndedAtOnce(stopping: StoppingClock): void {
  const at = stopping.stoppedAt();
  expect(at, 'the stop never came').toBeDefined();
  expect({ passedAfterStop: stopping.clock.now() - at!, sleepsLeft: stopping.sleeping() }).toEqual({ passedAfterStop: 0, sleepsLeft: 0 });
}
