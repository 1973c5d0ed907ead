/**
 * A job of a keyed pipeline whose result, with a file, lands and is then removed by another job's selection update
 * (the service drops a removed case's result with its files): the job puts the case and its result back, against
 * the emulator over loopback with every wait on a virtual clock, and the result comes back with its file — a put-back
 * without files would leave the result without them and say nothing.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import { TestManagementApi } from '../../src/api/client.js';
import { HttpClient, type Transport } from '../../src/api/http.js';
import { silentLogger } from '../../src/log.js';
import type { TestResult } from '../../src/model.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { virtualClock } from '../run/close-fixtures.js';
import { SHOT, resultWithFiles, usePassOn, useWorkspaceWithShot } from './file-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));
const passOn = usePassOn();
const workspace = useWorkspaceWithShot('tm-put-back-files-');

const KEY = 'put-back-files';

function upload(shardIndex: number, results: TestResult[], transport?: Transport) {
  return uploadResults({
    settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', runKey: KEY, shardIndex, shardTotal: 2 }, {}),
    results,
    cwd: workspace(),
    env: {},
    clock: virtualClock(),
    ...(transport && { http: { transport } }),
  });
}

/**
 * Passes every request on; once the first write of results has landed, another job's selection update (made from a
 * read older than this job's addition) leaves only DEMO-3 in the run, as two jobs adding cases at once can.
 */
function removingAfterFirstWrite(): Transport {
  let removed = false;
  const other = new TestManagementApi(
    new HttpClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 5000, log: silentLogger, clock: virtualClock() }),
  );
  return async (request) => {
    const answer = await passOn(request);
    const write = /\/test_runs\/([^/]+)\/test_cases$/.exec(request.url.pathname);
    if (!removed && request.method === 'PUT' && write && answer.kind === 'answer' && answer.status === 200) {
      removed = true;
      await other.updateRun(DEMO_FACTS.project.id, write[1]!, { static_selection_filters: [{ field: 'id', operator: 'IN', values: [DEMO_FACTS.caseId(3)] }] });
    }
    return answer;
  };
}

describe("a keyed job's result with a file, removed by another job's update", () => {
  it('is put back with its file', async () => {
    expect((await upload(1, [resultWithFiles(3, 'passed', 'put-back')])).exitCode).toBe(0);
    const outcome = await upload(2, [resultWithFiles(1, 'failed', 'put-back', [SHOT])], removingAfterFirstWrite());
    expect(outcome.exitCode, outcome.error?.message).toBe(0);

    const run = emulator.state().test_runs.find((r) => r.title.endsWith(`[${KEY}]`))!;
    const held = run.results[DEMO_FACTS.caseId(1)]!;
    // Written twice: the first write, dropped with the case, then the put-back (a dropped result's count restarts).
    const writes = emulator.state().requests.filter((r) => r.method === 'PUT' && r.route === 'PUT /projects/{pid}/test_runs/{rid}/test_cases');
    expect([run.status, held.status, writes.length]).toEqual(['CLOSED', 'Failed', 3]);
    expect(held.attachments.map((a) => a.name)).toEqual(['shot.png']);
    expect(outcome.summary.attachments.skipped).toEqual([]);
  });
});
