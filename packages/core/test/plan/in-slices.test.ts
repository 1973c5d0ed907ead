/**
 * Planning work in slices while a request is in flight (plan/in-slices.ts): the request begun before goes out
 * first, the work stops once the request has settled, both are waited for, and a description is worked out once,
 * when first read. No real time: turns of the event loop are counted, never waited on a clock.
 */
import { describe, expect, it } from 'vitest';
import { alongside, describedWhenRead, inSlices } from '../../src/plan/in-slices.js';

describe('inSlices', () => {
  it('handles every item once, in order, a slice at a time, a turn before each slice', async () => {
    const events: string[] = [];
    const handled = await inSlices([1, 2, 3, 4, 5], (n) => events.push(`item ${n}`), {
      slice: 2,
      turn: async () => {
        events.push('turn');
      },
    });
    expect(handled).toBe(5);
    expect(events).toEqual(['turn', 'item 1', 'item 2', 'turn', 'item 3', 'item 4', 'turn', 'item 5']);
  });

  it('lets what was begun just before (a request) go first, and stops before a slice once told', async () => {
    const events: string[] = [];
    let answered = false;
    // A request: sent after a few promise steps, answered on a later turn of the event loop.
    const request = (async () => {
      await Promise.resolve();
      await Promise.resolve();
      events.push('sent');
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      answered = true;
    })();
    const handled = await inSlices(['a', 'b', 'c', 'd', 'e', 'f'], (x) => events.push(x), { slice: 1, until: () => answered });
    await request;
    expect(events[0]).toBe('sent');
    expect(handled).toBeGreaterThan(0);
    expect(handled).toBeLessThan(6);
    expect(events.slice(1)).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].slice(0, handled));
  });
});

describe('alongside', () => {
  it('answers as the opening did once the work has ended, telling the work when the opening settled', async () => {
    const seen: boolean[] = [];
    let open: (value: string) => void = () => undefined;
    const opening = new Promise<string>((resolve) => (open = resolve));
    const result = alongside(opening, async (settled) => {
      seen.push(settled());
      open('run 7');
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(settled());
    });
    expect(await result).toBe('run 7');
    expect(seen).toEqual([false, true]);
  });

  it("waits for the work before it throws the opening's error, and throws the work's when the opening went well", async () => {
    let workEnded = false;
    await expect(
      alongside(Promise.reject(new Error('create refused')), async () => {
        await new Promise((resolve) => setImmediate(resolve));
        workEnded = true;
        throw new Error('work failed too');
      }),
    ).rejects.toThrow('create refused');
    expect(workEnded).toBe(true);
    await expect(alongside(Promise.resolve(1), () => Promise.reject(new Error('work failed')))).rejects.toThrow('work failed');
  });
});

describe('describedWhenRead', () => {
  it('works the description out once, when first read; JSON and spreads see a plain string; a set value wins', () => {
    let calls = 0;
    const entry = describedWhenRead({ test_case_id: 'c', description: '' }, () => `described ${++calls}`);
    expect(calls).toBe(0);
    expect(JSON.stringify(entry)).toBe('{"test_case_id":"c","description":"described 1"}');
    expect({ ...entry }).toEqual({ test_case_id: 'c', description: 'described 1' });
    expect(entry.description).toBe('described 1');
    expect(calls).toBe(1);
    entry.description = 'with a note';
    expect(entry.description).toBe('with a note');
    expect(calls).toBe(1);
  });
});
