/**
 * The package as a user gets it: `npm pack` core and the reporter, install the tarballs (and @playwright/test)
 * into a clean CommonJS project with a TypeScript config, and let Playwright resolve the reporter by name from
 * that project's node_modules.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { REPO_NODE_MODULES, REPO_ROOT, assertBuilt, cleanEnv, makeTempRoot, runPlaywright } from './helpers.js';

let emulator: EmulatorHandle;
let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  assertBuilt();
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false });
  ({ root, cleanup } = await makeTempRoot('packed'));
});

afterAll(async () => {
  await emulator?.close();
  await cleanup?.();
});

function npm(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, {
      cwd,
      env: cleanEnv({ npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`npm ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

it('installs from the packed tarballs and is found by package name in a CommonJS project with a TypeScript config', async () => {
  const tarballs = join(root, 'tarballs');
  await mkdir(tarballs);
  const packed = JSON.parse(
    await npm(
      ['pack', '--json', '--ignore-scripts', '--pack-destination', tarballs, '-w', 'testsigma-tm-core', '-w', 'playwright-testsigma-tm-reporter'],
      REPO_ROOT,
    ).then((o) => o.slice(o.indexOf('['))),
  ) as {
    filename: string;
    files: { path: string }[];
  }[];
  const reporterPack = packed.find((p) => p.filename.startsWith('playwright-testsigma-tm-reporter-'));
  expect(reporterPack?.files.map((f) => f.path).sort()).toEqual(expect.arrayContaining(['README.md', 'dist/index.js', 'dist/index.d.ts', 'package.json']));
  expect(reporterPack?.files.some((f) => f.path.startsWith('test/') || f.path.startsWith('src/'))).toBe(false);

  const project = join(root, 'user-project');
  await mkdir(join(project, 'tests'), { recursive: true });
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
  const playwrightVersion = (JSON.parse(await readFile(join(REPO_NODE_MODULES, '@playwright/test/package.json'), 'utf8')) as { version: string }).version;
  await npm(
    ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packed.map((p) => join(tarballs, p.filename)), `@playwright/test@${playwrightVersion}`],
    project,
  );

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
}, 180_000);
