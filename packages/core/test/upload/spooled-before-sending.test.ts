/**
 * An upload into a keyed run whose service fails after the run is open but before any result is sent (its job line
 * cannot be written): every result is spooled, and `resume` sends results without files. The files are named — in
 * the summary, in the spooled description and so in the run once resumed — never dropped without a word.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { TestResult, TestStatus } from '../../src/model.js';
import { resumeCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import type { EntriesSpool } from '../../src/spool/spool.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { virtualClock } from '../run/close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'tm-spooled-before-sending-'));
});
afterEach(() => rm(workspace, { recursive: true, force: true }));

function result(n: number, status: TestStatus, attachments: TestResult['attachments'] = []): TestResult {
  return { source: 'test', suitePath: ['keyed'], name: `DEMO-${n} works`, status, properties: [], tags: [], attachments, attempts: [{ status }] };
}

const NOT_SENT = 'not sent: the upload stopped before this result was recorded, and a resumed upload sends results without files';

describe('a keyed upload whose job line cannot be written (the service fails once the run is open)', () => {
  it('spools every result and names its files: summary, spool, the resumed result', async () => {
    await writeFile(join(workspace, 'shot.png'), 'PNG-bytes');
    const spool = join(workspace, 'spool.json');
    // The run is created; writing the job line into its description fails until the deadline.
    emulator.setFaults([{ kind: 'status', status: 503, route: 'PUT /projects/*/test_runs/*' }]);
    const outcome = await uploadResults({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: 'job-line-down', spool, deadline: 5 }, {}),
      results: [result(1, 'failed', [{ name: 'shot', path: 'shot.png' }]), result(2, 'passed')],
      cwd: workspace,
      env: {},
      clock: virtualClock(),
    });
    emulator.setFaults([]);
    expect([outcome.exitCode, outcome.summary.spoolFile, outcome.summary.unsent]).toEqual([1, spool, 2]);
    expect(outcome.summary.attachments.skipped).toEqual([{ case: 'DEMO-1', name: 'shot.png', reason: NOT_SENT }]);
    const spooled = JSON.parse(await readFile(spool, 'utf8')) as EntriesSpool;
    expect(spooled.landed?.caseIds).toEqual([]);
    const entry = spooled.entries.find((e) => e.test_case_id === DEMO_FACTS.caseId(1));
    expect(entry?.description).toContain(`Files not attached:\n- shot.png: ${NOT_SENT}`);

    const resumed = await resumeCommand({ file: spool, token: emulator.token, clock: virtualClock() });
    expect(resumed.exitCode, resumed.message).toBe(0);
    const run = emulator.state().test_runs.find((r) => r.id !== DEMO_FACTS.closedRun.id)!;
    const held = run.results[DEMO_FACTS.caseId(1)]!;
    expect([held.writes, held.attachments, run.results[DEMO_FACTS.caseId(2)]?.writes]).toEqual([1, [], 1]);
    expect(held.description).toContain(`Files not attached:\n- shot.png: ${NOT_SENT}`);
  });
});
