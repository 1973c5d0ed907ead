/**
 * What the README's recipes need to run locally: the tiny projects a pipeline would test (plain Playwright tests
 * that need no browser, CommonJS Jest tests that need no transform), the variables GitHub Actions and GitLab CI
 * set in a job, a `run:` / `script:` line run by `sh` the way a runner runs it, and `useRecipeJobs()`: the jobs'
 * checkouts, the README's steps, and an emulator per test with the Action's steps bound to it, for one recipe file
 * (test/recipes-*.e2e.test.ts). Each recipe is a chain of CLI processes that mostly wait out the run protocol's
 * pauses, so they run at the same time: in several files (vitest's workers) and, within a file, as concurrent
 * tests, each against an emulator of its own.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { newRuns, start, type EmulatorHandle } from './emulator.js';
import { ACTION, ROOT, baseEnv, runNode, type RunResult } from './run.js';
import { SecretSearch } from './secrets.js';

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
const PLAYWRIGHT_TESTS: Record<string, string> = {
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

export type RecipeRun = ReturnType<typeof newRuns>[number];

/** The outcomes a recipe's jobs must leave, by the cases' human ids. */
export const PLAYWRIGHT_STATUSES = { 'DEMO-1': 'Passed', 'DEMO-2': 'Failed', 'DEMO-3': 'Passed', 'DEMO-4': 'Skipped', 'DEMO-5': 'Passed', 'DEMO-6': 'Failed' };
export const JEST_STATUSES = { 'DEMO-7': 'Passed', 'DEMO-8': 'Failed', 'DEMO-9': 'Passed', 'DEMO-10': 'Skipped', 'DEMO-11': 'Passed', 'DEMO-12': 'Passed' };

/** The matrix's test step of recipes 1 and 2, word for word. */
export const PLAYWRIGHT_SHARD = 'npx playwright test --shard=${{ matrix.shard }}/3 --reporter=json > results.json';

export type ShardJob = Job & { testsFailed: boolean };

/** What a recipe's jobs report into: an emulator of its own, and the Action's step and the checks bound to it. */
export interface RecipeService {
  emulator: EmulatorHandle;
  /** The service's address and the token, as a CI's secret settings would give them; temp files (spools) under the bench's folder, for the token search. */
  service(): Record<string, string>;
  /** A `uses: testsigma-tm/testsigma-tm@v0` step with these inputs (the token input comes from the secret). */
  action(what: string, inputs: Record<string, string>, job: Job): Promise<RunResult & { outputs: Record<string, string> }>;
  /** The one run the recipe made (beside the seed's). */
  onlyRun(): RecipeRun;
}

/**
 * One recipe file's bench: a temporary folder for the jobs' checkouts and temp files, the README's text, and a
 * search for the token over every output and file. Each test takes an emulator of its own (`service()`), all with
 * the bench's token, so the tests of a file can run at the same time. Call at the top of the file: it registers
 * the hooks.
 */
export function useRecipeJobs(name: string) {
  const token = `tms_emu_${randomBytes(16).toString('hex')}`;
  const emulators: EmulatorHandle[] = [];
  const search = new SecretSearch([token]);
  let dir!: string;
  let readme!: string;
  let playwrightRun: Promise<ShardJob[]> | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `tm-recipes-${name}-`));
    await mkdir(join(dir, 'tmp'));
    readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  });
  afterAll(() => Promise.all(emulators.map((emulator) => emulator.close())));

  /** A job's checkout of the generated project `project`: its files copied, node_modules linked to the repository's. */
  async function checkout(project: string, job: string, files: Record<string, string>): Promise<string> {
    const jobDir = join(dir, project, job);
    await mkdir(jobDir, { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      await mkdir(dirname(join(jobDir, file)), { recursive: true });
      await writeFile(join(jobDir, file), text);
    }
    await symlink(join(ROOT, 'node_modules'), join(jobDir, 'node_modules'), 'dir');
    return jobDir;
  }

  /** A `run:` / `script:` line, which must be the README's own words, run in a job. */
  async function step(what: string, command: string, job: Job): Promise<RunResult> {
    expect(readme, `the README shows: ${command}`).toContain(command);
    return search.record(what, await runShell(command, job));
  }

  /** A service for one test: an emulator of its own (closed after the file), with the bench's token. */
  async function service(): Promise<RecipeService> {
    const emulator = await start({ token });
    emulators.push(emulator);
    return {
      emulator,
      service: () => ({ TESTSIGMA_API_TOKEN: token, TESTSIGMA_BASE_URL: emulator.url, TMPDIR: join(dir, 'tmp'), RUNNER_TEMP: join(dir, 'tmp') }),
      async action(what, inputs, job) {
        const outputFile = join(job.cwd, `.github-output-${what.replace(/\W+/g, '-')}`);
        await writeFile(outputFile, '');
        const env = baseEnv({
          ...job.env,
          RUNNER_TEMP: join(dir, 'tmp'),
          GITHUB_WORKSPACE: job.cwd,
          GITHUB_OUTPUT: outputFile,
          'INPUT_API-TOKEN': token,
          'INPUT_BASE-URL': emulator.url,
          ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
        });
        const ran = await runNode(ACTION, [], { env, cwd: job.cwd });
        // The one place the token may appear: the runner's own command that masks it in the log.
        const mask = `::add-mask::${token}\n`;
        expect(ran.stdout.startsWith(mask), ran.stdout).toBe(true);
        const result = search.record(what, { ...ran, stdout: ran.stdout.slice(mask.length) });
        const outputs: Record<string, string> = {};
        for (const m of (await readFile(outputFile, 'utf8')).matchAll(/^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
        return { ...result, outputs };
      },
      onlyRun() {
        const runs = newRuns(emulator);
        expect(runs).toHaveLength(1);
        return runs[0]!;
      },
    };
  }

  return {
    /** Where the jobs' checkouts and temp files are (searched for the token at the end). */
    get dir(): string {
      return dir;
    },
    search,
    checkout,
    step,
    service,

    /** The full example a recipe links to holds the same lines as the README. */
    async exampleHolds(file: string, lines: string[]): Promise<void> {
      const text = await readFile(join(ROOT, 'examples/ci', file), 'utf8');
      for (const line of lines) expect(text, `examples/ci/${file} shows: ${line}`).toContain(line);
    },

    /**
     * The matrix's test step of recipes 1 and 2, in three parallel jobs that each leave results.json in their
     * checkout. The two recipes share this step word for word, so it runs once per file (Playwright is the slow
     * part on a loaded machine) and each recipe runs its own upload steps in those checkouts, with its own
     * workflow run's variables.
     */
    async playwrightShards(runId: string, attempt = 1): Promise<ShardJob[]> {
      playwrightRun ??= (async () => {
        const jobs = await Promise.all(
          [1, 2, 3].map(async (shard) => ({ cwd: await checkout('playwright', `test-${shard}`, PLAYWRIGHT_TESTS), env: githubEnv(runId), shard })),
        );
        const ran = await Promise.all(jobs.map((job) => step(`playwright shard ${job.shard}`, PLAYWRIGHT_SHARD, job)));
        // Two shards hold a failing test: the step fails, and the upload step runs anyway (`if: !cancelled()`).
        expect(ran.map((r) => r.code).sort(), ran.map((r) => r.stderr).join('\n')).toEqual([0, 1, 1]);
        return jobs.map((job, i) => ({ ...job, testsFailed: ran[i]!.code !== 0 }));
      })();
      return (await playwrightRun).map((job) => ({ ...job, env: githubEnv(runId, attempt) }));
    },
  };
}

/** Every result written exactly once. */
export function writtenOnce(run: RecipeRun): void {
  expect(Object.values(run.results).map((r) => r.writes)).toEqual(Object.values(run.results).map(() => 1));
}

/** The close job of recipes 1 and 2 counts the shards' uploads (each leaves its marker, the shard's index). */
export function expectThreeOfThree(message: string, run: RecipeRun): void {
  expect(message).toMatch(/^Closed test run DEMO-R-\d+: 3 of 3 upload\(s\) reported\.$/m);
  expect(run.description).toContain('Closed by testsigma-tm: 3 of 3 upload(s) reported.');
}
