/**
 * The pacer's rules on a fake clock: a request holds a slot from its start until one window after its answer;
 * a full window goes out at once; the service's `remaining` reveals another job, whose requests then hold
 * slots too and make one slot stay spare.
 */
import { describe, expect, it } from 'vitest';
import { Pacer, type RateHeaders } from '../../src/api/pacer.js';
import { rateHeaders } from '../../src/api/transport.js';

function fakeClock() {
  const clock = { now: 0 };
  const sleep = async (ms: number) => {
    clock.now += ms;
  };
  return { clock, now: () => clock.now, sleep };
}

/** Send `count` requests one after another, each answered `latencyMs` after its start with `headers(i)`. */
async function run(
  pacer: Pacer,
  clock: { now: number },
  count: number,
  latencyMs: number,
  headers?: (i: number) => RateHeaders,
  waitedForOthers: number[] = [],
): Promise<number[]> {
  const starts: number[] = [];
  for (let i = 0; i < count; i++) {
    const release = await pacer.acquire();
    starts.push(clock.now);
    waitedForOthers.push(release.waitedForOthersMs);
    clock.now += latencyMs;
    release(headers?.(i));
  }
  return starts;
}

describe('Pacer', () => {
  it('starts while the window has room, then frees each slot one window after its answer', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = new Pacer({ perSecond: 4, maxInFlight: 10, now, sleep });
    expect(await run(pacer, clock, 6, 20)).toEqual([0, 20, 40, 60, 1020, 1040]);
  });

  it('counts a slot until its answer however long that takes: a slow first answer delays the next window', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = new Pacer({ perSecond: 2, maxInFlight: 10, now, sleep });
    const slow = await pacer.acquire();
    const fast = await pacer.acquire();
    clock.now = 30;
    fast();
    const third = pacer.acquire();
    clock.now = 400;
    slow();
    await third;
    expect(clock.now).toBe(1030);
    (await pacer.acquire())();
    expect(clock.now).toBe(1400);
  });

  it('follows the limit the service announces, up or down, with no spare while the token is ours alone', () => {
    const pacer = new Pacer({ perSecond: 8 });
    expect(pacer.requestsPerSecond).toBe(8);
    pacer.observe({ limit: 10 });
    expect(pacer.requestsPerSecond).toBe(10);
    pacer.observe({ limit: 3 });
    expect(pacer.requestsPerSecond).toBe(3);
  });

  it('paces one under the limit the contract records (9 a second) until the service announces one', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = new Pacer({ maxInFlight: 10, now, sleep });
    expect(pacer.requestsPerSecond).toBe(9);
    expect(await run(pacer, clock, 10, 20)).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 1020]);
  });

  it('spends exactly what the announced window has left: 10 of 10, then 3 when the service lowers it to 3', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = new Pacer({ maxInFlight: 10, now, sleep });
    const first = await run(pacer, clock, 11, 20, (i) => ({ limit: 10, remaining: Math.max(0, 9 - i) }));
    // The 9 a second before the first answer become 10 once it is in: the 10th goes out in the same window.
    expect(first).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 1020]);
    clock.now = 5000;
    const lowered = await run(pacer, clock, 4, 20, (i) => ({ limit: 3, remaining: Math.max(0, 2 - i) }));
    expect(lowered).toEqual([5000, 5020, 5040, 6020]);
  });

  it('does not take its own full window (remaining 0 on our 10th request) for another job', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = new Pacer({ perSecond: 8, maxInFlight: 10, now, sleep });
    const starts = await run(pacer, clock, 12, 20, (i) => ({ limit: 10, remaining: Math.max(0, 9 - i), resetMs: 1 }));
    expect(starts).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 1020, 1040]);
    expect(pacer.requestsPerSecond).toBe(10);
    expect(pacer.waitingFor).toBeUndefined();
  });

  it("counts another job's requests the service reports, and keeps one slot spare from then on", async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = new Pacer({ maxInFlight: 10, now, sleep });
    // Our first request arrives to find 4 of another job's in the window: 5 counted, 5 remaining.
    const waited: number[] = [];
    const starts = await run(pacer, clock, 6, 20, (i) => ({ limit: 10, remaining: 5 - i }), waited);
    // 4 theirs + 1 spare: our first and 4 more fit until the other job's requests leave the window.
    expect(starts).toEqual([0, 20, 40, 60, 80, 1020]);
    expect(pacer.requestsPerSecond).toBe(9);
    // The last turn says it waited for the other job (the HTTP client's waiting line names it).
    expect(waited).toEqual([0, 0, 0, 0, 0, 920]);
  });

  it('starts nothing while the service says the shared window is used up', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = new Pacer({ perSecond: 8, now, sleep });
    (await pacer.acquire())();
    pacer.observe({ limit: 10, remaining: 0, resetMs: 700 });
    (await pacer.acquire())();
    expect(clock.now).toBe(710);
    expect(pacer.lastResetMs).toBe(700);
  });

  it('lets at most maxInFlight requests out at once, first come first served', async () => {
    const { now, sleep } = fakeClock();
    const pacer = new Pacer({ perSecond: 1000, maxInFlight: 2, now, sleep });
    const order: number[] = [];
    const first = await pacer.acquire();
    const second = await pacer.acquire();
    const third = pacer.acquire().then((release) => {
      order.push(3);
      return release;
    });
    // Everything already able to run has run by the next turn of the event loop: the third is held for a slot.
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    first();
    first();
    (await third)();
    second();
    expect(order).toEqual([3]);
  });
});

describe('Pacer: when the answer came', () => {
  it('frees a slot one window after the answer head came in, not after its body was read and parsed', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = new Pacer({ perSecond: 2, maxInFlight: 10, now, sleep });
    const first = await pacer.acquire();
    const second = await pacer.acquire();
    // Heads at 20 and 25; the bodies (a page of 100 cases on a busy machine) are read and parsed by 300.
    clock.now = 300;
    first({ limit: 2, remaining: 1 }, 20);
    second({ limit: 2, remaining: 0 }, 25);
    (await pacer.acquire())();
    expect(clock.now).toBe(1020);
    (await pacer.acquire())();
    expect(clock.now).toBe(1025);
  });

  it('ignores a head time outside the turn (before its start, or in the future) and counts from now', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = new Pacer({ perSecond: 1, maxInFlight: 10, now, sleep });
    clock.now = 100;
    const early = await pacer.acquire();
    clock.now = 150;
    early(undefined, 50);
    (await pacer.acquire())(undefined, 5_000);
    expect(clock.now).toBe(1150);
    (await pacer.acquire())();
    expect(clock.now).toBe(2150);
  });
});

describe('rate-limit headers', () => {
  const from = (headers: Record<string, string>) => rateHeaders((name) => headers[name], 1_700_000_000_000);

  it("reads the service's x-tms-api-* spelling, and the common x-ratelimit-* and ratelimit-* ones a gateway may send", () => {
    expect(from({ 'x-tms-api-limit': '10', 'x-tms-api-remaining': '4', 'x-tms-api-reset': '1' })).toEqual({ limit: 10, remaining: 4, resetMs: 1000 });
    expect(from({ 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000000' })).toEqual({
      limit: 20,
      remaining: 0,
      resetMs: 0,
    });
    expect(from({ 'ratelimit-limit': '10;w=1', 'ratelimit-remaining': '7', 'ratelimit-reset': '1' })).toEqual({ limit: 10, remaining: 7, resetMs: 1000 });
  });

  it('takes one spelling whole, the first present, and nothing from headers that are not numbers', () => {
    expect(from({ 'x-tms-api-remaining': '3', 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '49' })).toEqual({ remaining: 3 });
    expect(from({ 'x-ratelimit-limit': 'ten', 'x-ratelimit-remaining': '' })).toEqual({});
    expect(from({})).toEqual({});
  });
});
