/**
 * The one place that speaks HTTP. Every request of the tool goes through `HttpClient.send`: bearer token,
 * pacing below the rate limit, a per-request timeout, one retry policy with an overall deadline, and errors
 * that name method, path, status, server message and request id. The token never leaves this file except
 * in the Authorization header.
 */
import { Agent, Response, request, type Dispatcher, type FormData } from 'undici';
import { ApiError, type ApiErrorDetails } from '../errors.js';
import type { Logger } from '../log.js';
import { Pacer, defaultSleep } from './pacer.js';
import { DEFAULT_RETRY_POLICY, backoffDelay, isRetryableStatus, parseRetryAfter, type RetryPolicy } from './retry-timing.js';
import { VERSION } from '../version.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiRequest {
  method: Method;
  /** Path under the base URL (`/projects/x`), or an absolute URL of the same origin (a pagination link). */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: FormData;
  /**
   * May a transient failure (5xx, reset, timeout) be retried? True for reads and for writes that are safe to
   * repeat (PUTs are last-write-wins). A rate-limit answer is always retried: nothing was applied.
   */
  idempotent: boolean;
  /** Names what a 404 means, e.g. `Project "Demo"`. */
  resource?: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  requestId: string | undefined;
}

export interface HttpClientOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  log: Logger;
  /** How the host calls the token setting, for the 401 message. */
  tokenSettingName?: string;
  retry?: RetryPolicy;
  /** Requests per second before the service announces its own limit. */
  perSecond?: number;
  /** Give up retrying once this much time has passed since the client was made. */
  deadlineMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export class HttpClient {
  readonly baseUrl: URL;
  private readonly basePath: string;
  private readonly agent: Agent;
  private readonly pacer: Pacer;
  private readonly policy: RetryPolicy;
  private readonly deadline: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly options: HttpClientOptions;
  /** Requests sent (every attempt) and retries among them, for the upload's figures. */
  readonly counts = { requests: 0, retries: 0 };

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.baseUrl = new URL(options.baseUrl.replace(/\/+$/, ''));
    this.basePath = this.baseUrl.pathname.replace(/\/+$/, '');
    this.agent = new Agent({ headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs, connect: { timeout: options.timeoutMs } });
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.pacer = new Pacer(options.perSecond ?? 8, this.now, this.sleep);
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.deadline = this.now() + (options.deadlineMs ?? 15 * 60_000);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Send a request; resolve with any 2xx answer, throw ApiError for everything else (after retries). */
  async send(req: ApiRequest): Promise<ApiResponse> {
    const url = this.resolveUrl(req);
    const shownPath = this.displayPath(url);
    const body = await encodeBody(req);
    for (let attempt = 1; ; attempt++) {
      await this.pacer.take();
      this.counts.requests++;
      if (attempt > 1) this.counts.retries++;
      const started = this.now();
      const outcome = await this.attempt(req.method, url, body);
      const details: ApiErrorDetails = { method: req.method, path: shownPath };
      if (outcome.kind === 'answer') {
        const { status, body: answer, requestId, retryAfter, limit } = outcome;
        if (limit !== undefined) this.pacer.announce(limit);
        this.options.log.debug(`${req.method} ${shownPath} → ${status} in ${this.now() - started} ms${requestId ? ` (request id ${requestId})` : ''}`);
        if (status >= 200 && status < 300) return { status, body: answer, requestId };
        Object.assign(details, { status, serverMessage: serverMessage(answer), requestId });
        const rateLimited = status === 429 || (status === 500 && /rate limit/i.test(details.serverMessage ?? ''));
        const retryable = rateLimited || (req.idempotent && isRetryableStatus(status));
        const delay = backoffDelay(attempt, this.policy, parseRetryAfter(retryAfter, this.now()) ?? (rateLimited ? 1000 : undefined), this.options.random);
        if (retryable && this.mayRetry(attempt, delay)) {
          this.options.log.debug(`retrying ${req.method} ${shownPath} in ${delay} ms (HTTP ${status})`);
          await this.sleep(delay);
          continue;
        }
        throw this.errorFor(details, req, attempt);
      }
      const delay = backoffDelay(attempt, this.policy, undefined, this.options.random);
      if (req.idempotent && this.mayRetry(attempt, delay)) {
        this.options.log.debug(`retrying ${req.method} ${shownPath} in ${delay} ms (${outcome.reason})`);
        await this.sleep(delay);
        continue;
      }
      throw new ApiError(
        'API_UNREACHABLE',
        details,
        `No answer from ${this.baseUrl.origin} (${outcome.reason})${attempt > 1 ? ` after ${attempt} attempts` : ''}. Check the base URL and the network; the service may be down.`,
        { cause: outcome.cause },
      );
    }
  }

  private mayRetry(attempt: number, delay: number): boolean {
    return attempt <= this.policy.maxRetries && this.now() + delay < this.deadline;
  }

  private async attempt(method: Method, url: URL, body: EncodedBody | undefined): Promise<AttemptOutcome> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.token}`,
      accept: 'application/json',
      'user-agent': `testsigma-tm/${VERSION}`,
    };
    if (body) headers['content-type'] = body.contentType;
    try {
      const res = await request(url, {
        method,
        headers,
        body: body?.bytes,
        dispatcher: this.agent as Dispatcher,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await res.body.text();
      const header = (name: string): string | undefined => {
        const v = res.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const limit = Number(header('x-tms-api-limit'));
      return {
        kind: 'answer',
        status: res.statusCode,
        body: parseBody(text),
        requestId: header('x-request-id') ?? header('x-tms-api-request-id'),
        retryAfter: header('retry-after'),
        limit: Number.isFinite(limit) && limit > 0 ? limit : undefined,
      };
    } catch (cause) {
      return { kind: 'no-answer', reason: describeNetworkError(cause, this.options.timeoutMs), cause };
    }
  }

  private resolveUrl(req: ApiRequest): URL {
    let url: URL;
    if (/^https?:\/\//i.test(req.path)) {
      url = new URL(req.path);
      // Never send the token to another host, whatever a pagination link says (CONTRACT §2).
      if (url.origin !== this.baseUrl.origin) {
        throw new ApiError(
          'API_FOREIGN_LINK',
          { method: req.method, path: req.path },
          `The service pointed to ${url.origin}, which is not the configured base URL's origin ${this.baseUrl.origin}; refusing to send the token there.`,
        );
      }
    } else {
      url = new URL(this.basePath + (req.path.startsWith('/') ? req.path : `/${req.path}`), this.baseUrl.origin);
    }
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** The path as errors show it: relative to the base URL, with the query. */
  private displayPath(url: URL): string {
    const path = url.pathname.startsWith(this.basePath) ? url.pathname.slice(this.basePath.length) : url.pathname;
    return `${path || '/'}${url.search}`;
  }

  private errorFor(details: ApiErrorDetails, req: ApiRequest, attempts: number): ApiError {
    const status = details.status ?? 0;
    const tokenName = this.options.tokenSettingName ?? 'TESTSIGMA_API_TOKEN';
    const after = attempts > 1 ? ` Gave up after ${attempts} attempts.` : '';
    if (status === 401) {
      return new ApiError('API_UNAUTHORIZED', details, `The API token was refused: check ${tokenName} (missing, mistyped, expired or revoked? Create one under Settings > API Keys).`);
    }
    if (status === 403) return new ApiError('API_FORBIDDEN', details, `The token in ${tokenName} is not allowed to do this; use a key of a user with access to the project.`);
    if (status === 404) {
      return new ApiError('API_NOT_FOUND', details, `${req.resource ?? 'The resource'} was not found: check the id or name, and that the token's account can see it.`);
    }
    if (status === 413) return new ApiError('API_PAYLOAD_TOO_LARGE', details, 'The request was too large for the service.');
    if (status === 400 || status === 422) return new ApiError('API_REJECTED', details, 'The service rejected the request as invalid.');
    if (status === 429 || (status === 500 && /rate limit/i.test(details.serverMessage ?? ''))) {
      return new ApiError('API_RATE_LIMITED', details, `The service kept answering "rate limit exceeded".${after} Try again later, or run fewer uploads with the same token at once.`);
    }
    if (status >= 500) return new ApiError('API_SERVER_ERROR', details, `The service failed.${after} Try again later.`);
    return new ApiError('API_UNEXPECTED_STATUS', details, 'The service gave an unexpected answer.');
  }
}

type AttemptOutcome =
  | { kind: 'answer'; status: number; body: unknown; requestId: string | undefined; retryAfter: string | undefined; limit: number | undefined }
  | { kind: 'no-answer'; reason: string; cause: unknown };

interface EncodedBody {
  bytes: Uint8Array;
  contentType: string;
}

/**
 * Bodies are encoded once, before the first attempt, so every retry sends the same bytes and batch sizes are
 * known exactly. (undici's `request` does not stream a FormData body itself; its `Response` encodes it.)
 */
async function encodeBody(req: ApiRequest): Promise<EncodedBody | undefined> {
  if (req.form) {
    const encoded = new Response(req.form);
    return { bytes: new Uint8Array(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? 'multipart/form-data' };
  }
  if (req.json !== undefined) return { bytes: new TextEncoder().encode(JSON.stringify(req.json)), contentType: 'application/json' };
  return undefined;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The service's own words: `message`, then `errors.message` / `errors.details` (CONTRACT §3). */
export function serverMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 500) || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const record = body as { message?: unknown; errors?: { message?: unknown; details?: unknown } };
  const parts = [record.message, record.errors?.message, record.errors?.details]
    .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
    .map((p) => p.trim());
  const unique = [...new Set(parts)];
  return unique.length > 0 ? unique.join(' — ').slice(0, 1000) : undefined;
}

function describeNetworkError(cause: unknown, timeoutMs: number): string {
  const err = cause as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  if (err?.name === 'TimeoutError' || err?.code === 'UND_ERR_HEADERS_TIMEOUT' || err?.code === 'UND_ERR_BODY_TIMEOUT') {
    return `timed out after ${timeoutMs} ms`;
  }
  const code = err?.code ?? err?.cause?.code;
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return 'connection reset';
  return code ? `${code}${err?.message ? `: ${err.message}` : ''}` : (err?.message ?? 'network error');
}
