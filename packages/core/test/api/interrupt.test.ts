/**
 * The HTTP client once its host is stopped (SIGINT, SIGTERM: `interrupt` aborted), over real HTTP on loopback: a
 * request in flight is abandoned at once as one without an answer (it may have been applied), a wait for a retry
 * ends, and nothing is sent afterwards. Every error names the signal, with the code that decides the exit (130, 143).
 */
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import { TestManagementApi } from '../../src/api/client.js';
import { HttpClient, type HttpClientOptions } from '../../src/api/http.js';
import { StopRequested } from '../../src/api/interrupt.js';
import { exitCodeFor } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { apiFailure } from './api-failure.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { expectEndedAtOnce, stoppingAt } from '../stop-at-sleep.js';

const PID = DEMO_FACTS.project.id;
const ENTRY = { test_case_id: DEMO_FACTS.caseId(1), test_run_status_id: 'any', user_id: DEMO_FACTS.users.alice.id, description: '' };
let emulator: EmulatorHandle;
let http: HttpClient | undefined;
let silent: { server: Server; sockets: Set<Socket> } | undefined;

useDemoEmulator((started) => (emulator = started));
afterEach(async () => {
  await http?.close();
  http = undefined;
  if (silent) {
    for (const socket of silent.sockets) socket.destroy();
    await new Promise((resolve) => silent?.server.close(resolve));
    silent = undefined;
  }
});

function client(baseUrl: string, interrupt: AbortSignal, extra: Partial<HttpClientOptions> = {}): TestManagementApi {
  // A timeout far beyond the test's: only the stop can end a request that is not answered.
  http = new HttpClient({ baseUrl, token: emulator.token, timeoutMs: 600_000, log: silentLogger, interrupt, ...extra });
  return new TestManagementApi(http);
}

/** A host that takes requests and never answers; `received` resolves with the first one's method. */
async function unanswering(): Promise<{ url: string; received: Promise<string> }> {
  let heard: (method: string) => void = () => undefined;
  const received = new Promise<string>((resolve) => (heard = resolve));
  const server = createServer((req) => {
    req.resume();
    heard(req.method ?? '');
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  silent = { server, sockets };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`, received };
}

describe('the HTTP client when its host is stopped', () => {
  it('abandons a write in flight at once, as one that may have been applied (SIGINT: exit 130)', async () => {
    const host = await unanswering();
    const stop = new AbortController();
    const sending = client(host.url, stop.signal).putResults(PID, 'run-1', [ENTRY]);
    expect(await host.received).toBe('PUT');
    stop.abort(new StopRequested('SIGINT'));
    const error = await apiFailure(sending);
    expect(error.code).toBe('INTERRUPTED');
    expect(exitCodeFor(error)).toBe(130);
    expect(error.status).toBeUndefined();
    expect(error.message).toBe(
      `PUT /projects/${PID}/test_runs/run-1/test_cases failed with no answer. testsigma-tm was stopped by SIGINT before the request succeeded: it was sent, so it may or may not have been applied.`,
    );
    expect(http?.writesSent).toBe(1);
  });

  it('ends a wait for a retry, and sends nothing more (SIGTERM: exit 143)', async () => {
    emulator.setFaults([{ kind: 'status', status: 503, route: 'GET /projects' }]);
    const stop = new AbortController();
    // The first retry's wait is where the stop comes: it never ends by itself.
    const clock = { now: () => Date.now(), random: () => 0.5, sleep: () => (stop.abort(new StopRequested('SIGTERM')), new Promise<void>(() => undefined)) };
    const error = await apiFailure(client(emulator.url, stop.signal, { clock }).listProjects());
    expect(error.code).toBe('TERMINATED');
    expect(exitCodeFor(error)).toBe(143);
    expect(error.message).toMatch(/stopped by SIGTERM before the request succeeded/);
    expect(emulator.state().requests).toHaveLength(1);
  });

  it('ends the wait out of a Retry-After at once (a 429 asking for a minute): nothing is left waiting, nothing sent again', async () => {
    emulator.setFaults([{ kind: 'status', status: 429, retryAfter: 60, route: 'GET /projects' }]);
    // The stop comes as the client begins the minute's wait the service asked for.
    const stopping = stoppingAt((ms) => ms >= 60_000);
    const error = await apiFailure(client(emulator.url, stopping.stop.signal, { clock: stopping.clock }).listProjects());
    expectEndedAtOnce(stopping);
    expect([error.code, exitCodeFor(error)]).toEqual(['INTERRUPTED', 130]);
    expect(error.message).toMatch(/stopped by SIGINT before the request succeeded/);
    expect(emulator.state().requests).toHaveLength(1);
  });

  it("ends a request's wait for its turn under a service's pause at once (a 503 with Retry-After), and the retry's wait with it", async () => {
    emulator.setFaults([{ kind: 'status', status: 503, retryAfter: 120, route: 'GET /projects', times: 1 }]);
    // One request at a time: the second waits for the first, whose answer pauses every request for two minutes. The
    // stop comes as the second begins that wait (in the pacer), the first already waiting to try again.
    let long = 0;
    const stopping = stoppingAt((ms) => ms >= 120_000 && ++long === 2, 'SIGTERM');
    const api = client(emulator.url, stopping.stop.signal, { clock: stopping.clock, maxInFlight: 1 });
    const errors = await Promise.all([apiFailure(api.listProjects()), apiFailure(api.listProjects())]);
    expectEndedAtOnce(stopping);
    expect(errors.map((e) => [e.code, exitCodeFor(e)])).toEqual([
      ['TERMINATED', 143],
      ['TERMINATED', 143],
    ]);
    expect(errors[1]?.message).toMatch(/testsigma-tm was stopped by SIGTERM: the request was not sent\.$/);
    expect(emulator.state().requests).toHaveLength(1);
  });

  it('keeps one listener on the signal however many requests wait out a Retry-After at once', async () => {
    emulator.setFaults([{ kind: 'status', status: 429, retryAfter: 60, route: 'GET /projects' }]);
    // A window's worth of requests go at once and are all asked to wait a minute; the rest wait for their turn.
    let long = 0;
    let listeners: number | undefined;
    const stopping = stoppingAt((ms) => {
      if (ms < 60_000 || ++long < 10) return false;
      listeners = getEventListeners(stopping.stop.signal, 'abort').length;
      return true;
    });
    const api = client(emulator.url, stopping.stop.signal, { clock: stopping.clock, maxInFlight: 12 });
    const errors = await Promise.all(Array.from({ length: 12 }, () => apiFailure(api.listProjects())));
    expectEndedAtOnce(stopping);
    expect(listeners).toBe(1);
    expect(errors.map((e) => e.code)).toEqual(Array(12).fill('INTERRUPTED'));
  });

  it('ends every request waiting for a turn, with one listener on the signal however many wait (Node 20 warns past 10)', async () => {
    const host = await unanswering();
    const stop = new AbortController();
    const api = client(host.url, stop.signal, { maxInFlight: 1 });
    const waiting = Array.from({ length: 20 }, () => apiFailure(api.listProjects()));
    expect(await host.received).toBe('GET');
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
    stop.abort(new StopRequested('SIGINT'));
    const errors = await Promise.all(waiting);
    expect(errors.map((e) => e.code)).toEqual(Array(20).fill('INTERRUPTED'));
    // The one in flight may have been applied; the others were never sent.
    expect(errors.filter((e) => e.message.endsWith('the request was not sent.'))).toHaveLength(19);
  });

  it('sends no request once stopped, and says so', async () => {
    const stop = new AbortController();
    stop.abort(new StopRequested('SIGINT'));
    const error = await apiFailure(client(emulator.url, stop.signal).putResults(PID, 'run-1', [ENTRY]));
    expect(error.code).toBe('INTERRUPTED');
    expect(error.message).toMatch(/testsigma-tm was stopped by SIGINT: the request was not sent\.$/);
    expect(emulator.state().requests).toEqual([]);
    expect(http?.writesSent).toBe(0);
  });
});
