// The request pipeline: request id → admin | web view | (rate limit → auth → faults → route → persist) → answer → log.
// Auth is checked before the route is resolved, as on the live service, so unknown paths answer 401
// without a token.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdminApi } from './admin.js';
import { handleAdmin } from './admin.js';
import { readBody } from './body.js';
import type { Reply, RequestContext } from './context.js';
import { ApiError, errorBody, flatError } from './errors.js';
import type { FaultInjector } from './faults.js';
import type { RequestLog } from './log.js';
import type { RateLimiter } from './ratelimit.js';
import { matchRoute } from './router.js';
import type { Store } from './store.js';
import type { PaginationMode, RequestLogEntry } from './types.js';
import { writeReply } from './respond.js';
import { isWebPath, serveWeb } from './web/serve.js';

export const BASE_PATH = '/api/v1';

export interface ServerDeps {
  store: Store;
  token: string;
  faults: FaultInjector;
  limiter: RateLimiter;
  log: RequestLog;
  settings: { pagination: PaginationMode; maxBodyBytes: number };
  origin(): string;
  admin: AdminApi;
}

type Outcome = { kind: 'reply'; reply: Reply } | { kind: 'reset' } | { kind: 'lost'; reply: Reply };

function errorReply(err: unknown): Reply {
  if (err instanceof ApiError) return { status: err.status, body: err.body(), headers: err.headers };
  const detail = err instanceof Error ? err.message : String(err);
  return { status: 500, body: errorBody(500, 'Internal emulator error', detail) };
}

function bearerOf(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

async function apiOutcome(deps: ServerDeps, req: IncomingMessage, method: string, url: URL, entry: RequestLogEntry): Promise<Outcome> {
  const reply = (r: Reply): Outcome => ({ kind: 'reply', reply: r });
  const inBase = url.pathname === BASE_PATH || url.pathname.startsWith(`${BASE_PATH}/`);
  let rel = inBase ? url.pathname.slice(BASE_PATH.length) || '/' : url.pathname;
  if (rel.length > 1 && rel.endsWith('/')) rel = rel.slice(0, -1);
  const match = inBase ? matchRoute(method, rel) : ({ kind: 'none' } as const);
  if (match.kind === 'found') entry.route = match.name;

  const token = bearerOf(req.headers.authorization);
  const rate = deps.limiter.take(token ?? '');
  const withRate = (r: Reply): Outcome => reply({ ...r, headers: { ...rate.headers, ...r.headers } });
  if (!rate.allowed) return withRate({ status: 500, body: { message: 'rate limit exceeded' } });
  if (token === null) return withRate({ status: 401, body: flatError(401, 'Unauthorized: missing bearer token') });
  if (token !== deps.token) return withRate({ status: 401, body: flatError(401, 'Unauthorized: invalid token') });

  const decision = deps.faults.decide(method, rel);
  entry.faults = decision.fired;
  // The body is taken in before any added latency, as a slow server does: a client that gives up while the
  // request waits does not stop it, so the write is applied late (what a late-applied create looks like).
  const body = readBody(req, deps.settings.maxBodyBytes);
  body.catch(() => undefined);
  if (decision.delayMs > 0) await sleep(decision.delayMs);
  const action = decision.action;
  if (action?.kind === 'status') return withRate({ status: action.status, body: action.body, headers: action.headers });
  if (action?.kind === 'reset') return { kind: 'reset' };

  let result: Reply;
  if (match.kind === 'none') {
    result = { status: 404, body: flatError(404, 'Not Found') };
  } else if (match.kind === 'method') {
    result = {
      status: 405,
      body: errorBody(405, 'Method Not Allowed', `${method} is not supported on ${rel}; use ${match.allowed.join(', ')}.`),
      headers: { allow: match.allowed.join(', ') },
    };
  } else {
    const ctx: RequestContext = {
      store: deps.store,
      method,
      params: match.params,
      query: url.searchParams,
      path: url.pathname,
      origin: deps.origin(),
      pagination: deps.settings.pagination,
      contentType: req.headers['content-type'] ?? '',
      readBody: () => body,
    };
    try {
      result = await match.handler(ctx);
      if (method !== 'GET' && result.status < 300) deps.store.save();
    } catch (err) {
      result = errorReply(err);
    }
  }
  const final = withRate(result);
  return action?.kind === 'lost-answer' && final.kind === 'reply' ? { kind: 'lost', reply: final.reply } : final;
}

export function createRequestListener(deps: ServerDeps): RequestListener {
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname === '/__emulator' || url.pathname.startsWith('/__emulator/')) {
      await handleAdmin(deps.admin, req, res, method, url.pathname);
      return;
    }
    if (isWebPath(url.pathname)) {
      serveWeb(deps.store, res, method, url.pathname);
      return;
    }
    const entry: RequestLogEntry = {
      time: started,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      route: null,
      status: 0,
      request_id: requestId,
      faults: [],
      duration_ms: 0,
    };
    try {
      const outcome = await apiOutcome(deps, req, method, url, entry);
      if (outcome.kind === 'reset') {
        req.socket.resetAndDestroy();
      } else if (outcome.kind === 'lost') {
        // The write has been applied and saved; the client never learns it.
        entry.status = outcome.reply.status;
        req.socket.destroy();
      } else {
        entry.status = outcome.reply.status;
        writeReply(res, outcome.reply);
      }
    } finally {
      entry.duration_ms = Date.now() - started;
      deps.log.add(entry);
    }
  };
  return (req, res) => {
    serve(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) writeReply(res, errorReply(err));
      else res.destroy();
    });
  };
}
