/**
 * A base URL that leads nowhere ends in seconds, not at the 600 s deadline: a closed port, a host name that
 * does not resolve and a port that speaks TLS each end with API_BASE_URL (exit 2) naming the setting, the
 * results spooled; `resume` with the setting fixed sends every result once. The client's waits run on a virtual
 * clock: the assertion is on the time the client waited, never on the time the test took.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resumeCommand } from '../packages/core/src/operations/commands.js';
import { doctor } from '../packages/core/src/operations/doctor.js';
import { uploadResults } from '../packages/core/src/pipeline/upload.js';
import { readSettings, resolveSettings } from '../packages/core/src/settings/index.js';
import type { TestResult } from '../packages/core/src/model.js';
import { selfSignedCertificate } from '../packages/core/test/self-signed.js';
import { newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';

let emulator: EmulatorHandle;
let dir: string;
let tlsServer: Server | undefined;
let tlsPort = 0;

async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  emulator = await start();
  const cert = selfSignedCertificate();
  if (cert) {
    tlsServer = createHttpsServer(cert, (req, res) => res.end('{}'));
    await new Promise<void>((resolve) => tlsServer!.listen(0, '127.0.0.1', resolve));
    tlsPort = (tlsServer.address() as AddressInfo).port;
  }
});
afterAll(async () => {
  await emulator.close();
  await new Promise((resolve) => (tlsServer ? tlsServer.close(resolve) : resolve(undefined)));
});
beforeEach(async () => {
  emulator.reset();
  dir = await mkdtemp(join(tmpdir(), 'tm-first-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function result(n: number, status: TestResult['status']): TestResult {
  return { source: 'unit', suitePath: ['first contact'], name: `DEMO-${n} works`, status, properties: [], tags: [], attachments: [], attempts: [{ status }] };
}

const RESULTS = [result(1, 'passed'), result(2, 'failed'), result(4, 'skipped')];

const cases = [
  { what: 'a closed port', baseUrl: async () => `http://127.0.0.1:${await closedPort()}/api/v1`, says: /Nothing accepts connections at 127\.0\.0\.1:\d+/ },
  {
    what: 'an unresolvable host',
    baseUrl: async () => 'https://tm-typo.invalid/api/v1',
    says: /The host name tm-typo\.invalid (does not exist|could not be resolved)/,
  },
  {
    what: 'a port that speaks TLS, addressed as http://',
    baseUrl: async () => `http://127.0.0.1:${tlsPort}/api/v1`,
    says: /closed the connection without an HTTP answer: a TLS port addressed as http:\/\/ \(try https:\/\/\)/,
    skip: () => !tlsServer,
  },
];

describe('a base URL that leads nowhere, on first contact', () => {
  for (const c of cases) {
    it(`${c.what}: ends within 30 s as a setting to fix, results spooled; resume after the fix sends them once`, async (ctx) => {
      if (c.skip?.()) ctx.skip();
      let clock = 0;
      const spool = join(dir, 'spool.json');
      const outcome = await uploadResults({
        settings: resolveSettings({ token: emulator.token, baseUrl: await c.baseUrl(), projectId: 'Demo', spool }, {}),
        results: RESULTS,
        host: 'cli',
        http: { clock: { now: () => clock, sleep: async (ms: number) => void (clock += ms), random: Math.random } },
      });
      expect(outcome.error?.code).toBe('API_BASE_URL');
      expect(outcome.exitCode).toBe(2);
      expect(outcome.error?.message).toMatch(c.says);
      expect(outcome.error?.message).toContain('Check --base-url (or TESTSIGMA_BASE_URL) (now ');
      expect(outcome.error?.message).toMatch(/Tried GET \S+\/api\/v1\/projects/);
      expect(clock).toBeLessThanOrEqual(30_000);
      expect(outcome.summary.spoolFile).toBe(spool);
      expect(JSON.parse(await readFile(spool, 'utf8'))).toMatchObject({ kind: 'results', results: RESULTS.map((r) => ({ name: r.name })) });

      const resumed = await resumeCommand({ file: spool, token: emulator.token, baseUrl: emulator.url });
      expect(resumed.exitCode, resumed.message).toBe(0);
      const runs = newRuns(emulator);
      expect(runs).toHaveLength(1);
      expect(statusesByHumanId(emulator, runs[0]!)).toEqual({ 'DEMO-1': 'Passed', 'DEMO-2': 'Failed', 'DEMO-4': 'Skipped' });
      // Once: the spool is kept as .sent, and a second resume finds nothing to send.
      expect(await readdir(dir)).toEqual(['spool.json.sent']);
      const again = await resumeCommand({ file: spool, token: emulator.token, baseUrl: emulator.url });
      expect(again.exitCode).toBe(2);
      expect(newRuns(emulator)).toHaveLength(1);
    });
  }

  it('a page that is not the API (the base URL without /api/v1) is named the same way, and the results kept', async () => {
    const spool = join(dir, 'spool.json');
    const origin = emulator.url.replace(/\/api\/v1$/, '');
    const outcome = await uploadResults({
      settings: resolveSettings({ token: emulator.token, baseUrl: origin, projectId: 'Demo', spool }, {}),
      results: RESULTS,
      host: 'cli',
    });
    expect(outcome.error?.code).toBe('API_BASE_URL');
    expect(outcome.error?.message).toContain(`This is not the API's base URL: it usually ends in /api/v1 (try ${origin}/api/v1).`);
    expect(outcome.summary.spoolFile).toBe(spool);
  });

  it('doctor says the same about a closed port, within 15 s', async () => {
    let clock = 0;
    const baseUrl = `http://127.0.0.1:${await closedPort()}/api/v1`;
    const reading = readSettings({ explicit: { baseUrl, projectId: 'Demo' }, env: { TESTSIGMA_API_TOKEN: emulator.token } }, 'cli');
    const outcome = await doctor({
      ...reading,
      host: 'cli',
      http: { clock: { now: () => clock, sleep: async (ms: number) => void (clock += ms), random: Math.random } },
    });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.checks).toEqual([{ name: 'base URL', ok: false, detail: expect.stringMatching(/Nothing accepts connections at 127\.0\.0\.1:\d+/) }]);
    expect(clock).toBeLessThanOrEqual(15_000);
  });
});
