// Projects, lookups, users, folders and test cases (every endpoint but the runs).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS } from '../src/index.js';
import type { Api, Json } from './helpers.js';
import { start } from './helpers.js';

const PID = DEMO_FACTS.project.id;
let api: Api;

beforeAll(async () => {
  api = await start();
});
beforeEach(() => api.emu.reset());
afterAll(async () => {
  await api.emu.close();
});

describe('projects', () => {
  it('lists projects with the documented fields', async () => {
    const res = await api.get('/projects');
    expect(res.status).toBe(200);
    expect(res.json.message).toBe('');
    expect(res.json.page_info).toEqual({ page_size: 20, total_count: 2, next: null, prev: null });
    const demo = res.json.data.projects.find((p: Json) => p.name === 'Demo');
    expect(Object.keys(demo).sort()).toEqual(['created_at', 'description', 'human_id_prefix', 'id', 'name', 'updated_at']);
    expect(demo).toMatchObject({ id: PID, human_id_prefix: 'DEMO' });
    expect(demo.created_at).toBeGreaterThan(1_600_000_000_000);
  });

  it('filters projects with name__EQ / name__NEQ', async () => {
    const eq = await api.get('/projects?name__EQ=Demo');
    expect(eq.json.data.projects.map((p: Json) => p.name)).toEqual(['Demo']);
    const neq = await api.get('/projects?name__NEQ=Demo');
    expect(neq.json.data.projects.map((p: Json) => p.name)).toEqual(['Sandbox']);
  });

  it('gets one project', async () => {
    const res = await api.get(`/projects/${PID}`);
    expect(res.json).toEqual({ message: '', data: { project: expect.objectContaining({ id: PID, name: 'Demo' }) } });
  });
});

describe('lookups and users', () => {
  it('lists test run statuses with id, name, order, alias', async () => {
    const res = await api.get('/test_runs/statuses');
    const statuses = res.json.data.statuses;
    expect(statuses.map((s: Json) => s.name)).toEqual(['Passed', 'Failed', 'Blocked', 'Skipped', 'Untested', 'In Progress', 'Retest']);
    for (const s of statuses) expect(Object.keys(s).sort()).toEqual(['alias', 'id', 'name', 'order']);
    expect(statuses[0].id).toBe(DEMO_FACTS.runStatusId('Passed'));
    expect(res.json.page_info.total_count).toBe(7);
  });

  it('lists the four test case lookups under their own keys', async () => {
    for (const [path, key, first] of [
      ['/test_cases/statuses', 'statuses', 'Draft'],
      ['/test_cases/priorities', 'priorities', 'Critical'],
      ['/test_cases/types', 'types', 'Functional'],
      ['/test_cases/automation_types', 'automation_types', 'Automated'],
    ] as const) {
      const res = await api.get(path);
      expect(res.status, path).toBe(200);
      expect(res.json.data[key][0].name).toBe(first);
    }
    const automation = await api.get('/test_cases/automation_types');
    expect(automation.json.data.automation_types.map((a: Json) => a.name)).toContain('Not Automated');
  });

  it('answers GET /users as a bare array without page_info', async () => {
    const res = await api.get('/users');
    expect(Array.isArray(res.json.data)).toBe(true);
    expect(res.json.page_info).toBeUndefined();
    expect(res.json.data).toEqual([
      { id: DEMO_FACTS.users.bob.id, email: 'bob@example.com', first_name: 'Bob', last_name: 'Baker', status: 'INACTIVE' },
      { id: DEMO_FACTS.users.alice.id, email: 'alice@example.com', first_name: 'Alice', last_name: 'Anders', status: 'ACTIVE' },
    ]);
  });

  it('lists labels with camelCase timestamps', async () => {
    const res = await api.get('/labels');
    expect(res.json.data.labels.map((l: Json) => l.name)).toEqual(['smoke', 'regression', 'payments']);
    expect(Object.keys(res.json.data.labels[0]).sort()).toEqual(['createdAt', 'id', 'name', 'updatedAt']);
  });
});

describe('folders', () => {
  it('lists folders with parent ids', async () => {
    const res = await api.get(`/projects/${PID}/folders`);
    const folders = res.json.data.folders;
    expect(folders.map((f: Json) => f.name)).toEqual(DEMO_FACTS.folders);
    const payments = folders.find((f: Json) => f.name === 'Payments');
    expect(payments).toMatchObject({ id: DEMO_FACTS.folderId('Payments'), parent_folder_id: DEMO_FACTS.folderId('Checkout'), children: [] });
    expect(Object.keys(payments)).toEqual(expect.arrayContaining(['id', 'name', 'parent_folder_id', 'order']));
  });

  it('creates a folder (201) and moves it under another one', async () => {
    const created = await api.call('POST', `/projects/${PID}/folders`, { name: 'Imported', order: 7 });
    expect(created.status).toBe(201);
    const folder = created.json.data.folder;
    expect(folder).toMatchObject({ name: 'Imported', order: 7, parent_folder_id: null });
    const moved = await api.call('POST', `/projects/${PID}/folders/${folder.id}/move`, { parent_folder_id: DEMO_FACTS.folderId('Search') });
    expect(moved.status).toBe(200);
    expect(moved.json.data.folder.parent_folder_id).toBe(DEMO_FACTS.folderId('Search'));
    expect((await api.get(`/projects/${PID}/folders/${folder.id}`)).json.data.folder.parent_folder_id).toBe(DEMO_FACTS.folderId('Search'));
    const top = await api.call('POST', `/projects/${PID}/folders/${folder.id}/move`, { parent_folder_id: null });
    expect(top.json.data.folder.parent_folder_id).toBeNull();
  });

  it('refuses a folder without a name (400) and cycles or unknown parents (422)', async () => {
    expect((await api.call('POST', `/projects/${PID}/folders`, { order: 1 })).status).toBe(400);
    const cycle = await api.call('POST', `/projects/${PID}/folders/${DEMO_FACTS.folderId('Checkout')}/move`, {
      parent_folder_id: DEMO_FACTS.folderId('Payments'),
    });
    expect(cycle.status).toBe(422);
    const unknown = await api.call('POST', `/projects/${PID}/folders/${DEMO_FACTS.folderId('Checkout')}/move`, {
      parent_folder_id: '22222222-2222-4222-8222-222222222222',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.json.errors.code).toBe(422);
  });
});

describe('test cases', () => {
  it('lists cases with the documented fields', async () => {
    const res = await api.get(`/projects/${PID}/test_cases?page_size=100`);
    expect(res.json.page_info.total_count).toBe(50);
    const first = res.json.data.test_cases[0];
    for (const key of [
      'id',
      'human_id',
      'title',
      'description',
      'folder_id',
      'project_id',
      'status_id',
      'priority_id',
      'type_id',
      'automation_type_id',
      'owner_id',
      'labels',
      'created_at',
      'updated_at',
    ]) {
      expect(first, key).toHaveProperty(key);
    }
    expect(first.labels[0]).toMatchObject({ name: 'smoke' });
    expect(res.json.data.test_cases.map((c: Json) => c.human_id).slice(0, 3)).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-3']);
  });

  it('filters by title__CONTAINS (case-insensitive), search and folder_id', async () => {
    const contains = await api.get(`/projects/${PID}/test_cases?title__CONTAINS=${encodeURIComponent('DISCOUNT code')}`);
    expect(contains.json.data.test_cases.map((c: Json) => c.human_id)).toEqual(['DEMO-14', 'DEMO-15']);
    const search = await api.get(`/projects/${PID}/test_cases?search=password`);
    expect(search.json.data.test_cases.map((c: Json) => c.human_id)).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-4', 'DEMO-5', 'DEMO-37']);
    const folder = await api.get(`/projects/${PID}/test_cases?folder_id=${DEMO_FACTS.folderId('Payments')}`);
    expect(folder.json.page_info.total_count).toBe(6);
    const both = await api.get(`/projects/${PID}/test_cases?folder_id=${DEMO_FACTS.folderId('Payments')}&search=card`);
    expect(both.json.data.test_cases.map((c: Json) => c.human_id)).toEqual(['DEMO-21', 'DEMO-22', 'DEMO-23']);
  });

  it('applies generic __EQ / __NEQ filters and ignores unknown parameters', async () => {
    const eq = await api.get(`/projects/${PID}/test_cases?human_id__EQ=DEMO-7`);
    expect(eq.json.data.test_cases).toHaveLength(1);
    const neq = await api.get(`/projects/${PID}/test_cases?folder_id__NEQ=${DEMO_FACTS.folderId('Notifications')}&page_size=100`);
    expect(neq.json.page_info.total_count).toBe(42);
    const ignored = await api.get(`/projects/${PID}/test_cases?colour__EQ=red&frobnicate=1&sort=title`);
    expect(ignored.status).toBe(200);
    expect(ignored.json.page_info.total_count).toBe(50);
  });

  it('keeps special characters intact', async () => {
    const res = await api.get(`/projects/${PID}/test_cases/DEMO-32`);
    expect(res.json.data.test_case.title).toBe('Search handles special characters like & and <');
  });

  const valid = (): Record<string, unknown> => ({
    title: 'Created by the client',
    description: 'from CI',
    folder_id: DEMO_FACTS.folderId('Search'),
    template_type: 'TCD',
    status_id: '',
    priority_id: '',
    type_id: '',
    automation_type_id: '',
    owner_id: DEMO_FACTS.users.alice.id,
    label_ids: [],
  });

  async function lookupIds(): Promise<Record<string, string>> {
    const first = async (path: string, key: string): Promise<string> => (await api.get(path)).json.data[key][0].id;
    return {
      status_id: await first('/test_cases/statuses', 'statuses'),
      priority_id: await first('/test_cases/priorities', 'priorities'),
      type_id: await first('/test_cases/types', 'types'),
      automation_type_id: await first('/test_cases/automation_types', 'automation_types'),
    };
  }

  it('creates a case (201) with the next human id', async () => {
    const labels = (await api.get('/labels')).json.data.labels;
    const res = await api.call('POST', `/projects/${PID}/test_cases`, { ...valid(), ...(await lookupIds()), label_ids: [labels[0].id] });
    expect(res.status).toBe(201);
    expect(res.json.data.test_case).toMatchObject({
      human_id: 'DEMO-51',
      title: 'Created by the client',
      project_id: PID,
      folder_id: DEMO_FACTS.folderId('Search'),
    });
    expect(res.json.data.test_case.labels).toEqual([expect.objectContaining({ id: labels[0].id })]);
    expect((await api.get(`/projects/${PID}/test_cases/DEMO-51`)).status).toBe(200);
  });

  it('refuses a create without all five ids (400) or with unknown ones (422)', async () => {
    const ids = await lookupIds();
    for (const missing of ['status_id', 'priority_id', 'type_id', 'automation_type_id', 'owner_id']) {
      const body: Record<string, unknown> = { ...valid(), ...ids };
      delete body[missing];
      const res = await api.call('POST', `/projects/${PID}/test_cases`, body);
      expect(res.status, missing).toBe(400);
      expect(res.json.message).toContain(missing);
    }
    const unknown = await api.call('POST', `/projects/${PID}/test_cases`, { ...valid(), ...ids, priority_id: '33333333-3333-4333-8333-333333333333' });
    expect(unknown.status).toBe(422);
    const noTitle = await api.call('POST', `/projects/${PID}/test_cases`, { ...valid(), ...ids, title: '' });
    expect(noTitle.status).toBe(400);
    expect(api.emu.state().test_cases).toHaveLength(52);
  });

  it('deletes a case with {"message": ""}', async () => {
    const res = await api.call('DELETE', `/projects/${PID}/test_cases/DEMO-50`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ message: '' });
    expect((await api.get(`/projects/${PID}/test_cases/DEMO-50`)).status).toBe(404);
  });
});
