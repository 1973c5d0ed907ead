/**
 * What the README's recipes need to run locally: the tiny projects a pipeline would test (plain Playwright tests
 * that need no browser, CommonJS Jest tests that need no transform), the variables GitHub Actions and GitLab CI
 * set in a job, and a `run:` / `script:` line run by `sh` the way a runner runs it.
 */
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { baseEnv, type RunResult } from './run.js';

/** One job: its checkout, its environment, and its matrix value (for `${{ matrix.shard }}`). */
export interface Job {
  cwd: string;
  env: Record<string, string>;
  shard?: number;
}

/**
 * Three spec files of two tests each, so that `--shard=i/3` gives each shard one file (Playwright balances shards
 * by the tests that run, so DEMO-4 skips itself at run time rather than being declared skipped). DEMO-2 and
 * DEMO-6 fail.
 */
export const PLAYWRIGHT_TESTS: Record<string, string> = {
  'package.json': '{ "name": "shop", "private": true, "type": "module" }\n',
  'playwright.config.js': "export default { testDir: './tests', workers: 1 };\n",
  'tests/a.spec.js':
    "import { test, expect } from '@playwright/test';\ntest('DEMO-1 logs in', () => {});\ntest('DEMO-2 logs out', () => { expect(1).toBe(2); });\n",
  'tests/b.spec.js':
    "import { test } from '@playwright/test';\ntest('DEMO-3 searches', () => {});\ntest('DEMO-4 filters', () => { test.skip(true, 'no filters yet'); });\n",
  'tests/c.spec.js':
    "import { test, expect } from '@playwright/test';\ntest('DEMO-5 pays', () => {});\ntest('DEMO-6 refunds', () => { expect('paid').toBe('refunded'); });\n",
};

/** Three test files (DEMO-8 fails, DEMO-10 is skipped); with the Jest reporter in the config, or Jest alone. */
export function jestProject(reporter: boolean): Record<string, string> {
  const reporters = reporter ? `['default', ['jest-testsigma-tm-reporter', { projectId: 'Demo' }]]` : `['default']`;
  return {
    'package.json': '{ "name": "shop", "private": true }\n',
    // `transform: {}` and one worker: plain CommonJS tests need no Babel nor worker processes, which keeps each run fast.
    'jest.config.js': `module.exports = { transform: {}, maxWorkers: 1, reporters: ${reporters} };\n`,
    'a.test.js': "test('DEMO-7 adds', () => {});\ntest('DEMO-8 subtracts', () => { expect(1).toBe(2); });\n",
    'b.test.js': "test('DEMO-9 multiplies', () => {});\ntest.skip('DEMO-10 divides', () => {});\n",
    'c.test.js': "test('DEMO-11 rounds', () => {});\ntest('DEMO-12 formats', () => {});\n",
  };
}

/** What GitHub Actions sets in every job of one workflow run; a re-run of failed jobs is attempt 2. */
export function githubEnv(runId: string, attempt = 1): Record<string, string> {
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: String(attempt),
    GITHUB_RUN_NUMBER: '7',
    GITHUB_WORKFLOW: 'e2e',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF_NAME: 'main',
    GITHUB_SHA: 'f00dfeedc0ffee00112233445566778899aabbcc',
  };
}

/** What GitLab CI sets in job `index` (1-based) of a `parallel: total` job. */
export function gitlabEnv(pipelineId: string, index: number, total: number): Record<string, string> {
  return {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_PIPELINE_ID: pipelineId,
    CI_PIPELINE_IID: '12',
    CI_PIPELINE_URL: `https://gitlab.com/acme/shop/-/pipelines/${pipelineId}`,
    CI_JOB_ID: `${pipelineId}${index}`,
    CI_JOB_NAME: `test ${index}/${total}`,
    CI_NODE_INDEX: String(index),
    CI_NODE_TOTAL: String(total),
    CI_PROJECT_PATH: 'acme/shop',
    CI_COMMIT_REF_NAME: 'main',
    CI_COMMIT_SHA: 'f00dfeedc0ffee00112233445566778899aabbcc',
  };
}

/**
 * A step's command by `sh -c`, `${{ matrix.shard }}` filled in as GitHub does before the shell sees it. `node`
 * (and so `npx` and every bin it starts) is the Node that runs the tests (24), as `actions/setup-node` would make it.
 */
export function runShell(command: string, job: Job, timeoutMs = 60_000): Promise<RunResult> {
  const script = command.replaceAll('${{ matrix.shard }}', String(job.shard ?? ''));
  const env = baseEnv({ ...job.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` });
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', script], { cwd: job.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
