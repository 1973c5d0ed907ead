import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, startEmulator } from '../src/index.js';
import type { Api } from './helpers.js';
import { createRun, start } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tms-emu-'));
  dirs.push(dir);
  return dir;
}

describe('dataFile', () => {
  it('keeps state across restarts, written atomically after each change', async () => {
    const dir = tempDir();
    const dataFile = join(dir, 'nested', 'state.json');
    let api: Api = await start({ dataFile });
    const run = await createRun(api, DEMO_FACTS.project.id, [DEMO_FACTS.caseId(1)], 'survives restarts');
    await api.call('PUT', `/projects/${DEMO_FACTS.project.id}/test_runs/${run.id}/test_cases`, {
      test_run_cases: [
        { test_case_id: DEMO_FACTS.caseId(1), test_run_status_id: DEMO_FACTS.runStatusId('Passed'), user_id: DEMO_FACTS.users.alice.id, description: 'kept' },
      ],
    });
    await api.emu.close();
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']);
    expect(JSON.parse(readFileSync(dataFile, 'utf8'))).toMatchObject({ format: 'testsigma-tm-emulator/state' });

    api = await start({ dataFile, seed: 'empty' });
    try {
      const again = await api.get(`/projects/${DEMO_FACTS.project.id}/test_runs/${run.human_id}`);
      expect(again.json.data.test_run.title).toBe('survives restarts');
      expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results[DEMO_FACTS.caseId(1)]?.description).toBe('kept');
      expect((await createRun(api, DEMO_FACTS.project.id, [DEMO_FACTS.caseId(2)])).human_id).toBe('DEMO-R-3');
      // reset() goes back to the seed of this start (empty) and writes it.
      api.emu.reset();
      expect(JSON.parse(readFileSync(dataFile, 'utf8')).data.projects).toEqual([]);
    } finally {
      await api.emu.close();
    }
  });

  it('refuses a file it did not write', async () => {
    const dataFile = join(tempDir(), 'state.json');
    writeFileSync(dataFile, '{"hello": "world"}');
    await expect(startEmulator({ dataFile })).rejects.toThrow(/not written by testsigma-tm-emulator/);
    writeFileSync(dataFile, '{broken');
    await expect(startEmulator({ dataFile })).rejects.toThrow(/not valid JSON/);
  });
});
