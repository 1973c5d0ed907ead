/**
 * The HTTP layer on the oldest Node the packages support (20): the built core is loaded by the machine's own
 * Node 20, when it has one, and talks to the emulator. Needs `npm run build:packages` first (as `npm test` does).
 */
import { execFile } from 'node:child_process';
import { machineNode20 } from '../../../../test/helpers/node20.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';

const built = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

const oldNode = machineNode20();
let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: { perSecond: 10 } });
});
afterAll(() => emulator.close());

describe.skipIf(!oldNode || !existsSync(built))('on Node 20', () => {
  it('loads the built core and uploads a result to the emulator', async () => {
    const script = `
      const core = await import(${JSON.stringify(built)});
      const results = [{ source: 'n20', suitePath: ['s'], name: 'DEMO-1 works', status: 'passed', properties: [], tags: [], attachments: [], attempts: [{ status: 'passed' }] }];
      const outcome = await core.uploadResults({ settings: core.resolveSettings({ token: process.env.T, baseUrl: process.env.U, projectId: 'Demo' }, {}), results });
      console.log(JSON.stringify({ version: process.version, exit: outcome.exitCode, uploaded: outcome.summary.uploaded, error: outcome.error?.message }));
    `;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        oldNode!,
        ['--input-type=module', '-e', script],
        { env: { T: emulator.token, U: emulator.url, PATH: process.env.PATH ?? '' } },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      ),
    );
    const report = JSON.parse(stdout.trim()) as { version: string; exit: number; uploaded: number };
    expect(report).toEqual({ version: expect.stringMatching(/^v20\./), exit: 0, uploaded: 1 });
    expect(emulator.state().requests.filter((r) => r.method === 'PUT').length).toBeGreaterThan(0);
  });

  it('runs the CLI (the published bin) and exits 0', async () => {
    const bin = fileURLToPath(new URL('../../../cli/bin/testsigma-tm.js', import.meta.url));
    const file = fileURLToPath(new URL('../../../../examples/results/pytest-junit.xml', import.meta.url));
    const code = await new Promise<number>((resolve) =>
      execFile(
        oldNode!,
        [bin, 'upload', file],
        { env: { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', PATH: process.env.PATH ?? '' } },
        (error) => resolve(error ? Number(error.code) : 0),
      ),
    );
    expect(code).toBe(0);
  });
});
