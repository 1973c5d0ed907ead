/**
 * The sender used when no proxy is set: one request over `node:http` / `node:https`, on an Agent of the client's
 * own (kept-alive connections, destroyed when the client closes, so that no idle socket outlives the upload).
 *
 * Why not Node's own `fetch`: a reporter uploads at the end of the test run it reports on, and everything it loads
 * stays until that process ends. Reading `fetch` (or `Response`, `FormData`) makes Node load its built-in undici,
 * Web streams, `zlib`, `tls` and `http2` behind it (~10 ms, ~17 MB), and the process takes longer to end after it;
 * `node:http` is already in Node's snapshot and `node:https` is loaded only for an https URL. With a proxy, the npm
 * undici sends instead (transport.ts): the proxy rules (NO_PROXY included) stay its agent's to apply.
 *
 * What `fetch` did that the client relies on is kept: no redirect is followed (a redirect is the answer), the body
 * is decoded when the service compresses it, multiple header values are joined with ", ", a timeout rejects with
 * the signal's reason (a `TimeoutError`), and a network failure rejects with Node's own error (its `code` says
 * what happened). Node's errors name a header whose value it refuses, never the value: the token stays out of them.
 */
import type { Agent as HttpAgent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { Transform } from 'node:stream';
import type * as Zlib from 'node:zlib';
import type { Dispatcher, WireAnswer, WireRequest } from './dispatcher.js';

type RequestFunction = (url: URL, options: RequestOptions, callback: (res: IncomingMessage) => void) => ClientRequest;

interface Sender {
  request: RequestFunction;
  agent: HttpAgent;
}

/** What the service may compress an answer with; each is decoded below. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * How long an idle connection is kept for the next request: undici's default (4 s), under the 5 s after which
 * Node's servers and most proxies close one. Reusing a connection the service is closing at that moment fails the
 * request with a reset, so the client lets it go first. A service that announces a shorter `Keep-Alive: timeout`
 * shortens it (Node's Agent takes the announced time less a second).
 */
const IDLE_CONNECTION_MS = 4_000;

export function nodeHttpDispatcher(): Dispatcher {
  // One Agent per scheme, made on first use: an http-only run (a loopback emulator) never loads TLS.
  const senders = new Map<string, Sender>();
  const senderFor = (protocol: string): Sender => {
    let sender = senders.get(protocol);
    if (!sender) {
      // Looked up, not imported: a client that never sends (a dry run's plan, a reporter sitting the run out) loads
      // neither, and `node:https` (TLS) only for an https URL.
      const mod = protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
      sender = { request: mod.request as RequestFunction, agent: new mod.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS, scheduling: 'lifo' }) };
      senders.set(protocol, sender);
    }
    return sender;
  };
  return {
    send: (request) => send(senderFor(request.url.protocol), request),
    close: async () => {
      for (const sender of senders.values()) sender.agent.destroy();
      senders.clear();
    },
  };
}

function send({ request, agent }: Sender, wire: WireRequest): Promise<WireAnswer> {
  const { signal } = wire;
  return new Promise<WireAnswer>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const headers: Record<string, string | number> = { 'accept-encoding': ACCEPT_ENCODING, ...wire.headers };
    if (wire.body instanceof Uint8Array) headers['content-length'] = wire.body.byteLength;
    const req = request(wire.url, { method: wire.method, headers, agent }, (res) => {
      resolve({
        status: res.statusCode ?? 0,
        header: (name) => headerValue(res.headers[name]),
        text: () => readText(res, signal),
      });
    });
    // The signal covers the whole exchange, the answer's body included (fetch's `signal`): the request is
    // destroyed with its reason, which the body's reader and this promise then reject with.
    const onAbort = (): void => void req.destroy(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    req.once('close', () => signal.removeEventListener('abort', onAbort));
    req.once('error', (error) => reject(signal.aborted ? signal.reason : error));
    if (wire.body === undefined) req.end();
    else if (wire.body instanceof Uint8Array) req.end(wire.body);
    else writeStream(req, wire.body);
  });
}

/** A streamed body (one with files), written as it is read, with the socket's back-pressure respected. */
function writeStream(req: ClientRequest, body: AsyncIterable<Uint8Array>): void {
  void (async () => {
    try {
      for await (const chunk of body) {
        if (req.destroyed) return;
        if (!req.write(chunk)) await drainedOrClosed(req);
      }
      if (!req.destroyed) req.end();
    } catch (error) {
      req.destroy(error as Error);
    }
  })();
}

function drainedOrClosed(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

/** Node gives a repeated header as an array (set-cookie); `Headers.get` joined them with ", ". */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The whole body as text (UTF-8, a leading BOM dropped as `Response.text()` does), decompressed when it came so. */
async function readText(res: IncomingMessage, signal: AbortSignal): Promise<string> {
  const decoders = res.statusCode === 204 || res.statusCode === 304 ? [] : decodersFor(headerValue(res.headers['content-encoding']));
  let source: AsyncIterable<Buffer> = res;
  if (decoders.length > 0) {
    const { pipeline } = process.getBuiltinModule('node:stream');
    // pipeline destroys every stage when one fails (a reset connection, a corrupt body): the loop below rejects.
    source = pipeline([res, ...decoders], () => undefined) as unknown as AsyncIterable<Buffer>;
  }
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of source) chunks.push(chunk);
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  }
  if (signal.aborted) throw signal.reason;
  const text = Buffer.concat(chunks).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The decoders of a `Content-Encoding`, as fetch makes them: codings undone last first, leniently (a body cut a
 * few bytes short still decodes, as cURL and browsers accept it), a `deflate` body with or without its zlib header;
 * none when a coding is unknown (the body is taken as it came) or more than five are listed (the body fails).
 */
function decodersFor(contentEncoding: string | undefined): Transform[] {
  const codings = contentEncoding
    ? contentEncoding
        .toLowerCase()
        .split(',')
        .map((coding) => coding.trim())
    : [];
  if (codings.length > 5) throw new Error(`too many content-encodings in response: ${codings.length}, maximum allowed is 5`);
  if (codings.length === 0 || !codings.every((coding) => coding === 'gzip' || coding === 'x-gzip' || coding === 'deflate' || coding === 'br')) return [];
  const zlib = process.getBuiltinModule('node:zlib');
  const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  return codings.reverse().map((coding) => {
    if (coding === 'br')
      return zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    if (coding === 'deflate') return inflateEitherForm(zlib, lenient);
    return zlib.createGunzip(lenient);
  });
}

/** `deflate` as servers send it: zlib-wrapped (as the standard says) or raw; the first byte tells them apart. */
function inflateEitherForm(zlib: typeof Zlib, options: Zlib.ZlibOptions): Transform {
  const { Transform: TransformStream } = process.getBuiltinModule('node:stream');
  let inflate: Zlib.Inflate | Zlib.InflateRaw | undefined;
  return new TransformStream({
    transform(chunk: Buffer, _encoding, callback) {
      if (!inflate) {
        if (chunk.length === 0) return callback();
        inflate = (chunk[0]! & 0x0f) === 0x08 ? zlib.createInflate(options) : zlib.createInflateRaw(options);
        inflate.on('data', (data: Buffer) => this.push(data));
        inflate.on('error', (error) => this.destroy(error));
      }
      inflate.write(chunk, callback);
    },
    flush(callback) {
      if (!inflate) return callback();
      inflate.once('end', () => callback());
      inflate.end();
    },
  });
}
