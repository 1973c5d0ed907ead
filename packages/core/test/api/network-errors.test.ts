/**
 * Failures without an answer: a refused connection may be a service restarting, so it is retried until the
 * deadline; a certificate the client refuses is a setting to fix, so it is reported at once.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/api/http.js';
import { ApiError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { VirtualClock } from '../virtual-clock.js';

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

describe('failures without an answer', () => {
  it('retries a refused connection until the deadline, and says so', async () => {
    const port = await freePort();
    const http = new HttpClient({
      baseUrl: `http://127.0.0.1:${port}/api/v1`,
      token: 't0ken',
      timeoutMs: 1000,
      deadlineMs: 1200,
      log: silentLogger,
      retry: { baseDelayMs: 50, maxDelayMs: 100 },
      // The deadline and the backoff on virtual time: the same attempts, and "over 1 s", on a busy machine too.
      clock: new VirtualClock(),
    });
    try {
      const error = (await http.send({ method: 'GET', path: '/users', idempotent: true }).catch((e: unknown) => e)) as ApiError;
      expect(error.code).toBe('API_UNREACHABLE');
      expect(error.message).toMatch(
        new RegExp(
          `^GET /users failed with no answer\\. No answer from http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED.*\\)\\. Gave up after \\d+ attempts over 1 s: the deadline \\(--deadline 1 s\\) passed\\.`,
        ),
      );
      expect(http.retries).toBeGreaterThan(3);
    } finally {
      await http.close();
    }
  });

  const certificate = selfSignedCertificate();
  it.skipIf(!certificate)('reports a certificate it refuses at once, without retrying (openssl makes the certificate)', async () => {
    let connections = 0;
    const server = createHttpsServer(certificate!, (req, res) => res.end('{}'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const http = new HttpClient({
      baseUrl: `https://127.0.0.1:${port}/api/v1`,
      token: 't0ken',
      timeoutMs: 2000,
      log: silentLogger,
      retry: { baseDelayMs: 10, maxDelayMs: 20 },
    });
    try {
      const error = (await http.send({ method: 'GET', path: '/users', idempotent: true }).catch((e: unknown) => e)) as ApiError;
      expect(error).toBeInstanceOf(ApiError);
      expect(error.message).toMatch(
        /^GET \/users failed with no answer\. No answer from https:\/\/127\.0\.0\.1:\d+ \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/,
      );
      expect(http.retries).toBe(0);
      expect(connections).toBe(1);
    } finally {
      await http.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
