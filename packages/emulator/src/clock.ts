// The emulator's default time. Tests hand `EmulatorOptions.clock` a virtual one instead, often the very clock the
// client under test runs on, so rate-limit windows and injected latency cost no real time.
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorClock } from './types.js';

export const systemClock: EmulatorClock = {
  now: () => Date.now(),
  sleep: (ms) => sleep(Math.max(0, ms)),
};
