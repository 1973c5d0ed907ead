/**
 * Global setup of the end-to-end tier, paid once per run: `npm pack` core and both reporters, and install the
 * tarballs into two clean user projects (a Jest one, and a Playwright one with `@playwright/test`), as a user
 * gets them. The pack tests read the paths with `inject('packed')` and only write their configs and run.
 * Packing and installing per test file cost a minute of a two-core run; both installs run at once here.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

export interface Pack {
  /** The package's name, e.g. `jest-testsigma-tm-reporter`. */
  name: string;
  /** The tarball's path. */
  tarball: string;
  /** The paths inside the tarball (`dist/index.js`, `README.md`, ...). */
  files: string[];
}

export interface PackedProjects {
  packs: Pack[];
  /** A CommonJS project with core and the Jest reporter installed from their tarballs, and allure-jest (Jest itself is the monorepo's). */
  jestProject: string;
  /** A CommonJS project with core, the Playwright reporter, `@playwright/test` and allure-playwright installed. */
  playwrightProject: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    packed: PackedProjects;
  }
}

const PACKAGES = ['testsigma-tm-core', 'jest-testsigma-tm-reporter', 'playwright-testsigma-tm-reporter'];
/** The Allure adapters' version, the one that wrote test/fixtures/allure. */
const ALLURE_VERSION = '3.12.2';

async function npm(args: string[], cwd: string): Promise<string> {
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  try {
    const { stdout } = await exec('npm', args, { cwd, env, encoding: 'utf8', timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stderr = '', message } = error as { stderr?: string; message: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}, so the packed-install tests cannot run: ${message}\n${stderr}`, { cause: error });
  }
}

async function userProject(dir: string, tarballs: string[], extra: string[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }, null, 2));
  await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', ...tarballs, ...extra], dir);
  return dir;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Under the system temp directory: the projects must not see the monorepo's node_modules.
  const root = await mkdtemp(join(tmpdir(), 'tstm-packed-'));
  const tarballDir = join(root, 'tarballs');
  await mkdir(tarballDir);
  const output = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', tarballDir, ...PACKAGES.flatMap((p) => ['-w', p])], ROOT); // the build npm test made: prepack would rebuild dist under the feet of the tests
  const listed = JSON.parse(output.slice(output.indexOf('['))) as { name: string; filename: string; files: { path: string }[] }[];
  const packs = listed.map((p) => ({ name: p.name, tarball: join(tarballDir, p.filename), files: p.files.map((f) => f.path) }));
  const tarball = (name: string) => {
    const found = packs.find((p) => p.name === name);
    if (!found) throw new Error(`npm pack made no tarball for ${name}`);
    return found.tarball;
  };
  const playwrightVersion = (JSON.parse(await readFile(join(ROOT, 'node_modules/@playwright/test/package.json'), 'utf8')) as { version: string }).version;
  const jestVersion = (JSON.parse(await readFile(join(ROOT, 'node_modules/jest/package.json'), 'utf8')) as { version: string }).version;
  // The Allure adapters a user's suite would use (test/allure-live.e2e.test.ts); allure-jest's environment needs
  // jest-environment-node of the Jest that runs it.
  const [jestProject, playwrightProject] = await Promise.all([
    userProject(
      join(root, 'jest-user'),
      [tarball('testsigma-tm-core'), tarball('jest-testsigma-tm-reporter')],
      [`allure-jest@${ALLURE_VERSION}`, `jest-environment-node@${jestVersion}`],
    ),
    userProject(
      join(root, 'playwright-user'),
      [tarball('testsigma-tm-core'), tarball('playwright-testsigma-tm-reporter')],
      [`@playwright/test@${playwrightVersion}`, `allure-playwright@${ALLURE_VERSION}`],
    ),
  ]);
  project.provide('packed', { packs, jestProject, playwrightProject });
  return () => rm(root, { recursive: true, force: true });
}
