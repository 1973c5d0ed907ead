/**
 * The client encodes what it sends by hand where fetch's own encoders cost more than the rest of a request: a
 * multipart body of text fields, and the query of a path under the base URL. Both must be byte for byte what the
 * standard encoders make, names and values with quotes, line breaks, non-ASCII and lone surrogates included.
 */
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/api/http.js';
import { encodeBody } from '../../src/api/transport.js';
import { silentLogger } from '../../src/log.js';

const AWKWARD = [
  'data',
  'plain',
  'with "quotes"',
  'line\nfeed',
  'carriage\rreturn',
  'both\r\nkinds\n\r',
  'ünïcödé ✓ 𝄞',
  'lone \ud800 surrogate',
  '',
  '%0A already',
];

/** What fetch sends for a FormData of these text fields, the random boundary put back to `boundary`. */
async function asFetchEncodesIt(fields: { name: string; value: string }[], boundary: string): Promise<string> {
  const form = new FormData();
  for (const { name, value } of fields) form.append(name, value);
  const response = new Response(form);
  const theirs = /boundary=(.+)$/.exec(response.headers.get('content-type') ?? '')![1]!;
  return Buffer.from(await response.arrayBuffer())
    .toString('latin1')
    .split(theirs)
    .join(boundary);
}

describe('a multipart body of text fields', () => {
  it('is byte for byte what fetch makes of the same FormData', async () => {
    const fields = AWKWARD.map((name, i) => ({ name, value: AWKWARD[(i + 3) % AWKWARD.length]! }));
    const encoded = await encodeBody(fields, undefined);
    const boundary = /^multipart\/form-data; boundary=(----formdata-undici-0\d{11})$/.exec(encoded!.contentType!)?.[1];
    expect(boundary).toBeDefined();
    expect(Buffer.from(encoded!.bytes!).toString('latin1')).toBe(await asFetchEncodesIt(fields, boundary!));
  });

  it('draws a new boundary for each body', async () => {
    const [a, b] = await Promise.all([encodeBody([{ name: 'data', value: '{}' }], undefined), encodeBody([{ name: 'data', value: '{}' }], undefined)]);
    expect(a!.contentType).not.toBe(b!.contentType);
  });
});

describe('the URL of a request under the base URL', () => {
  async function urlSent(path: string, query: Record<string, string | number | undefined>): Promise<string> {
    let sent = '';
    const http = new HttpClient({
      baseUrl: 'https://tm.example.test/api/v1/',
      token: 'sim-token',
      timeoutMs: 1000,
      log: silentLogger,
      transport: async ({ url }) => {
        sent = url.href;
        return { kind: 'answer', status: 200, body: {}, requestId: undefined, retryAfterMs: undefined, retryAfter: undefined, rate: {} };
      },
    });
    await http.send({ method: 'GET', path, query, idempotent: true });
    return sent;
  }

  /** How the URL was built before: parsed, then each parameter set on it in turn. */
  function setInTurn(path: string, query: Record<string, string | number | undefined>): string {
    const url = new URL(`/api/v1${path}`, 'https://tm.example.test');
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.href;
  }

  it('carries the query as setting each parameter in turn would', async () => {
    const query = { title__CONTAINS: '[key a+b&c=d #1 ü "q" ✓]', page_size: 100, skipped: undefined, cursor: 'after-5/x?y', '': '', 'a b': 'c d' };
    for (const path of ['/projects/Demo%20X/test_runs', '/users', 'relative/no-slash']) {
      expect(await urlSent(path, query)).toBe(setInTurn(path.startsWith('/') ? path : `/${path}`, query));
      expect(await urlSent(path, {})).toBe(setInTurn(path.startsWith('/') ? path : `/${path}`, {}));
    }
  });

  it('keeps a query the path carries, a parameter of the same name replacing it', async () => {
    expect(await urlSent('/projects?page_size=5&x=1', { page_size: 100 })).toBe('https://tm.example.test/api/v1/projects?page_size=100&x=1');
  });
});
