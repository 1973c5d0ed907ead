/**
 * Black-box helpers: write a small Playwright project (plain tests, no browser) into a temp dir and run the real
 * Playwright CLI on it with Node 24 (`process.execPath` inside vitest), then hand back exit code and output.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(PACKAGE_DIR, '../..');
const REPO_NODE_MODULES = join(REPO_ROOT, 'node_modules');

/** Refuse to test a stale build: the CLI loads dist/, not src/. */
export function assertBuilt(): void {
  const dist = join(PACKAGE_DIR, 'dist/index.js');
  const hint = 'build it first: npx tsc -p packages/core/tsconfig.build.json && npx tsc -p packages/playwright-reporter/tsconfig.build.json';
  if (!existsSync(dist)) throw new Error(`${dist} is missing; ${hint}`);
  const built = statSync(dist).mtimeMs;
  const src = join(PACKAGE_DIR, 'src');
  const newer = readdirSync(src).filter((f) => statSync(join(src, f)).mtimeMs > built);
  if (newer.length > 0) throw new Error(`dist/ is older than src/${newer.join(', src/')}; ${hint}`);
}

export async function makeTempRoot(name: string): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), `tstm-pw-${name}-`));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export interface ProjectSpec {
  /** Reporter options as written in playwright.config (serialised with JSON). */
  options?: Record<string, unknown>;
  /** Extra top-level config, serialised with JSON (retries, projects without RegExps, ...). */
  config?: Record<string, unknown>;
  /** Raw JS for `projects:` when it needs RegExps. */
  projectsSource?: string;
  /** Test files by name (ESM `.spec.mjs`). */
  files: Record<string, string>;
  /** How the config names the reporter. Default: the package name. */
  reporterName?: string;
  /** Link node_modules to the monorepo's (so `@playwright/test` and the reporter resolve by name). Default true. */
  linkNodeModules?: boolean;
}

/** Writes the project into `<root>/<name>` and returns its directory. */
export async function writeProject(root: string, name: string, spec: ProjectSpec): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'tests'), { recursive: true });
  const reporter = JSON.stringify([['list'], [spec.reporterName ?? 'playwright-testsigma-tm-reporter', spec.options ?? {}]]);
  const extra = Object.entries(spec.config ?? {})
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)},\n`)
    .join('');
  const config =
    `export default {\n  testDir: './tests',\n  outputDir: './test-results',\n  workers: 1,\n${extra}` +
    (spec.projectsSource ? `  projects: ${spec.projectsSource},\n` : '') +
    `  reporter: ${reporter},\n};\n`;
  await writeFile(join(dir, 'playwright.config.mjs'), config);
  for (const [file, text] of Object.entries(spec.files)) await writeFile(join(dir, 'tests', file), text);
  if (spec.linkNodeModules ?? true) await symlink(REPO_NODE_MODULES, join(dir, 'node_modules'), 'dir');
  return dir;
}

export interface RunOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The lines this reporter printed (they start with `[testsigma-tm]`), from stdout and stderr. */
  reporterLines: string[];
}

// CI variables would change run titles and links; TESTSIGMA_* ones would leak into the settings under test.
const DROPPED_ENV = /^(TESTSIGMA_|GITHUB_|GITLAB_|CI$|CI_|CIRCLE|BUILDKITE|TF_BUILD|JENKINS_URL|BUILD_URL|BUILD_TAG|PW_|PLAYWRIGHT_|FORCE_COLOR|NO_COLOR)/;

export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!DROPPED_ENV.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** Runs `playwright test` in `dir` with the CLI at `cli` (default: the monorepo's @playwright/test). */
export function runPlaywright(
  dir: string,
  opts: { env?: Record<string, string>; args?: string[]; cli?: string; timeoutMs?: number } = {},
): Promise<RunOutcome> {
  const cli = opts.cli ?? join(REPO_NODE_MODULES, '@playwright/test/cli.js');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, 'test', ...(opts.args ?? [])], { cwd: dir, env: cleanEnv(opts.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`playwright test timed out in ${dir}\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 110_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const reporterLines = `${stdout}\n${stderr}`.split('\n').filter((l) => l.startsWith('[testsigma-tm]'));
      resolvePromise({ code, stdout, stderr, reporterLines });
    });
  });
}
