/**
 * An upload without a run key whose run's create is applied but never answered, the service then failing until the
 * deadline (an outage): the run exists, open and empty, and the upload cannot know it. It spools every result with
 * what identifies that run, says the run may exist, and `resume` records the results in it — one run, never a
 * second one beside an empty one. Against the emulator over loopback, every wait on a virtual clock.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import { resumeCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { recordingLogger, result, virtualClock } from '../run/close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'create-unanswered-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const newRuns = () => emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id);

describe('an upload whose run create was applied and not answered, the service then down', () => {
  it('spools every result with that run, says it may exist, and resume records into it: one run', async () => {
    const spool = path.join(dir, 'spool.json');
    // The create lands and its answer is lost; the look for it (and everything after) fails until the deadline.
    emulator.setFaults([
      { kind: 'lost-answer', route: 'POST /projects/*/test_runs', times: 1 },
      { kind: 'status', status: 503, route: 'GET /projects/*/test_runs' },
    ]);
    const log = recordingLogger();
    const outcome = await uploadResults({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runTitle: 'Nightly', spool, deadline: 30 }, {}),
      results: [result(1, 'failed'), result(2, 'passed')],
      env: {},
      host: 'cli',
      clock: virtualClock(),
      log,
    });
    emulator.setFaults([]);
    expect([outcome.exitCode, outcome.summary.spoolFile]).toEqual([1, spool]);
    expect(newRuns().map((r) => [r.title, r.status, Object.keys(r.results).length])).toEqual([['Nightly', 'ACTIVE', 0]]);
    expect(log.lines).toContain(
      `The test run "Nightly" may exist already, open and empty: its create was sent and got no answer. testsigma-tm resume ${spool} records the results in it if it exists, rather than create a second one.`,
    );
    const spooled = JSON.parse(await readFile(spool, 'utf8')) as { createSent?: { title: string } };
    expect(spooled.createSent?.title).toBe('Nightly');

    const resumed = await resumeCommand({ file: spool, token: emulator.token, env: {}, host: 'cli', clock: virtualClock() });
    expect(resumed.exitCode, resumed.message).toBe(0);
    const [run, ...others] = newRuns();
    expect(others).toHaveLength(0);
    expect([run?.title, run?.status, Object.keys(run!.results).length]).toEqual(['Nightly', 'CLOSED', 2]);
    expect(resumed.message).toBe(`Resumed ${spool}: recorded 2 of 2 test case(s) in test run ${run!.human_id}.`);
  });
});
