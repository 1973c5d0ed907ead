/** The demo emulator for one test file: started once on loopback (rate limit off), reset without faults before each test. */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';

export function useDemoEmulator(started: (emulator: EmulatorHandle) => void): void {
  let emulator: EmulatorHandle | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false });
    started(emulator);
  });
  afterAll(() => emulator?.close());
  beforeEach(() => {
    emulator?.reset();
    emulator?.setFaults([]);
  });
}
