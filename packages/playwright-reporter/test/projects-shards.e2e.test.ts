/**
 * Issue 17's first finding, as a user runs it: one Playwright config with projects `desktop` and `mobile`, a test
 * that fails only on `mobile`, run as `--shard=1/2` and `--shard=2/2` (local processes standing in for the two
 * jobs) with one run key, through the reporter installed from its packed tarball (the end-to-end tier's global
 * setup installs it once, with `@playwright/test`; see test/setup/packed-projects.ts). Each project is one shard,
 * and the passing `desktop` shard writes after the failing `mobile` one: the last writer must not win. The case
 * ends Failed, the last shard closes the run, and the reporter adds no failure of its own to either shard's exit.
 * Assertions on what the emulator holds and on exit codes, never on durations.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { UNPACED } from '../../../test/helpers/emulator.js';
import { makeTempRoot, runPlaywright, type RunOutcome } from './helpers.js';

let emulator: EmulatorHandle;
let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: UNPACED });
  ({ root, cleanup } = await makeTempRoot('projects-shards'));
});

afterAll(async () => {
  await emulator?.close();
  await cleanup?.();
});

// One file, so each project is one group of tests and `--shard=i/2` gives shard 1 `desktop` and shard 2 `mobile`
// (the test checks that from Playwright's own output rather than trusting it).
const CONFIG = `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  workers: 1,
  projects: [{ name: 'desktop' }, { name: 'mobile' }],
  reporter: [['list'], ['playwright-testsigma-tm-reporter', { projectId: 'Demo' }]],
});
`;
const SPEC = `import { test, expect } from '@playwright/test';
test('DEMO-1 checks out', ({}, testInfo) => {
  expect(testInfo.project.name, 'the checkout button is off screen').toBe('desktop');
});
test('DEMO-2 browses', () => {});
`;

/** A checkout of the user's project, with the packed install's node_modules (reporter, core, @playwright/test). */
async function checkout(): Promise<string> {
  const dir = join(root, 'shop');
  await mkdir(join(dir, 'tests'), { recursive: true });
  await writeFile(join(dir, 'package.json'), '{ "name": "shop", "private": true }\n');
  await writeFile(join(dir, 'playwright.config.mjs'), CONFIG);
  await writeFile(join(dir, 'tests/shop.spec.mjs'), SPEC);
  await symlink(join(inject('packed').playwrightProject, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function shard(dir: string, index: number): Promise<RunOutcome> {
  return runPlaywright(dir, {
    cli: join(dir, 'node_modules/@playwright/test/cli.js'),
    args: [`--shard=${index}/2`],
    env: {
      TESTSIGMA_API_TOKEN: emulator.token,
      TESTSIGMA_BASE_URL: emulator.url,
      TESTSIGMA_RUN_KEY: 'pw-projects-1',
      TESTSIGMA_SHARD_TOTAL: '2',
      TESTSIGMA_SHARD_INDEX: String(index),
    },
  });
}

it('desktop and mobile as --shard=1/2 and 2/2 with one run key: the mobile-only failure is recorded Failed, in one run the last shard closes', async () => {
  const dir = await checkout();
  // The failing mobile shard first, then the passing desktop shard: the order in which a pass used to hide the failure.
  const mobile = await shard(dir, 2);
  const desktop = await shard(dir, 1);
  const output = (run: RunOutcome) => `${run.stdout}\n${run.stderr}`;

  // Each shard ran one project's two tests.
  expect(output(mobile)).toMatch(/\[mobile\] › tests\/shop\.spec\.mjs:\d+:\d+ › DEMO-1 checks out/);
  expect(output(mobile)).not.toContain('[desktop]');
  expect(output(desktop)).toMatch(/\[desktop\] › tests\/shop\.spec\.mjs:\d+:\d+ › DEMO-1 checks out/);
  expect(output(desktop)).not.toContain('[mobile]');

  // Playwright's own exit codes: 1 for the shard with a failing test, 0 for the other; the reporter adds no
  // failure (no error line; its upload succeeded in both).
  expect(mobile.code, output(mobile)).toBe(1);
  expect(desktop.code, output(desktop)).toBe(0);
  for (const run of [mobile, desktop])
    expect(
      run.reporterLines.filter((line) => /error|NOT recorded/i.test(line)),
      output(run),
    ).toEqual([]);

  const state = emulator.state();
  const runs = state.test_runs.filter((r) => r.title.endsWith('[pw-projects-1]'));
  expect(runs, JSON.stringify(state.test_runs.map((r) => r.title))).toHaveLength(1);
  const [run] = runs;
  expect(run!.status).toBe('CLOSED');
  expect(run!.description).toContain('Closed by testsigma-tm: 2 of 2 upload(s) reported.');
  const humanId = new Map(state.test_cases.map((c) => [c.id, c.human_id]));
  const statuses = Object.fromEntries(Object.entries(run!.results).map(([id, r]) => [humanId.get(id), r.status]));
  expect(statuses).toEqual({ 'DEMO-1': 'Failed', 'DEMO-2': 'Passed' });
  // The mobile shard created the run and recorded both; the desktop shard kept the failure, said so, and closed
  // the run (the last of the two). Closed once: only it says closed.
  const human = run!.human_id;
  expect(mobile.reporterLines).toContain(`[testsigma-tm] Test run ${human} (created): recorded 2 of 2 test case(s): 1 Failed, 1 Passed.`);
  expect(mobile.reporterLines.filter((line) => /closed/i.test(line))).toEqual([]);
  expect(desktop.reporterLines).toContain(`[testsigma-tm] Test run ${human}, closed: recorded 1 of 2 test case(s): 1 Passed.`);
  expect(desktop.reporterLines).toContain('[testsigma-tm]     DEMO-1: Failed by another job of this run — kept');
});
