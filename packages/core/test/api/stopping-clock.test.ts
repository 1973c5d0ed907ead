/**
 * The clock the run protocol waits on (api/interrupt.ts stoppingClock): a sleep ends at once when the host is
 * stopped, rejecting with the stop's error, and the system clock's timer is let go with it — a wait given up must
 * not keep the process alive (a minute, for a write in doubt) after the outcome was said.
 */
import { describe, expect, it } from 'vitest';
import { StopRequested, stoppingClock } from '../../src/api/interrupt.js';
import { systemClock } from '../../src/clock.js';
import { InterruptedError } from '../../src/errors.js';

describe('stoppingClock', () => {
  it('ends a sleep under way at once, with the signal named (SIGTERM: exit 143)', async () => {
    const stop = new AbortController();
    const sleeping = stoppingClock(systemClock, stop.signal).sleep(3_600_000);
    stop.abort(new StopRequested('SIGTERM'));
    const error = await sleeping.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(InterruptedError);
    expect([(error as InterruptedError).code, (error as InterruptedError).message]).toEqual(['TERMINATED', 'Stopped by SIGTERM while waiting.']);
  });

  it('sleeps no more once stopped', async () => {
    const stop = new AbortController();
    stop.abort(new StopRequested('SIGINT'));
    await expect(stoppingClock(systemClock, stop.signal).sleep(3_600_000)).rejects.toThrow('Stopped by SIGINT while waiting.');
  });

  it("lets the system clock's timer go when the stop ends its sleep", async () => {
    const stop = new AbortController();
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const sleeping = systemClock.sleep(3_600_000, stop.signal);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before + 1);
    stop.abort(new StopRequested('SIGINT'));
    await sleeping;
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  });
});
