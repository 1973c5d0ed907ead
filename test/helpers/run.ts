/**
 * Run one of our programs the way a user or the Actions runner would: a child process on the same Node as
 * the tests (Node 24), with a clean environment we control, capturing output and the exit code.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../packages/cli/bin/testsigma-tm.js', import.meta.url));
export const ACTION = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
export const EXAMPLES = fileURLToPath(new URL('../../examples/results/', import.meta.url));
/** The Action's `results` input naming the three sample JUnit files, relative to the repository's root. */
export const SAMPLE_RESULTS = ['examples/results/jest-junit.xml', 'examples/results/playwright-junit.xml', 'examples/results/pytest-junit.xml'].join('\n');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Only what a CI job would have, plus what the test passes: no TESTSIGMA_* leaks from the developer's shell. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function runNode(script: string, args: string[], options: { env: Record<string, string>; cwd?: string; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: options.env, cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 110_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * `dist/index.js` run as the Actions runner runs it, in one job of a workflow run: its workspace (also its working
 * directory), the `results` input, the emulator's address and token as the Action's inputs; `extra` adds to the
 * environment (GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, other INPUT_*).
 */
export function runAction(service: { url: string; token: string }, workspace: string, results: string, extra: Record<string, string> = {}): Promise<RunResult> {
  const env = baseEnv({
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '781',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_NUMBER: '15',
    GITHUB_WORKFLOW: 'CI',
    'INPUT_API-TOKEN': service.token,
    'INPUT_PROJECT-ID': 'Demo',
    'INPUT_BASE-URL': service.url,
    INPUT_RESULTS: results,
    ...extra,
  });
  return runNode(ACTION, [], { env, cwd: workspace });
}

/** The `name<<delimiter` outputs a step wrote to its GITHUB_OUTPUT file, by name. */
export function actionOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!;
  return out;
}
