/**
 * One HTTP exchange, no retrying: encode the body, send it, read the whole answer and the headers the client
 * cares about, or say in words why no answer came. The proxy is taken from the environment (HTTPS_PROXY,
 * HTTP_PROXY, NO_PROXY and their lower-case forms), as corporate CI expects.
 *
 * Two senders behind one interface (`Dispatcher.send`), and one retry loop above them (http.ts):
 * - without a proxy, `node:http` / `node:https` (node-http.ts): nothing to load, which matters in a test runner's
 *   process, where the reporter uploads at the end and everything loaded stays until the process ends;
 * - with a proxy, the npm undici's `fetch` through its EnvHttpProxyAgent, loaded only then.
 * Text-only bodies are encoded here, by hand (multipart is a few lines for text fields), so that no request
 * needs Node's `FormData` / `Response` either (a body with files is streamed from disk by hand too).
 */
import { open, type FileHandle } from 'node:fs/promises';
import type * as Undici from 'undici';
import { parseReset, parseRetryAfter } from './retry-timing.js';
import type { RateHeaders } from './pacer.js';
import { redactUrlsIn } from './url.js';
import { nodeHttpDispatcher } from './node-http.js';
import type { Dispatcher, Method } from './dispatcher.js';

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

export type AttemptOutcome =
  | {
      kind: 'answer';
      status: number;
      /** Parsed JSON; undefined for an empty body. */
      body: unknown;
      /** Set when a non-empty body is not JSON. */
      notJson?: { contentType: string; text: string };
      requestId: string | undefined;
      retryAfterMs: number | undefined;
      retryAfter: string | undefined;
      rate: RateHeaders;
      /** When the status line and headers came in (the client's clock), before the body was read. */
      answeredAt?: number;
    }
  | {
      kind: 'no-answer';
      reason: string;
      /** A failure that waiting will not cure (an unknown host name, a certificate refused): not retried. */
      permanent: boolean;
      /** No answer within the timeout: the service may still be working on the request. */
      timedOut: boolean;
      /** The connection closed while a body with files was still being sent: a proxy's 413, not an outage. */
      cutOff: boolean;
      cause: unknown;
    };

/**
 * undici is loaded on the first request through a proxy, not when core is imported: a reporter must load (and say
 * in one line that it sits the run out) even on a Node too old for undici, instead of breaking the test run at
 * import; and a run without a proxy never loads it.
 */
let undiciModule: Promise<typeof Undici> | undefined;
function undici(): Promise<typeof Undici> {
  return (undiciModule ??= import('undici'));
}

/** A text field of a multipart body (`data` holding the JSON of a result batch). */
interface FormField {
  name: string;
  value: string;
}

/** A file part (`attachments_<i>_<j>`): read from disk while the body is sent, or inline bytes. */
export interface FormFile {
  name: string;
  fileName: string;
  contentType: string;
  /** A file on disk, streamed (never held whole in memory). */
  path?: string;
  /** Inline content, base64. */
  base64?: string;
}

export type FormPart = FormField | FormFile;

/** Text-only bodies are encoded once into bytes; bodies with files are opened anew (streamed) for each attempt. */
export type EncodedBody =
  | { bytes: Uint8Array; contentType: string; open?: undefined }
  | { open: () => Promise<{ stream: AsyncIterable<Uint8Array>; contentType: string }>; bytes?: undefined; contentType?: undefined };

function isFile(part: FormPart): part is FormFile {
  return 'fileName' in part;
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/** A proxy is given (in the options, or in the environment, where EnvHttpProxyAgent would find it). */
function proxyConfigured(proxy: ProxySettings | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (proxy?.httpProxy || proxy?.httpsProxy) return true;
  return PROXY_VARIABLES.some((name) => (env[name] ?? '').trim() !== '');
}

export async function makeDispatcher(timeoutMs: number, proxy: ProxySettings | undefined): Promise<Dispatcher> {
  if (!proxyConfigured(proxy)) return nodeHttpDispatcher();
  const timeouts = { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs } };
  const { EnvHttpProxyAgent, fetch: undiciFetch } = await undici();
  const agent = new EnvHttpProxyAgent({ ...timeouts, ...(proxy ?? {}) });
  return {
    send: async ({ method, url, headers, body, signal }) => {
      const res = await undiciFetch(url, {
        method,
        headers,
        // A streamed body is an async iterable, which undici's fetch sends as it reads it (`duplex: 'half'`).
        ...(body !== undefined && { body, duplex: 'half' }),
        // A redirect is the answer (as it was with undici's `request`): a base URL that redirects is a setting to fix.
        redirect: 'manual',
        signal,
        dispatcher: agent,
        // undici's fetch takes its own RequestInit type: the same shape as the global one.
      } as unknown as Parameters<typeof undiciFetch>[1]);
      return { status: res.status, header: (name) => res.headers.get(name) ?? undefined, text: () => res.text() };
    },
    close: () => agent.close(),
  };
}

/**
 * Bodies are encoded once, before the first attempt, so every retry sends the same bytes and batch sizes are
 * known exactly. A body with files is opened anew for each attempt and read from disk as it is sent (streamForm).
 */
export async function encodeBody(fields: FormPart[] | undefined, json: unknown): Promise<EncodedBody | undefined> {
  if (fields?.some(isFile)) return { open: () => streamForm(fields) };
  if (fields) return encodeTextForm(fields.filter((field): field is FormField => !isFile(field)));
  if (json !== undefined) return { bytes: UTF8.encode(JSON.stringify(json)), contentType: 'application/json' };
  return undefined;
}

const UTF8 = new TextEncoder();

/**
 * Multipart as `new Response(formData)` makes it (the HTML form-data encoding as Node's fetch implements it:
 * its boundary's shape, names escaped, line breaks in names and values written CRLF), encoded here so that no
 * request loads Node's undici for it: a `Response` and its stream cost more than the rest of a request, and
 * every result batch is one.
 */
function encodeTextForm(fields: FormField[]): { bytes: Uint8Array; contentType: string } {
  const boundary = newBoundary();
  let text = '';
  for (const field of fields) text += textPart(boundary, field);
  text += `--${boundary}--\r\n`;
  return { bytes: UTF8.encode(text), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * fetch's boundary shape with 11 random digits. `Math.random`, not `node:crypto`'s `randomInt` as undici draws
 * them: a boundary only has to be absent from the body, which holds the user's own results, and loading
 * `node:crypto` for it costs a reporter's process more than the rest of the encoding.
 */
function newBoundary(): string {
  return `----formdata-undici-0${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}`;
}

function textPart(boundary: string, { name, value }: FormField): string {
  return `--${boundary}\r\nContent-Disposition: form-data; name="${escapeFieldName(normalizeLinefeeds(name))}"\r\n\r\n${normalizeLinefeeds(value)}\r\n`;
}

function escapeFieldName(name: string): string {
  return name.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
}

function normalizeLinefeeds(value: string): string {
  return value.replace(/\r?\n|\r/g, '\r\n');
}

export async function exchange(
  dispatcher: Dispatcher,
  method: Method,
  url: URL,
  headers: Record<string, string>,
  body: EncodedBody | undefined,
  timeoutMs: number,
  nowMs: number,
  now: () => number = Date.now,
  interrupt?: AbortSignal,
): Promise<AttemptOutcome> {
  // A streamed body (one with files) says when it has been read to its end.
  const streaming = { started: false, done: false };
  try {
    const sent = body?.open ? await body.open() : body ? { stream: body.bytes, contentType: body.contentType } : undefined;
    const stream = body?.open && sent ? watchedStream(sent.stream as AsyncIterable<Uint8Array>, streaming) : sent?.stream;
    const res = await dispatcher.send({
      method,
      url,
      headers: sent ? { ...headers, 'content-type': sent.contentType } : headers,
      ...(stream && { body: stream }),
      // The host's stop abandons the exchange as the timeout does (http.ts says which of the two it was).
      signal: interrupt ? AbortSignal.any([AbortSignal.timeout(timeoutMs), interrupt]) : AbortSignal.timeout(timeoutMs),
    });
    // The service counted the request before it answered: the rate limit's window is reckoned from here, not
    // from when the body has been read and parsed (a page of 100 test cases, slower on a loaded machine).
    const answeredAt = now();
    const text = await res.text();
    const { header } = res;
    const parsed = parseBody(text, header('content-type'));
    const rate = rateHeaders(header, nowMs);
    return {
      kind: 'answer',
      status: res.status,
      ...parsed,
      requestId: header('x-request-id') ?? header('x-tms-api-request-id'),
      retryAfter: header('retry-after'),
      retryAfterMs: parseRetryAfter(header('retry-after'), nowMs),
      rate,
      answeredAt,
    };
  } catch (thrown) {
    const cause = withoutFetchWrapper(thrown);
    const reason = describeNetworkError(cause, timeoutMs);
    const timedOut = reason.startsWith('timed out');
    const cutOff = streaming.started && !streaming.done && !timedOut && isConnectionDrop(cause);
    return {
      kind: 'no-answer',
      reason: cutOff ? `${reason} while the request's files were being sent` : reason,
      permanent: isPermanent(cause),
      timedOut,
      cutOff,
      cause,
    };
  }
}

/**
 * The spellings of the rate-limit headers, first found wins: the live service's `x-tms-api-*` (CONTRACT §3), then
 * the common `x-ratelimit-*` and the IETF draft's `ratelimit-*`, which a gateway in front of it may send instead
 * (§8: the client must work where the service differs).
 */
const RATE_HEADER_PREFIXES = ['x-tms-api-', 'x-ratelimit-', 'ratelimit-'];

/** What an answer's headers say about the rate limit's window; a spelling is taken whole, from the first prefix that has any. */
export function rateHeaders(header: (name: string) => string | undefined, nowMs: number): RateHeaders {
  const prefix = RATE_HEADER_PREFIXES.find((p) => ['limit', 'remaining', 'reset'].some((name) => header(p + name) !== undefined));
  const rate: RateHeaders = {};
  if (prefix === undefined) return rate;
  const number = (name: string): number | undefined => {
    // A draft-style value may carry parameters (`10;w=1`): the number is what comes first.
    const text = header(prefix + name)
      ?.split(/[;,]/)[0]
      ?.trim();
    const v = text ? Number(text) : NaN;
    return Number.isFinite(v) ? v : undefined;
  };
  const limit = number('limit');
  const remaining = number('remaining');
  const resetText = header(prefix + 'reset')
    ?.split(/[;,]/)[0]
    ?.trim();
  const resetMs = parseReset(resetText, nowMs);
  if (limit !== undefined && limit > 0) rate.limit = limit;
  if (remaining !== undefined) rate.remaining = remaining;
  if (resetMs !== undefined) rate.resetMs = resetMs;
  return rate;
}

/**
 * fetch wraps every network failure in `TypeError: fetch failed`, the failure itself as its cause: the cause is
 * what says what happened (ECONNREFUSED, a certificate refused, the other side closed), as undici's `request`
 * threw it.
 */
function withoutFetchWrapper(thrown: unknown): unknown {
  return thrown instanceof TypeError && thrown.message === 'fetch failed' && thrown.cause !== undefined ? thrown.cause : thrown;
}

async function* watchedStream(stream: AsyncIterable<Uint8Array>, state: { started: boolean; done: boolean }): AsyncIterable<Uint8Array> {
  state.started = true;
  for await (const chunk of stream) yield chunk;
  state.done = true;
}

/** The other side closed the connection (reset, broken pipe, "other side closed"). */
function isConnectionDrop(cause: unknown): boolean {
  const err = cause as { code?: string; cause?: { code?: string } } | undefined;
  const codes = [err?.code, err?.cause?.code];
  return codes.some((code) => code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'ECONNABORTED');
}

/**
 * A multipart body with files, written as it is sent: each file is read from disk in chunks while the request
 * goes out, so memory stays flat however large the files. The files are opened before the first byte (a file gone
 * since the plan fails the attempt at once, as before) and closed when the body ends or is abandoned (a cut-off).
 */
async function streamForm(parts: FormPart[]): Promise<{ stream: AsyncIterable<Uint8Array>; contentType: string }> {
  const boundary = newBoundary();
  const handles: FileHandle[] = [];
  try {
    for (const part of parts) if (isFile(part) && part.path !== undefined) handles.push(await open(part.path, 'r'));
  } catch (error) {
    await Promise.all(handles.map((h) => h.close()));
    throw error;
  }
  return { stream: formChunks(parts, boundary, handles), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function* formChunks(parts: FormPart[], boundary: string, handles: FileHandle[]): AsyncGenerator<Uint8Array> {
  let next = 0;
  try {
    for (const part of parts) {
      if (!isFile(part)) {
        yield UTF8.encode(textPart(boundary, part));
        continue;
      }
      yield UTF8.encode(filePartHead(boundary, part));
      if (part.path !== undefined) {
        const handle = handles[next++] as FileHandle;
        for await (const chunk of handle.createReadStream({ autoClose: false, start: 0 })) yield chunk as Uint8Array;
      } else {
        yield Buffer.from(part.base64 ?? '', 'base64');
      }
      yield UTF8.encode('\r\n');
    }
    yield UTF8.encode(`--${boundary}--\r\n`);
  } finally {
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
  }
}

/**
 * A file part's head as fetch writes a FormData's File: the file name escaped (and left out when empty), the type
 * as a Blob keeps it (lower-cased; dropped when it holds a character outside printable ASCII), else
 * `application/octet-stream`.
 */
function filePartHead(boundary: string, part: FormFile): string {
  const fileName = part.fileName ? `; filename="${escapeFieldName(part.fileName)}"` : '';
  const type = /^[\x20-\x7e]*$/.test(part.contentType) ? part.contentType.toLowerCase() : '';
  return `--${boundary}\r\nContent-Disposition: form-data; name="${escapeFieldName(normalizeLinefeeds(part.name))}"${fileName}\r\nContent-Type: ${type || 'application/octet-stream'}\r\n\r\n`;
}

function parseBody(text: string, contentType: string | undefined): { body: unknown; notJson?: { contentType: string; text: string } } {
  if (text.trim() === '') return { body: undefined };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { body: text, notJson: { contentType: (contentType ?? 'no content type').split(';')[0]?.trim() || 'no content type', text } };
  }
}

/** The service's own words: `message`, then `errors.message` / `errors.details` (its two error shapes). */
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

/** ENOTFOUND is a name that does not exist (EAI_AGAIN is the transient DNS failure); TLS refusals are settings. */
function isPermanent(cause: unknown): boolean {
  const err = cause as { code?: string; cause?: { code?: string } };
  const code = err?.code ?? err?.cause?.code ?? '';
  return code === 'ENOTFOUND' || /^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code) || (err?.cause?.code ?? '').startsWith('CERT_');
}

function describeNetworkError(cause: unknown, timeoutMs: number): string {
  const err = cause as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  if (err?.name === 'TimeoutError' || err?.code === 'UND_ERR_HEADERS_TIMEOUT' || err?.code === 'UND_ERR_BODY_TIMEOUT') {
    return `timed out after ${timeoutMs} ms`;
  }
  const code = err?.code ?? err?.cause?.code;
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return 'connection reset';
  // A proxy URL from the environment may carry credentials; undici's messages could quote it.
  return redactUrlsIn(code ? `${code}${err?.message ? `: ${err.message}` : ''}` : (err?.message ?? 'network error'));
}
