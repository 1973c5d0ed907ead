/**
 * The pacer's signal that the client has nothing to send (pipeline/read-early.ts begins its read there): the
 * first time a request waits for the window to move on, not before.
 */
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../src/api/pacer.js';

describe('Pacer.nextWindowWait', () => {
  it('resolves when a request first waits for the window, not while the window has room', async () => {
    const clock = { now: 0 };
    const heard: string[] = [];
    const pacer = new Pacer({
      perSecond: 2,
      now: () => clock.now,
      sleep: async (ms) => {
        heard.push(`sleep ${ms}`);
        clock.now += ms;
      },
    });
    void pacer.nextWindowWait().then(() => heard.push('heard'));
    for (let i = 0; i < 2; i++) {
      const release = await pacer.acquire();
      clock.now += 20;
      release();
    }
    await Promise.resolve();
    expect(heard).toEqual([]);
    // The third request waits for the first slot, free one window after its answer (at 20 ms).
    const third = await pacer.acquire();
    third();
    expect(heard).toEqual(['sleep 980', 'heard']);
    expect(clock.now).toBe(1020);
  });
});
