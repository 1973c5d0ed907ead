/** `testsigma-tm doctor` as a user runs it, against the emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, baseEnv, runNode } from './helpers/run.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await start({ rateLimit: { perSecond: 10 } });
});
afterAll(() => emulator.close());

function doctor(args: string[], env: Record<string, string | undefined> = {}) {
  return runNode(CLI, ['doctor', ...args], {
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', ...env }),
  });
}

describe('testsigma-tm doctor', () => {
  it('checks everything an upload needs and shows every setting with its source, never the token', async () => {
    const res = await doctor(['--user-email', 'alice@example.com']);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toContain('  token = *** (from TESTSIGMA_API_TOKEN)');
    expect(res.stdout).toContain('  projectId = "Demo" (from TESTSIGMA_PROJECT_ID)');
    expect(res.stdout).toContain('  userEmail = "alice@example.com" (from flag --user-email)');
    expect(res.stdout).toContain('  batchSize = 100 (default)');
    expect(res.stdout).toContain('  ✓ rate limit: the service announces 10 requests per second per token');
    expect(res.stdout).toMatch(/ {2}✓ project: Demo \([0-9a-f-]{36}\), case ids look like DEMO-12\./);
    expect(res.stdout).toContain('  ✓ statuses: passed → Passed, failed → Failed, error → Failed, skipped → Skipped, flaky → Passed.');
    expect(res.stdout).toContain('  ✓ user: results are recorded as alice@example.com.');
    expect(res.stdout + res.stderr).not.toContain(emulator.token);
  });

  it('says a base URL without /api/v1 is not the API base URL', async () => {
    const origin = emulator.url.replace(/\/api\/v1$/, '');
    const res = await doctor([], { TESTSIGMA_BASE_URL: origin });
    expect(res.code).toBe(2);
    expect(res.stdout).toContain(`This is not the API's base URL: it usually ends in /api/v1 (try ${origin}/api/v1).`);
  });

  it('names a refused token and an unknown project, each a setting to fix (exit 2)', async () => {
    const wrong = await doctor([], { TESTSIGMA_API_TOKEN: 'tms_wrong_doctor_token' });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toMatch(/✗ token: GET \/projects\?page_size=1 failed with HTTP 401/);
    expect(wrong.stdout).not.toContain('tms_wrong_doctor_token');
    const project = await doctor(['--project', 'Nope']);
    expect(project.code).toBe(2);
    expect(project.stdout).toContain('✗ project: No project has the id or exact name "Nope".');
  });
});
