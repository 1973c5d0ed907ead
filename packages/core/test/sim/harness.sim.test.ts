/**
 * The simulation itself can fail: a protocol that is wrong is caught, a schedule that hangs or spins is stopped
 * with a message naming its seed, and a seed replays exactly. Without these, a green sweep would prove nothing.
 */
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/api/http.js';
import { TestManagementApi } from '../../src/api/client.js';
import { silentLogger } from '../../src/log.js';
import { Scheduler } from './scheduler.js';
import { runScenario, type Strategy } from './scenario.js';
import { CALM, SIM_BASE_URL } from './service.js';

/**
 * A job that trusts its own write: it sets the run's selection to its own cases without reading what other jobs
 * added (a selection update replaces the whole list), then records its results.
 */
const withoutReadBack: Strategy = async (job, { scheduler, service, key }) => {
  const http = new HttpClient({
    baseUrl: SIM_BASE_URL,
    token: 'sim-token',
    timeoutMs: 30_000,
    log: silentLogger,
    clock: scheduler.clock,
    transport: service.transport,
  });
  const api = new TestManagementApi(http);
  try {
    const [project] = await api.listProjects();
    const statuses = await api.listRunStatuses();
    const [user] = await api.listUsers();
    const cases = new Map((await api.listTestCases(project!.id)).map((c) => [c.human_id, c.id]));
    const entries = job.results.map((r) => ({
      test_case_id: cases.get(r.name.split(' ')[0]!)!,
      test_run_status_id: statuses.find((s) => s.name === { passed: 'Passed', failed: 'Failed', error: 'Blocked', skipped: 'Skipped' }[r.status])!.id,
      user_id: user!.id,
      description: '',
    }));
    const ids = entries.map((e) => e.test_case_id);
    const [run] = await api.findRunsByTitleContaining(project!.id, `[${key}]`);
    const target =
      run ??
      (await api.createRun({
        projectId: project!.id,
        title: `Naive [${key}]`,
        description: '',
        caseIds: ids,
        assigneeId: user!.id,
        labels: [],
        now: scheduler.now(),
      }));
    if (run) await api.updateRun(project!.id, run.id, { static_selection_filters: [{ field: 'id', operator: 'IN', values: ids }] });
    await api.putResults(project!.id, target.id, entries);
    return { exitCode: 0 };
  } catch (error) {
    return { exitCode: 1, message: (error as Error).message };
  }
};

describe('the simulation harness', () => {
  it('catches a job that writes the selection without reading it back', async () => {
    const caught: string[] = [];
    for (let seed = 1; seed <= 10 && caught.length === 0; seed++) {
      const outcome = await runScenario({ seed, mode: 'close-job', jobs: 4, faults: CALM, strategy: withoutReadBack });
      caught.push(...outcome.violations.filter((v) => v.startsWith('selection:')));
    }
    expect(caught[0]).toMatch(/^selection: DEMO-R-\d+ lacks DEMO-\d+/);
  });

  it('replays a seed exactly: same requests, same virtual time, same faults, same verdict', async () => {
    const first = await runScenario({ seed: 42 });
    const again = await runScenario({ seed: 42 });
    expect(again).toEqual(first);
    const other = await runScenario({ seed: 43 });
    expect(other).not.toEqual(first);
  });

  it('stops a schedule that waits for something that never comes, naming the seed', async () => {
    const scheduler = new Scheduler(7);
    await expect(scheduler.run(() => new Promise(() => {}))).rejects.toThrow(
      'seed 7: deadlock at 0 ms of virtual time: the work is unfinished and no timer is pending (something waits on real time, or on a promise nobody resolves).',
    );
  });

  it('stops a schedule that never ends', async () => {
    const scheduler = new Scheduler(8, { maxVirtualMs: 60_000 });
    const spin = async (): Promise<void> => {
      for (;;) await scheduler.clock.sleep(1000);
    };
    await expect(scheduler.run(spin)).rejects.toThrow(/^seed 8: livelock: 61 timers over 61000 ms of virtual time/);
  });

  it('orders timers due at the same moment by the seed', async () => {
    const orders = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const scheduler = new Scheduler(seed);
      const order: string[] = [];
      await scheduler.run(() => Promise.all(['a', 'b', 'c'].map((name) => scheduler.clock.sleep(100).then(() => order.push(name)))));
      orders.add(order.join(''));
    }
    expect(orders.size).toBeGreaterThan(1);
  });
});
