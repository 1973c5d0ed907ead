// As a user gets it: `npm pack` the core and this package, install the tarballs into a clean project, and let
// Jest resolve the reporter BY NAME from that project's node_modules (a CommonJS project, the common case,
// loading this ES module package).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO, assertBuilt, newRuns, removeDir, resultsByCase, runJest } from './helpers.js';

const exec = promisify(execFile);
let emulator: EmulatorHandle | undefined;
let work: string | undefined;

beforeAll(async () => {
  assertBuilt();
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false });
  work = await mkdtemp(path.join(os.tmpdir(), 'jest-tstm-pack-'));
});
afterAll(async () => {
  await emulator?.close();
  await removeDir(work);
});

async function npm(args: string[], cwd: string): Promise<string> {
  const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const { stdout } = await exec('npm', args, { cwd, env: npmEnv, encoding: 'utf8', timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

it('works when installed from the packed tarballs and named in a user jest.config.js', { timeout: 240_000 }, async () => {
  if (!work || !emulator) throw new Error('setup failed');
  const tarballs = path.join(work, 'tarballs');
  await mkdir(tarballs, { recursive: true });
  const packed = JSON.parse(
    // The build `npm test` made (prepack would rebuild dist under the feet of the tests running beside this one).
    await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', tarballs, '-w', 'testsigma-tm-core', '-w', 'jest-testsigma-tm-reporter'], REPO),
  ) as { filename: string; files: { path: string }[] }[];
  const reporterPack = packed.find((p) => p.filename.startsWith('jest-testsigma-tm-reporter'));
  // What is shipped: the built code, its types and the README; no tests or sources.
  expect(reporterPack?.files.map((f) => f.path).sort()).toEqual(expect.arrayContaining(['README.md', 'dist/index.js', 'dist/index.d.ts', 'package.json']));
  expect(reporterPack?.files.some((f) => f.path.startsWith('test/') || f.path.startsWith('src/'))).toBe(false);

  const project = path.join(work, 'user-project');
  await mkdir(project, { recursive: true });
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }, null, 2));
  await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', ...packed.map((p) => path.join(tarballs, p.filename))], project);
  const installed = JSON.parse(await readFile(path.join(project, 'node_modules/jest-testsigma-tm-reporter/package.json'), 'utf8')) as { version: string };
  expect(installed.version).toBe('0.1.0');

  await writeFile(
    path.join(project, 'jest.config.js'),
    "module.exports = {\n  transform: {},\n  reporters: ['default', ['jest-testsigma-tm-reporter', { projectId: 'Demo', runTitle: 'From the packed reporter' }]],\n};\n",
  );
  await writeFile(path.join(project, 'login.test.js'), "describe('login', () => {\n  test('[DEMO-3] logs in', () => { expect(true).toBe(true); });\n});\n");
  // The monorepo's jest binary, pointed at the user project; the reporter is resolved from the project (which,
  // under the system temp directory, cannot see the monorepo's node_modules).
  const run = await runJest(project, { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url }, [
    '--runInBand',
    '--config',
    path.join(project, 'jest.config.js'),
  ]);
  expect(run.code, run.output).toBe(0);
  expect(run.reporterLines).toContain('[testsigma-tm] Test run DEMO-R-2 (created), closed: recorded 1 of 1 test case(s): 1 Passed.');

  const state = emulator.state();
  const [created] = newRuns(state);
  expect(created?.title).toBe('From the packed reporter');
  expect(created && resultsByCase(state, created)['DEMO-3']?.status).toBe('Passed');

  // An ES module config (jest.config.mjs) loads it the same way.
  await writeFile(
    path.join(project, 'jest.config.mjs'),
    "export default {\n  transform: {},\n  reporters: ['default', ['jest-testsigma-tm-reporter', { projectId: 'Demo', runTitle: 'From an ESM config' }]],\n};\n",
  );
  const esm = await runJest(project, { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url }, [
    '--runInBand',
    '--config',
    path.join(project, 'jest.config.mjs'),
  ]);
  expect(esm.code, esm.output).toBe(0);
  expect(newRuns(emulator.state()).map((r) => r.title)).toEqual(['From the packed reporter', 'From an ESM config']);
});
