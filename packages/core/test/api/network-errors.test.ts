/**
 * Failures without an answer. Before the service has answered once, what says "this is not its address" (a
 * refused connection for 20 s, an unknown host, a TLS error, a closed connection) is a base URL to fix, named
 * within 30 s; after it has answered, a refused connection is an outage (a service restarting), retried until
 * the deadline. Every wait runs on a virtual clock: no test waits for real time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/api/http.js';
import { ApiError, exitCodeFor } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function selfSignedCertificate(): { key: string; cert: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tstm-cert-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

/** A clock that sleeping moves forward: the client's waits cost no real time. */
function virtualClock(): { now: () => number; sleep: (ms: number) => Promise<void>; elapsed: () => number } {
  let t = 1_000_000;
  const start = t;
  return { now: () => t, sleep: async (ms) => void (t += ms), elapsed: () => t - start };
}

function client(baseUrl: string, clock = virtualClock(), extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  return new HttpClient({
    baseUrl,
    token: 't0ken',
    timeoutMs: 2000,
    log: silentLogger,
    clock: { now: clock.now, sleep: clock.sleep, random: () => 0.5 },
    ...extra,
  });
}

async function failureOf(http: HttpClient): Promise<ApiError> {
  const error = await http.send({ method: 'GET', path: '/users', idempotent: true }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('failures without an answer on first contact', () => {
  it('tries a refused connection again for 20 s, then names the base URL setting (exit 2) with what was tried', async () => {
    const port = await freePort();
    const clock = virtualClock();
    const http = client(`http://127.0.0.1:${port}/api/v1`, clock, { baseUrlSettingName: '--base-url (or TESTSIGMA_BASE_URL)' });
    try {
      const error = await failureOf(http);
      expect(error.code).toBe('API_BASE_URL');
      expect(exitCodeFor(error)).toBe(2);
      expect(error.message).toMatch(
        new RegExp(
          `^GET /users failed with no answer\\. Nothing accepts connections at 127\\.0\\.0\\.1:${port}: a wrong host or port in the base URL, or the service is not running there\\. ` +
            `Check --base-url \\(or TESTSIGMA_BASE_URL\\) \\(now http://127\\.0\\.0\\.1:${port}/api/v1\\)\\. Tried GET http://127\\.0\\.0\\.1:${port}/api/v1/users \\d+ times over 20 s; ` +
            `the service has not answered since this started, so this is taken for a setting to fix, not an outage\\.$`,
        ),
      );
      expect(clock.elapsed()).toBe(20_000);
      expect(http.retries).toBeGreaterThan(3);
    } finally {
      await http.close();
    }
  });

  it('once the service has answered, retries a refused connection until the deadline, and says so', async () => {
    const server = createHttpServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const clock = virtualClock();
    const http = client(`http://127.0.0.1:${port}/api/v1`, clock, { deadlineMs: 60_000 });
    try {
      await http.send({ method: 'GET', path: '/users', idempotent: true });
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      const error = await failureOf(http);
      expect(error.code).toBe('API_UNREACHABLE');
      // Backoff is drawn at random here: the last wait may or may not start within a second of the deadline.
      expect(error.message).toMatch(
        new RegExp(
          `^GET /users failed with no answer\\. No answer from http://127\\.0\\.0\\.1:${port} \\((ECONNREFUSED|connection reset).*\\)\\. Gave up after \\d+ attempts over \\d+ s: (the next try, due in \\d+ s, would come after the deadline \\(--deadline 60 s\\)|the deadline \\(--deadline 60 s\\) passed)\\.`,
        ),
      );
      expect(clock.elapsed()).toBeGreaterThan(30_000);
    } finally {
      await http.close();
    }
  });

  it('names an unknown host at once (a .invalid name never resolves)', async () => {
    const clock = virtualClock();
    const http = client('http://tm-typo.invalid/api/v1', clock);
    try {
      const error = await failureOf(http);
      expect(error.code).toBe('API_BASE_URL');
      // ENOTFOUND at once; a runner without DNS says EAI_AGAIN, tried again for the first-contact time.
      expect(error.message).toMatch(
        /^GET \/users failed with no answer\. The host name tm-typo\.invalid (does not exist \(DNS: ENOTFOUND\): a typo in the base URL\?|could not be resolved \(DNS: EAI_AGAIN\))/,
      );
      expect(clock.elapsed()).toBeLessThanOrEqual(20_000);
    } finally {
      await http.close();
    }
  });

  it('names a TLS port addressed as http:// (the connection closes without an HTTP answer)', async () => {
    if (!certificate) return;
    const server = createHttpsServer(certificate, (req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const clock = virtualClock();
    const http = client(`http://127.0.0.1:${port}/api/v1`, clock);
    try {
      const error = await failureOf(http);
      expect(error.code).toBe('API_BASE_URL');
      expect(error.message).toContain(
        `127.0.0.1:${port} closed the connection without an HTTP answer: a TLS port addressed as http:// (try https://), or not an HTTP service. Check --base-url`,
      );
      expect(clock.elapsed()).toBeLessThanOrEqual(20_000);
    } finally {
      await http.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  const certificate = selfSignedCertificate();
  it.skipIf(!certificate)('names a certificate it refuses at once, without retrying (openssl makes the certificate)', async () => {
    let connections = 0;
    const server = createHttpsServer(certificate!, (req, res) => res.end('{}'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const http = client(`https://127.0.0.1:${port}/api/v1`);
    try {
      const error = await failureOf(http);
      expect(error.code).toBe('API_BASE_URL');
      expect(error.message).toMatch(
        /^GET \/users failed with no answer\. The TLS handshake with 127\.0\.0\.1:\d+ failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\): an http:\/\/ service addressed as https:\/\/, a proxy that replaces certificates/,
      );
      expect(http.retries).toBe(0);
      expect(connections).toBe(1);
    } finally {
      await http.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
