/**
 * The simulated service as the HTTP client's `Transport`: one exchange on virtual time, with the faults a real
 * service far from the CI runner shows, each drawn from the seed:
 * - latency: 0–`maxLatencyMs` per request, half on the way there (when the request is applied) and half back;
 * - a late-applied write: applied after the client's timeout (the client sees a timeout, the write lands later),
 *   but within LATE_WRITE_MS of being sent: the one bound the protocol states it needs (run/README.md);
 * - a lost answer: applied, and the answer lost (a connection reset);
 * - a server error (502/503): not applied;
 * - the rate limit: 10 requests per sliding second for the account (every job's token), answered HTTP 500 `rate limit exceeded`, not
 *   applied; every answer carries `x-tms-api-limit`, `x-tms-api-remaining`, `x-tms-api-reset`.
 * An answer that arrives after the client's timeout is a timeout too, whatever it said.
 */
import type { Transport } from '../../src/api/http.js';
import type { AttemptOutcome } from '../../src/api/transport.js';
import type { RateHeaders } from '../../src/api/pacer.js';
import { parseReset } from '../../src/api/retry-timing.js';
import { LATE_WRITE_MS } from '../../src/run/timing.js';
import type { Scheduler } from './scheduler.js';
import { ServiceState, routeOf, type Answer, type Route } from './service-state.js';

export interface Faults {
  maxLatencyMs: number;
  /** Probability, per request, of each fault. */
  lateApply: number;
  lostAnswer: number;
  serverError: number;
  /** Requests per sliding second for the account. */
  perSecond: number;
}

export const CALM: Faults = { maxLatencyMs: 3000, lateApply: 0, lostAnswer: 0, serverError: 0, perSecond: 10 };

/**
 * A fault profile drawn from the seed: calm schedules as well as stormy ones, a service far away (0–3 s per request)
 * as well as a near one (0–100 ms: the protocol's pauses scale with the round trips it sees, and must hold there too).
 */
export function drawFaults(random: () => number): Faults {
  const level = [0, 0.01, 0.03][Math.floor(random() * 3)]!;
  const maxLatencyMs = [3000, 3000, 1000, 100][Math.floor(random() * 4)]!;
  return { ...CALM, maxLatencyMs, lateApply: level, lostAnswer: level, serverError: level };
}

export const SIM_BASE_URL = 'https://sim.invalid/api/v1';
const BASE_PATH = new URL(SIM_BASE_URL).pathname;

export class SimService {
  readonly state: ServiceState;
  /** Faults that happened, by kind: the report says which schedules were stormy. */
  readonly injected = { lateApply: 0, lostAnswer: 0, serverError: 0, rateLimited: 0, timedOut: 0 };
  requests = 0;
  /** With `trace` on, one line per request applied: virtual time, who (the token's name), what, the answer. */
  readonly trace: string[] | undefined;
  /** Requests by method and path as sent; `routes` folds the ids. Counted raw: a regex per request costs more than the rest of the count. */
  private readonly paths = new Map<string, Map<URL, number>>();
  /** When each request the rate limit counted arrived, oldest first (virtual time never goes back). */
  private readonly window: number[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    readonly faults: Faults,
    caseCount: number,
    maxPageSize = 10,
    traced = false,
  ) {
    this.state = new ServiceState(caseCount, maxPageSize, () => scheduler.now());
    this.trace = traced ? [] : undefined;
  }

  readonly transport: Transport = (request) => {
    const { random } = this.scheduler;
    this.requests++;
    // Counted by the URL object: the client parses each URL it asks for again once and hands the same object,
    // and a map keyed by an object asks for no string to be built and hashed per request.
    const byUrl = this.paths.get(request.method) ?? this.paths.set(request.method, new Map()).get(request.method)!;
    byUrl.set(request.url, (byUrl.get(request.url) ?? 0) + 1);
    const body = request.body ? decode(request.body) : undefined;
    let there = Math.floor((random() * this.faults.maxLatencyMs) / 2);
    const back = Math.floor((random() * this.faults.maxLatencyMs) / 2);
    const fault = random();
    const { lateApply, lostAnswer, serverError } = this.faults;
    const late = fault < lateApply;
    const lost = !late && fault < lateApply + lostAnswer;
    const failed = !late && !lost && fault < lateApply + lostAnswer + serverError;
    if (late) {
      there = Math.min(LATE_WRITE_MS, request.timeoutMs + Math.floor(random() * request.timeoutMs));
      this.injected.lateApply++;
    }
    const timedOut = there + back >= request.timeoutMs;
    // Timers with callbacks rather than a chain of promises (a request's share of the simulation's cost): the
    // request is applied when its timer fires; its answer, or the timeout, comes with the next. Timers are set in
    // the same order as the awaits did, so a seed's schedule is the same.
    return new Promise((resolve) => {
      this.scheduler.addTimer(there, () => {
        const answer = this.apply(request.method, request.url, body, failed, request.headers, request.body);
        if (timedOut) return;
        this.scheduler.addTimer(back, () => {
          if (!lost) return resolve(answer);
          this.injected.lostAnswer++;
          resolve(noAnswer('connection reset', false));
        });
      });
      if (timedOut) {
        this.scheduler.addTimer(request.timeoutMs, () => {
          this.injected.timedOut++;
          resolve(noAnswer(`timed out after ${request.timeoutMs} ms`, true));
        });
      }
    });
  };

  /** Requests by route (`GET /api/v1/projects/:id/test_runs/:id`), for the report of what a schedule cost. */
  get routes(): Map<string, number> {
    const routes = new Map<string, number>();
    for (const [method, byUrl] of this.paths) {
      for (const [url, count] of byUrl) {
        const route = `${method} ${url.pathname.replace(/\/[0-9a-f-]{36}/g, '/:id')}`;
        routes.set(route, (routes.get(route) ?? 0) + count);
      }
    }
    return routes;
  }

  /** The request reaches the service: the rate limit, an injected failure, or the state's answer. */
  private apply(method: string, url: URL, body: unknown, failed: boolean, sent: Record<string, string>, encoded: object | undefined): AttemptOutcome {
    const now = this.scheduler.now();
    const { window } = this;
    // The sliding second: what arrived more than a second ago has left it.
    while (window.length > 0 && window[0]! <= now - 1000) window.shift();
    const allowed = window.length < this.faults.perSecond;
    if (allowed) window.push(now);
    // What the answer's x-tms-api-limit, x-tms-api-remaining and x-tms-api-reset (whole seconds) say.
    const limit = this.faults.perSecond;
    const remaining = Math.max(0, this.faults.perSecond - window.length);
    const resetSeconds = Math.ceil(Math.max(0, (window[0] ?? now) + 1000 - now) / 1000);
    let answer: Answer;
    if (!allowed) {
      this.injected.rateLimited++;
      answer = { status: 500, body: { message: 'rate limit exceeded' } };
    } else if (failed) {
      this.injected.serverError++;
      answer = { status: this.scheduler.random() < 0.5 ? 502 : 503, body: { message: 'Service Unavailable' } };
    } else {
      const route = routeOfUrl(url);
      // The client encodes a request once and sends the same bytes on every attempt: `encoded` tells a retry.
      answer = this.state.handle(method, route, url.searchParams, body, encoded);
    }
    if (this.trace) {
      const who = sent.authorization?.replace(/^Bearer sim-/, '') ?? '?';
      const what = `${method} ${decodeURIComponent(url.pathname.slice(BASE_PATH.length) + url.search)} ${body === undefined ? '' : JSON.stringify(body)}`;
      this.trace.push(
        `${(this.scheduler.elapsed() / 1000).toFixed(3).padStart(8)} s ${who.padEnd(7)} ${this.readable(what).slice(0, 4000)} → ${answer.status}`,
      );
    }
    const resetMs = parseReset(String(resetSeconds), now);
    const rate: RateHeaders = { limit, remaining };
    if (resetMs !== undefined) rate.resetMs = resetMs;
    return {
      kind: 'answer',
      status: answer.status,
      body: answer.body,
      requestId: `sim-${this.requests}`,
      retryAfterMs: undefined,
      retryAfter: undefined,
      rate,
    };
  }

  /** Ids as people read them in a trace: DEMO-3 for a case, DEMO-R-1 for a run, Failed for a status, Demo. */
  private readable(text: string): string {
    const { state } = this;
    const names = new Map<string, string>([
      [state.project.id, 'Demo'],
      [state.user.id, 'user'],
      ...state.cases.map((c): [string, string] => [c.id, c.human_id]),
      ...state.runs.map((r): [string, string] => [r.id, r.human_id]),
      ...state.statuses.map((st): [string, string] => [st.id, st.name]),
    ]);
    return text.replace(/"?([0-9a-f]{8}-0000-4000-8000-[0-9a-f]{12})"?/g, (whole, id: string) => names.get(id) ?? whole);
  }
}

/**
 * The route of a URL (its path under the base URL, split), worked out once per URL object (the clients hand the same
 * one for the same URL) and kept on it under a symbol of the simulation's own: a WeakMap's entry, or a look-up by
 * the path, cost more than the rest of routing the request.
 */
const ROUTE = Symbol('sim route');

function routeOfUrl(url: URL & { [ROUTE]?: Route }): Route {
  let route = url[ROUTE];
  if (route === undefined) {
    route = routeOf(url.pathname.startsWith(BASE_PATH) ? url.pathname.slice(BASE_PATH.length) : url.pathname);
    url[ROUTE] = route;
  }
  return route;
}

/**
 * A JSON body, or a multipart one whose `data` field holds the JSON (as the live service reads result batches).
 * Parsed here by hand, synchronously: `Response.formData()` would cost more than the rest of a request, and a
 * text-only body from the client's encoder is simple (`--boundary`, headers, a blank line, the value).
 */
const UTF8 = new TextDecoder();

function decode(body: NonNullable<Parameters<Transport>[0]['body']>): unknown {
  if (!body.bytes) throw new Error('the simulation sends no files: a streamed body reached it');
  // A retry sends the same bytes: decoded once. The service only reads what it decodes, never changes or keeps it.
  if (!decoded.has(body)) decoded.set(body, parse(body.bytes, body.contentType));
  return decoded.get(body);
}

const decoded = new WeakMap<object, unknown>();

function parse(bytes: Uint8Array, contentType: string): unknown {
  const text = UTF8.decode(bytes);
  const marker = contentType.indexOf('boundary=');
  if (marker < 0) return JSON.parse(text);
  // Found with indexOf, not split and matched part by part: the parts are `--boundary`, headers, a blank line, the value.
  const delimiter = `--${contentType.slice(marker + 'boundary='.length)}`;
  for (let start = text.indexOf(delimiter); start >= 0;) {
    const headEnd = text.indexOf('\r\n\r\n', start);
    if (headEnd < 0) break;
    const next = text.indexOf(`\r\n${delimiter}`, headEnd);
    const head = text.slice(start, headEnd);
    if (head.includes('name="data"')) {
      if (head.includes('filename=')) throw new Error('the data part came as a file: the emulator refuses that with 400');
      return JSON.parse(text.slice(headEnd + 4, next < 0 ? undefined : next));
    }
    start = next < 0 ? -1 : next + 2;
  }
  return undefined;
}

function noAnswer(reason: string, timedOut: boolean): AttemptOutcome {
  return { kind: 'no-answer', reason, permanent: false, timedOut, cutOff: false, cause: withoutStack(() => new Error(`simulated: ${reason}`)) };
}

/** An error made without capturing a stack: the stack of a simulated failure shows only the simulation, and capturing it costs more than the request. */
function withoutStack(make: () => Error): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
