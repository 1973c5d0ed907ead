/**
 * Evidence with the result, as a new user gets it: a real Playwright run in Debian's chromium with
 * `screenshot: 'only-on-failure'` and `trace: 'on-first-retry'`, reported into the emulator once by this reporter
 * and once from Playwright's JSON file through the CLI. The failed case carries its screenshot and trace (from
 * the last failing attempt, the retry that recorded the trace); the passing case carries nothing.
 * One browser run feeds both paths (this reporter and Playwright's JSON reporter side by side, as a user may
 * configure them): each path reads the same files of the same run, and a second run of Chromium cost ~7 s of CPU.
 * Skipped where /usr/bin/chromium is missing (scripts/ensure-chromium.mjs installs it in CI).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type AttachmentInfo, type EmulatorHandle, type EmulatorState } from 'testsigma-tm-emulator';
import { UNPACED } from '../../../test/helpers/emulator.js';
import { REPO_ROOT, assertBuilt, cleanEnv, makeTempRoot, runPlaywright, writeProject, type RunOutcome } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const CLI = join(REPO_ROOT, 'packages/cli/bin/testsigma-tm.js');

let emulator: EmulatorHandle;
let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  assertBuilt();
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: UNPACED });
  ({ root, cleanup } = await makeTempRoot('att'));
});

afterAll(async () => {
  await emulator?.close();
  await cleanup?.();
});

const SPEC = `
import { test, expect } from '@playwright/test';
test('shows the title DEMO-1', async ({ page }) => {
  await page.setContent('<h1>Welcome</h1>');
  await expect(page.locator('h1')).toHaveText('Welcome');
});
test('shows the basket DEMO-2', async ({ page }) => {
  await page.setContent('<h1>Empty</h1>');
  await expect(page.locator('h1'), 'the basket is empty').toHaveText('3 items', { timeout: 500 });
});
`;

const USE = {
  screenshot: 'only-on-failure',
  trace: 'on-first-retry',
  launchOptions: {
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  },
};

/** The attachments of each case of the run with this title, by human id. */
function attachmentsOf(state: EmulatorState, title: string): Map<string, AttachmentInfo[]> {
  const run = state.test_runs.find((r) => r.title === title);
  expect(run, `a run titled ${title}`).toBeDefined();
  const humanId = new Map(state.test_cases.map((c) => [c.id, c.human_id]));
  return new Map(Object.entries(run!.results).map(([id, r]) => [humanId.get(id) ?? id, r.attachments]));
}

/** The failed case: a screenshot, then the trace, then Playwright's other files of that attempt (error context). */
function expectEvidence(byCase: Map<string, AttachmentInfo[]>): void {
  expect(byCase.get('DEMO-1')).toEqual([]);
  const failed = byCase.get('DEMO-2') ?? [];
  expect(failed.slice(0, 2).map((a) => [a.name, a.content_type])).toEqual([
    [expect.stringMatching(/^test-failed-\d+\.png$/), 'image/png'],
    ['trace.zip', 'application/zip'],
  ]);
  expect(failed[0]!.size).toBeGreaterThan(100);
  expect(failed[1]!.size).toBeGreaterThan(100);
  expect(failed.length).toBeLessThanOrEqual(5);
}

describe.skipIf(!existsSync(CHROMIUM))('screenshots and traces of a real browser run', () => {
  let dir: string;
  let run: RunOutcome;

  beforeAll(async () => {
    dir = await writeProject(root, 'both', {
      options: { projectId: 'Demo', baseUrl: emulator.url, runTitle: 'e2e attachments reporter' },
      config: { retries: 1, use: USE },
      files: { 'shop.spec.mjs': SPEC },
    });
    // Playwright's JSON reporter beside this one: the CLI's path reads what it writes.
    const config = await readFile(join(dir, 'playwright.config.mjs'), 'utf8');
    await writeFile(join(dir, 'playwright.config.mjs'), config.replace(/reporter: \[/, `reporter: [['json', { outputFile: 'results.json' }], `));
    run = await runPlaywright(dir, { env: { TESTSIGMA_API_TOKEN: emulator.token }, timeoutMs: 120_000 });
  }, 150_000);

  it('land on the failed case through the reporter, and nothing on the passing one', () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.reporterLines.join('\n')).not.toMatch(/error:|not uploaded/);
    expectEvidence(attachmentsOf(emulator.state(), 'e2e attachments reporter'));
  });

  it("land on the failed case from Playwright's JSON file through the CLI", async () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const summaryFile = join(dir, 'summary.json');
    const cli = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const env = cleanEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo' });
      const child = spawn(process.execPath, [CLI, 'upload', 'results.json', '--run-title', 'e2e attachments json', '--summary-json', summaryFile], {
        cwd: dir,
        env,
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
    expect(cli.code, cli.output).toBe(0);
    expect(cli.output).toMatch(/Attached [2-5] file\(s\) \(\d+\.\d MiB\)\./);
    expectEvidence(attachmentsOf(emulator.state(), 'e2e attachments json'));
    const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as { attachments: { sent: number; skipped: unknown[] } };
    expect(summary.attachments.skipped).toEqual([]);
    expect(summary.attachments.sent).toBe(attachmentsOf(emulator.state(), 'e2e attachments json').get('DEMO-2')!.length);
  }, 60_000);
});
