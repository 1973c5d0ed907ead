/**
 * The sender used when no proxy is set: one request over `node:http` / `node:https`, on an Agent of the client's
 * own (kept-alive connections, destroyed when the client closes, so that no idle socket outlives the upload).
 *
 * Why not Node's own `fetch`: a reporter uploads at the end of the test run it reports on, and everything it loads
 * stays until that process ends. Reading `fetch` (or `Response`, `FormData`) makes Node load its built-in undici,
 * ~10 ms and ~17 MB, and the process takes longer to end after it; `node:http` is already in Node's snapshot and
 * `node:https` is loaded only for an https URL. With a proxy, the npm undici sends instead (transport.ts): the
 * proxy rules (NO_PROXY included) stay its agent's to apply.
 *
 * What `fetch` did that the client relied on is kept: no redirect is followed (a redirect is the answer), the body
 * is decoded when the service compresses it, multiple header values are joined with ", ", a timeout rejects with
 * the signal's reason (a `TimeoutError`), and a network failure rejects with Node's own error (its `code` says
 * what happened).
 */
import type { Agent as HttpAgent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { Dispatcher, WireAnswer, WireRequest } from './transport.js';

type RequestFunction = (url: URL, options: RequestOptions, callback: (res: IncomingMessage) => void) => ClientRequest;

interface Sender {
  request: RequestFunction;
  agent: HttpAgent;
}

/** What the service may compress an answer with, as fetch asks for it. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

export function nodeHttpDispatcher(): Dispatcher {
  // One Agent per scheme, made on first use: an http-only run (a loopback emulator) never loads TLS.
  const senders = new Map<string, Promise<Sender>>();
  const senderFor = (protocol: string): Promise<Sender> => {
    let sender = senders.get(protocol);
    if (!sender) {
      sender = (protocol === 'https:' ? import('node:https') : import('node:http')).then((mod) => ({
        request: mod.request as RequestFunction,
        agent: new mod.Agent({ keepAlive: true }),
      }));
      senders.set(protocol, sender);
    }
    return sender;
  };
  return {
    send: async (request) => send(await senderFor(request.url.protocol), request),
    close: async () => {
      for (const sender of senders.values()) (await sender).agent.destroy();
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
  const encoding = (headerValue(res.headers['content-encoding']) ?? '').trim().toLowerCase();
  let source: AsyncIterable<Buffer> = res;
  if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate' || encoding === 'br') {
    const zlib = await import('node:zlib');
    const decoder = encoding === 'br' ? zlib.createBrotliDecompress() : encoding === 'deflate' ? zlib.createInflate() : zlib.createGunzip();
    res.once('error', (error) => decoder.destroy(error));
    source = res.pipe(decoder);
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
