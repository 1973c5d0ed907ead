/**
 * Evidence in a monorepo: the Playwright config lives in `e2e/`, the run starts there, and Playwright writes its
 * output under `test-results/` one level up (the config's outputDir), outside the working directory. The
 * reporter counts each project's outputDir as a root of the workspace, so the failing test's screenshot lands on
 * its case (path safety in each root is tested with core: test/upload/evidence-roots.test.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { UNPACED } from '../../../test/helpers/emulator.js';
import { assertBuilt, makeTempRoot, runPlaywright, writeProject } from './helpers.js';

let emulator: EmulatorHandle;
let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  assertBuilt();
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: UNPACED });
  ({ root, cleanup } = await makeTempRoot('monorepo'));
});
afterAll(async () => {
  await emulator?.close();
  await cleanup?.();
});

// A screenshot as a test attaches one (no browser needed): written under the test's output folder.
const SPEC = `
import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
test('checkout DEMO-2', async ({}, testInfo) => {
  const shot = testInfo.outputPath('checkout.png');
  writeFileSync(shot, Buffer.alloc(256, 7));
  await testInfo.attach('screenshot', { path: shot, contentType: 'image/png' });
  expect(1, 'the basket total').toBe(2);
});
`;

it('a failing test of a config in e2e/ gets the screenshot Playwright wrote outside the working directory', async () => {
  const repo = join(root, 'shop');
  await mkdir(repo, { recursive: true });
  await writeFile(join(repo, 'package.json'), JSON.stringify({ name: 'shop', private: true, workspaces: ['e2e'] }));
  const e2e = await writeProject(repo, 'e2e', {
    options: { projectId: 'Demo', baseUrl: emulator.url, runTitle: 'monorepo evidence' },
    config: { outputDir: '../test-results' },
    files: { 'checkout.spec.mjs': SPEC },
  });
  const run = await runPlaywright(e2e, { env: { TESTSIGMA_API_TOKEN: emulator.token }, timeoutMs: 120_000 });
  expect(run.code, run.stdout + run.stderr).toBe(1);
  const state = emulator.state();
  const created = state.test_runs.find((r) => r.title === 'monorepo evidence');
  const demo2 = state.test_cases.find((c) => c.human_id === 'DEMO-2')!;
  const result = created?.results[demo2.id];
  expect(result?.attachments.map((a) => [a.name, a.content_type, a.size])).toEqual([
    [expect.stringMatching(/^screenshot-[0-9a-f]+\.png$/), 'image/png', 256],
    ['error-context.md', 'text/markdown', expect.any(Number)],
  ]);
  expect(run.reporterLines.join('\n')).not.toMatch(/not uploaded|outside the workspace/);
}, 150_000);
