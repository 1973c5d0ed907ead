/**
 * An upload into a keyed run whose service fails after the run is open but before any result is sent (its job line
 * cannot be written): every result is spooled, and `resume` sends results without files. The files are named — in
 * the summary, in the spooled description and so in the run once resumed — never dropped without a word.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { virtualClock } from '../run/close-fixtures.js';
import { NOT_SENT, SHOT, expectShotNamedThroughResume, resultWithFiles, useWorkspaceWithShot } from './file-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

const workspace = useWorkspaceWithShot('tm-spooled-before-sending-');

describe('a keyed upload whose job line cannot be written (the service fails once the run is open)', () => {
  it('spools every result and names its files: summary, spool, the resumed result', async () => {
    const spool = join(workspace(), 'spool.json');
    // The run is created; writing the job line into its description fails until the deadline.
    emulator.setFaults([{ kind: 'status', status: 503, route: 'PUT /projects/*/test_runs/*' }]);
    const outcome = await uploadResults({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: 'job-line-down', spool, deadline: 5 }, {}),
      results: [resultWithFiles(1, 'failed', 'keyed', [SHOT]), resultWithFiles(2, 'passed', 'keyed')],
      cwd: workspace(),
      env: {},
      clock: virtualClock(),
    });
    emulator.setFaults([]);
    expect([outcome.exitCode, outcome.summary.spoolFile, outcome.summary.unsent]).toEqual([1, spool, 2]);
    expect(outcome.summary.attachments.skipped).toEqual([{ case: 'DEMO-1', name: 'shot.png', reason: NOT_SENT }]);
    const { spooled, run } = await expectShotNamedThroughResume(emulator, spool);
    expect([spooled.landed?.caseIds, run.results[DEMO_FACTS.caseId(2)]?.writes]).toEqual([[], 1]);
  });
});
