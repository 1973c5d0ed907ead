/**
 * What a created run carries — its test plan, environments and title — read from the emulator's recorded state
 * after real uploads over loopback; a wrong plan stops the upload before any run is created. And carry-over
 * never overwrites a result another job writes into the new run while it copies.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import { HttpClient } from '../../src/api/http.js';
import { TestManagementApi } from '../../src/api/client.js';
import { silentLogger, type Logger } from '../../src/log.js';
import type { TestResult } from '../../src/model.js';
import { resolveSettings } from '../../src/settings/index.js';
import { carryOver } from '../../src/run/carry-over.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import type { Transport } from '../../src/api/http.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { virtualClock } from '../run/close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

const ENV_A = '0b7e6f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const ENV_B = '11111111-2222-4333-8444-555555555555';

function result(name: string, status: TestResult['status'] = 'passed'): TestResult {
  return { source: 'unit', suitePath: ['suite'], name, status, properties: [], tags: [], attachments: [], attempts: [{ status }] };
}

function settings(extra: Record<string, unknown> = {}) {
  return resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', ...extra }, {});
}

function createdRuns() {
  return emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id);
}

const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '9001',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_RUN_NUMBER: '77',
  GITHUB_WORKFLOW: 'E2E',
  GITHUB_REF_NAME: 'main',
  GITHUB_SHA: 'feedface0123456',
};

describe('what a created run carries', () => {
  it('a keyed upload sends the plan (by human id), the environments and the filled title', async () => {
    const outcome = await uploadResults({
      settings: settings({ testPlan: 'DEMO-P-1', environmentIds: [ENV_A, ENV_B], runTitle: '{workflow} #{run_number} {branch} {job}' }),
      results: [result('DEMO-1 a'), result('DEMO-2 b', 'failed')],
      env: GITHUB,
      clock: virtualClock(),
    });
    expect(outcome.error).toBeUndefined();
    const [run] = createdRuns();
    expect(run).toMatchObject({ test_plan_id: DEMO_FACTS.plan.id, environment_ids: [ENV_A, ENV_B], title: 'E2E #77 main [gh-9001]' });
  });

  it('a plan by UUID and no CI: the title keeps what has a value; without the settings the run has no plan and no environments', async () => {
    await uploadResults({
      settings: settings({ testPlan: DEMO_FACTS.plan.id.toUpperCase(), runTitle: 'Nightly {branch} {date}' }),
      results: [result('DEMO-1 a')],
    });
    await uploadResults({ settings: settings(), results: [result('DEMO-2 a')] });
    const [withPlan, without] = createdRuns();
    expect(withPlan).toMatchObject({ test_plan_id: DEMO_FACTS.plan.id, environment_ids: [] });
    expect(withPlan!.title).toMatch(/^Nightly \d{4}-\d{2}-\d{2}$/);
    expect(without).toMatchObject({ test_plan_id: null, environment_ids: [] });
  });

  it('run create (openOnly) carries them too', async () => {
    const outcome = await uploadResults({
      settings: settings({ testPlan: 'DEMO-P-1', environmentIds: [ENV_B], runTitle: '{provider} {sha}', runKey: 'create-1' }),
      results: [result('DEMO-3 a')],
      env: GITHUB,
      openOnly: true,
      clock: virtualClock(),
    });
    expect(outcome.error).toBeUndefined();
    expect(createdRuns()).toMatchObject([{ test_plan_id: DEMO_FACTS.plan.id, environment_ids: [ENV_B], title: 'GitHub Actions feedfac [create-1]' }]);
  });

  it("an unknown plan is a settings error naming the setting and the project's plans, and no run is created", async () => {
    const outcome = await uploadResults({ settings: settings({ testPlan: 'DEMO-P-9' }), results: [result('DEMO-1 a')], host: 'cli' });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.error?.code).toBe('CONFIG_UNKNOWN_TEST_PLAN');
    expect(outcome.error?.message).toMatch(
      /^No test plan DEMO-P-9 in this project \(--test-plan \(or TESTSIGMA_TEST_PLAN\)\): the service answered 404 \(request id [\w-]+\), so no run was created\. Its test plans: DEMO-P-1 "Release 2\.4"\. Set it to the UUID or human id of one of the project's plans, or unset it\.$/,
    );
    expect(createdRuns()).toHaveLength(0);
    expect(emulator.state().requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});

describe('carry-over into a new generation', () => {
  it('skips a case another job records in the new run while the carry-over is under way', async () => {
    // The carry-over's first batch is held on its way (a gate in its transport, not a window of time): the re-run
    // job writes DEMO-3 while it is held, whatever the machine's load.
    let heldRun: string | undefined;
    let held: (() => void) | undefined;
    const reached = new Promise<void>((reachedGate) => {
      held = reachedGate;
    });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((open) => (release = open));
    const dispatcher = makeDispatcher(5000, undefined);
    const transport: Transport = async (r) => {
      if (heldRun !== undefined && r.method === 'PUT' && r.url.pathname.endsWith(`/test_runs/${heldRun}/test_cases`)) {
        heldRun = undefined;
        held?.();
        await gate;
      }
      return exchange(await dispatcher, r.method, r.url, r.headers, r.body, r.timeoutMs, r.nowMs, () => Date.now());
    };
    const http = new HttpClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 5000, log: silentLogger, transport });
    const api = new TestManagementApi(http);
    const projectId = DEMO_FACTS.project.id;
    const userId = DEMO_FACTS.users.alice.id;
    const status = (name: string) => DEMO_FACTS.runStatusId(name);
    const caseIds = [1, 2, 3].map((n) => DEMO_FACTS.caseId(n));
    const newRun = (title: string) => api.createRun({ projectId, title, description: '', caseIds, assigneeId: userId, labels: [], now: Date.now() });
    try {
      const previous = await newRun('attempt 1');
      await api.putResults(
        projectId,
        previous.id,
        caseIds.map((id) => ({ test_case_id: id, test_run_status_id: status('Failed'), user_id: userId, description: 'attempt 1' })),
      );
      await api.updateRun(projectId, previous.id, { status: 'CLOSED' });
      const run = await newRun('attempt 2');
      const cases = await api.listRunCases(projectId, previous.id);
      heldRun = run.id;
      const lines: string[] = [];
      const log: Logger = { ...silentLogger, info: (line: string) => lines.push(line) };
      const copying = carryOver(api, projectId, { previous, run, userId, own: new Set(), untested: new Set([status('Untested')]), batchSize: 1 }, cases, log);
      await reached;
      // The re-run job writes DEMO-3 (addressed by human id) while the carry-over's first batch is held.
      await api.putResults(projectId, run.human_id, [
        { test_case_id: caseIds[2]!, test_run_status_id: status('Passed'), user_id: userId, description: 're-run' },
      ]);
      release();
      expect(await copying).toBe(2);
      expect(lines).toContain('Carried 2 result(s) over from test run DEMO-R-2 (1 case(s) already had a newer result and were left alone).');
      const recorded = emulator.state().test_runs.find((r) => r.id === run.id)!.results;
      expect(Object.fromEntries(caseIds.map((id) => [id, [recorded[id]?.status, recorded[id]?.description, recorded[id]?.writes]]))).toEqual({
        [caseIds[0]!]: ['Failed', expect.stringContaining('Carried over from test run DEMO-R-2'), 1],
        [caseIds[1]!]: ['Failed', expect.stringContaining('Carried over from test run DEMO-R-2'), 1],
        [caseIds[2]!]: ['Passed', 're-run', 1],
      });
    } finally {
      release();
      await http.close();
    }
  });
});
