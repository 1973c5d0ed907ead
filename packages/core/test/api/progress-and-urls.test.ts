/**
 * What a person sees while the client waits, and that no URL it prints carries credentials.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/api/http.js';
import type { HttpEvent } from '../../src/api/progress.js';
import { redactUrl, redactUrlsIn } from '../../src/api/url.js';
import { ApiError } from '../../src/errors.js';
import { startSilentHost, type Running } from './servers.js';

describe('redactUrl', () => {
  it('hides user name and password, keeps the rest', () => {
    expect(redactUrl('https://user:s3cret@tm.example.com/api/v1?x=1')).toBe('https://***@tm.example.com/api/v1?x=1');
    expect(redactUrl('https://token-only@tm.example.com/')).toBe('https://***@tm.example.com/');
    expect(redactUrl(new URL('http://a:b@127.0.0.1:8080/p'))).toBe('http://***@127.0.0.1:8080/p');
    expect(redactUrl('https://tm.example.com/api/v1')).toBe('https://tm.example.com/api/v1');
  });

  it('hides credentials in text that is not a URL, and in every URL inside a message', () => {
    expect(redactUrl('https://user:pa ss@exa mple')).toBe('https://***@exa mple');
    expect(redactUrlsIn('base URL "https://u:p@h/api" and http://x:y@proxy:3128 are wrong')).toBe(
      'base URL "https://***@h/api" and http://***@proxy:3128 are wrong',
    );
    expect(redactUrlsIn('no credentials in https://h/a@b')).toBe('no credentials in https://h/a@b');
  });
});

describe('waiting lines', () => {
  let host: Running | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('a host that accepts connections but never answers is reported while it hangs, without the credentials of the URL', { timeout: 20_000 }, async () => {
    host = await startSilentHost();
    const events: HttpEvent[] = [];
    const http = new HttpClient({
      baseUrl: host.url.replace('http://', 'http://ci-user:hunter2@'),
      token: 'tok-secret-123',
      timeoutMs: 6_500,
      deadlineMs: 6_600,
      log: { debug() {}, info() {}, warn() {}, error() {} },
      onEvent: (e) => events.push(e),
    });
    try {
      const error = (await http.send({ method: 'GET', path: '/projects', idempotent: true }).catch((e: unknown) => e)) as ApiError;
      expect(error).toBeInstanceOf(ApiError);
      // The timeout and the progress timer are real here (undici's timeout, a 5 s interval): on a busy machine the
      // seconds shown can run one over, so they are matched as numbers, the rest exactly.
      const [before, after] = [
        `GET /projects failed with no answer. No answer from ${host.origin} (timed out after 6500 ms). Gave up after 1 attempt over `,
        ` s: the deadline (--deadline 7 s) passed. Check the base URL and the network (and HTTPS_PROXY / NO_PROXY if a proxy is needed); the service may be down.`,
      ];
      expect(error.message.startsWith(before) && error.message.endsWith(after), error.message).toBe(true);
      expect(error.message.slice(before.length, -after.length)).toMatch(/^\d+$/);
    } finally {
      await http.close();
    }
    // Reported while the request hung (about 5 s into a 6.5 s timeout), which the message itself says.
    expect(events).toHaveLength(1);
    expect(events[0]?.message).toMatch(new RegExp(`^waiting for GET ${host.url.replace(/[.]/g, '\\.')}/projects: no answer for [56] s, attempt 1$`));
    expect(JSON.stringify(events)).not.toMatch(/hunter2|ci-user|tok-secret/);
  });
});
