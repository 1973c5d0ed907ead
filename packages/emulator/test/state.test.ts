import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FACTS, seedId, startEmulator } from '../src/index.js';
import type { EmulatorState, SeedObject } from '../src/index.js';
import type { Api } from './helpers.js';
import { createRun, start } from './helpers.js';

const PID = DEMO_FACTS.project.id;
let api: Api;

beforeAll(async () => {
  api = await start();
});
afterAll(async () => {
  await api.emu.close();
});

describe('state()', () => {
  it('holds the demo seed with stable ids', () => {
    const s = api.emu.state();
    expect(s.projects.map((p) => [p.name, p.human_id_prefix, p.id])).toEqual([
      ['Demo', 'DEMO', PID],
      ['Sandbox', 'SBX', DEMO_FACTS.sandboxProject.id],
    ]);
    expect(s.test_cases.filter((c) => c.project_id === PID)).toHaveLength(DEMO_FACTS.caseCount);
    expect(s.test_cases[0]).toMatchObject({ id: DEMO_FACTS.caseId(1), human_id: 'DEMO-1' });
    expect(s.users.map((u) => u.email)).toEqual(['bob@example.com', 'alice@example.com']);
    expect(s.lookups.test_run_statuses).toHaveLength(7);
    expect(s.folders.filter((f) => f.project_id === PID).map((f) => f.name)).toEqual(DEMO_FACTS.folders);
    expect(s.test_runs[0]).toMatchObject({ human_id: 'DEMO-R-1', status: 'CLOSED', selection: [1, 2, 3, 4, 5].map(DEMO_FACTS.caseId) });
    expect(s.test_runs[0]?.results[DEMO_FACTS.caseId(3)]).toMatchObject({ status: 'Failed', status_id: DEMO_FACTS.runStatusId('Failed') });
    expect(DEMO_FACTS.caseId(7)).toBe(seedId('test_case:DEMO-7'));
  });

  it('is a deep copy', () => {
    const s = api.emu.state();
    s.projects[0]!.name = 'changed';
    s.test_runs[0]!.selection.length = 0;
    expect(api.emu.state().projects[0]?.name).toBe('Demo');
    expect(api.emu.state().test_runs[0]?.selection).toHaveLength(5);
  });

  it('logs requests (method, path, query, status, request id, time) and counts per route', async () => {
    api.emu.reset();
    const answer = await api.get(`/projects/${PID}/test_cases?page_size=5&search=login`);
    await api.get(`/projects/${PID}/test_cases/DEMO-3`);
    await api.get('/nowhere');
    const s = api.emu.state();
    expect(s.requests[0]).toMatchObject({
      method: 'GET',
      path: `/api/v1/projects/${PID}/test_cases`,
      query: { page_size: '5', search: 'login' },
      route: 'GET /projects/{pid}/test_cases',
      status: 200,
      request_id: answer.headers.get('x-request-id'),
      faults: [],
    });
    expect(s.requests[0]?.time).toBeGreaterThan(Date.now() - 60_000);
    expect(s.counts).toEqual({ 'GET /projects/{pid}/test_cases': 1, 'GET /projects/{pid}/test_cases/{id}': 1, 'GET <unmatched>': 1 });
  });

  it('reset() restores the seed and clears the log', async () => {
    await createRun(api, PID, [DEMO_FACTS.caseId(1)], 'to be reset');
    await api.call('DELETE', `/projects/${PID}/test_cases/DEMO-9`);
    api.emu.reset();
    const s = api.emu.state();
    expect(s.test_runs.map((r) => r.title)).toEqual(['Sprint 41 regression']);
    expect(s.test_cases.some((c) => c.human_id === 'DEMO-9')).toBe(true);
    expect(s.requests).toEqual([]);
    expect(s.counts).toEqual({});
    // Numbering starts over too.
    expect((await createRun(api, PID, [DEMO_FACTS.caseId(1)])).human_id).toBe('DEMO-R-2');
  });
});

describe('admin endpoints', () => {
  it('GET /__emulator/state and POST /__emulator/reset need no token', async () => {
    await createRun(api, PID, [DEMO_FACTS.caseId(1)], 'admin visible');
    const state = (await (await fetch(`${api.emu.origin}/__emulator/state`)).json()) as EmulatorState;
    expect(state.test_runs.map((r) => r.title)).toContain('admin visible');
    const reset = await fetch(`${api.emu.origin}/__emulator/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(reset.headers.get('x-request-id')).toBeTruthy();
    expect(api.emu.state().test_runs.map((r) => r.title)).not.toContain('admin visible');
    const info = (await (await fetch(`${api.emu.origin}/__emulator`)).json()) as { url: string };
    expect(info.url).toBe(api.emu.url);
    expect((await fetch(`${api.emu.origin}/__emulator/nothing`)).status).toBe(404);
  });

  it('admin requests are not part of the API request log', async () => {
    api.emu.reset();
    await fetch(`${api.emu.origin}/__emulator/state`);
    expect(api.emu.state().requests).toEqual([]);
  });
});

describe('seeds', () => {
  it('starts empty: lookups and users, no projects', async () => {
    const emu = await startEmulator({ seed: 'empty', rateLimit: false });
    try {
      const s = emu.state();
      expect(s.projects).toEqual([]);
      expect(s.users).toHaveLength(2);
      expect(s.lookups.test_case_priorities.length).toBeGreaterThan(0);
    } finally {
      await emu.close();
    }
  });

  it('starts from a seed object (the documented JSON format)', async () => {
    const seed: SeedObject = {
      users: [{ email: 'ci@example.com', first_name: 'CI', last_name: 'Bot' }],
      lookups: { test_run_statuses: ['Passed', 'Failed', { name: 'UnTested', alias: 'UNTESTED' }] },
      projects: [
        {
          name: 'Shop',
          human_id_prefix: 'SHOP',
          folders: [{ name: 'Root' }, { name: 'Child', parent: 'Root' }],
          test_cases: [{ title: 'one', folder: 'Child' }, { title: 'two' }],
          test_runs: [{ title: 'r', cases: ['SHOP-1', 'SHOP-2'], results: [{ case: 'SHOP-2', status: 'Failed' }] }],
        },
      ],
    };
    const other = await start({ seed });
    try {
      const pid = seedId('project:SHOP');
      const list = await other.get(`/projects/${pid}/test_runs/SHOP-R-1/test_cases`);
      expect(list.json.data.test_run_cases.map((c: { status: string }) => c.status)).toEqual(['UnTested', 'Failed']);
      expect((await other.get('/users')).json.data[0]).toMatchObject({ email: 'ci@example.com', status: 'ACTIVE' });
    } finally {
      await other.emu.close();
    }
  });

  it('refuses an inconsistent seed with a message naming the entry', async () => {
    await expect(startEmulator({ seed: { projects: [{ name: 'X', human_id_prefix: 'X', test_cases: [{ title: 't', folder: 'Missing' }] }] } })).rejects.toThrow(
      /projects\[0\]\.test_cases\[0\]: unknown folder "Missing"/,
    );
  });
});
