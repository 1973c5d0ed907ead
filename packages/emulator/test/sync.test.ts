// What one run per pipeline (run keys, shards) and case sync (creating missing cases) rely on: run labels,
// listing runs by title in creation order, rewriting a run, deleting runs and cases, creating cases with
// labels into nested folders.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, seedId } from '../src/index.js';
import type { Api, Json } from './helpers.js';
import { createRun, start } from './helpers.js';

const PID = DEMO_FACTS.project.id;
const RUNS = `/projects/${PID}/test_runs`;
const CASES = `/projects/${PID}/test_cases`;
const FOLDERS = `/projects/${PID}/folders`;
const cid = DEMO_FACTS.caseId;
const ALICE = DEMO_FACTS.users.alice.id;
let api: Api;

beforeAll(async () => {
  api = await start();
});
beforeEach(() => api.emu.reset());
afterAll(async () => {
  await api.emu.close();
});

const names = (labels: Json[]): string[] => labels.map((l: Json) => l.name);

describe('run labels (the run key)', () => {
  it('stores label_names on create and returns them as labels on get and list', async () => {
    const run = await createRun(api, PID, [cid(1)], 'CI run');
    expect(names(run.labels)).toEqual(['ci']);
    const key = await api.call('PUT', `${RUNS}/${run.id}`, { label_names: ['testsigma-tm:key:acme/shop#4711', 'ci'] });
    expect(key.status).toBe(200);
    expect(names(key.json.data.test_run.labels)).toEqual(['testsigma-tm:key:acme/shop#4711', 'ci']);
    expect(names((await api.get(`${RUNS}/${run.human_id}`)).json.data.test_run.labels)).toEqual(['testsigma-tm:key:acme/shop#4711', 'ci']);
    const listed = (await api.get(RUNS)).json.data.test_runs.find((r: Json) => r.id === run.id);
    expect(names(listed.labels)).toEqual(['testsigma-tm:key:acme/shop#4711', 'ci']);
    // New names become labels of the account.
    expect(names((await api.get('/labels?page_size=100')).json.data.labels)).toContain('testsigma-tm:key:acme/shop#4711');
  });

  it('updates labels from `labels` too: names, or the objects a GET answered, and an empty list clears them', async () => {
    const run = await createRun(api, PID, [cid(1)]);
    const read = (await api.call('PUT', `${RUNS}/${run.id}`, { labels: ['shard-1', 'shard-1', 'smoke'] })).json.data.test_run.labels;
    expect(names(read)).toEqual(['shard-1', 'smoke']);
    const again = await api.call('PUT', `${RUNS}/${run.id}`, { title: 'renamed', labels: read });
    expect(again.json.data.test_run).toMatchObject({ title: 'renamed', labels: read });
    const cleared = await api.call('PUT', `${RUNS}/${run.id}`, { label_names: [] });
    expect(cleared.json.data.test_run.labels).toEqual([]);
  });

  it('refuses labels that are not names or known label objects, changing nothing', async () => {
    const run = await createRun(api, PID, [cid(1)], 'keep me');
    const notArray = await api.call('PUT', `${RUNS}/${run.id}`, { title: 'changed', label_names: 'ci' });
    expect(notArray.status).toBe(400);
    expect(notArray.json.message).toBe('Invalid label_names');
    const unknownId = await api.call('PUT', `${RUNS}/${run.id}`, { title: 'changed', labels: [{ id: '44444444-4444-4444-8444-444444444444' }] });
    expect(unknownId.status).toBe(422);
    expect(unknownId.json.message).toBe('Unknown label id 44444444-4444-4444-8444-444444444444');
    expect((await api.call('PUT', `${RUNS}/${run.id}`, { labels: [42] })).json.message).toBe('Invalid labels[0]');
    const stored = (await api.get(`${RUNS}/${run.id}`)).json.data.test_run;
    expect([stored.title, names(stored.labels)]).toEqual(['keep me', ['ci']]);
  });
});

describe('finding and rewriting runs', () => {
  it('lists runs oldest first with created_at, filtered by title__CONTAINS (case-insensitive)', async () => {
    const first = await createRun(api, PID, [cid(1)], 'Nightly [key acme-4711] shard 1');
    await createRun(api, PID, [cid(2)], 'Other pipeline');
    const second = await createRun(api, PID, [cid(3)], 'nightly [KEY ACME-4711] shard 2');
    const res = await api.get(`${RUNS}?title__CONTAINS=${encodeURIComponent('[key acme-4711]')}`);
    const runs = res.json.data.test_runs;
    expect(runs.map((r: Json) => r.id)).toEqual([first.id, second.id]);
    expect(runs[0].created_at).toBeLessThanOrEqual(runs[1].created_at);
    expect(typeof runs[0].created_at).toBe('number');
    const all = (await api.get(RUNS)).json.data.test_runs.map((r: Json) => r.human_id);
    expect(all).toEqual(['DEMO-R-1', 'DEMO-R-2', 'DEMO-R-3', 'DEMO-R-4']);
  });

  it('rewrites title, description and selection in one PUT, keeping the results of cases that stay', async () => {
    const run = await createRun(api, PID, [cid(1), cid(2)]);
    const results = `${RUNS}/${run.id}/test_cases`;
    const write = (n: number, status: string): Promise<unknown> =>
      api.call('PUT', results, {
        test_run_cases: [{ test_case_id: cid(n), test_run_status_id: DEMO_FACTS.runStatusId(status), user_id: ALICE, description: '' }],
      });
    await write(1, 'Passed');
    await write(2, 'Failed');
    const res = await api.call('PUT', `${RUNS}/${run.id}`, {
      title: 'CI #4711 (attempt 2)',
      description: 'Continues DEMO-R-2',
      static_selection_filters: [{ field: 'id', operator: 'IN', values: [cid(2), cid(5), cid(7)] }],
    });
    expect(res.json.data.test_run).toMatchObject({ title: 'CI #4711 (attempt 2)', description: 'Continues DEMO-R-2', test_cases_count: 3 });
    const rows = (await api.get(results)).json.data.test_run_cases.map((c: Json) => [c.test_case.human_id, c.status]);
    expect(rows).toEqual([
      ['DEMO-2', 'Failed'],
      ['DEMO-5', 'Untested'],
      ['DEMO-7', 'Untested'],
    ]);
    // A case added by the new selection takes results at once.
    expect(await write(7, 'Passed')).toMatchObject({ status: 200 });
  });

  it('deletes a run: 204, gone from the list, and results for it answer 404', async () => {
    const run = await createRun(api, PID, [cid(1)], 'duplicate of a shard');
    expect((await api.call('DELETE', `${RUNS}/${run.id}`)).status).toBe(204);
    expect((await api.get(`${RUNS}?title__CONTAINS=duplicate`)).json.data.test_runs).toEqual([]);
    const late = await api.call('PUT', `${RUNS}/${run.id}/test_cases`, {
      test_run_cases: [{ test_case_id: cid(1), test_run_status_id: DEMO_FACTS.runStatusId('Passed'), user_id: ALICE }],
    });
    expect(late.status).toBe(404);
    expect(late.json.message).toBe('Test run not found');
    expect((await api.call('DELETE', `${RUNS}/${run.id}`)).status).toBe(404);
  });
});

describe('creating cases (case sync)', () => {
  async function requiredIds(): Promise<Record<string, string>> {
    const first = async (path: string, key: string): Promise<string> => (await api.get(path)).json.data[key][0].id;
    const automated = (await api.get('/test_cases/automation_types')).json.data.automation_types.find((t: Json) => t.name === 'Automated').id;
    return {
      status_id: await first('/test_cases/statuses', 'statuses'),
      priority_id: await first('/test_cases/priorities', 'priorities'),
      type_id: await first('/test_cases/types', 'types'),
      automation_type_id: automated,
      owner_id: ALICE,
    };
  }

  it('creates nested folders with parent_folder_id and lists them with their parents', async () => {
    const automated = await api.call('POST', FOLDERS, { name: 'Automated' });
    expect(automated.status).toBe(201);
    const parent = automated.json.data.folder;
    const checkout = await api.call('POST', FOLDERS, { name: 'Checkout', parent_folder_id: parent.id });
    expect(checkout.json.data.folder).toMatchObject({ name: 'Checkout', parent_folder_id: parent.id, order: 8 });
    const listed = (await api.get(`${FOLDERS}?page_size=100`)).json.data.folders.filter((f: Json) => f.name === 'Checkout');
    expect(listed.map((f: Json) => f.parent_folder_id)).toEqual([null, parent.id]);
    expect((await api.call('POST', FOLDERS, { name: 'x', parent_folder_id: seedId('folder:SBX:General') })).status).toBe(422);
  });

  it('creates a case with description and labels (label_ids, labels or label_names) in a nested folder', async () => {
    const folder = (await api.call('POST', FOLDERS, { name: 'Automated' })).json.data.folder;
    const nested = (await api.call('POST', FOLDERS, { name: 'Cart', parent_folder_id: folder.id })).json.data.folder;
    const smoke = (await api.get('/labels')).json.data.labels.find((l: Json) => l.name === 'smoke');
    const res = await api.call('POST', CASES, {
      title: 'cart › adds an item',
      description: 'File: tests/cart.spec.ts\nTitle path: cart › adds an item',
      folder_id: nested.id,
      template_type: 'TCD',
      ...(await requiredIds()),
      label_ids: [smoke.id],
      labels: ['playwright'],
      label_names: ['testsigma-tm:3f9a2c'],
    });
    expect(res.status).toBe(201);
    const created = res.json.data.test_case;
    expect(created).toMatchObject({ human_id: 'DEMO-51', folder_id: nested.id, description: 'File: tests/cart.spec.ts\nTitle path: cart › adds an item' });
    expect(names(created.labels)).toEqual(['smoke', 'playwright', 'testsigma-tm:3f9a2c']);
    const found = (await api.get(`${CASES}?folder_id=${nested.id}`)).json.data.test_cases;
    expect(found.map((c: Json) => [c.human_id, names(c.labels)])).toEqual([['DEMO-51', ['smoke', 'playwright', 'testsigma-tm:3f9a2c']]]);
  });

  it('refuses a case without one of the five ids (400) or with an unknown label id (422), creating nothing', async () => {
    const ids = await requiredIds();
    for (const missing of Object.keys(ids)) {
      const body: Record<string, unknown> = { title: 'x', ...ids, [missing]: undefined };
      const res = await api.call('POST', CASES, body);
      expect(res.status, missing).toBe(400);
      expect(res.json.message).toBe(`Missing required fields: ${missing}`);
    }
    const unknown = await api.call('POST', CASES, { title: 'x', ...ids, label_ids: ['55555555-5555-4555-8555-555555555555'] });
    expect(unknown.status).toBe(422);
    expect(api.emu.state().test_cases.filter((c) => c.project_id === PID)).toHaveLength(DEMO_FACTS.caseCount);
    expect(api.emu.state().labels.map((l) => l.name)).toEqual(['smoke', 'regression', 'payments']);
  });

  it('deletes a duplicate case: gone from lists and from the runs that selected it', async () => {
    const ids = await requiredIds();
    const a = (await api.call('POST', CASES, { title: 'same test', ...ids })).json.data.test_case;
    const b = (await api.call('POST', CASES, { title: 'same test', ...ids })).json.data.test_case;
    const run = await createRun(api, PID, [a.id, b.id]);
    expect((await api.call('DELETE', `${CASES}/${b.human_id}`)).json).toEqual({ message: '' });
    expect((await api.get(`${CASES}?title__CONTAINS=same%20test`)).json.data.test_cases.map((c: Json) => c.id)).toEqual([a.id]);
    expect((await api.get(`${RUNS}/${run.id}`)).json.data.test_run.test_cases_count).toBe(1);
  });
});

describe('the router resolves the project once', () => {
  it('answers every project route with the same 404 for an unknown project', async () => {
    const bad = '00000000-0000-4000-8000-000000000000';
    const routes: [string, string][] = [
      ['GET', ''],
      ['GET', '/test_cases'],
      ['POST', '/test_cases'],
      ['GET', '/test_cases/DEMO-1'],
      ['DELETE', '/test_cases/DEMO-1'],
      ['GET', '/folders'],
      ['POST', '/folders'],
      ['GET', `/folders/${DEMO_FACTS.folderId('Search')}`],
      ['POST', `/folders/${DEMO_FACTS.folderId('Search')}/move`],
      ['GET', '/test_plans'],
      ['POST', '/test_plans'],
      ['GET', '/test_plans/DEMO-P-1'],
      ['GET', '/test_runs'],
      ['POST', '/test_runs'],
      ['GET', '/test_runs/DEMO-R-1'],
      ['PUT', '/test_runs/DEMO-R-1'],
      ['DELETE', '/test_runs/DEMO-R-1'],
      ['GET', '/test_runs/DEMO-R-1/test_cases'],
      ['PUT', '/test_runs/DEMO-R-1/test_cases'],
      ['POST', '/junit-import/test-run/DEMO-R-1'],
      ['GET', `/junit-imports/${bad}/status`],
    ];
    for (const [method, sub] of routes) {
      const res = await api.call(method, `/projects/${bad}${sub}`, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect([method, sub, res.status, res.json.errors?.details]).toEqual([method, sub, 404, `Project not found with ID: ${bad}`]);
    }
    expect(api.emu.state().counts[`PUT /projects/{pid}/test_runs/{rid}/test_cases`]).toBe(1);
  });
});
