/**
 * The package as a user gets it: `npm pack` core and the reporter, install the tarballs (and @playwright/test)
 * into a clean CommonJS project with a TypeScript config, and let Playwright resolve the reporter by name from
 * that project's node_modules. Packing and installing happen once per run, in the end-to-end tier's global setup
 * (test/setup/packed-projects.ts); this test writes the user's config and runs Playwright.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { UNPACED } from '../../../test/helpers/emulator.js';
import { assertBuilt, runPlaywright } from './helpers.js';

let emulator: EmulatorHandle;

beforeAll(async () => {
  assertBuilt();
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: UNPACED });
});

afterAll(async () => {
  await emulator?.close();
});

it('installs from the packed tarballs and is found by package name in a CommonJS project with a TypeScript config', async () => {
  const { packs, playwrightProject: project } = inject('packed');
  const reporterPack = packs.find((p) => p.name === 'playwright-testsigma-tm-reporter');
  expect(reporterPack?.files.slice().sort()).toEqual(expect.arrayContaining(['README.md', 'dist/index.js', 'dist/index.d.ts', 'package.json']));
  expect(reporterPack?.files.some((f) => f.startsWith('test/') || f.startsWith('src/'))).toBe(false);
  await mkdir(join(project, 'tests'), { recursive: true });

  await writeFile(
    join(project, 'playwright.config.ts'),
    `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  workers: 1,
  reporter: [['list'], ['playwright-testsigma-tm-reporter', { projectId: 'Demo', baseUrl: ${JSON.stringify(emulator.url)}, runTitle: 'packed install' }]],
});
`,
  );
  await writeFile(
    join(project, 'tests/installed.spec.ts'),
    `import { test } from '@playwright/test';\ntest('installed reporter DEMO-2', { tag: '@smoke' }, async () => {});\n`,
  );

  const run = await runPlaywright(project, { cli: join(project, 'node_modules/@playwright/test/cli.js'), env: { TESTSIGMA_API_TOKEN: emulator.token } });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.reporterLines.join('\n')).toMatch(/Test run DEMO-R-\d+ \(created\), closed: recorded 1 of 1 test case\(s\): 1 Passed\./);
  const state = emulator.state();
  const recorded = state.test_runs.find((r) => r.title === 'packed install');
  const demo2 = state.test_cases.find((c) => c.human_id === 'DEMO-2');
  expect(recorded?.results[demo2?.id ?? '']?.status).toBe('Passed');
  expect(recorded?.results[demo2?.id ?? '']?.description).toContain('File: installed.spec.ts');
}, 120_000);
