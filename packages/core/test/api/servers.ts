/**
 * Loopback servers for the HTTP layer's tests, beside the emulator: a pass-through that can change one
 * route's answer (for answers the emulator never gives: HTML pages, fields missing), a host that accepts
 * connections and never answers, and a forward proxy that counts what goes through it.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

interface Tampered {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

/** Decide per request: undefined passes the emulator's answer through; a function rewrites its JSON. */
export type Tamper = (method: string, path: string, query: URLSearchParams) => Tampered | ((json: unknown) => unknown) | undefined;

export interface Running {
  url: string;
  origin: string;
  close(): Promise<void>;
}

function listen(server: Server | NetServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closing(server: Server | NetServer, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function track(server: Server | NetServer): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Forwards every request to `upstreamOrigin`; `tamper` may replace or rewrite an answer; `holdRequest` delays forwarding (a slow service). */
export async function startTamperingProxy(
  upstreamOrigin: string,
  tamper: Tamper,
  holdRequest: (method: string, path: string) => number | Promise<void> = () => 0,
): Promise<Running> {
  const upstream = new URL(upstreamOrigin);
  const server = createServer((req, res) => void answer(req, res));
  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const url = new URL(req.url ?? '/', upstreamOrigin);
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const change = tamper(req.method ?? 'GET', path, url.searchParams);
    if (change && typeof change !== 'function') {
      const text = typeof change.body === 'string' ? change.body : change.body === undefined ? '' : JSON.stringify(change.body);
      res.writeHead(change.status ?? 200, {
        'x-request-id': 'tampered-1',
        ...(typeof change.body === 'string' ? {} : { 'content-type': 'application/json' }),
        ...change.headers,
      });
      res.end(text);
      return;
    }
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (reply) => {
      void readAll(reply).then((received) => {
        let out = received;
        const headers = { ...reply.headers };
        if (change) {
          out = Buffer.from(JSON.stringify(change(JSON.parse(out.toString('utf8')))));
          headers['content-length'] = String(out.length);
        }
        res.writeHead(reply.statusCode ?? 502, headers);
        res.end(out);
      });
    });
    forward.on('error', () => res.destroy());
    // Held requests are still forwarded after the client gave up: a slow service finishes what it started.
    // A promise holds the request until the test releases it: an event, not a window of time.
    const hold = holdRequest(req.method ?? 'GET', path);
    if (typeof hold !== 'number') void hold.then(() => forward.end(body));
    else if (hold > 0) setTimeout(() => forward.end(body), hold);
    else forward.end(body);
  }
  const sockets = track(server);
  const port = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, url: `http://127.0.0.1:${port}/api/v1`, close: closing(server, sockets) };
}

/** Accepts connections, reads what comes, never answers. */
export async function startSilentHost(): Promise<Running> {
  const server = createNetServer((socket) => socket.on('data', () => undefined));
  const sockets = track(server);
  const port = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, url: `http://127.0.0.1:${port}/api/v1`, close: closing(server, sockets) };
}

/** An HTTP proxy: CONNECT tunnels and absolute-form requests, each counted. */
export async function startCountingProxy(): Promise<Running & { tunnels: string[]; forwarded: string[] }> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const server = createServer((req, res) => {
    forwarded.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '/');
    const forward = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  const sockets = track(server);
  const port = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, url: `http://127.0.0.1:${port}`, tunnels, forwarded, close: closing(server, sockets) };
}
