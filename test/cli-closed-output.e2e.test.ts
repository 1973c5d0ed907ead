/**
 * `testsigma-tm upload … | head`: the reader of the CLI's output goes away before the upload ends. The upload must
 * still record every result and close its run (a write to a closed pipe is no reason to lose results), and exit
 * with the code the upload earned.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED_SAMPLE_STATUSES, newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, EXAMPLES, ROOT, baseEnv } from './helpers/run.js';

const samples = ['jest-junit.xml', 'playwright-junit.xml', 'pytest-junit.xml'].map((f) => join(EXAMPLES, f));

let emulator: EmulatorHandle;

beforeAll(async () => {
  emulator = await start();
});
afterAll(() => emulator.close());

/** The CLI with both output pipes closed by their reader at once, as `2>&1 | head -0` closes them; its exit code. */
function uploadIntoClosedPipes(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const env = baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo' });
    const child = spawn(process.execPath, [CLI, 'upload', ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    child.stderr.destroy();
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
}

describe('testsigma-tm upload with its output closed', () => {
  it('records every result, closes the run and exits 0', async () => {
    const { code, signal } = await uploadIntoClosedPipes(samples);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const runs = newRuns(emulator);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toBe('CLOSED');
    expect(statusesByHumanId(emulator, runs[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
  });
});
