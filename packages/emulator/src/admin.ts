// Test-control endpoints under /__emulator, outside the API base path: no token, loopback clients only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.js';
import { ApiError, errorBody } from './errors.js';
import { parseJson } from './multipart.js';
import { writeReply } from './respond.js';
import type { EmulatorState, FaultConfig, FaultRule, PaginationMode, RateLimitOptions } from './types.js';

export interface AdminApi {
  state(): EmulatorState;
  reset(): void;
  setFaults(faults: FaultConfig | FaultRule[]): void;
  faults(): unknown;
  setPagination(mode: PaginationMode): void;
  setRateLimit(rateLimit: RateLimitOptions | false): void;
  info(): Record<string, unknown>;
}

function isLoopback(address: string | undefined): boolean {
  return address === '::1' || (address?.startsWith('127.') ?? false) || (address?.startsWith('::ffff:127.') ?? false);
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  return parseJson(await readBody(req, 1024 * 1024));
}

function invalid(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(400, 'Invalid admin request', err instanceof Error ? err.message : String(err));
}

async function dispatch(api: AdminApi, req: IncomingMessage, method: string, path: string): Promise<{ status: number; body?: unknown }> {
  const key = `${method} ${path.replace(/\/$/, '')}`;
  switch (key) {
    case 'GET /__emulator':
      return { status: 200, body: api.info() };
    case 'GET /__emulator/state':
      return { status: 200, body: api.state() };
    case 'POST /__emulator/reset':
      api.reset();
      return { status: 200, body: { ok: true } };
    case 'GET /__emulator/faults':
      return { status: 200, body: api.faults() };
    case 'PUT /__emulator/faults':
    case 'POST /__emulator/faults':
      api.setFaults((await jsonBody(req)) as FaultConfig);
      return { status: 200, body: api.faults() };
    case 'DELETE /__emulator/faults':
      api.setFaults([]);
      return { status: 200, body: api.faults() };
    case 'PUT /__emulator/pagination': {
      const mode = ((await jsonBody(req)) as { mode?: unknown } | null)?.mode;
      if (mode !== 'cursor' && mode !== 'url') throw new ApiError(400, 'Invalid pagination mode', 'Send {"mode": "cursor"} or {"mode": "url"}.');
      api.setPagination(mode);
      return { status: 200, body: { mode } };
    }
    case 'PUT /__emulator/rate-limit': {
      const body = await jsonBody(req);
      api.setRateLimit(body === false ? false : (body as RateLimitOptions));
      return { status: 200, body: { rateLimit: body } };
    }
    default:
      return { status: 404, body: errorBody(404, 'Unknown admin endpoint', `${method} ${path} is not an emulator admin endpoint; see GET /__emulator.`) };
  }
}

export async function handleAdmin(api: AdminApi, req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) {
    writeReply(res, { status: 403, body: errorBody(403, 'Forbidden', 'Admin endpoints answer loopback clients only.') });
    return;
  }
  try {
    writeReply(res, await dispatch(api, req, method, path));
  } catch (err) {
    const e = invalid(err);
    writeReply(res, { status: e.status, body: e.body() });
  }
}
