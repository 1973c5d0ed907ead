/**
 * A bridge for code that still reads the wall clock directly (`setTimeout`, `Date.now()`, `Math.random()`):
 * while a schedule runs, those globals answer from the scheduler, so the simulation stays on virtual time and
 * replays exactly. It exists only until every wait of the protocol takes the injected Clock (issue 17); the
 * simulation reports how often it was used (`calls`), and once that is 0 this file can go.
 *
 * Only one schedule may run at a time while it is installed (the simulation runs schedules one after another).
 * `setInterval` is left alone: the HTTP client's progress lines use a real, unref'd interval that never fires
 * within a schedule's few real milliseconds.
 */
import { mulberry32, type Scheduler } from './scheduler.js';

interface VirtualHandle {
  cancel: () => void;
  ref(): VirtualHandle;
  unref(): VirtualHandle;
  hasRef(): boolean;
  [Symbol.toPrimitive](): number;
}

export interface Bridge {
  /** Calls that reached the bridge instead of the injected clock: setTimeout, Date.now, Math.random. */
  calls: { setTimeout: number; dateNow: number; mathRandom: number };
  restore(): void;
}

export function bridgeWallClock(scheduler: Scheduler): Bridge {
  const real = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, now: Date.now, random: Math.random };
  const calls = { setTimeout: 0, dateNow: 0, mathRandom: 0 };
  let ids = 0;
  const fake = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    calls.setTimeout++;
    const id = ++ids;
    const handle: VirtualHandle = {
      cancel: scheduler.setTimer(ms ?? 0, () => callback(...args)),
      ref: () => handle,
      unref: () => handle,
      hasRef: () => true,
      [Symbol.toPrimitive]: () => id,
    };
    return handle;
  }) as unknown as typeof setTimeout;
  globalThis.setTimeout = fake;
  globalThis.clearTimeout = ((handle: unknown) => {
    if (handle && typeof handle === 'object' && 'cancel' in handle) (handle as VirtualHandle).cancel();
    else real.clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  }) as typeof clearTimeout;
  Date.now = () => {
    calls.dateNow++;
    return scheduler.now();
  };
  // Seeded, but a stream of its own: a draw of the code under test that is no decision of the schedule (a multipart
  // boundary) must not shift the schedule's own draws, or a seed found once would replay something else.
  const random = mulberry32(scheduler.seed ^ 0x5bd1e995);
  Math.random = () => {
    calls.mathRandom++;
    return random();
  };
  return {
    calls,
    restore() {
      globalThis.setTimeout = real.setTimeout;
      globalThis.clearTimeout = real.clearTimeout;
      Date.now = real.now;
      Math.random = real.random;
    },
  };
}
