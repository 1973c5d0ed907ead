/**
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY, as corporate CI sets them: requests go through the proxy unless the
 * host is excluded. A counting proxy on loopback stands in for the corporate one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { TestManagementApi } from '../../src/api/client.js';
import { HttpClient } from '../../src/api/http.js';
import { silentLogger } from '../../src/log.js';
import { startCountingProxy } from './servers.js';

let emulator: EmulatorHandle;
let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
const saved = { ...process.env };

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false });
  proxy = await startCountingProxy();
});
afterAll(async () => {
  await proxy.close();
  await emulator.close();
});
afterEach(() => {
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  proxy.tunnels.length = 0;
  proxy.forwarded.length = 0;
  emulator.reset();
});

async function listProjects(http: HttpClient): Promise<number> {
  try {
    return (await new TestManagementApi(http).listProjects()).length;
  } finally {
    await http.close();
  }
}

const client = (proxySettings?: { httpProxy?: string; noProxy?: string }) =>
  new HttpClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 2000, log: silentLogger, ...(proxySettings ? { proxy: proxySettings } : {}) });

describe('proxies from the environment', () => {
  it('sends requests through HTTP_PROXY', async () => {
    process.env.HTTP_PROXY = proxy.url;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    expect(await listProjects(client())).toBe(2);
    expect([...proxy.tunnels, ...proxy.forwarded]).toEqual([`127.0.0.1:${emulator.port}`]);
    expect(emulator.state().requests).toHaveLength(1);
  });

  it('goes direct to a host NO_PROXY names', async () => {
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = 'localhost,127.0.0.1';
    expect(await listProjects(client())).toBe(2);
    expect([...proxy.tunnels, ...proxy.forwarded]).toEqual([]);
    expect(emulator.state().requests).toHaveLength(1);
  });

  it('takes the proxy from options over the environment (for hosts that read their own settings)', async () => {
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    expect(await listProjects(client({ httpProxy: proxy.url, noProxy: '' }))).toBe(2);
    expect(proxy.tunnels.length + proxy.forwarded.length).toBe(1);
  });

  it('goes direct without any proxy variable', async () => {
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) delete process.env[name];
    expect(await listProjects(client())).toBe(2);
    expect(proxy.tunnels.length + proxy.forwarded.length).toBe(0);
  });
});
