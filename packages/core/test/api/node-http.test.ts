/**
 * The sender used without a proxy (`node:http` / `node:https`, api/node-http.ts) against loopback servers: what
 * Node's `fetch` did for the client is still done (compressed answers decoded, no redirect followed, repeated
 * headers joined, a body that stalls ends at the timeout, connections kept alive and closed with the client, a
 * TLS service reached through the CA store), bodies with files are encoded byte for byte as fetch encodes a
 * FormData, and an upload over http loads neither Node's undici nor TLS (a child process tells which of Node's
 * modules it loaded).
 */
import { execFile } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from '../../src/api/dispatcher.js';
import { selfSignedCertificate } from '../self-signed.js';
import { encodeBody, exchange, makeDispatcher, type FormPart } from '../../src/api/transport.js';

const TRANSPORT_DIST = fileURLToPath(new URL('../../dist/api/transport.js', import.meta.url));

let server: Server | undefined;
let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.close();
  dispatcher = undefined;
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function serve(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: URL; connections: () => number }> {
  let connections = 0;
  server = createServer(answer);
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/x`), connections: () => connections };
}

async function get(url: URL, timeoutMs = 2000) {
  dispatcher ??= await makeDispatcher(timeoutMs, undefined);
  return exchange(dispatcher, 'GET', url, { accept: 'application/json' }, undefined, timeoutMs, Date.now());
}

describe('answers as fetch read them', () => {
  const json = '{"message":"über"}';
  it.each([
    ['gzip', gzipSync(json)],
    ['x-gzip', gzipSync(json)],
    ['deflate', deflateSync(json)],
    ['deflate', deflateRawSync(json)],
    ['br', brotliCompressSync(json)],
    ['deflate, gzip', gzipSync(deflateSync(json))],
    ['GZIP', gzipSync(json)],
  ])('decodes a body sent with content-encoding %s', async (encoding, bytes) => {
    const { url } = await serve((req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding }).end(bytes));
    expect(await get(url)).toMatchObject({ kind: 'answer', status: 200, body: { message: 'über' } });
  });

  it('asks for the encodings it decodes, and takes a body in an unknown one as it came', async () => {
    let asked: string | undefined;
    const { url } = await serve((req, res) => {
      asked = req.headers['accept-encoding'];
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'identity-ish' }).end('{"a":1}');
    });
    expect(await get(url)).toMatchObject({ kind: 'answer', body: { a: 1 } });
    expect(asked).toBe('gzip, deflate, br');
  });

  it('drops a leading byte order mark, as Response.text() does', async () => {
    const { url } = await serve((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('\ufeff{"a":2}'));
    expect(await get(url)).toMatchObject({ kind: 'answer', body: { a: 2 } });
  });

  it('takes a redirect as the answer, without following it', async () => {
    const { url } = await serve((req, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end());
    expect(await get(url)).toMatchObject({ kind: 'answer', status: 302, body: undefined });
  });

  it('joins a repeated header with ", "', async () => {
    const { url } = await serve((req, res) =>
      res
        .writeHead(200, [
          ['x-request-id', 'a'],
          ['x-request-id', 'b'],
        ])
        .end(),
    );
    expect(await get(url)).toMatchObject({ kind: 'answer', requestId: 'a, b' });
  });

  it('ends at the timeout when the head came but the body stalls', async () => {
    const { url } = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"a":');
    });
    // The shortest wait that shows the timeout covers the body; nothing here measures it.
    expect(await get(url, 100)).toMatchObject({ kind: 'no-answer', reason: 'timed out after 100 ms', timedOut: true, permanent: false });
  });

  it('refuses a token Node cannot send in a header without quoting it', async () => {
    const { url } = await serve((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    dispatcher = await makeDispatcher(2000, undefined);
    for (const token of ['sec\nret-TOKEN', 'sec€ret-TOKEN', 'secret-TOKEN\u0000']) {
      const outcome = await exchange(dispatcher, 'GET', url, { authorization: `Bearer ${token}` }, undefined, 2000, Date.now());
      expect(outcome).toMatchObject({ kind: 'no-answer', reason: 'ERR_INVALID_CHAR: Invalid character in header content ["authorization"]' });
      expect(JSON.stringify(outcome)).not.toContain('TOKEN');
      expect(String((outcome as { cause?: Error }).cause?.stack)).not.toContain('TOKEN');
    }
  });

  it('keeps one connection alive for requests in turn, and closes it with the client', async () => {
    const closes: Promise<void>[] = [];
    const { url, connections } = await serve((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    server!.on('connection', (socket) => closes.push(new Promise((resolve) => socket.once('close', () => resolve()))));
    for (let i = 0; i < 3; i++) expect(await get(url)).toMatchObject({ kind: 'answer', status: 200 });
    expect(connections()).toBe(1);
    await dispatcher!.close();
    dispatcher = undefined;
    // The server sees the idle connection end because the client closed it (the server keeps it open 5 s).
    await Promise.all(closes);
    expect(closes).toHaveLength(1);
  });
});

describe('a body with files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tstm-node-http-'));
    return () => rm(dir, { recursive: true, force: true });
  });

  /** What fetch sends for the same FormData (files as file-backed Blobs), its random boundary put back to `boundary`. */
  async function asFetchEncodesIt(parts: FormPart[], boundary: string): Promise<Buffer> {
    const form = new FormData();
    for (const part of parts) {
      if (!('fileName' in part)) form.append(part.name, part.value);
      else if (part.path !== undefined) form.append(part.name, await openAsBlob(part.path, { type: part.contentType }), part.fileName);
      else form.append(part.name, new Blob([Buffer.from(part.base64 ?? '', 'base64')], { type: part.contentType }), part.fileName);
    }
    const response = new Response(form);
    const theirs = /boundary=(.+)$/.exec(response.headers.get('content-type') ?? '')![1]!;
    return Buffer.from(
      Buffer.from(await response.arrayBuffer())
        .toString('latin1')
        .split(theirs)
        .join(boundary),
      'latin1',
    );
  }

  it('is encoded byte for byte as fetch encodes the FormData, files read from disk', async () => {
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    await writeFile(join(dir, 'shot.png'), binary);
    await writeFile(join(dir, 'empty.txt'), '');
    const parts: FormPart[] = [
      { name: 'data', value: '{"results":[{"a":"line\none\r\ntwo\rthree ü"}]}' },
      { name: 'attachments_0_0', fileName: 'shot "1".png', contentType: 'image/PNG', path: join(dir, 'shot.png') },
      { name: 'attachments_0_1', fileName: 'log\nfile.txt', contentType: 'text/plain; charset=utf-8', base64: Buffer.from('héllo\n').toString('base64') },
      { name: 'attachments\r\n_0_2', fileName: 'empty.txt', contentType: '', path: join(dir, 'empty.txt') },
      { name: 'attachments_0_3', fileName: 'x.bin', contentType: 'tëxt/odd', base64: 'AAEC' },
      { name: 'attachments_0_4', fileName: '', contentType: 'application/json', base64: 'e30=' },
    ];
    const encoded = await encodeBody(parts, undefined);
    const opened = await encoded!.open!();
    const boundary = /^multipart\/form-data; boundary=(----formdata-undici-0\d{11})$/.exec(opened.contentType)?.[1];
    expect(boundary).toBeDefined();
    const chunks: Uint8Array[] = [];
    for await (const chunk of opened.stream) chunks.push(chunk);
    const ours = Buffer.concat(chunks);
    const theirs = await asFetchEncodesIt(parts, boundary!);
    expect(ours.length).toBe(theirs.length);
    expect(ours.equals(theirs)).toBe(true);
  });

  it('reaches the service whole over node:http, sent as it is read', async () => {
    const content = Buffer.alloc(3 * 1024 * 1024, 7);
    await writeFile(join(dir, 'big.bin'), content);
    let received: Buffer | undefined;
    let contentType: string | undefined;
    const { url } = await serve((req, res) => {
      contentType = req.headers['content-type'];
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received = Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    const parts: FormPart[] = [
      { name: 'data', value: '{}' },
      { name: 'attachments_0_0', fileName: 'big.bin', contentType: 'application/octet-stream', path: join(dir, 'big.bin') },
    ];
    dispatcher = await makeDispatcher(5000, undefined);
    const outcome = await exchange(dispatcher, 'POST', url, {}, await encodeBody(parts, undefined), 5000, Date.now());
    expect(outcome).toMatchObject({ kind: 'answer', status: 200 });
    const boundary = /boundary=(.+)$/.exec(contentType ?? '')![1]!;
    expect(received!.equals(await asFetchEncodesIt(parts, boundary))).toBe(true);
  });
});

/** Runs the built transport in a child process: one exchange per URL, then the modules Node loaded, as JSON. */
function inChild(urls: string[], env: NodeJS.ProcessEnv = {}): Promise<{ outcomes: unknown[]; modules: string[] }> {
  const script = `
    const { makeDispatcher, exchange } = await import(${JSON.stringify(new URL(`file://${TRANSPORT_DIST}`).href)});
    const before = new Set(process.moduleLoadList);
    const dispatcher = await makeDispatcher(5000, undefined);
    const outcomes = [];
    for (const url of ${JSON.stringify(urls)}) {
      const o = await exchange(dispatcher, 'GET', new URL(url), { authorization: 'Bearer secret-token' }, undefined, 5000, Date.now());
      outcomes.push({ kind: o.kind, status: o.status, body: o.body, reason: o.reason });
    }
    await dispatcher.close();
    const modules = process.moduleLoadList.filter((m) => !before.has(m));
    process.stdout.write(JSON.stringify({ outcomes, modules }));
  `;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as { outcomes: unknown[]; modules: string[] }),
    );
  });
}

describe('the sender in a process of its own (the built transport)', () => {
  it('loads neither fetch (Node undici), Web streams nor TLS for an upload over http', async () => {
    const { url } = await serve((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    const { outcomes, modules } = await inChild([url.href, url.href]);
    expect(outcomes).toEqual([
      { kind: 'answer', status: 200, body: { ok: true } },
      { kind: 'answer', status: 200, body: { ok: true } },
    ]);
    expect(modules.filter((m) => /undici|webstreams|\btls\b|_tls_|http2|zlib|crypto/.test(m))).toEqual([]);
  });

  const certificate = selfSignedCertificate();
  it.skipIf(!certificate)('reaches an https service whose certificate the CA store trusts, on one kept-alive TLS connection', async () => {
    let handshakes = 0;
    const https = createHttpsServer({ key: certificate!.key, cert: certificate!.cert }, (req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ auth: req.headers.authorization === 'Bearer secret-token' })),
    );
    https.on('secureConnection', () => handshakes++);
    server = https as unknown as Server;
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(https.address() as AddressInfo).port}/api/v1/projects`;
    const trusted = await inChild([url, url], { NODE_EXTRA_CA_CERTS: certificate!.certPath });
    expect(trusted.outcomes).toEqual([
      { kind: 'answer', status: 200, body: { auth: true } },
      { kind: 'answer', status: 200, body: { auth: true } },
    ]);
    expect(handshakes).toBe(1);
    const refused = await inChild([url]);
    expect(refused.outcomes).toEqual([{ kind: 'no-answer', reason: expect.stringMatching(/^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/) }]);
    expect(JSON.stringify(refused)).not.toContain('secret-token');
  });
});
