/**
 * The simulated service answers like the emulator: one script of API calls through the real client, run against
 * the emulator over loopback and against the simulation, observes the same things (selection replaced as a whole
 * list keeping the results of cases that stay, last write wins, all-or-nothing 422s, labels replaced, close,
 * delete). A simulation with other semantics would prove nothing about the real protocol.
 */
import { expect, it } from 'vitest';
import type { EmulatorHandle } from 'testsigma-tm-emulator';
import { HttpClient, type HttpClientOptions } from '../../src/api/http.js';
import { TestManagementApi } from '../../src/api/client.js';
import type { ApiError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { Scheduler } from './scheduler.js';
import { CALM, SIM_BASE_URL, SimService } from './service.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

async function observe(api: TestManagementApi): Promise<string[]> {
  const seen: string[] = [];
  const [project] = (await api.listProjects()).filter((p) => p.name === 'Demo');
  const pid = project!.id;
  const cases = new Map((await api.listTestCases(pid)).map((c) => [c.human_id, c.id]));
  const [c1, c2, c3] = ['DEMO-1', 'DEMO-2', 'DEMO-3'].map((h) => cases.get(h)!);
  const status = new Map((await api.listRunStatuses()).map((s) => [s.name, s.id]));
  const [user] = await api.listUsers();
  const entry = (id: string, name: string) => ({ test_case_id: id, test_run_status_id: status.get(name)!, user_id: user!.id, description: name });
  const held = async (runId: string) => {
    const names = new Map([...status].map(([name, id]) => [id, name]));
    const byId = new Map([...cases].map(([h, id]) => [id, h]));
    return (await api.listRunCases(pid, runId)).map((c) => `${byId.get(c.test_case.id)}=${names.get(c.status_id ?? '')}`).join(' ');
  };
  const refusal = async (write: () => Promise<unknown>) => {
    try {
      await write();
      return 'accepted';
    } catch (error) {
      return `refused ${(error as ApiError).status}`;
    }
  };

  const run = await api.createRun({
    projectId: pid,
    title: 'Parity [parity-key]',
    description: 'd',
    caseIds: [c1!, c2!],
    assigneeId: user!.id,
    labels: ['a'],
    now: 0,
  });
  seen.push(`created ${run.status} labels ${run.labels?.join(',')}: ${await held(run.id)}`);
  await api.putResults(pid, run.id, [entry(c1!, 'Failed'), entry(c2!, 'Failed')]);
  await api.putResults(pid, run.id, [entry(c2!, 'Passed')]);
  seen.push(`last write wins: ${await held(run.id)}`);
  await api.updateRun(pid, run.id, { static_selection_filters: [{ field: 'id', operator: 'IN', values: [c2!, c3!] }] });
  seen.push(`selection replaced: ${await held(run.id)}`);
  seen.push(`a case outside the run: ${await refusal(() => api.putResults(pid, run.id, [entry(c3!, 'Failed'), entry(c1!, 'Passed')]))}: ${await held(run.id)}`);
  await api.updateRun(pid, run.id, { label_names: ['b'], description: 'e' });
  const updated = await api.getRun(pid, run.id);
  seen.push(`labels ${updated.labels?.join(',')}, description ${updated.description}`);
  seen.push(`found by title: ${(await api.findRunsByTitleContaining(pid, '[parity-key]')).length}`);
  await api.updateRun(pid, run.id, { status: 'CLOSED' });
  seen.push(`closed: ${(await api.getRun(pid, run.id)).status}; a write: ${await refusal(() => api.putResults(pid, run.id, [entry(c2!, 'Failed')]))}`);
  await api.deleteRun(pid, run.id);
  seen.push(`deleted: found ${(await api.findRunsByTitleContaining(pid, '[parity-key]')).length}, read ${await refusal(() => api.getRun(pid, run.id))}`);
  return seen;
}

function client(options: Partial<HttpClientOptions> & { baseUrl: string; token: string }): TestManagementApi {
  return new TestManagementApi(new HttpClient({ timeoutMs: 30_000, log: silentLogger, ...options }));
}

it('observes the same through the real client on the emulator and on the simulated service', async () => {
  // Pacing under the emulator's announced limit passes on a clock that jumps instead of waiting.
  let now = 0;
  const jumping = { now: () => now, sleep: async (ms: number) => void (now += ms), random: () => 0.5 };
  const onEmulator = await observe(client({ baseUrl: emulator.url, token: emulator.token, clock: jumping }));
  const scheduler = new Scheduler(1);
  const service = new SimService(scheduler, { ...CALM, maxLatencyMs: 0 }, 12, 5);
  const onSimulation = await scheduler.run(() =>
    observe(client({ baseUrl: SIM_BASE_URL, token: 'sim-token', clock: scheduler.clock, transport: service.transport })),
  );
  expect(onSimulation).toEqual(onEmulator);
  expect(onSimulation).toEqual([
    'created ACTIVE labels a: DEMO-1=Untested DEMO-2=Untested',
    'last write wins: DEMO-1=Failed DEMO-2=Passed',
    'selection replaced: DEMO-2=Passed DEMO-3=Untested',
    'a case outside the run: refused 422: DEMO-2=Passed DEMO-3=Untested',
    'labels b, description e',
    'found by title: 1',
    'closed: CLOSED; a write: refused 422',
    'deleted: found 0, read refused 404',
  ]);
});
