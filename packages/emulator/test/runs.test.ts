import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS } from '../src/index.js';
import type { Api, Json } from './helpers.js';
import { createRun, start } from './helpers.js';

const PID = DEMO_FACTS.project.id;
const RUNS = `/projects/${PID}/test_runs`;
const cid = DEMO_FACTS.caseId;
const PASSED = DEMO_FACTS.runStatusId('Passed');
const ALICE = DEMO_FACTS.users.alice.id;
let api: Api;

beforeAll(async () => {
  api = await start();
});
beforeEach(() => api.emu.reset());
afterAll(async () => {
  await api.emu.close();
});

describe('test runs', () => {
  it('creates a run: 201, the documented fields, the next human id', async () => {
    const res = await api.call('POST', RUNS, {
      title: 'CI 1234 attempt 1',
      description: 'from CI',
      status: 'ACTIVE',
      project_id: PID,
      selection_type: 'STATIC',
      static_selection_filters: [{ field: 'id', operator: 'IN', values: [cid(3), cid(1), cid(2), cid(1)] }],
      dynamic_selection_filters: [],
      assignee_id: ALICE,
      start_date: 1_767_600_000_000,
      end_date: 1_767_603_600_000,
      label_names: ['ci', 'smoke'],
      environment_ids: [],
      test_plan_id: DEMO_FACTS.plan.id,
    });
    expect(res.status).toBe(201);
    const run = res.json.data.test_run;
    expect(Object.keys(run).sort()).toEqual(
      [
        'assignee_id',
        'created_at',
        'description',
        'end_date',
        'human_id',
        'id',
        'labels',
        'project_id',
        'selection_type',
        'start_date',
        'status',
        'test_cases_count',
        'test_plan_id',
        'title',
        'updated_at',
      ].sort(),
    );
    expect(run).toMatchObject({
      human_id: 'DEMO-R-2',
      title: 'CI 1234 attempt 1',
      status: 'ACTIVE',
      selection_type: 'STATIC',
      start_date: 1_767_600_000_000,
      assignee_id: ALICE,
      project_id: PID,
      test_plan_id: DEMO_FACTS.plan.id,
      test_cases_count: 3,
    });
    expect(run.labels.map((l: Json) => l.name)).toEqual(['ci', 'smoke']);
    const stored = api.emu.state().test_runs.find((r) => r.id === run.id);
    expect(stored?.selection).toEqual([cid(1), cid(2), cid(3)]);
  });

  it('refuses bad run bodies: 400 for shape, 422 for unknown references', async () => {
    expect((await api.call('POST', RUNS, { description: 'no title' })).status).toBe(400);
    expect((await api.call('POST', RUNS, { title: 't', status: 'OPEN' })).status).toBe(400);
    expect((await api.call('POST', RUNS, { title: 't', static_selection_filters: 'all' })).status).toBe(400);
    expect((await api.call('POST', RUNS, { title: 't', start_date: 'yesterday' })).status).toBe(400);
    const human = await api.call('POST', RUNS, { title: 't', static_selection_filters: [{ field: 'id', operator: 'IN', values: ['DEMO-1'] }] });
    expect(human.status).toBe(422);
    expect(human.json.message).toContain('DEMO-1');
    expect((await api.call('POST', RUNS, { title: 't', assignee_id: '44444444-4444-4444-8444-444444444444' })).status).toBe(422);
    expect((await api.call('POST', RUNS, { title: 't', test_plan_id: '44444444-4444-4444-8444-444444444444' })).status).toBe(422);
    expect((await api.call('POST', RUNS, { title: 't', project_id: DEMO_FACTS.sandboxProject.id })).status).toBe(422);
    expect(api.emu.state().test_runs).toHaveLength(1);
  });

  it('creating is not idempotent: the same body twice makes two runs', async () => {
    await createRun(api, PID, [cid(1)], 'same title');
    await createRun(api, PID, [cid(1)], 'same title');
    const list = await api.get(`${RUNS}?title__CONTAINS=same`);
    expect(list.json.data.test_runs.map((r: Json) => r.human_id)).toEqual(['DEMO-R-2', 'DEMO-R-3']);
  });

  it('lists runs with title__CONTAINS and gets one by UUID or human id', async () => {
    const run = await createRun(api, PID, [cid(1)], 'Nightly 2026-01-05');
    const list = await api.get(`${RUNS}?title__CONTAINS=nightly`);
    expect(list.json.data.test_runs).toHaveLength(1);
    expect(list.json.page_info).toMatchObject({ total_count: 1, next: null });
    expect((await api.get(`${RUNS}/${run.id}`)).json.data.test_run.human_id).toBe(run.human_id);
    expect((await api.get(`${RUNS}/${run.human_id}`)).json.data.test_run.id).toBe(run.id);
  });

  it('updates sparsely and closes with {"status": "CLOSED"}', async () => {
    const run = await createRun(api, PID, [cid(1), cid(2)]);
    const renamed = await api.call('PUT', `${RUNS}/${run.human_id}`, { title: 'renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.json.data.test_run).toMatchObject({ title: 'renamed', status: 'ACTIVE', test_cases_count: 2, description: 'created by a test' });
    const closed = await api.call('PUT', `${RUNS}/${run.id}`, { status: 'CLOSED' });
    expect(closed.json.data.test_run).toMatchObject({ status: 'CLOSED', title: 'renamed' });
    expect((await api.call('PUT', `${RUNS}/${run.id}`, { status: 'DONE' })).status).toBe(400);
  });

  it('replaces the selection on PUT of static_selection_filters, keeping results of cases that stay', async () => {
    const run = await createRun(api, PID, [cid(1), cid(2), cid(3)]);
    const put = await api.call('PUT', `${RUNS}/${run.id}/test_cases`, {
      test_run_cases: [cid(1), cid(2)].map((id) => ({ test_case_id: id, test_run_status_id: PASSED, user_id: ALICE, description: 'ok' })),
    });
    expect(put.status).toBe(200);
    const res = await api.call('PUT', `${RUNS}/${run.id}`, { static_selection_filters: [{ field: 'id', operator: 'IN', values: [cid(2), cid(3), cid(4)] }] });
    expect(res.json.data.test_run.test_cases_count).toBe(3);
    const stored = api.emu.state().test_runs.find((r) => r.id === run.id);
    expect(stored?.selection).toEqual([cid(2), cid(3), cid(4)]);
    expect(Object.keys(stored?.results ?? {})).toEqual([cid(2)]);
    const cases = await api.get(`${RUNS}/${run.id}/test_cases`);
    expect(cases.json.data.test_run_cases.map((c: Json) => [c.test_case.human_id, c.status])).toEqual([
      ['DEMO-2', 'Passed'],
      ['DEMO-3', 'Untested'],
      ['DEMO-4', 'Untested'],
    ]);
  });

  it('lists run cases with id, status_id, status, assignee_id and the full test case', async () => {
    const res = await api.get(`${RUNS}/DEMO-R-1/test_cases`);
    expect(res.status).toBe(200);
    const rows = res.json.data.test_run_cases;
    expect(rows).toHaveLength(5);
    expect(Object.keys(rows[0]).sort()).toEqual(['assignee_id', 'attachments', 'id', 'status', 'status_id', 'test_case']);
    expect(rows.map((r: Json) => r.status)).toEqual(['Passed', 'Passed', 'Failed', 'Skipped', 'Untested']);
    expect(rows[0]).toMatchObject({ status_id: PASSED, assignee_id: ALICE, test_case: { id: cid(1), human_id: 'DEMO-1', title: expect.any(String) } });
    const failed = await api.get(`${RUNS}/DEMO-R-1/test_cases?status__EQ=Failed`);
    expect(failed.json.data.test_run_cases.map((r: Json) => r.test_case.human_id)).toEqual(['DEMO-3']);
  });

  it('supports a DYNAMIC selection evaluated when the run is written', async () => {
    const res = await api.call('POST', RUNS, {
      title: 'payments',
      selection_type: 'DYNAMIC',
      dynamic_selection_filters: [{ field: 'folder_id', operator: 'IN', values: [DEMO_FACTS.folderId('Payments')] }],
    });
    expect(res.status).toBe(201);
    expect(res.json.data.test_run).toMatchObject({ selection_type: 'DYNAMIC', test_cases_count: 6 });
  });

  it('deletes a run with 204 and no body', async () => {
    const run = await createRun(api, PID, [cid(1)]);
    const res = await api.call('DELETE', `${RUNS}/${run.human_id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await api.get(`${RUNS}/${run.id}`)).status).toBe(404);
  });

  it('deleting a test case removes it from runs', async () => {
    const run = await createRun(api, PID, [cid(1), cid(2)]);
    await api.call('DELETE', `/projects/${PID}/test_cases/${cid(2)}`);
    expect((await api.get(`${RUNS}/${run.id}`)).json.data.test_run.test_cases_count).toBe(1);
  });
});
