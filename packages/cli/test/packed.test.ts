// As a release publishes them and a user installs them. From a copy of the repository without any build (a fresh
// clone: sources, package.json files, the root tsconfig and scripts; node_modules linked), `npm publish --dry-run`
// of every package runs its prepack, so each ships built code. The packed CLI and core, installed in a scratch
// project, answer `npx --no-install testsigma-tm --version`: the name the README tells users to type is ours.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const exec = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES = {
  'testsigma-tm': { dir: 'cli', ships: ['bin/testsigma-tm.js', 'README.md', 'package.json'] },
  'testsigma-tm-core': { dir: 'core', ships: ['dist/index.js', 'dist/index.d.ts', 'dist/hosts/cli/main.js', 'dist/reporter-bundle/index.js', 'README.md'] },
  'jest-testsigma-tm-reporter': { dir: 'jest-reporter', ships: ['dist/index.js', 'dist/index.d.ts', 'attach.cjs'] },
  'playwright-testsigma-tm-reporter': { dir: 'playwright-reporter', ships: ['dist/index.js', 'dist/index.d.ts'] },
  'testsigma-tm-emulator': { dir: 'emulator', ships: ['dist/index.js', 'bin/testsigma-tm-emulator.js'] },
} as const;

interface PublishReport {
  name: string;
  files: { path: string }[];
}

function isReport(value: unknown): value is PublishReport {
  return typeof value === 'object' && value !== null && Array.isArray((value as { files?: unknown }).files);
}

let work: string;
let clone: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'tstm-release-'));
  clone = path.join(work, 'repo');
  await mkdir(path.join(clone, 'node_modules'), { recursive: true });
  for (const file of ['package.json', 'tsconfig.json']) await cp(path.join(REPO, file), path.join(clone, file));
  await cp(path.join(REPO, 'scripts'), path.join(clone, 'scripts'), { recursive: true });
  for (const { dir } of Object.values(PACKAGES)) {
    await cp(path.join(REPO, 'packages', dir), path.join(clone, 'packages', dir), {
      recursive: true,
      filter: (source) => !/[\\/](dist|node_modules|test)$/.test(source),
    });
    // A package's own dependencies (those npm could not hoist), linked like the rest.
    const own = path.join(REPO, 'packages', dir, 'node_modules');
    if (existsSync(own)) await symlink(own, path.join(clone, 'packages', dir, 'node_modules'));
  }
  // The installed tools, each linked; the build cache stays the clone's own.
  for (const entry of await readdir(path.join(REPO, 'node_modules'))) {
    if (entry !== '.cache') await symlink(path.join(REPO, 'node_modules', entry), path.join(clone, 'node_modules', entry));
  }
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function npm(args: string[], cwd: string): Promise<string> {
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const { stdout } = await exec('npm', args, { cwd, env, encoding: 'utf8', timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** `npm publish --dry-run` of one package in the clone (its prepack builds it): what it would ship. */
async function publishes(name: keyof typeof PACKAGES): Promise<void> {
  const { dir, ships } = PACKAGES[name];
  // One package's report, keyed by its name when npm treats the folder as a workspace.
  const output = JSON.parse(await npm(['publish', '--dry-run', '--json'], path.join(clone, 'packages', dir))) as PublishReport | Record<string, PublishReport>;
  const report = isReport(output) ? output : output[name]!;
  expect(report.name).toBe(name);
  const files = report.files.map((f) => f.path);
  expect(files, name).toEqual(expect.arrayContaining([...ships]));
  expect(
    files.some((f) => f.startsWith('src/') || f.startsWith('test/')),
    name,
  ).toBe(false);
}

it('every package publishes built code from a clean state, and `npx testsigma-tm` runs the packed CLI', { timeout: 600_000 }, async () => {
  // Core first: the reporters are typed against its build. The emulator (which imports nothing of core) and the
  // CLI (no build) go at the same time, as the reporters then do: one after another, the five took a minute.
  await Promise.all((['testsigma-tm-core', 'testsigma-tm-emulator', 'testsigma-tm'] as const).map(publishes));
  await Promise.all((['jest-testsigma-tm-reporter', 'playwright-testsigma-tm-reporter'] as const).map(publishes));

  const tarballs = path.join(work, 'tarballs');
  await mkdir(tarballs);
  const packed = JSON.parse(
    await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', tarballs, '-w', 'testsigma-tm-core', '-w', 'testsigma-tm'], clone),
  ) as { filename: string }[];
  const project = path.join(work, 'scratch');
  await mkdir(project);
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
  await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', ...packed.map((p) => path.join(tarballs, p.filename))], project);
  const version = await npm(['exec', '--no-install', '--', 'testsigma-tm', '--version'], project);
  expect(version.trim()).toBe('0.1.0');
  const { stdout } = await exec('npx', ['--no-install', 'testsigma-tm', 'upload', '--help'], { cwd: project, encoding: 'utf8' });
  expect(stdout).toContain('Usage: testsigma-tm upload [options] [files...]');
});
