/**
 * A look (ApiRequest.look): the run protocol's reads while a write of its own may still land are only worth an
 * answer that comes soon. Each is sent once with its own short timeout, so a look the service leaves unanswered
 * frees its place among the requests in flight at once instead of holding it for the client's timeout and retries.
 */
import { describe, expect, it } from 'vitest';
import { HttpClient, type ApiRequest } from '../../src/api/http.js';
import type { AttemptOutcome } from '../../src/api/transport.js';
import type { ApiError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';

const ANSWER: AttemptOutcome = { kind: 'answer', status: 200, body: {}, requestId: undefined, retryAfterMs: undefined, retryAfter: undefined, rate: {} };
const TIMED_OUT: AttemptOutcome = { kind: 'no-answer', reason: 'timed out', permanent: false, timedOut: true, cutOff: false, cause: new Error('timed out') };

/** A client on virtual time whose service answers the first request, leaves the second unanswered, then answers. */
function client(): { http: HttpClient; timeouts: number[] } {
  let now = 0;
  const timeouts: number[] = [];
  const http = new HttpClient({
    baseUrl: 'https://tm.example.test/api/v1',
    token: 'look-token',
    timeoutMs: 30_000,
    log: silentLogger,
    clock: { now: () => now, sleep: async (ms) => void (now += ms), random: () => 0.5 },
    transport: async ({ timeoutMs }) => {
      timeouts.push(timeoutMs);
      return timeouts.length === 2 ? TIMED_OUT : ANSWER;
    },
  });
  return { http, timeouts };
}

const RUN: ApiRequest = { method: 'GET', path: '/projects/Demo/test_runs/DEMO-R-1', idempotent: true };

describe('a look at the run', () => {
  it('waits only its own timeout and is not retried: the next look is its retry', async () => {
    const { http, timeouts } = client();
    await http.send(RUN);
    const failed = await http.send({ ...RUN, look: { timeoutMs: 4000 } }).catch((error: ApiError) => error);
    expect((failed as ApiError).code).toBe('API_UNREACHABLE');
    expect(timeouts).toEqual([30_000, 4000]);
  });

  it('unlike a read, which waits the client timeout and is tried again', async () => {
    const { http, timeouts } = client();
    await http.send(RUN);
    await http.send(RUN);
    expect(timeouts).toEqual([30_000, 30_000, 30_000]);
  });

  it('never waits longer than the client timeout', async () => {
    const { http, timeouts } = client();
    await http.send({ ...RUN, look: { timeoutMs: 90_000 } });
    expect(timeouts).toEqual([30_000]);
  });
});
