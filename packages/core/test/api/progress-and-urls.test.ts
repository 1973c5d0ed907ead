/**
 * What a person sees while the client waits, and that no URL it prints carries credentials. The waiting lines
 * run on the client's clock: virtual here, so a request that hangs for 11 s takes no real time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/api/http.js';
import type { HttpEvent } from '../../src/api/progress.js';
import { redactUrl, redactUrlsIn } from '../../src/api/url.js';
import { ApiError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { VirtualClock } from '../virtual-clock.js';
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

  it('a request that hangs is reported every 5 s of the clock while it hangs, without the credentials of the URL', async () => {
    const clock = new VirtualClock();
    const events: HttpEvent[] = [];
    const http = new HttpClient({
      baseUrl: 'http://ci-user:hunter2@tm.example.test/api/v1',
      token: 'tok-secret-123',
      timeoutMs: 11_000,
      deadlineMs: 11_100,
      log: silentLogger,
      onEvent: (e) => events.push({ ...e }),
      clock,
      // A host that takes the request and never answers: the exchange ends at its timeout, as undici's does.
      transport: async ({ timeoutMs }) => {
        await clock.sleep(timeoutMs);
        return { kind: 'no-answer', reason: `timed out after ${timeoutMs} ms`, permanent: false, timedOut: true, cutOff: false, cause: new Error('timeout') };
      },
    });
    const started = clock.now();
    const error = (await http.send({ method: 'GET', path: '/projects', idempotent: true }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(
      'GET /projects failed with no answer. No answer from http://tm.example.test (timed out after 11000 ms). Gave up after 1 attempt over 11 s: the deadline (--deadline 11 s) passed. Check the base URL and the network (and HTTPS_PROXY / NO_PROXY if a proxy is needed); the service may be down.',
    );
    // While it hung: at 5 s and at 10 s of the client's clock, not after the timeout.
    expect(events.map((e) => [e.elapsedMs, e.message])).toEqual([
      [5_000, 'waiting for GET http://tm.example.test/api/v1/projects: no answer for 5 s, attempt 1'],
      [10_000, 'waiting for GET http://tm.example.test/api/v1/projects: no answer for 10 s, attempt 1'],
    ]);
    expect(clock.now() - started).toBe(11_000);
    expect(JSON.stringify(events)).not.toMatch(/hunter2|ci-user|tok-secret/);
  });

  it("a real host that accepts connections but never answers ends at undici's timeout, named without the URL's credentials", async () => {
    host = await startSilentHost();
    const http = new HttpClient({
      baseUrl: host.url.replace('http://', 'http://ci-user:hunter2@'),
      token: 'tok-secret-123',
      // The shortest wait that shows the real transport's timeout; nothing here measures it.
      timeoutMs: 100,
      deadlineMs: 100,
      log: silentLogger,
    });
    try {
      const error = (await http.send({ method: 'GET', path: '/projects', idempotent: true }).catch((e: unknown) => e)) as ApiError;
      expect(error).toBeInstanceOf(ApiError);
      expect(error.message).toContain(`GET /projects failed with no answer. No answer from ${host.origin} (timed out after 100 ms). Gave up after 1 attempt`);
      expect(error.message).not.toMatch(/hunter2|ci-user|tok-secret/);
    } finally {
      await http.close();
    }
  });
});
