/**
 * Upload markers on a run several jobs label at once, against the emulator over loopback: a label update replaces
 * the whole list, so what is checked is the run's labels as read back afterwards.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_FACTS, startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { HttpClient } from '../../src/api/http.js';
import { TestManagementApi } from '../../src/api/client.js';
import { silentLogger } from '../../src/log.js';
import { markUpload, uploadMarkers } from '../../src/run/close.js';

let emulator: EmulatorHandle;
const client = () => new TestManagementApi(new HttpClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 5000, log: silentLogger }));
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false });
});
afterAll(() => emulator.close());

const projectId = DEMO_FACTS.project.id;

it("a marker write that waited past FRESH_READ_MS for its turn is built again from a new read: another job's marker added meanwhile stays", async () => {
  const api = client();
  const run = await api.createRun({
    projectId,
    title: 'markers',
    description: '',
    caseIds: [DEMO_FACTS.caseId(1)],
    assigneeId: DEMO_FACTS.users.alice.id,
    labels: [],
    now: Date.now(),
  });
  // This job's label update is answered "too many requests, retry after 3 s"; while it waits, another job marks the run.
  emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*', status: 429, retryAfter: 3, times: 1 }]);
  const marking = markUpload(api, projectId, run, 'shard-1-of-2', silentLogger, () => Promise.resolve());
  while (!emulator.state().requests.some((r) => r.method === 'PUT' && r.status === 429)) await new Promise((resolve) => setTimeout(resolve, 10));
  await client().updateRun(projectId, run.id, { label_names: ['testsigma-tm-upload:shard-2-of-2'] });
  const marked = await marking;

  // Sent after the 3 s wait, the update built from the first read (no marker yet) would have dropped shard 2's.
  const expected = ['testsigma-tm-upload:shard-1-of-2', 'testsigma-tm-upload:shard-2-of-2'];
  expect(uploadMarkers(marked).sort()).toEqual(expected);
  expect(uploadMarkers(await api.getRun(projectId, run.id)).sort()).toEqual(expected);
});
