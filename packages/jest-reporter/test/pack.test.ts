// As a user gets it: `npm pack` the core and this package, install the tarballs into a clean project, and let
// Jest resolve the reporter BY NAME from that project's node_modules (a CommonJS project, the common case,
// loading this ES module package). Packing and installing happen once per run, in the end-to-end tier's global
// setup (test/setup/packed-projects.ts); this test writes the user's config and runs Jest.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { UNPACED } from '../../../test/helpers/emulator.js';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { assertBuilt, newRuns, resultsByCase, runJest } from './helpers.js';

let emulator: EmulatorHandle | undefined;

beforeAll(async () => {
  assertBuilt();
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: UNPACED });
});
afterAll(async () => {
  await emulator?.close();
});

it('works when installed from the packed tarballs and named in a user jest.config.js', { timeout: 120_000 }, async () => {
  if (!emulator) throw new Error('setup failed');
  const { packs, jestProject: project } = inject('packed');
  const reporterPack = packs.find((p) => p.name === 'jest-testsigma-tm-reporter');
  // What is shipped: the built code, its types and the README; no tests or sources.
  expect(reporterPack?.files.slice().sort()).toEqual(expect.arrayContaining(['README.md', 'dist/index.js', 'dist/index.d.ts', 'package.json']));
  expect(reporterPack?.files.some((f) => f.startsWith('test/') || f.startsWith('src/'))).toBe(false);

  const installed = JSON.parse(await readFile(path.join(project, 'node_modules/jest-testsigma-tm-reporter/package.json'), 'utf8')) as { version: string };
  expect(installed.version).toBe('0.1.0');

  // The user project is shared with other files' suites (each in a folder of its own): this run finds only its test.
  await writeFile(
    path.join(project, 'jest.config.js'),
    "module.exports = {\n  transform: {},\n  testMatch: ['<rootDir>/login.test.js'],\n  reporters: ['default', ['jest-testsigma-tm-reporter', { projectId: 'Demo', runTitle: 'From the packed reporter' }]],\n};\n",
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
    "export default {\n  transform: {},\n  testMatch: ['<rootDir>/login.test.js'],\n  reporters: ['default', ['jest-testsigma-tm-reporter', { projectId: 'Demo', runTitle: 'From an ESM config' }]],\n};\n",
  );
  const esm = await runJest(project, { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url }, [
    '--runInBand',
    '--config',
    path.join(project, 'jest.config.mjs'),
  ]);
  expect(esm.code, esm.output).toBe(0);
  expect(newRuns(emulator.state()).map((r) => r.title)).toEqual(['From the packed reporter', 'From an ESM config']);
});
