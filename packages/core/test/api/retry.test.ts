/**
 * The one retry loop, against the emulator's fault knobs over real HTTP: rate-limit answers are waited out
 * without a fixed count and never trigger the recovery step; a create whose answer may have been applied is
 * looked up before it is sent again; the deadline, not a count, ends retrying, and says so.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import { TestManagementApi, type NewRun, type TestRun } from '../../src/api/client.js';
import { HttpClient, type HttpClientOptions } from '../../src/api/http.js';
import type { HttpEvent } from '../../src/api/progress.js';
import type { ApiError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { openService } from '../../src/pipeline/service.js';
import { startTamperingProxy } from './servers.js';
import { useDemoEmulator } from '../demo-emulator.js';

const PID = DEMO_FACTS.project.id;
let emulator: EmulatorHandle;
let http: HttpClient | undefined;

useDemoEmulator((started) => (emulator = started));
afterEach(async () => {
  await http?.close();
  http = undefined;
});

function api(extra: Partial<HttpClientOptions> = {}): TestManagementApi {
  http = new HttpClient({
    baseUrl: emulator.url,
    token: emulator.token,
    timeoutMs: 1000,
    log: silentLogger,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...extra,
  });
  return new TestManagementApi(http);
}

function newRun(title: string): NewRun {
  return { title, description: '', projectId: PID, caseIds: [DEMO_FACTS.caseId(1)], assigneeId: DEMO_FACTS.users.alice.id, labels: [], now: 0 };
}

async function findByTitle(client: TestManagementApi, title: string): Promise<TestRun | undefined> {
  return (await client.findRunsByTitle(PID, title))[0];
}

/** Virtual time that moves only when the client sleeps: long waits, recorded, in no time. */
function virtualClock(random: () => number) {
  let now = Date.now();
  const waits: number[] = [];
  return { waits, options: { clock: { now: () => now, sleep: async (ms: number) => void (waits.push(ms), (now += ms)), random } } };
}

const requests = (route: string) => emulator.state().requests.filter((r) => r.route === route);
const CREATE = 'POST /projects/{pid}/test_runs';
const LIST_RUNS = 'GET /projects/{pid}/test_runs';

describe('creating a run when answers go missing', () => {
  it('takes the run a lost answer made, found by the recover step, and creates no second one', async () => {
    emulator.setFaults([{ kind: 'lost-answer', route: 'POST /projects/*/test_runs', times: 1 }]);
    const client = api();
    const events: HttpEvent[] = [];
    http = new HttpClient({
      baseUrl: emulator.url,
      token: emulator.token,
      timeoutMs: 1000,
      log: silentLogger,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      onEvent: (e) => events.push(e),
    });
    const run = await new TestManagementApi(http).createRun(newRun('lost answer'), { findExisting: () => findByTitle(client, 'lost answer') });
    expect(run.title).toBe('lost answer');
    expect(emulator.state().test_runs.filter((r) => r.title === 'lost answer')).toHaveLength(1);
    expect(requests(CREATE)).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it('creates again when the recover step finds nothing (the 503 came before anything was applied)', async () => {
    emulator.setFaults([{ kind: 'status', status: 502, route: 'POST /projects/*/test_runs', times: 2 }]);
    const client = api();
    const run = await client.createRun(newRun('after 502s'), { findExisting: () => findByTitle(client, 'after 502s') });
    expect(run.status).toBe('ACTIVE');
    expect(requests(CREATE)).toHaveLength(3);
    expect(requests(LIST_RUNS)).toHaveLength(2);
    expect(emulator.state().test_runs.filter((r) => r.title === 'after 502s')).toHaveLength(1);
  });

  it('sends a rate-limited create again without looking anything up: nothing was applied', async () => {
    emulator.setFaults([{ kind: 'status', status: 500, body: { message: 'rate limit exceeded' }, route: 'POST /projects/*/test_runs', times: 2 }]);
    const { waits, options } = virtualClock(() => 0);
    const client = api(options);
    let lookups = 0;
    await client.createRun(newRun('rate limited'), { findExisting: async () => (lookups++, undefined) });
    expect(lookups).toBe(0);
    expect(requests(CREATE)).toHaveLength(3);
    // The answer says the window resets in 1 s (x-tms-api-reset: 1), longer than the first backoff.
    expect(waits.filter((w) => w >= 500)).toEqual([1000, 1000]);
  });

  it('gives a create that timed out as long again before looking for it, so a late answer makes no second run', async () => {
    // The service starts on the create only after the client's timeout, and applies it all the same: the proxy
    // holds it until the client begins its wait, and that (virtual) wait ends once the create has arrived.
    const TIMEOUT_MS = 300;
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding = true;
    const front = await startTamperingProxy(
      emulator.origin,
      () => undefined,
      (method) => (method === 'POST' && holding ? ((holding = false), held) : 0),
    );
    const waits: number[] = [];
    let now = Date.now();
    const clock = {
      now: () => now,
      random: () => 0,
      sleep: async (ms: number) => {
        waits.push(ms);
        if (ms === TIMEOUT_MS) {
          release();
          await vi.waitFor(() => expect(requests(CREATE)).toHaveLength(1), { timeout: 10_000 });
        }
        now += ms;
      },
    };
    try {
      const client = api({ timeoutMs: TIMEOUT_MS, baseUrl: front.url, clock });
      const run = await client.createRun(newRun('late answer'), { findExisting: () => findByTitle(client, 'late answer') });
      expect(run.title).toBe('late answer');
      expect(waits).toEqual([TIMEOUT_MS]);
      expect(requests(CREATE)).toHaveLength(1);
      expect(emulator.state().test_runs.filter((r) => r.title === 'late answer')).toHaveLength(1);
    } finally {
      await http?.close();
      await front.close();
    }
  });

  it('never re-sends a create that has no recover step', async () => {
    emulator.setFaults([{ kind: 'reset', route: 'POST /projects/*/test_runs', times: 1 }]);
    const error = await api()
      .createRun(newRun('no recover'))
      .catch((e: unknown) => e);
    expect((error as ApiError).code).toBe('API_UNREACHABLE');
    // Given up at once, not at the deadline.
    expect((error as ApiError).deadlinePassed).toBe(false);
    expect(requests(CREATE)).toHaveLength(1);
    expect(requests(LIST_RUNS)).toHaveLength(0);
  });
});

describe('how long retrying lasts', () => {
  it('waits out rate-limit answers far beyond the old fixed count of 6 attempts', async () => {
    emulator.setFaults([{ kind: 'status', status: 429, retryAfter: 0, route: 'GET /users', times: 12 }]);
    const { waits, options } = virtualClock(() => 1);
    const users = await api(options).listUsers();
    expect(users.length).toBeGreaterThan(0);
    expect(requests('GET /users')).toHaveLength(13);
    expect(waits.filter((w) => w >= 1000)).toEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000, 8000, 8000, 8000, 8000]);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const at = new Date(Date.now() + 3000).toUTCString();
    emulator.setFaults([{ kind: 'status', status: 503, retryAfter: at, route: 'GET /users', times: 1 }]);
    const { waits, options } = virtualClock(() => 0);
    await api(options).listUsers();
    expect(Math.max(...waits)).toBeGreaterThan(1000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(3000);
  });

  it.each([
    [
      503,
      (url: string) =>
        `waiting for the service: it answered GET ${url} with HTTP 503 (unavailable) and a Retry-After, so nothing was applied; trying again in 2 s`,
    ],
    [
      429,
      (url: string) =>
        `waiting for the shared rate limit (x-tms-api-reset 1 s): the service answered "rate limit exceeded" (HTTP 429) to GET ${url}; other uploads with this token share it; trying again in 2 s`,
    ],
  ] as const)('says what an HTTP %i it waits out means', async (status, said) => {
    emulator.setFaults([{ kind: 'status', status, retryAfter: 2, route: 'GET /users', times: 1 }]);
    const { options } = virtualClock(() => 0);
    const events: HttpEvent[] = [];
    await api({ ...options, onEvent: (e) => events.push(e) }).listUsers();
    expect(events.map((e) => [e.kind, e.message])).toEqual([['rate-limited', said(`${emulator.url}/users`)]]);
  });

  it('gives up at once when the wait the service asks for ends past the deadline, and says so, not that it passed', async () => {
    emulator.setFaults([{ kind: 'status', status: 503, retryAfter: 30, route: 'GET /users' }]);
    const { waits, options } = virtualClock(() => 0);
    const events: HttpEvent[] = [];
    const error = (await api({ ...options, deadlineMs: 2000, onEvent: (e) => events.push(e) })
      .listUsers()
      .catch((e: unknown) => e)) as ApiError;
    expect([error.code, error.deadlinePassed, waits]).toEqual(['API_SERVER_ERROR', true, []]);
    expect(error.message).toContain('Gave up after 1 attempt over 0 s: the next try, due in 30 s, would come after the deadline (--deadline 2 s).');
    // No "trying again in 30 s" for a try that never comes.
    expect(events).toEqual([]);
  });

  it('retries transient failures until the deadline, then says the deadline passed', async () => {
    emulator.setFaults([{ kind: 'status', status: 502, route: 'GET /users' }]);
    // The deadline is counted on the clock: 1.5 s of backoff in virtual time, none of it waited for.
    const { options } = virtualClock(() => 1);
    const error = (await api({ ...options, deadlineMs: 1500, retry: { baseDelayMs: 100, maxDelayMs: 200 } })
      .listUsers()
      .catch((e: unknown) => e)) as ApiError;
    expect([error.code, error.deadlinePassed]).toEqual(['API_SERVER_ERROR', true]);
    // Backoff between 100 and 200 ms with the jitter drawn as 1, the same every run: the ninth one would pass the deadline.
    const attempts = requests('GET /users').length;
    expect(attempts).toBe(9);
    expect(error.message).toMatch(
      new RegExp(
        `^GET /users failed with HTTP 502: .*\\(request id [\\w-]+\\)\\. The service failed\\. Gave up after ${attempts} attempts over 2 s: the deadline \\(--deadline 2 s\\) passed\\. Try again later\\.$`,
      ),
    );
  });

  it.each([
    ['cli', 'the deadline (--deadline 1 s)'],
    ['action', 'the deadline input (1 s)'],
    ['reporter', 'the deadline reporter option (1 s)'],
  ] as const)('names the deadline as the %s host does when it passes: %s', async (host, label) => {
    emulator.setFaults([{ kind: 'reset', route: 'GET /users' }]);
    const { options } = virtualClock(() => 1);
    const service = openService({ baseUrl: emulator.url, timeoutMs: 1000, deadline: 1 }, emulator.token, host, silentLogger, {
      ...options,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    http = service.http;
    const error = (await service.api.listUsers().catch((e: unknown) => e)) as ApiError;
    expect([error.code, error.deadlinePassed]).toEqual(['API_UNREACHABLE', true]);
    expect(error.message).toMatch(/^GET \/users failed with no answer\. .* Gave up after \d+ attempts over \d+ s: /);
    expect(error.message).toContain(`: ${label} passed. Check the base URL`);
  });
});
