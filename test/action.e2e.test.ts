/**
 * dist/index.js run the way the Actions runner runs it: `node dist/index.js` with INPUT_* variables (hyphens
 * kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, against the emulator over loopback.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXPECTED_SAMPLE_STATUSES, newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { ACTION, ROOT, baseEnv, runNode } from './helpers/run.js';

let emulator: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-action-'));
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

/** Parse the runner's output file: `name<<delimiter\nvalue\ndelimiter` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

async function runAction(inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const stamp = Math.random().toString(36).slice(2);
  const outputFile = join(dir, `output-${stamp}`);
  const summaryFile = join(dir, `summary-${stamp}`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env = baseEnv({
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: ROOT,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '777',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_NUMBER: '12',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_EVENT_NAME: 'push',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...extraEnv,
  });
  const res = await runNode(ACTION, [], { env, cwd: ROOT });
  return { ...res, outputs: parseOutputs(await readFile(outputFile, 'utf8')), summary: await readFile(summaryFile, 'utf8') };
}

const results = ['examples/results/jest-junit.xml', 'examples/results/playwright-junit.xml', 'examples/results/pytest-junit.xml'].join('\n');

describe('the GitHub Action (dist/index.js)', () => {
  it('records the sample results in one closed run, sets outputs and writes a job summary', async () => {
    const res = await runAction({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`::add-mask::${emulator.token}`);
    expect(res.stdout.replace(`::add-mask::${emulator.token}`, '')).not.toContain(emulator.token);
    const runs = newRuns(emulator);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('CLOSED');
    expect(runs[0]!.title).toBe('acme/shop CI #12 [gh-777]');
    expect(statusesByHumanId(emulator, runs[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
    expect(res.outputs).toEqual({
      'run-id': runs[0]!.id,
      'run-url': expect.stringContaining(runs[0]!.id),
      total: '14',
      passed: '8',
      failed: '4',
      skipped: '2',
      unmapped: '1',
    });
    expect(res.summary).toContain('### Testsigma Test Management — [DEMO-R-2]');
    expect(res.summary).toContain('| 14 | 12 | 12 | 6 | 4 | 2 |');
    expect(res.summary).not.toContain(emulator.token);
    // Every description links back to the job.
    const anyResult = Object.values(runs[0]!.results)[0]!;
    expect(anyResult.description).toContain('CI job: https://github.com/acme/shop/actions/runs/777');
  });

  it('fails the step on a 401, with the request and the input to fix, and masks the token', async () => {
    const res = await runAction({ 'api-token': 'tms_wrong_token_value_123', 'project-id': 'Demo', 'base-url': emulator.url, results });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/::error::GET \/projects\?page_size=100 failed with HTTP 401: .+ The API token was refused: check the api-token input/);
    expect(res.stdout).toContain('::add-mask::tms_wrong_token_value_123');
    expect(res.stdout.replace('::add-mask::tms_wrong_token_value_123', '')).not.toContain('tms_wrong_token_value_123');
    expect(newRuns(emulator)).toHaveLength(0);
  });

  it('fails the step on a 404 project and on a refused batch (422)', async () => {
    const missing = await runAction({ 'api-token': emulator.token, 'project-id': '00000000-0000-4000-8000-000000000000', 'base-url': emulator.url, results });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/::error::GET \/projects\/00000000-0000-4000-8000-000000000000 failed with HTTP 404/);

    emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 422, body: { message: 'refused' } }]);
    const refused = await runAction({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/::error::PUT .+ failed with HTTP 422: refused/);
  });

  it('takes settings from TESTSIGMA_* variables when inputs are empty, and honours dry-run', async () => {
    const res = await runAction({ 'api-token': emulator.token, results, 'dry-run': 'true' }, { TESTSIGMA_PROJECT_ID: 'Demo', TESTSIGMA_BASE_URL: emulator.url });
    expect(res.code).toBe(0);
    expect(res.summary).toContain('dry run');
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('leaves the run open with close-run: false and fails on an invalid input value', async () => {
    const open = await runAction({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results, 'close-run': 'false' });
    expect(open.code).toBe(0);
    expect(newRuns(emulator)[0]!.status).toBe('ACTIVE');
    const bad = await runAction({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, results, 'close-run': 'sometimes' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('close-run: expected true or false, received \\"sometimes\\"'.replace(/\\"/g, '"'));
  });

  it('skips with one warning when a pull request has no token (forks get no secrets)', async () => {
    const res = await runAction({ 'api-token': '', 'project-id': 'Demo', 'base-url': emulator.url, results }, { GITHUB_EVENT_NAME: 'pull_request' });
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe('::warning::testsigma-tm: the api-token input is empty (pull requests from forks get no secrets), so no results were uploaded.');
    expect(emulator.state().requests).toHaveLength(0);
  });

  it('uses the input names of action.yml', async () => {
    const yml = await readFile(join(ROOT, 'action.yml'), 'utf8');
    for (const input of ['api-token', 'project-id', 'results', 'base-url', 'run-id', 'run-title', 'close-run', 'unmapped', 'dry-run', 'status-map']) expect(yml).toContain(`\n  ${input}:\n`);
    for (const output of ['run-id', 'run-url', 'total', 'passed', 'failed', 'skipped', 'unmapped']) expect(yml).toContain(`\n  ${output}:\n`);
    expect(yml).toContain("using: 'node24'");
  });
});

describe('dist/', () => {
  it('is the bundle of the current sources (rebuild with npm run build:action and commit)', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'tm-dist-'));
    const build = await runNode(join(ROOT, 'scripts/build-action.mjs'), [fresh], { env: baseEnv(), timeoutMs: 120_000 });
    expect(build.code, build.stderr).toBe(0);
    for (const file of ['index.js', 'package.json', 'licenses.txt']) {
      const [committed, rebuilt] = await Promise.all([readFile(join(ROOT, 'dist', file), 'utf8'), readFile(join(fresh, file), 'utf8')]);
      expect(committed === rebuilt, `dist/${file} is stale: run npm run build:action and commit dist/`).toBe(true);
    }
  }, 120_000);
});
